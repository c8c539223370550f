"""A plan placed on the clock: its steps as consecutive segments, plus the speech it interrupted.

Steps play in order, each starting when the previous one is over. `repeat` replays a step's
motion (nod, head shake, laugh), its line (talk/chat), or else its whole envelope. A sustained
expression followed by talk/chat is carried on through the speech: it skips its release and the
speech step keeps its targets, so "smile, then talk" talks with a smile. Intensity scales targets,
motion amplitudes and mouth shapes; `Step.duration`, `hold`, `hold_forever` and `targets`
override the preset.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, replace

import numpy as np

from animator.timeline.easing import EASINGS, smootherstep
from animator.timeline.envelope import Envelope, MotionTrack, Segment
from animator.timeline.presets import Motion, Preset, Presets
from animator.timeline.speech import DEFAULT_LINE, speech_track
from contracts.plan import Plan, Step
from contracts.pose import CHANNEL_NAMES

SPEECH_CUT_SECONDS = 0.4  # an interrupted line's mouth fades out over this time
WINK_BLINK_LIMIT = 0.3  # no idle blink starts while the wink channel is above this
_MOUTH = np.array(
    [CHANNEL_NAMES.index(name) for name in ("mouth_open", "mouth_wide", "mouth_round")]
)
_WINK = CHANNEL_NAMES.index("wink")
_N = len(CHANNEL_NAMES)


@dataclass(frozen=True, slots=True)
class Schedule:
    """One plan on the clock.

    Attributes:
        plan_id: the id `Timeline.play` returned for it.
        plan: the plan.
        start: when it started (s).
        segments: its segments in time order, back to back from `start`.
        end: when its last segment is over (inf while it holds forever).
        residue: (12,) float64 the speech layer's mouth at `start` (from the preempted plan).
        residue_weight: that layer's weight at `start`; it fades over SPEECH_CUT_SECONDS.
        segment_starts: the segments' start times, for bisection.
    """

    plan_id: int
    plan: Plan
    start: float
    segments: tuple[Segment, ...]
    end: float
    residue: np.ndarray
    residue_weight: float
    segment_starts: tuple[float, ...]

    def segment_at(self, t: float) -> Segment | None:
        """The segment playing at `t`, or None before the start and after the end."""
        if not self.start <= t < self.end:
            return None
        index = bisect_right(self.segment_starts, t) - 1
        return self.segments[index]

    def expression(self, t: float) -> np.ndarray:
        """The expression layer at `t`: (12,) float64, exactly 0 once the plan is over."""
        segment = self.segment_at(t)
        return segment.value(t) if segment is not None else np.zeros(_N)

    def speech(self, t: float) -> tuple[np.ndarray, float, np.ndarray, float]:
        """(residue, residue weight, mouth, mouth weight) of the speech layer at `t`.

        Both vectors are (12,) float64 with values only on the mouth channels; the residue of an
        interrupted line lies under this plan's own speech.
        """
        fade = 1.0 - float(smootherstep((t - self.start) / SPEECH_CUT_SECONDS))
        mouth = np.zeros(_N)
        weight = 0.0
        segment = self.segment_at(t)
        if segment is not None and segment.envelope.speech is not None:
            shape, weight = segment.envelope.speech.sample(t - segment.start)
            mouth[_MOUTH] = shape
        return self.residue, self.residue_weight * fade, mouth, weight

    def speech_stack(self, t: float) -> tuple[np.ndarray, float]:
        """The speech layer at `t` as one weighted set: ((12,) mouth, weight)."""
        return stack_speech(*self.speech(t))

    def blink_suppressed(self, t: float) -> bool:
        """True when no idle blink may start at `t` (eyes held closed, or a wink)."""
        segment = self.segment_at(t)
        if segment is None:
            return False
        return segment.suppresses_blink(t) or segment.value(t)[_WINK] > WINK_BLINK_LIMIT


def stack_speech(
    residue: np.ndarray, residue_weight: float, mouth: np.ndarray, weight: float
) -> tuple[np.ndarray, float]:
    """A speech layer with a residue under it as one weighted set: ((12,) values, weight)."""
    total = 1.0 - (1.0 - residue_weight) * (1.0 - weight)
    if total <= 0.0:
        return np.zeros(_N), 0.0
    combined = (residue_weight * (1.0 - weight) * residue + weight * mouth) / total
    return combined, total


def schedule_plan(
    plan: Plan,
    presets: Presets,
    *,
    plan_id: int,
    start: float,
    origin: np.ndarray,
    speech_origin: tuple[np.ndarray, float],
) -> Schedule:
    """Place `plan` at `start`, its first segment blending from `origin` (12,) float64.

    `speech_origin` is the speech layer at `start` as ((12,) mouth, weight); it fades out.
    """
    segments: list[Segment] = []
    t, previous = start, origin
    for step_index, envelope in _envelopes(plan, presets):
        segment = Segment.place(envelope, step_index=step_index, start=t, origin=previous)
        segments.append(segment)
        if math.isinf(segment.end):
            break
        t, previous = segment.end, segment.value(segment.end)
    residue, residue_weight = speech_origin
    return Schedule(
        plan_id=plan_id,
        plan=plan,
        start=start,
        segments=tuple(segments),
        end=segments[-1].end,
        residue=residue,
        residue_weight=residue_weight,
        segment_starts=tuple(segment.start for segment in segments),
    )


def _envelopes(plan: Plan, presets: Presets) -> list[tuple[int, Envelope]]:
    """Every segment's (step index, envelope) in play order, repeats expanded."""
    out: list[tuple[int, Envelope]] = []
    last = len(plan.steps) - 1
    for index, step in enumerate(plan.steps):
        preset = presets.get(step.intent)
        envelope, plays = _step_envelope(plan, step, preset, presets, is_last=index == last)
        if index > 0 and _carries(plan.steps[index - 1], presets, step, preset):
            out[-1] = (out[-1][0], replace(out[-1][1], release=None))
            envelope = replace(envelope, target=out[-1][1].target)
        forever = step.hold_forever and index == last
        for play in range(plays):
            final_play = play == plays - 1
            out.append(
                (
                    index,
                    replace(envelope, body_end=math.inf) if forever and final_play else envelope,
                )
            )
    return out


