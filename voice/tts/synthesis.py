"""What every voice returns: audio samples plus the timed units the mouth follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from contracts import SpeechTiming, TimedUnit
from voice.tts.text import Language

RUN_GAP_S = 0.02
"""Silence between two runs of different script inside one sentence."""


class TtsError(RuntimeError):
    """A voice cannot speak (library missing, model corrupt); the message says what to do."""


@dataclass(frozen=True, slots=True)
class Synthesis:
    """One spoken piece of text.

    Attributes:
        text: what was said.
        audio: (N,) float32 mono samples in [-1, 1].
        sample_rate: samples per second.
        timing: the units and their times, seconds from `audio[0]`.
    """

    text: str
    audio: np.ndarray
    sample_rate: int
    timing: SpeechTiming

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return len(self.audio) / self.sample_rate


class Voice(Protocol):
    """A text-to-speech voice for Korean and English."""

    name: str
    """Shown in the status ("eSpeak NG", "Supertonic 2 · F1")."""
    sample_rate: int
    """Samples per second of everything it returns."""

    def speak(self, text: str, language: Language) -> Synthesis:
        """`text` (one run of one script, already cleaned) read in `language`."""
        ...


def concatenate(pieces: list[Synthesis], text: str, gap_s: float = RUN_GAP_S) -> Synthesis:
    """Pieces of one sentence back to back with `gap_s` of silence between them."""
    if len(pieces) == 1:
        return pieces[0]
    rate = pieces[0].sample_rate
    gap = np.zeros(round(gap_s * rate), dtype=np.float32)
    chunks: list[np.ndarray] = []
    parts: list[tuple[float, SpeechTiming]] = []
    offset = 0
    for index, piece in enumerate(pieces):
        if index:
            chunks.append(gap)
            offset += len(gap)
        parts.append((offset / rate, piece.timing))
        chunks.append(piece.audio)
        offset += len(piece.audio)
    audio = np.concatenate(chunks).astype(np.float32)
    return Synthesis(text, audio, rate, SpeechTiming.joined(parts, len(audio) / rate))


def loudness_weights(
    audio: np.ndarray, sample_rate: int, spans: list[tuple[float, float]]
) -> list[float]:
    """Relative loudness (0..1) of each (start, end) span: its RMS over the 90th percentile of
    all spans' RMS, so the mouth opens less on quiet units and most on the loud vowels."""
    rms = []
    for start, end in spans:
        first = int(start * sample_rate)
        chunk = audio[first : max(int(end * sample_rate), first + 1)].astype(np.float64)
        rms.append(float(np.sqrt(np.mean(chunk * chunk))) if len(chunk) else 0.0)
    if not rms:
        return []
    reference = float(np.percentile(rms, 90)) or 1.0
    return [min(1.0, value / reference) for value in rms]


def empty_timing(language: Language, voice: str) -> SpeechTiming:
    """The timing of nothing said."""
    return SpeechTiming(units=(), duration=0.0, language=language, voice=voice)


def units_in_order(units: list[TimedUnit]) -> tuple[TimedUnit, ...]:
    """`units` sorted by start, without zero-length units."""
    return tuple(sorted((u for u in units if u.end > u.start), key=lambda u: u.start))
