"""Lip sync from a voice: timed visemes → mouth shapes, plus a little emphasis on stressed vowels.

A voice reports what it said unit by unit (`contracts.SpeechTiming`). Each unit becomes one key
just before its middle; consonants other than the visible ones (lips pressed, lip on teeth, rounded
post-alveolars) take most of their shape from the vowels around them, because the jaw and lips
are already on their way there (coarticulation), and a short moving average softens what is
left. Loud units open the mouth further than quiet ones. Stressed vowels lift the brows and dip
the head a touch.

A `VoiceLine` places such a track on a clock: the audio clock of the sound card (live) or the
sample counter of the video being written (render), so the mouth shows the sound being heard.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from animator.timeline.easing import smoothstep
from contracts import SpeechTiming, Viseme
from contracts.pose import CHANNEL_NAMES

SHAPES: dict[Viseme, tuple[float, float, float]] = {
    # viseme: (mouth_open, mouth_wide, mouth_round) at full loudness
    "sil": (0.0, 0.0, 0.0), "PP": (0.0, 0.0, 0.05), "FF": (0.1, 0.3, 0.0),
    "TH": (0.2, 0.25, 0.0), "DD": (0.3, 0.3, 0.0), "kk": (0.35, 0.2, 0.0),
    "CH": (0.25, 0.05, 0.6), "SS": (0.15, 0.5, 0.0), "nn": (0.25, 0.3, 0.0),
    "RR": (0.25, 0.0, 0.45), "aa": (0.85, 0.2, 0.0), "E": (0.55, 0.5, 0.0),
    "I": (0.3, 0.75, 0.0), "O": (0.55, 0.0, 0.7), "U": (0.3, 0.0, 0.9),
}  # fmt: skip
VOWELS: frozenset[Viseme] = frozenset({"aa", "E", "I", "O", "U"})
_VISIBLE: frozenset[Viseme] = frozenset({"PP", "FF", "CH", "sil"})
CONSONANT_OWN = 0.45
"""Share of a hidden consonant's own shape; the rest comes from its neighbouring vowels."""
QUIET_OPENING = 0.2
"""Mouth opening of the quietest unit relative to the loudest."""
BROW_LIFT = 0.18
"""Eyebrow raise on a primary-stressed vowel."""
NOD_DEG = -1.2
"""Head pitch (degrees, down) on a primary-stressed vowel."""
KEY_AT = 0.35
"""Where in its unit a shape peaks: a little before the middle, because the lips get there
before the sound is loudest."""
EDGE_S = 0.06
"""The track fades in before the first sample and out after the last over this time."""
CUT_S = 0.08
"""After the speech is stopped (barge-in) the mouth closes within this time."""

_SPEECH_CHANNELS = ("mouth_open", "mouth_wide", "mouth_round", "eyebrow", "head_pitch")
CHANNELS_INDEX = np.array([CHANNEL_NAMES.index(name) for name in _SPEECH_CHANNELS])
_N = len(CHANNEL_NAMES)


@dataclass(frozen=True, slots=True)
class VoiceTrack:
    """Keyframes of a spoken line on its audio time.

    Attributes:
        times: (K,) float64 key times in seconds of audio, increasing.
        shapes: (K, 5) float64 (mouth_open, mouth_wide, mouth_round, eyebrow, head_pitch).
        duration: seconds of audio.
    """

    times: np.ndarray
    shapes: np.ndarray
    duration: float

    def sample(self, tau: float) -> tuple[np.ndarray, float]:
        """(5,) values and the layer weight at `tau` seconds of audio."""
        if len(self.times) == 0 or tau <= -EDGE_S or tau >= self.duration + EDGE_S:
            return np.zeros(5), 0.0
        weight = float(smoothstep((tau + EDGE_S) / EDGE_S) * smoothstep(
            (self.duration + EDGE_S - tau) / EDGE_S
        ))
        j = int(np.searchsorted(self.times, tau, side="right")) - 1
        if j < 0:
            return self.shapes[0].copy(), weight
        if j >= len(self.times) - 1:
            return self.shapes[-1].copy(), weight
        t0, t1 = self.times[j], self.times[j + 1]
        mix = float(smoothstep((tau - t0) / (t1 - t0))) if t1 > t0 else 1.0
        return self.shapes[j] + (self.shapes[j + 1] - self.shapes[j]) * mix, weight