def _carries(before: Step, presets: Presets, step: Step, preset: Preset) -> bool:
    """True when `before` is a sustained expression that talk/chat `step` keeps on its face."""
    return (
        preset.kind == "speech"
        and step.targets is None
        and presets.get(before.intent).kind == "expression"
    )


def _step_envelope(
    plan: Plan, step: Step, preset: Preset, presets: Presets, *, is_last: bool
) -> tuple[Envelope, int]:
    """One play of `step` and how many times it plays back to back."""
    scale = min(1.0, step.intensity / preset.full_intensity)
    attack, release = preset.attack, preset.release
    hold = _hold(step, preset, presets, is_last=is_last)
    speech = None
    if preset.kind == "speech":
        line = step.text or plan.reply or DEFAULT_LINE
        speech = speech_track(", ".join([line] * step.repeat)).scaled(scale)
    cycled = [
        motion.cycles * step.repeat / motion.frequency
        for motion in preset.motions
        if motion.cycles is not None
    ]
    plays = 1 if cycled or speech is not None else step.repeat
    body = max(attack + hold, *cycled, speech.span if speech is not None else 0.0)
    if step.duration is not None:
        period = step.duration / plays
        shrink = min(1.0, period / (attack + release))
        attack, release = attack * shrink, release * shrink
        body = period - release
        speech = speech.stretched(body) if speech is not None else None
    fit = step.duration is not None
    motions = tuple(_motion_track(m, scale, step.repeat, body, fit) for m in preset.motions)
    envelope = Envelope(
        target=_target(step, preset, scale),
        attack=attack,
        body_end=body,
        release=release,
        ease=EASINGS[preset.easing],
        motions=motions,
        speech=speech,
        suppress_blink=preset.suppress_blink,
    )
    return envelope, plays


def _target(step: Step, preset: Preset, scale: float) -> np.ndarray:
    """(12,) float64 targets of `step` (its own or the preset's) times `scale`."""
    target = np.zeros(_N)
    for name, value in (step.targets if step.targets is not None else preset.targets).items():
        target[CHANNEL_NAMES.index(name)] = value * scale
    return target


def _hold(step: Step, preset: Preset, presets: Presets, *, is_last: bool) -> float:
    """Seconds at the targets: the step's own, the hold timeout of a holding last step, or
    the preset's."""
    if step.hold is not None:
        return step.hold
    if preset.holds and is_last and step.duration is None:
        return presets.hold_timeout
    return preset.hold


def _motion_track(motion: Motion, scale: float, repeat: int, body: float, fit: bool) -> MotionTrack:
    """The motion with intensity applied; with `fit`, its cycles are spread over `body`."""
    channel = CHANNEL_NAMES.index(motion.channel)
    if motion.cycles is None:
        return MotionTrack(
            channel, motion.amplitude * scale, motion.frequency, motion.waveform, math.inf
        )
    cycles = motion.cycles * repeat
    frequency = cycles / body if fit else motion.frequency
    return MotionTrack(
        channel, motion.amplitude * scale, frequency, motion.waveform, cycles / frequency
    )
