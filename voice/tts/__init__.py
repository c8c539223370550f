"""Speech out: text → audio samples plus timed units (phonemes or visemes) for lip sync.

`synthesize(text, language)` speaks a whole reply; `stream(text, language)` yields it sentence
by sentence so a long reply starts at once. Both pick a voice per run of script (Hangul → the
Korean voice, Latin → the English one) unless `language` says otherwise. The default voice is
eSpeak NG, embedded through `espeakng-loader`; `load_voice("supertonic")` loads the neural voice
downloaded with `avatar models download tts-supertonic`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voice.tts.synthesis import Synthesis, TtsError, Voice, concatenate, empty_timing
from voice.tts.text import (
    LANGUAGES,
    Language,
    UnsupportedLanguage,
    cap,
    check_language,
    detect_language,
    script_runs,
    sentences,
    speakable,
)

VOICE_CHOICES = ("espeak", "supertonic")
SENTENCE_GAP_S = 0.05

__all__ = [
    "LANGUAGES",
    "VOICE_CHOICES",
    "Language",
    "Synthesis",
    "TtsError",
    "UnsupportedLanguage",
    "Voice",
    "cap",
    "default_voice",
    "load_voice",
    "speakable",
    "stream",
    "synthesize",
]

_DEFAULT: Voice | None = None


def default_voice() -> Voice:
    """The process-wide eSpeak NG voice (loaded on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        from voice.tts.espeak import EspeakVoice

        _DEFAULT = EspeakVoice()
    return _DEFAULT


def load_voice(
    name: str = "espeak", *, models_dir: str | Path | None = None, style: str | None = None
) -> Voice:
    """The voice called `name` ("espeak" or "supertonic").

    Raises:
        ValueError: unknown name.
        TtsError: the voice cannot load (neural model missing or corrupt: the message says how to
            get it).
    """
    if name == "espeak":
        return default_voice()
    if name == "supertonic":
        from voice.tts.supertonic import SupertonicVoice

        return SupertonicVoice.from_models_dir(models_dir, style=style)
    raise ValueError(f"unknown voice {name!r}; choose one of: {', '.join(VOICE_CHOICES)}")


def stream(
    text: str, language: str | None = None, *, voice: Voice | None = None
) -> Iterator[Synthesis]:
    """Speak `text` one sentence at a time (emoji and symbols dropped; nothing for empty text).

    Raises:
        UnsupportedLanguage: `language` is neither Korean nor English (before any audio).
        TtsError: the voice failed.
    """
    wanted = check_language(language)
    voice = voice or default_voice()
    for sentence in sentences(speakable(text)):
        yield speak_sentence(voice, sentence, wanted or detect_language(sentence))


def synthesize(text: str, language: str | None = None, *, voice: Voice | None = None) -> Synthesis:
    """Speak all of `text` into one piece of audio (see `stream`); empty text gives no samples."""
    voice = voice or default_voice()
    pieces = list(stream(text, language, voice=voice))
    if not pieces:
        lang = check_language(language) or detect_language(text)
        silence = np.zeros(0, np.float32)
        return Synthesis(text, silence, voice.sample_rate, empty_timing(lang, voice.name))
    return concatenate(pieces, text, SENTENCE_GAP_S)


def speak_sentence(voice: Voice, sentence: str, language: Language) -> Synthesis:
    """One sentence, each run of script read by the voice of its language."""
    pieces = [voice.speak(run, lang) for lang, run in script_runs(sentence, language)]
    pieces = [piece for piece in pieces if len(piece.audio)]
    if not pieces:
        return voice.speak(sentence, language)
    joined = concatenate(pieces, sentence)
    timing = joined.timing.model_copy(update={"language": language})
    return Synthesis(sentence, joined.audio, joined.sample_rate, timing)
