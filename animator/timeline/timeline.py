"""`Timeline`: plans in, a `Pose` for any wall-clock time out.

The pose at time t is a pure function of t, the seed, the plans played (and when) and the
operator override: sampling faster, slower or out of order never changes it. Layers are blended
per channel by `layers.BLEND_RULES` in the fixed order idle life → expression → speech → operator
override. A new plan preempts the current one and starts from the pose it left: its first segment
blends from the expression layer's value at that instant, and an interrupted line's mouth fades
out instead of snapping shut.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Mapping

import numpy as np

from animator.timeline.idle import IdleLife
from animator.timeline.layers import apply_layer
from animator.timeline.lipsync import AudioClock, VoiceLine, voice_track
from animator.timeline.presets import Presets, load_presets
from animator.timeline.schedule import Schedule, schedule_plan, stack_speech
from contracts.plan import Plan, Step
from contracts.pose import CHANNEL_NAMES, Pose
from contracts.speech import SpeechTiming

logger = logging.getLogger("avatar.animator")

_N = len(CHANNEL_NAMES)
_EYE_OPEN = CHANNEL_NAMES.index("eye_open")
_HISTORY = 4  # plans kept so that times just before the latest start still have their plan


class Timeline:
    """Turns plans into poses at wall-clock times.

    Args:
        presets: intent presets (default: the packaged `presets.yaml`).
        seed: seed of the idle life (blink times, sway and drift phases).
        idle: False turns idle life off, so the rest pose is exactly 0 on every channel.

    `play`, `set_override` and `clear_override` may be called from another thread than
    `pose_at`: each replaces immutable state in one assignment.
    """

    def __init__(self, presets: Presets | None = None, *, seed: int = 0, idle: bool = True) -> None:
        self._presets = presets if presets is not None else load_presets()
        self._idle = IdleLife(seed) if idle else None
        self._schedules: tuple[Schedule, ...] = ()
        self._override = (np.zeros(_N), np.zeros(_N))  # (values, weights), CHANNELS order
        self._voice: VoiceLine | None = None
        self._lock = threading.Lock()

    @property
    def plan_id(self) -> int:
        """Id of the current plan (0 = none yet)."""
        schedules = self._schedules
        return schedules[-1].plan_id if schedules else 0

    def play(self, plan: Plan, now: float) -> int:
        """Start `plan` at `now` (s), preempting whatever plays; returns its id (1, 2, ...).

        A `now` earlier than the current plan's start is taken as that start.
        """
        with self._lock:
            schedules = self._schedules
            start = max(now, schedules[-1].start) if schedules else now
            schedule = schedule_plan(
                plan,
                self._presets,
                plan_id=self.plan_id + 1,
                start=start,
                origin=self._expression_at(start),
                speech_origin=self._speech_at(start),
            )
            self._schedules = (*schedules[-(_HISTORY - 1) :], schedule)
        logger.debug(
            "plan %d %s at %.3f until %.3f", schedule.plan_id, plan.intents, start, schedule.end
        )
        return schedule.plan_id

    def pose_at(self, now: float) -> Pose:
        """The blended pose at `now` (s).

        `now` is normally non-decreasing but need not be: a time before the latest plan's start
        is answered from the plan that was playing then (the last few plans are kept).
        """
        vector = np.zeros(_N)
        if self._idle is not None:
            vector = apply_layer(vector, "idle", self._idle_at(self._idle, now))
        schedule = self._schedule_at(now)
        if schedule is not None:
            vector = apply_layer(vector, "expression", schedule.expression(now))
            residue, residue_weight, mouth, weight = self._speech(schedule, now)
            vector = apply_layer(vector, "speech", residue, residue_weight)
            vector = apply_layer(vector, "speech", mouth, weight)
        values, weights = self._override
        vector = apply_layer(vector, "override", values, weights)
        return Pose.from_array(vector)

    def busy_until(self) -> float:
        """When the current plan ends (s); inf while it holds forever, 0.0 before any plan."""
        schedules = self._schedules
        return schedules[-1].end if schedules else 0.0

    def active_step(self, now: float) -> Step | None:
        """The step playing at `now`, or None when no plan is playing."""
        schedule = self._schedule_at(now)
        if schedule is None:
            return None
        segment = schedule.segment_at(now)
        return schedule.plan.steps[segment.step_index] if segment is not None else None

    def speak(self, plan_id: int, timing: SpeechTiming, clock: AudioClock) -> None:
        """Let plan `plan_id`'s mouth follow a voice: `timing` on `clock` (timeline time → seconds
        of the line's audio). Replaces the mouth the plan's text would make and any earlier
        line; a newer plan silences it."""
        self._voice = VoiceLine(plan_id, voice_track(timing), clock)

    def hush(self, at: float) -> None:
        """The voice stopped at `at` (barge-in): the mouth closes within `lipsync.CUT_S`."""
        voice = self._voice
        if voice is not None and at < voice.cut:
            self._voice = VoiceLine(voice.plan_id, voice.track, voice.clock, at)

    def set_override(self, channels: Mapping[str, float], weight: float = 1.0) -> None:
        """Let the operator set `channels` (values clamped to their ranges) over everything.

        Each named channel becomes `lerp(pose below, value, weight)`; channels not named are
        untouched. Replaces any previous override; it applies from the next `pose_at` on.

        Raises:
            ValueError: an unknown channel name, or `weight` outside 0..1.
        """
        if not 0.0 <= weight <= 1.0 or math.isnan(weight):
            raise ValueError(f"override weight must be within 0..1, got {weight}")
        values, weights = np.zeros(_N), np.zeros(_N)
        for name, value in channels.items():
            if name not in CHANNEL_NAMES:
                raise ValueError(
                    f"unknown channel {name!r} in override; channels: {', '.join(CHANNEL_NAMES)}"
                )
            index = CHANNEL_NAMES.index(name)  # type: ignore[arg-type]
            values[index] = Pose.spec(name).clamp(value)  # type: ignore[arg-type]
            weights[index] = weight
        self._override = (values, weights)

    def clear_override(self) -> None:
        """Remove the operator override."""
        self._override = (np.zeros(_N), np.zeros(_N))

    def _schedule_at(self, t: float) -> Schedule | None:
        """The latest plan that had started by `t`."""
        for schedule in reversed(self._schedules):
            if schedule.start <= t:
                return schedule
        return None

    def _expression_at(self, t: float) -> np.ndarray:
        schedule = self._schedule_at(t)
        return schedule.expression(t) if schedule is not None else np.zeros(_N)

    def _speech_at(self, t: float) -> tuple[np.ndarray, float]:
        schedule = self._schedule_at(t)
        return stack_speech(*self._speech(schedule, t)) if schedule else (np.zeros(_N), 0.0)

    def _speech(self, schedule: Schedule, t: float) -> tuple[np.ndarray, float, np.ndarray, float]:
        """The schedule's speech layer, its own mouth replaced by the voice's when one speaks
        for this plan."""
        residue, residue_weight, mouth, weight = schedule.speech(t)
        voice = self._voice
        if voice is not None and voice.plan_id == schedule.plan_id:
            mouth, weight = voice.sample(t)
        return residue, residue_weight, mouth, weight

    def _idle_at(self, idle: IdleLife, t: float) -> np.ndarray:
        """Idle life at `t`, with a blink only if the plan at its start allowed one."""
        values = idle.motion(t)
        blink_start, closure = idle.blink_at(t)
        if closure > 0.0:
            schedule = self._schedule_at(blink_start)
            if schedule is None or not schedule.blink_suppressed(blink_start):
                values[_EYE_OPEN] -= closure
        return values
