"""One play of a step placed in time: targets under an attack/hold/release envelope, plus motions.

A segment starts from `origin`, the expression layer's value when it began (rest, the previous
step's held targets, or the pose a preempted plan left), and blends each channel toward the
envelope's targets. A channel that has far to travel from an unrelated origin blends slower —
never faster than `SPEED_LIMITS`, unless the preset itself moves that channel faster from rest (a
blink) — so a preempting plan never snaps the face.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from animator.timeline.presets import Waveform
from animator.timeline.speech import SpeechTrack
from contracts.pose import CHANNELS

# Per channel, the fastest a blend from a preempted pose may move: units per second.
SPEED_LIMITS = np.array([40.0 if spec.unit == "deg" else 2.4 for spec in CHANNELS])

Easing = Callable[[float | np.ndarray], float | np.ndarray]


@dataclass(frozen=True, slots=True)
class MotionTrack:
    """An oscillation on one channel, relative to its segment's start.

    Attributes:
        channel: index of the channel in CHANNELS order.
        amplitude: peak offset in the channel's unit (intensity already applied).
        frequency: cycles per second.
        waveform: "sine" (both sides) or "pulse" ((1 − cos)/2 hump toward `amplitude`).
        span: seconds the motion plays, a whole number of cycles so it ends at 0; inf for one
            that runs for the whole segment.
    """

    channel: int
    amplitude: float
    frequency: float
    waveform: Waveform
    span: float

    def value(self, tau: float) -> float:
        """The offset `tau` seconds after the segment's start."""
        if tau >= self.span:
            return 0.0
        phase = 2.0 * math.pi * self.frequency * tau
        if self.waveform == "sine":
            return self.amplitude * math.sin(phase)
        return self.amplitude * (0.5 - 0.5 * math.cos(phase))


@dataclass(frozen=True, slots=True)
class Envelope:
    """What one play of a step does, in seconds from its own start.

    Attributes:
        target: (12,) float64 channel targets, intensity applied (CHANNELS order).
        attack: seconds to reach the targets from rest.
        body_end: when the release starts; inf holds until the next plan.
        release: seconds back to rest; None keeps the targets for the next step to take over.
        ease: the easing curve of attack and release.
        motions: oscillations added on top, faded in and out with the envelope.
        speech: mouth keyframes for the speech layer (talk/chat), or None.
        suppress_blink: no idle blink may start during attack or hold.
    """

    target: np.ndarray
    attack: float
    body_end: float
    release: float | None
    ease: Easing
    motions: tuple[MotionTrack, ...] = ()
    speech: SpeechTrack | None = None
    suppress_blink: bool = False

    def level(self, tau: float) -> float:
        """1 until the release starts, then eased down to 0."""
        if self.release is None or tau < self.body_end:
            return 1.0
        return 1.0 - float(self.ease((tau - self.body_end) / self.release))


@dataclass(frozen=True, slots=True)
class Segment:
    """An envelope placed at `start` (s, timeline clock), blending from `origin`.

    Attributes:
        step_index: the plan step this segment plays.
        start: when it starts.
        origin: (12,) float64 expression-layer value at `start`.
        envelope: what it plays.
        channel_attack: (12,) float64 per-channel blend time from `origin` (≥ envelope.attack).
        end: when it is over (inf while it holds).
    """

    step_index: int
    start: float
    origin: np.ndarray
    envelope: Envelope
    channel_attack: np.ndarray
    end: float

    @classmethod
    def place(
        cls, envelope: Envelope, *, step_index: int, start: float, origin: np.ndarray
    ) -> Segment:
        """Place `envelope` at `start`, slowing the channels that have far to go from `origin`."""
        attack = envelope.attack
        allowed = np.maximum(SPEED_LIMITS, np.abs(envelope.target) / attack)
        channel_attack = np.maximum(attack, np.abs(envelope.target - origin) / allowed)
        length = max(envelope.body_end + (envelope.release or 0.0), float(channel_attack.max()))
        return cls(step_index, start, origin, envelope, channel_attack, start + length)

    def value(self, t: float) -> np.ndarray:
        """The expression layer at time `t` within this segment: (12,) float64."""
        env = self.envelope
        tau = t - self.start
        level = env.level(tau)
        blend = env.ease(np.minimum(tau / self.channel_attack, 1.0))
        out = self.origin + (env.target * level - self.origin) * blend
        if env.motions:
            weight = float(env.ease(tau / env.attack)) * level
            for motion in env.motions:
                out[motion.channel] += weight * motion.value(tau)
        return out

    def suppresses_blink(self, t: float) -> bool:
        """True while a blink-suppressing step is in its attack or hold at `t`."""
        return self.envelope.suppress_blink and t - self.start < self.envelope.body_end
