"""Speech → text: the `Recognizer` interface and its faster-whisper (CTranslate2) backend.

The backend decodes one utterance at a time (the VAD already cut it), rejects what Whisper is
known to invent on silence and noise, and normalises the text for the intent interpreter.
Loading and decoding block, so the listener calls them from its own worker thread.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from voice.audio import SAMPLE_RATE

log = logging.getLogger("avatar.voice")

Language = Literal["ko", "en", "auto"]
LANGUAGES: tuple[Language, ...] = ("ko", "en", "auto")

PHANTOM_LINES = frozenset({
    "감사합니다", "시청해 주셔서 감사합니다", "시청해주셔서 감사합니다",
    "구독과 좋아요 부탁드립니다",
    "thank you", "thanks for watching", "thank you for watching", "thank you very much", "you",
    "bye", "subtitles by the amara.org community", "mbc 뉴스 이덕영입니다",
})
"""Lines Whisper is known to produce from silence or noise (compared after normalisation,
lower-cased); accepted only when the VAD heard mostly speech."""
_TRAILING = re.compile(r"[\s.!?,;:…。、！？~\-]+$")
_LEADING = re.compile(r"^[\s.,;:…\-]+")
_SPACES = re.compile(r"\s+")
_COUNT_COMMA = re.compile(
    r"\s*,\s*(?=(?:once|twice|thrice|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+times|[0-9한두세네다섯]+\s*번)\b)",
    re.IGNORECASE,
)


class MultilingualModelNeeded(ValueError):
    """Korean (or language detection) was asked of an English-only model; says what to get."""


@dataclass(frozen=True, slots=True)
class RecognizerOptions:
    """How the recognizer decodes.

    Attributes:
        language: "ko", "en" or "auto" (detect per utterance; multilingual models only).
        beam_size: 1 is greedy (fastest); 5 is Whisper's default.
        temperature: 0 for deterministic decoding.
        initial_prompt: text that primes the decoder (e.g. the command vocabulary).
        hotwords: words to favour (faster-whisper `hotwords`).
        no_speech_threshold: segments whose no-speech probability is above this are dropped.
        logprob_threshold: segments whose average token log-probability is below this are dropped.
        phantom_speech_ratio: a known phantom line is accepted only when at least this share of
            the utterance's VAD windows were speech.
        device: "auto" (CUDA float16 when present, else CPU int8), "cpu" or "cuda".
        cpu_threads: CTranslate2 CPU threads (0: one per core, at most 4).
    """

    language: Language = "auto"
    beam_size: int = 1
    temperature: float = 0.0
    initial_prompt: str | None = None
    hotwords: str | None = None
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    phantom_speech_ratio: float = 0.9
    device: str = "auto"
    cpu_threads: int = 0


@dataclass(frozen=True, slots=True)
class Transcript:
    """What the recognizer heard in one utterance.

    Attributes:
        text: normalised text ("" when nothing usable was heard).
        language: the language decoded ("en", "ko", ...).
        confidence: 0..1, the geometric mean token probability of the kept segments.
        rejected: why the audio gave no text ("no speech", "phantom line", ...), else None.
        decode_s: seconds spent decoding.
    """

    text: str
    language: str
    confidence: float
    rejected: str | None = None
    decode_s: float = 0.0


class Recognizer(Protocol):
    """Speech recognition behind one call, whatever the engine."""

    name: str
    """The model's name ("whisper-tiny.en")."""
    english_only: bool
    """True when the model cannot transcribe Korean."""

    def transcribe(self, audio: np.ndarray, *, speech_ratio: float = 1.0) -> Transcript:
        """Decode one utterance: `(n,)` float32 samples at 16 kHz.

        Args:
            audio: the utterance (pre-roll included).
            speech_ratio: share of its VAD windows that were speech (phantom-line rejection).
        """


