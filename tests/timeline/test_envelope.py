"""Envelope timing, intensity, repeat, sequences, overrides and holds, against hand-computed values.

Idle life is off, so every channel is exactly the expression layer. The test presets use round
numbers: smile targets smile 0.8 / eyebrow 0.4, attack 0.4, hold 1.0, release 0.5, smoothstep.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from animator.timeline import Preset, Timeline, load_presets
from contracts import Step
from contracts.plan import INTENTS
from tests.timeline._helpers import ch, local_minima, plan, presets_with, sample

T0 = 100.0
SMILE = Preset(kind="expression", targets={"smile": 0.8, "eyebrow": 0.4}, attack=0.4, hold=1.0,
               release=0.5, easing="smoothstep")  # fmt: skip
WINK = Preset(kind="gesture", targets={"wink": 1.0}, attack=0.2, hold=0.2, release=0.2,
              easing="smoothstep")  # fmt: skip


@pytest.fixture
def timeline() -> Timeline:
    return Timeline(presets_with(smile=SMILE, wink=WINK), idle=False)


def _smile(timeline: Timeline, t: float) -> float:
    return timeline.pose_at(t).smile


def test_attack_hold_release_values(timeline: Timeline) -> None:
    timeline.play(plan(Step(intent="smile", intensity=1.0)), T0)
    assert _smile(timeline, T0) == 0.0
    assert _smile(timeline, T0 + 0.1) == pytest.approx(0.15625 * 0.8)  # smoothstep(1/4)
    assert _smile(timeline, T0 + 0.2) == pytest.approx(0.5 * 0.8)  # half the attack → half
    assert timeline.pose_at(T0 + 0.2).eyebrow == pytest.approx(0.5 * 0.4)
    for t in (0.4, 0.9, 1.4):
        assert _smile(timeline, T0 + t) == pytest.approx(0.8)
    assert _smile(timeline, T0 + 1.4 + 0.25) == pytest.approx(0.4)  # half the release
    assert _smile(timeline, T0 + 1.4 + 0.375) == pytest.approx((1 - 0.84375) * 0.8)
    assert timeline.busy_until() == pytest.approx(T0 + 1.9)
    for t in (1.9, 2.5, 60.0):
        assert timeline.pose_at(T0 + t).is_rest(tol=0.0)


@pytest.mark.parametrize(("intensity", "expected"), [(0.35, 0.28), (0.7, 0.56), (1.0, 0.8)])
def test_intensity_scales_targets(timeline: Timeline, intensity: float, expected: float) -> None:
    timeline.play(plan(Step(intent="smile", intensity=intensity)), T0)
    assert _smile(timeline, T0 + 1.0) == pytest.approx(expected)
    assert _smile(timeline, T0 + 0.2) == pytest.approx(expected / 2)


def test_intensity_reaches_full_targets_at_full_intensity_for_blinks() -> None:
    """blink's preset is full at intensity 0.7 (the default): a default blink shuts the eyes."""
    for intensity, expected in ((0.7, -1.0), (1.0, -1.0), (0.35, -0.5)):
        timeline = Timeline(idle=False)
        timeline.play(plan(Step(intent="blink", intensity=intensity)), T0)
        assert timeline.pose_at(T0 + 0.08).eye_open == pytest.approx(expected)


def test_second_step_starts_when_the_first_ends(timeline: Timeline) -> None:
    timeline.play(plan(Step(intent="smile", intensity=1.0), Step(intent="wink", intensity=1.0)), T0)
    before, after = T0 + 1.9 - 1e-6, T0 + 1.9 + 0.1
    assert timeline.active_step(before).intent == "smile"  # type: ignore[union-attr]
    assert timeline.pose_at(before).wink == 0.0
    assert timeline.active_step(after).intent == "wink"  # type: ignore[union-attr]
    assert timeline.pose_at(after).wink == pytest.approx(0.5)
    assert timeline.pose_at(after).smile == 0.0
    assert timeline.busy_until() == pytest.approx(T0 + 1.9 + 0.6)
    assert timeline.active_step(T0 + 2.6) is None


@pytest.mark.parametrize("repeat", [1, 2, 3])
def test_repeat_nods_that_many_times(repeat: int) -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="nod", repeat=repeat)), T0)
    pitch = sample(timeline, T0, timeline.busy_until() + 0.5)[:, ch("head_pitch")]
    assert local_minima(pitch, below=-2.0) == repeat
    assert pitch.min() < -5.0  # 10° nod at intensity 0.7
    assert np.all(pitch <= 1e-9)  # a nod goes down and back, never above rest


def test_each_extra_nod_adds_one_cycle() -> None:
    frequency = load_presets().get("nod").motions[0].frequency
    ends = []
    for repeat in (1, 3):
        timeline = Timeline(idle=False)
        timeline.play(plan(Step(intent="nod", repeat=repeat)), T0)
        ends.append(timeline.busy_until())
    assert ends[1] - ends[0] == pytest.approx(2 / frequency)


def test_shake_head_swings_both_ways() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="shake_head", intensity=1.0)), T0)
    yaw = sample(timeline, T0, timeline.busy_until())[:, ch("head_yaw")]
    assert local_minima(yaw, below=-3.0) == 2 and local_minima(-yaw, below=-3.0) == 2
    assert yaw.max() > 6.0 and yaw.min() < -6.0


