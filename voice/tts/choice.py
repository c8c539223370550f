"""Choosing the voice the settings ask for, falling back to eSpeak NG with a note when the neural
voice is missing or broken."""

from __future__ import annotations

import logging
from pathlib import Path

from voice.tts.synthesis import TtsError, Voice

log = logging.getLogger("avatar.voice")

DOWNLOAD_HINT = "`avatar models download tts-supertonic`"


def choose_voice(
    name: str,
    *,
    models_dir: str | Path | None = None,
    style: str | None = None,
    rate_wpm: int | None = None,
) -> tuple[Voice, list[str]]:
    """The voice for `name` ("auto", "espeak", "supertonic") and user-facing notes.

    "auto" takes the neural voice when its files are present, else eSpeak NG silently;
    "supertonic" says why when it cannot load and speaks with eSpeak NG instead.

    Raises:
        TtsError: not even eSpeak NG can be loaded.
    """
    from voice.tts.espeak import EspeakVoice

    notes: list[str] = []
    if name in ("auto", "supertonic"):
        from voice.tts.supertonic import SupertonicVoice, present

        if name == "supertonic" or present(models_dir):
            try:
                return SupertonicVoice.from_models_dir(models_dir, style=style), notes
            except TtsError as exc:
                log.debug("neural voice failed to load", exc_info=True)
                notes.append(f"neural voice unusable ({exc}); speaking with eSpeak NG")
    espeak = EspeakVoice(rate_wpm) if rate_wpm is not None else EspeakVoice()
    return espeak, notes
