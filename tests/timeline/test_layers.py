"""The layer rule table and the operator override, which wins over everything."""

from __future__ import annotations

import numpy as np
import pytest

from animator.timeline import BLEND_RULES, Timeline
from contracts import Step
from contracts.pose import CHANNEL_NAMES
from tests.timeline._helpers import ch, plan, sample

T0 = 20.0
MOUTH = {"mouth_open", "mouth_wide", "mouth_round"}


def test_rule_table_covers_every_channel_and_layer() -> None:
    assert tuple(BLEND_RULES) == CHANNEL_NAMES
    for name, (idle, expression, speech, override) in BLEND_RULES.items():
        assert override == "set", name
        assert expression in ("set", "add"), name
        assert (speech == "set") == (name in MOUTH), name  # speech touches only the mouth
        assert idle in ("add", None), name


def _busy_timeline() -> Timeline:
    timeline = Timeline(seed=6)
    timeline.play(plan(Step(intent="smile"), Step(intent="talk", text="안녕하세요 반갑습니다")), T0)
    return timeline


def test_override_wins_over_idle_expression_and_speech() -> None:
    timeline, twin = _busy_timeline(), _busy_timeline()
    override = {"smile": -0.5, "mouth_open": 0.0, "head_yaw": 10.0, "eye_open": 0.25}
    timeline.set_override(override)
    poses, free = sample(timeline, T0, T0 + 5.0), sample(twin, T0, T0 + 5.0)
    for name, value in override.items():
        assert np.all(poses[:, ch(name)] == value), name
        assert np.ptp(free[:, ch(name)]) > 0.05, f"{name} should be moving without the override"
    others = [ch(name) for name in CHANNEL_NAMES if name not in override]
    np.testing.assert_array_equal(poses[:, others], free[:, others])


def test_partial_weight_blends_with_the_pose_below() -> None:
    timeline, twin = _busy_timeline(), _busy_timeline()
    timeline.set_override({"smile": -1.0, "head_roll": 8.0}, weight=0.25)
    poses, free = sample(timeline, T0, T0 + 3.0), sample(twin, T0, T0 + 3.0)
    for name, value in (("smile", -1.0), ("head_roll", 8.0)):
        expected = free[:, ch(name)] + 0.25 * (value - free[:, ch(name)])
        np.testing.assert_allclose(poses[:, ch(name)], expected, atol=1e-12)


def test_clear_override_restores_the_layers_below() -> None:
    timeline, twin = _busy_timeline(), _busy_timeline()
    timeline.set_override({"smile": 1.0})
    timeline.clear_override()
    np.testing.assert_array_equal(sample(timeline, T0, T0 + 3.0), sample(twin, T0, T0 + 3.0))


def test_override_values_are_clamped_to_the_channel_range() -> None:
    timeline = Timeline(idle=False)
    timeline.set_override({"head_yaw": 100.0, "wink": -3.0})
    pose = timeline.pose_at(T0)
    assert pose.head_yaw == 25.0 and pose.wink == 0.0


def test_bad_override_is_rejected_with_the_reason() -> None:
    timeline = Timeline(idle=False)
    with pytest.raises(ValueError, match=r"unknown channel 'grin'.*smile"):
        timeline.set_override({"grin": 1.0})
    with pytest.raises(ValueError, match=r"weight must be within 0\.\.1"):
        timeline.set_override({"smile": 1.0}, weight=1.5)


def test_idle_drift_adds_to_an_expression_gaze() -> None:
    timeline = Timeline(seed=1)
    timeline.play(plan(Step(intent="look_left")), T0)
    gaze = sample(timeline, T0 + 1.0, T0 + 8.0)[:, ch("gaze_x")]
    assert gaze.mean() == pytest.approx(-0.63, abs=0.1)
    assert np.ptp(gaze) > 0.01  # still drifting around the held target