def normalize_transcript(text: str) -> str:
    """Text as the interpreter wants it: NFKC (full-width → ASCII), single spaces, no trailing
    punctuation, no leading filler punctuation; digits stay digits ("wink 2 times").

    Whisper puts a comma where the speaker paused; before a count ("nod, twice") that pause
    would cut the count off its expression, so such commas are dropped.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text).strip()
    text = _COUNT_COMMA.sub(" ", text)
    text = _TRAILING.sub("", text)
    return _LEADING.sub("", text)


def is_phantom(text: str) -> bool:
    """True for the lines Whisper invents on silence and noise."""
    return normalize_transcript(text).lower() in PHANTOM_LINES


def resolve_device(device: str) -> tuple[str, str]:
    """(device, compute type) for "auto", "cpu" or "cuda": CUDA float16 when present."""
    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"voice device must be auto, cpu or cuda, got {device!r}")
    if device == "auto":
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    return device, ("float16" if device == "cuda" else "int8")


class WhisperRecognizer:
    """faster-whisper on a CTranslate2 model folder.

    Args:
        model_dir: the folder with `model.bin`, `config.json`, the tokenizer and vocabulary.
        name: the model's registry name (shown in the status; ".en" marks English only).
        options: decoding options.

    Raises:
        MultilingualModelNeeded: `options.language` is "ko" or "auto" on an English-only model.
        ValueError: the folder does not hold a loadable model (the message names it).
    """

    def __init__(self, model_dir: Path, name: str, options: RecognizerOptions | None = None):
        self.name = name
        self.english_only = name.endswith(".en")
        self.options = options or RecognizerOptions()
        if self.english_only and self.options.language == "ko":
            raise MultilingualModelNeeded(multilingual_hint(name))
        self.device, self.compute_type = resolve_device(self.options.device)
        from faster_whisper import WhisperModel

        started = time.perf_counter()
        try:
            self._model = WhisperModel(
                str(model_dir), device=self.device, compute_type=self.compute_type,
                cpu_threads=self.options.cpu_threads or min(4, os.cpu_count() or 1),
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ValueError(f"cannot load the speech model in {model_dir}: {exc}") from exc
        self.load_s = time.perf_counter() - started
        log.info("%s loaded on %s/%s in %.2f s", name, self.device, self.compute_type, self.load_s)

    def transcribe(self, audio: np.ndarray, *, speech_ratio: float = 1.0) -> Transcript:
        """Decode one utterance; hallucinations come back with `rejected` set and no text."""
        options = self.options
        language = "en" if self.english_only else (
            None if options.language == "auto" else options.language
        )
        started = time.perf_counter()
        segments, info = self._model.transcribe(
            audio.astype(np.float32, copy=False),
            language=language,
            beam_size=options.beam_size,
            temperature=options.temperature,
            initial_prompt=options.initial_prompt,
            hotwords=options.hotwords,
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,  # our VAD already cut the utterance
            no_speech_threshold=options.no_speech_threshold,
            log_prob_threshold=options.logprob_threshold,
        )
        segments = list(segments)  # the generator decodes lazily: finish it in this thread
        decode_s = time.perf_counter() - started
        return self._judge(segments, info, speech_ratio, decode_s)

    def _judge(
        self, segments: list[Any], info: Any, speech_ratio: float, decode_s: float
    ) -> Transcript:
        options = self.options
        language = str(getattr(info, "language", "en") or "en")
        kept = [
            s for s in segments
            if s.no_speech_prob <= options.no_speech_threshold
            and s.avg_logprob >= options.logprob_threshold
            and s.text.strip()
        ]
        if not kept:
            reason = "no speech" if segments else "nothing decoded"
            return Transcript("", language, 0.0, rejected=reason, decode_s=decode_s)
        text = normalize_transcript(" ".join(s.text.strip() for s in kept))
        tokens = [max(1, len(s.tokens)) for s in kept]
        mean_logprob = sum(s.avg_logprob * n for s, n in zip(kept, tokens, strict=True)) / sum(
            tokens
        )
        confidence = min(1.0, math.exp(mean_logprob))
        if not text:
            return Transcript("", language, confidence, rejected="only punctuation",
                              decode_s=decode_s)
        if is_phantom(text) and speech_ratio < options.phantom_speech_ratio:
            return Transcript("", language, confidence, rejected=f"phantom line {text!r}",
                              decode_s=decode_s)
        return Transcript(text, language, confidence, decode_s=decode_s)


def multilingual_hint(name: str) -> str:
    """The message for Korean on an English-only model: what to download instead."""
    return (
        f"Korean speech needs a multilingual model; {name} understands English only. "
        "Run `avatar models download whisper-small`, then set voice.model = \"whisper-small\" "
        "(or \"auto\")."
    )


def audio_seconds(audio: np.ndarray) -> float:
    """Length of 16 kHz samples in seconds."""
    return len(audio) / SAMPLE_RATE
