"""Idle life: blinks, breathing, head sway and gaze drift that keep a still portrait alive.

Everything is a pure function of the time and the seed, so the same seed and the same query times
give the same values whatever order or rate the times are asked in. Sway and drift are sums of
slow sines with seeded frequencies and phases. Blink k starts at `k * BLINK_PERIOD` plus a seeded
jitter of at most ±BLINK_JITTER, so consecutive blinks are 2.1–5.9 s apart and any blink is found
in O(1) from the time alone.
"""

from __future__ import annotations

import math

import numpy as np

from animator.timeline.easing import smoothstep
from contracts.pose import CHANNEL_NAMES

BLINK_PERIOD = 4.0
BLINK_JITTER = 0.95
BLINK_CLOSE = 0.05  # seconds for the lids to come down
BLINK_SHUT = 0.03  # fully closed
BLINK_OPEN = 0.07  # seconds to come back up
BLINK_SECONDS = BLINK_CLOSE + BLINK_SHUT + BLINK_OPEN
BREATH_HZ = 0.24
BREATH_DEG = 0.5  # head_pitch swing of breathing

# channel: (amplitude, base frequencies of its partials in Hz); partial weights are _WEIGHTS
_SWAY: dict[str, tuple[float, tuple[float, float, float]]] = {
    "head_pitch": (0.8, (0.05, 0.11, 0.19)),
    "head_yaw": (1.5, (0.04, 0.09, 0.17)),
    "head_roll": (0.8, (0.03, 0.07, 0.13)),
    "gaze_x": (0.08, (0.07, 0.16, 0.31)),
    "gaze_y": (0.05, (0.06, 0.14, 0.27)),
}
_WEIGHTS = np.array([0.55, 0.3, 0.15])
_MASK64 = (1 << 64) - 1


class IdleLife:
    """The idle layer for one seed.

    Args:
        seed: any integer; two instances with the same seed produce identical values.
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed
        rng = np.random.default_rng(seed)
        base = np.array([freqs for _, freqs in _SWAY.values()], dtype=np.float64)
        self._freqs = base * rng.uniform(0.8, 1.25, size=base.shape)  # (5, 3) Hz
        self._phases = rng.uniform(0.0, 2.0 * np.pi, size=base.shape)  # (5, 3) rad
        amps = np.array([amp for amp, _ in _SWAY.values()], dtype=np.float64)
        self._amps = amps[:, None] * _WEIGHTS[None, :]  # (5, 3) channel units
        self._sway_index = np.array([CHANNEL_NAMES.index(name) for name in _SWAY])  # type: ignore[arg-type]
        self._pitch_index = CHANNEL_NAMES.index("head_pitch")
        self._breath_phase = float(rng.uniform(0.0, 2.0 * np.pi))

    def motion(self, t: float) -> np.ndarray:
        """Breathing, sway and gaze drift at `t` seconds: (12,) float64, 0 off those channels."""
        out = np.zeros(len(CHANNEL_NAMES))
        waves = self._amps * np.sin(2.0 * np.pi * self._freqs * t + self._phases)
        out[self._sway_index] = waves.sum(axis=1)
        breath = math.sin(2.0 * math.pi * BREATH_HZ * t + self._breath_phase)
        out[self._pitch_index] += BREATH_DEG * breath
        return out

    def blink_start(self, k: int) -> float:
        """Start time (s) of blink number `k` (any integer, negative too)."""
        return k * BLINK_PERIOD + (2.0 * self._unit(k) - 1.0) * BLINK_JITTER

    def blink_at(self, t: float) -> tuple[float, float]:
        """(start, closure) of the blink covering `t`; closure in [0, 1] (1 = lids shut).

        (nan, 0.0) when no blink covers `t`.
        """
        # Blink k starts within BLINK_JITTER of k * BLINK_PERIOD and lasts BLINK_SECONDS, far less
        # than half a period, so only the nearest k can cover t.
        start = self.blink_start(round(t / BLINK_PERIOD))
        if start <= t < start + BLINK_SECONDS:
            return start, _closure(t - start)
        return math.nan, 0.0

    def _unit(self, k: int) -> float:
        """A seeded uniform number in [0, 1) for blink `k` (splitmix64 of seed and k)."""
        z = self._seed * 0x9E3779B97F4A7C15 + k * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB
        z &= _MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return (z ^ (z >> 31)) / float(1 << 64)


def _closure(tau: float) -> float:
    """Lid closure tau seconds into a blink: eased down, shut, eased back up."""
    if tau < BLINK_CLOSE:
        return float(smoothstep(tau / BLINK_CLOSE))
    if tau < BLINK_CLOSE + BLINK_SHUT:
        return 1.0
    return float(1.0 - smoothstep((tau - BLINK_CLOSE - BLINK_SHUT) / BLINK_OPEN))