def voice_track(timing: SpeechTiming) -> VoiceTrack:
    """The keyframes of `timing`: one key per unit (`KEY_AT`), closed at both ends."""
    units = [u for u in timing.units if u.end > u.start]
    if not units:
        return VoiceTrack(np.zeros(0), np.zeros((0, 5)), timing.duration)
    own = np.array([SHAPES[u.viseme] for u in units])
    shapes = own.copy()
    vowel_index = [i for i, u in enumerate(units) if u.viseme in VOWELS]
    for i, unit in enumerate(units):
        if unit.viseme in VOWELS or unit.viseme in _VISIBLE:
            continue
        neighbours = _nearest_vowels(vowel_index, i)
        if neighbours:
            context = own[neighbours].mean(axis=0)
            shapes[i] = CONSONANT_OWN * own[i] + (1.0 - CONSONANT_OWN) * context
    loudness = np.array([QUIET_OPENING + (1.0 - QUIET_OPENING) * u.weight for u in units])
    shapes = shapes * loudness[:, None]
    shapes = _soften(shapes, [u.viseme for u in units])
    emphasis = np.array(
        [
            (BROW_LIFT * u.stress, NOD_DEG * u.stress) if u.viseme in VOWELS else (0.0, 0.0)
            for u in units
        ]
    )
    mids = np.array([u.start + KEY_AT * (u.end - u.start) for u in units])
    first, last = units[0].start, units[-1].end
    times = np.concatenate([[min(first, mids[0] - 1e-3)], mids, [max(last, mids[-1] + 1e-3)]])
    keys = np.concatenate([np.zeros((1, 5)), np.hstack([shapes, emphasis]), np.zeros((1, 5))])
    keep = np.concatenate([[True], np.diff(times) > 1e-6])
    return VoiceTrack(times[keep], keys[keep], timing.duration)


def _nearest_vowels(vowel_index: list[int], i: int) -> list[int]:
    before = [j for j in vowel_index if j < i][-1:]
    after = [j for j in vowel_index if j > i][:1]
    return before + after


def _soften(shapes: np.ndarray, visemes: list[Viseme]) -> np.ndarray:
    """A [1 2 1] moving average over keys, except on lip closures, which must stay shut."""
    if len(shapes) < 3:
        return shapes
    padded = np.vstack([shapes[:1], shapes, shapes[-1:]])
    soft = (padded[:-2] + 2.0 * padded[1:-1] + padded[2:]) / 4.0
    for i, viseme in enumerate(visemes):
        if viseme in ("PP", "sil"):
            soft[i] = shapes[i]
    return soft


AudioClock = Callable[[float], float]
"""Timeline time (s) → seconds of the line's audio heard at that time."""


@dataclass(frozen=True, slots=True)
class VoiceLine:
    """A spoken line placed on a clock, for the plan that speaks it.

    Attributes:
        plan_id: the plan whose reply it is; a newer plan silences it.
        track: its keyframes.
        clock: timeline time → audio seconds.
        cut: timeline time the speech was stopped (inf while it plays).
    """

    plan_id: int
    track: VoiceTrack
    clock: AudioClock
    cut: float = math.inf

    def sample(self, t: float) -> tuple[np.ndarray, float]:
        """(12,) speech-layer values (mouth, brow, head pitch) and the weight at `t`."""
        values = np.zeros(_N)
        shape, weight = self.track.sample(self.clock(min(t, self.cut)))
        if t > self.cut:
            weight *= 1.0 - float(smoothstep((t - self.cut) / CUT_S))
        values[CHANNELS_INDEX] = shape
        return values, weight
