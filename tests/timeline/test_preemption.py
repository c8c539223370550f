"""A new plan preempts the old one from the current pose: no jump in any channel.

At the preemption instant the pose is exactly what the old plan showed; from there on no channel
moves more per frame (60 fps) than 0.08 for normalised channels or 2° for head angles. (The old
plans here may themselves move faster — a surprise snaps open — so the bound applies from the
preemption on. Second plans that talk are left out: syllables move the mouth faster by nature.)
"""

from __future__ import annotations

import numpy as np
import pytest

from animator.timeline import Timeline
from contracts import Step
from contracts.pose import CHANNEL_NAMES
from tests.timeline._helpers import ANGLES, FPS, ch, plan, sample

T0 = 50.0
BOUND = np.array([2.0 if name in ANGLES else 0.08 for name in CHANNEL_NAMES])


def _jumps(poses: np.ndarray) -> np.ndarray:
    """Largest change between consecutive frames, per channel: (12,)."""
    return np.abs(np.diff(poses, axis=0)).max(axis=0)


def _preempt(first: Step, at: float, second: Step, *, idle: bool = False) -> np.ndarray:
    """Frames of the old plan at the instant `second` preempts it (T0 + at), then 2.5 s of the
    new plan from that same instant on: (1 + 151, 12)."""
    timeline = Timeline(seed=5, idle=idle)
    timeline.play(plan(first), T0)
    t_new = T0 + at
    old = timeline.pose_at(t_new).to_array()
    timeline.play(plan(second), t_new)
    return np.vstack([old, sample(timeline, t_new, t_new + 2.5)])


CASES = [
    # (first, seconds into it, second)
    (Step(intent="laugh", intensity=1.0), 0.12, Step(intent="sad", intensity=1.0)),
    (Step(intent="laugh", intensity=1.0), 0.9, Step(intent="neutral")),
    (Step(intent="surprise", intensity=1.0), 0.07, Step(intent="smile")),
    (Step(intent="nod", intensity=1.0), 0.3, Step(intent="look_right", intensity=1.0)),
    (Step(intent="look_up", intensity=1.0), 2.0, Step(intent="look_down", intensity=1.0)),
    (Step(intent="kiss", intensity=1.0), 0.3, Step(intent="smile", intensity=1.0)),
    (Step(intent="talk", text="안녕하세요 반갑습니다"), 0.8, Step(intent="smile")),
    (Step(intent="chat", text="hello there, how are you"), 1.0, Step(intent="confused")),
    (Step(intent="smile", hold_forever=True), 5.0, Step(intent="smile", intensity=1.0)),
]


@pytest.mark.parametrize(("first", "at", "second"), CASES)
def test_no_jump_at_or_after_preemption(first: Step, at: float, second: Step) -> None:
    poses = _preempt(first, at, second)
    assert np.abs(poses[0]).max() > 0.1, "the first plan should be visibly under way"
    np.testing.assert_allclose(poses[1], poses[0], atol=1e-12)  # starts from the current pose
    jumps = _jumps(poses[1:])
    bad = {CHANNEL_NAMES[i]: round(float(jumps[i]), 3) for i in np.flatnonzero(jumps > BOUND)}
    assert not bad, f"jumps above the bound: {bad}"


def test_first_frame_after_preemption_is_within_a_frame_of_the_one_before() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="smile", intensity=1.0)), T0)
    t_new = T0 + 0.8
    before = timeline.pose_at(t_new - 1 / FPS).to_array()
    timeline.play(plan(Step(intent="angry")), t_new)
    after = timeline.pose_at(t_new + 1 / FPS).to_array()
    assert np.all(np.abs(after - before) <= BOUND)
    assert np.abs(after - before).max() > 0.0


def test_with_idle_life_on_the_head_and_gaze_stay_smooth() -> None:
    poses = _preempt(Step(intent="look_left", intensity=1.0), 1.0,
                     Step(intent="shake_head", intensity=0.35), idle=True)  # fmt: skip
    jumps = _jumps(poses[1:])
    for name in ("head_pitch", "head_roll", "gaze_x", "gaze_y"):
        assert jumps[ch(name)] <= BOUND[ch(name)], name


def test_a_preempting_blink_is_still_quick_while_the_mouth_eases_shut() -> None:
    """Speed limits slow only channels that come from the old pose, not the blink's own."""
    poses = _preempt(Step(intent="laugh", intensity=1.0), 0.6, Step(intent="blink"))[1:]
    eye = poses[:, ch("eye_open")]
    assert eye[: int(0.12 * FPS)].min() <= -0.95  # shut within 120 ms
    mouth = [ch("mouth_open"), ch("mouth_wide"), ch("smile")]
    assert np.all(_jumps(poses)[mouth] <= BOUND[mouth])
    assert poses[int(0.1 * FPS), ch("mouth_open")] > 0.2  # still closing, not snapped
    assert np.abs(poses[-1]).max() == 0.0


def test_the_new_plan_reaches_its_own_targets() -> None:
    poses = _preempt(Step(intent="laugh", intensity=1.0), 0.12, Step(intent="sad", intensity=1.0))
    settled = poses[1 + int(1.5 * FPS)]  # 1.5 s into the new plan
    assert settled[ch("smile")] == pytest.approx(-0.6)
    assert settled[ch("mouth_open")] == pytest.approx(0.0)
    assert settled[ch("head_pitch")] == pytest.approx(-4.0)