def test_repeat_replays_the_envelope_of_a_blink() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="blink", repeat=3)), T0)
    eye = sample(timeline, T0, timeline.busy_until() + 0.2, fps=240)[:, ch("eye_open")]
    closures = np.diff((eye < -0.5).astype(int))
    assert int(np.sum(closures == 1)) == 3


def test_laugh_bobs_five_times_on_top_of_its_targets() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="laugh", intensity=1.0)), T0)
    poses = sample(timeline, T0, timeline.busy_until())
    assert local_minima(-poses[:, ch("head_pitch")], below=-2.5) == 5
    assert poses[:, ch("mouth_open")].max() > 0.6
    assert poses[:, ch("smile")].max() == pytest.approx(1.0)


def test_duration_override_sets_the_step_length(timeline: Timeline) -> None:
    timeline.play(plan(Step(intent="smile", intensity=1.0, duration=3.0)), T0)
    assert timeline.busy_until() == pytest.approx(T0 + 3.0)
    assert _smile(timeline, T0 + 2.5) == pytest.approx(0.8)  # release starts at 3.0 − 0.5
    assert _smile(timeline, T0 + 2.75) == pytest.approx(0.4)


def test_duration_override_fits_the_nods_into_it() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="nod", repeat=2, duration=4.0)), T0)
    assert timeline.busy_until() == pytest.approx(T0 + 4.0)
    pitch = sample(timeline, T0, T0 + 4.0)[:, ch("head_pitch")]
    assert local_minima(pitch, below=-2.0) == 2


def test_hold_override(timeline: Timeline) -> None:
    timeline.play(plan(Step(intent="smile", intensity=1.0, hold=0.2)), T0)
    assert timeline.busy_until() == pytest.approx(T0 + 0.4 + 0.2 + 0.5)
    assert _smile(timeline, T0 + 0.6 + 0.25) == pytest.approx(0.4)


def test_targets_override_replaces_the_preset(timeline: Timeline) -> None:
    timeline.play(plan(Step(intent="smile", intensity=0.5, targets={"mouth_round": 1.0})), T0)
    pose = timeline.pose_at(T0 + 1.0)
    assert pose.mouth_round == pytest.approx(0.5)
    assert pose.smile == 0.0 and pose.eyebrow == 0.0


def test_hold_forever(timeline: Timeline) -> None:
    timeline.play(plan(Step(intent="smile", intensity=1.0, hold_forever=True)), T0)
    assert math.isinf(timeline.busy_until())
    assert _smile(timeline, T0 + 500.0) == pytest.approx(0.8)
    timeline.play(plan(Step(intent="neutral")), T0 + 600.0)
    assert timeline.pose_at(T0 + 602.0).is_rest(tol=0.0)


def test_close_eyes_holds_until_the_timeout() -> None:
    presets = load_presets()
    close = presets.get("close_eyes")
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="close_eyes")), T0)
    end = T0 + close.attack + presets.hold_timeout + close.release
    assert timeline.busy_until() == pytest.approx(end)
    eye = sample(timeline, T0 + close.attack, T0 + close.attack + presets.hold_timeout)
    assert np.all(eye[:, ch("eye_open")] == -1.0)
    assert timeline.pose_at(end).is_rest(tol=0.0)


def test_look_left_holds_until_the_next_plan() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="look_left")), T0)
    pose = timeline.pose_at(T0 + 6.0)
    assert pose.gaze_x == pytest.approx(-0.9 * 0.7) and pose.head_yaw == pytest.approx(-9.0 * 0.7)
    timeline.play(plan(Step(intent="smile")), T0 + 6.0)
    assert timeline.pose_at(T0 + 7.0).gaze_x == 0.0


def test_a_holding_intent_inside_a_sequence_releases_and_moves_on() -> None:
    presets = load_presets()
    close = presets.get("close_eyes")
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="close_eyes"), Step(intent="smile")), T0)
    second = T0 + close.attack + close.hold + close.release
    assert timeline.active_step(second + 0.01).intent == "smile"  # type: ignore[union-attr]
    assert timeline.pose_at(second + 0.01).eye_open == pytest.approx(0.0, abs=1e-3)


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_moves_and_returns_exactly_to_rest(intent: str) -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent=intent, intensity=1.0)), T0)  # type: ignore[arg-type]
    end = timeline.busy_until()
    assert math.isfinite(end)
    poses = sample(timeline, T0, end)
    if intent != "neutral":
        assert np.abs(poses).max() > 0.1
    for t in (end, end + 0.5, end + 30.0):
        assert timeline.pose_at(t).is_rest(tol=0.0)


def test_plan_ids_count_up_and_busy_until_starts_at_zero() -> None:
    timeline = Timeline(idle=False)
    assert timeline.plan_id == 0 and timeline.busy_until() == 0.0
    assert timeline.active_step(T0) is None
    assert timeline.play(plan(Step(intent="smile")), T0) == 1
    assert timeline.play(plan(Step(intent="wink")), T0 + 1) == 2
    assert timeline.plan_id == 2
