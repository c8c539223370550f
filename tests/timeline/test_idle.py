"""Idle life: blinks every 2–6 s, small smooth sway and drift, seeded and order-independent."""

from __future__ import annotations

import numpy as np
import pytest

from animator.timeline import Preset, Timeline, load_presets
from contracts import Step
from tests.timeline._helpers import FPS, ch, dips, plan, presets_with, sample

T0 = 1000.0


def _blinks(poses: np.ndarray) -> list[tuple[int, int]]:
    return dips(poses[:, ch("eye_open")], -0.5)


@pytest.mark.parametrize("seed", [0, 7, 12345])
def test_blinks_come_every_two_to_six_seconds(seed: int) -> None:
    poses = sample(Timeline(seed=seed), T0, T0 + 60.0)
    blinks = _blinks(poses)
    assert 10 <= len(blinks) <= 30
    starts = np.array([first for first, _ in blinks]) / FPS
    gaps = np.diff(starts)
    assert gaps.min() >= 2.0 - 1 / FPS and gaps.max() <= 6.0 + 1 / FPS
    for first, last in blinks:  # lids past half-way for about a tenth of a second
        assert 0.03 <= (last - first + 1) / FPS <= 0.15
        assert poses[first : last + 1, ch("eye_open")].min() <= -0.95
    eye = poses[:, ch("eye_open")]
    movements = [run for run in dips(eye, 0.0) if run[1] < len(eye) - 1]  # not cut off at the end
    assert all(eye[first : last + 1].min() <= -0.95 for first, last in movements)
    assert len(movements) == len([run for run in blinks if run[1] < len(eye) - 1])


def test_sway_and_drift_are_small_smooth_and_alive() -> None:
    poses = sample(Timeline(seed=3), T0, T0 + 60.0)
    for name, limit in (("head_pitch", 2.5), ("head_yaw", 3.0), ("head_roll", 1.5),
                        ("gaze_x", 0.15), ("gaze_y", 0.1)):  # fmt: skip
        values = poses[:, ch(name)]
        assert np.abs(values).max() <= limit, name
        assert values.std() > limit / 20, f"{name} should drift"
        assert np.abs(np.diff(values)).max() < limit / 30, f"{name} should be smooth"
    for name in ("smile", "eyebrow", "mouth_open", "wink"):
        assert np.all(poses[:, ch(name)] == 0.0)


def test_same_seed_same_poses_different_seed_different_blinks() -> None:
    a = sample(Timeline(seed=9), T0, T0 + 20.0)
    b = sample(Timeline(seed=9), T0, T0 + 20.0)
    c = sample(Timeline(seed=10), T0, T0 + 20.0)
    np.testing.assert_array_equal(a, b)
    assert _blinks(a) != _blinks(c)


def _played(seed: int) -> Timeline:
    timeline = Timeline(seed=seed)
    timeline.play(plan(Step(intent="laugh"), Step(intent="talk", text="좋아요 hello")), T0 + 1.0)
    timeline.play(plan(Step(intent="wink"), Step(intent="look_up")), T0 + 2.3)
    return timeline


def test_sampling_rate_does_not_change_the_poses() -> None:
    fast = sample(_played(4), T0, T0 + 12.0, fps=60)
    slow = sample(_played(4), T0, T0 + 12.0, fps=30)
    np.testing.assert_array_equal(fast[::2], slow)


def test_query_order_does_not_change_the_poses() -> None:
    times = T0 + np.arange(0, 12.0, 1 / 48)
    timeline = _played(4)
    forward = np.array([timeline.pose_at(t).to_array() for t in times])
    backward = np.array([timeline.pose_at(t).to_array() for t in times[::-1]])[::-1]
    shuffled_order = np.random.default_rng(0).permutation(len(times))
    shuffled = np.empty_like(forward)
    for i in shuffled_order:
        shuffled[i] = timeline.pose_at(times[i]).to_array()
    np.testing.assert_array_equal(forward, backward)
    np.testing.assert_array_equal(forward, shuffled)


def _closing_eyes(intensity: float, *, control: bool = False) -> np.ndarray:
    """eye_open from 0.6 s to 8 s into a held close_eyes (seed 2), with the real presets or, as a
    `control`, with close_eyes' suppress_blink flag cleared."""
    presets = load_presets()
    if control:
        close = presets.get("close_eyes")
        presets = presets_with(close_eyes=Preset(**{**close.model_dump(), "suppress_blink": False}))
    timeline = Timeline(presets, seed=2)
    timeline.play(plan(Step(intent="close_eyes", intensity=intensity)), T0)
    return sample(timeline, T0 + 0.6, T0 + 8.0)[:, ch("eye_open")]


def test_closed_eyes_never_reopen_for_a_blink() -> None:
    """Shut lids (eye_open -1) stay exactly shut; a blink cannot show there (it would dip below
    -1, which is clamped), so suppression is checked just short of shut, where one would."""
    timeline = Timeline(seed=2)
    timeline.play(plan(Step(intent="close_eyes")), T0)
    hold = sample(timeline, T0 + 0.5, T0 + 8.0)
    assert np.all(hold[:, ch("eye_open")] == -1.0)
    nearly = _closing_eyes(0.6)  # close_eyes reaches -1 at intensity 0.7, its full_intensity
    assert nearly == pytest.approx(np.full_like(nearly, -0.6 / 0.7))
    assert len(dips(_closing_eyes(0.6, control=True), -0.95)) >= 1


def test_half_closed_eyes_do_not_blink_either() -> None:
    """At intensity 0.35 the lids rest half-way; a blink would show as a dip below that."""
    eye = _closing_eyes(0.35)
    assert eye == pytest.approx(np.full_like(eye, -0.5))
    assert len(dips(_closing_eyes(0.35, control=True), -0.75)) >= 1


def test_a_held_wink_suppresses_blinks_and_a_held_smile_does_not() -> None:
    winking = Timeline(seed=2)
    winking.play(plan(Step(intent="wink", hold=20.0)), T0)
    poses = sample(winking, T0, T0 + 20.0)
    held = poses[:, ch("wink")] > 0.3
    assert held.sum() > 19 * FPS
    assert np.all(poses[held, ch("eye_open")] == 0.0)
    smiling = Timeline(seed=2)
    smiling.play(plan(Step(intent="smile", hold=20.0)), T0)
    assert len(_blinks(sample(smiling, T0, T0 + 20.0))) >= 3


def test_after_a_plan_the_pose_is_idle_life_alone() -> None:
    played, untouched = Timeline(seed=8), Timeline(seed=8)
    played.play(plan(Step(intent="surprise"), Step(intent="chat", text="와!")), T0)
    end = played.busy_until()
    np.testing.assert_array_equal(
        sample(played, end, end + 10.0), sample(untouched, end, end + 10.0)
    )
