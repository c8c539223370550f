"""`SpeechTiming`: what a voice said and when, unit by unit, as the mouth should show it.

A text-to-speech voice (package `voice`) produces it together with the audio; the agent hands it
to the animator, whose speech layer turns each unit's viseme into mouth shapes. Times are seconds
from the first audio sample of the line, so they stay valid whichever clock plays the audio
(the sound card's, or the sample counter of the video being written).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Viseme = Literal[
    "sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "I", "O", "U"
]
"""Mouth-shape classes (the 15 of the MPEG-4 / Oculus set): silence; lips pressed (p b m);
lip on teeth (f v); tongue between teeth (th); tongue on ridge (t d); velar (k g); post-alveolar
(ch j sh); sibilant (s z); nasal/lateral (n l); r; open vowel (a); mid front (e); close front (i);
back rounded (o); close rounded (u)."""

VISEMES: tuple[Viseme, ...] = (
    "sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "I", "O", "U"
)
_SLACK_S = 0.005  # rounding of sample positions to milliseconds


class TimedUnit(BaseModel):
    """One phoneme (or an audio-derived mouth shape) with its time span.

    Attributes:
        symbol: the voice's own name of the unit (an eSpeak phoneme such as "'a", or the viseme
            itself when the shape was derived from the audio).
        viseme: the mouth-shape class it shows.
        start: seconds from the line's first sample.
        end: seconds from the line's first sample, >= start.
        stress: 1.0 on a primary-stressed vowel, 0.5 secondary, 0.0 otherwise.
        weight: how far the mouth opens relative to a normal unit (loudness), 0..1.
    """

    model_config = ConfigDict(frozen=True)

    symbol: str = Field(max_length=16)
    viseme: Viseme
    start: float = Field(ge=0.0)
    end: float = Field(ge=0.0)
    stress: float = Field(default=0.0, ge=0.0, le=1.0)
    weight: float = Field(default=1.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> TimedUnit:
        if self.end < self.start:
            raise ValueError(f"unit {self.symbol!r} ends before it starts ({self.start})")
        return self


class SpeechTiming(BaseModel):
    """The timed units of one spoken line.

    Attributes:
        units: in time order, non-overlapping, within [0, duration].
        duration: seconds of audio.
        language: the voice's language ("ko", "en").
        voice: which voice spoke ("eSpeak NG", "Supertonic 2 (F1)").
        timing: "phonemes" when the voice reported them, "audio" when they were derived from
            the waveform's energy and spectrum.
    """

    model_config = ConfigDict(frozen=True)

    units: tuple[TimedUnit, ...] = ()
    duration: float = Field(ge=0.0)
    language: str
    voice: str
    timing: Literal["phonemes", "audio"] = "phonemes"

    @model_validator(mode="after")
    def _consistent(self) -> SpeechTiming:
        previous_end = 0.0
        for unit in self.units:
            if unit.start < previous_end - _SLACK_S:
                raise ValueError(f"unit {unit.symbol!r} at {unit.start:.3f} s overlaps the last")
            if unit.end > self.duration + _SLACK_S:
                raise ValueError(
                    f"unit {unit.symbol!r} ends at {unit.end:.3f} s, after the audio "
                    f"({self.duration:.3f} s)"
                )
            previous_end = unit.end
        return self

    def shifted(self, offset: float, duration: float) -> SpeechTiming:
        """The same units `offset` seconds later, inside a line `duration` seconds long."""
        units = tuple(
            unit.model_copy(update={"start": unit.start + offset, "end": unit.end + offset})
            for unit in self.units
        )
        return self.model_copy(update={"units": units, "duration": duration})

    @classmethod
    def joined(cls, parts: list[tuple[float, SpeechTiming]], duration: float) -> SpeechTiming:
        """One timing from (offset, part) pairs in time order (a line spoken in sentences)."""
        if not parts:
            return cls(duration=duration, language="", voice="")
        units = tuple(u for offset, part in parts for u in part.shifted(offset, duration).units)
        first = parts[0][1]
        return cls(
            units=units, duration=duration, language=first.language, voice=first.voice,
            timing=first.timing,
        )
