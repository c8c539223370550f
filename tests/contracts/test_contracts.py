"""Contract validation: ranges, clamping, plan shape and the `avatar plan` output format."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from contracts import CHANNELS, INTENTS, EngineInfo, Frame, Plan, Pose, Step, Utterance


def test_channels_match_expressions_md() -> None:
    ranges = {spec.name: (spec.low, spec.high) for spec in CHANNELS}
    assert ranges == {
        "head_pitch": (-20, 20),
        "head_yaw": (-25, 25),
        "head_roll": (-20, 20),
        "gaze_x": (-1, 1),
        "gaze_y": (-1, 1),
        "eye_open": (-1, 1),
        "wink": (0, 1),
        "eyebrow": (-1, 1),
        "smile": (-1, 1),
        "mouth_open": (0, 1),
        "mouth_wide": (-1, 1),
        "mouth_round": (-1, 1),
    }


def test_pose_clamps_out_of_range_values() -> None:
    pose = Pose(head_yaw=40.0, head_pitch=-30.0, smile=1.5, wink=-0.2, mouth_open=2.0)
    assert pose.head_yaw == 25.0
    assert pose.head_pitch == -20.0
    assert pose.smile == 1.0
    assert pose.wink == 0.0
    assert pose.mouth_open == 1.0


def test_pose_nan_becomes_rest() -> None:
    assert Pose(gaze_x=math.nan).gaze_x == 0.0
    assert Pose.from_array(np.full(12, np.nan)).is_rest()


def test_pose_array_round_trip_clamps() -> None:
    vec = np.array([5.0, -30.0, 0.0, 0.5, -2.0, 0.1, 0.9, 0.0, 0.3, 0.2, 0.0, -0.4])
    pose = Pose.from_array(vec)
    assert pose.head_yaw == -25.0
    assert pose.gaze_y == -1.0
    back = pose.to_array()
    assert back[0] == 5.0 and back[3] == 0.5 and back[11] == -0.4
    with pytest.raises(ValueError, match="12 values"):
        Pose.from_array(np.zeros(5))


def test_pose_is_immutable() -> None:
    with pytest.raises(ValidationError):
        Pose().smile = 0.5  # type: ignore[misc]


def test_step_defaults_and_bounds() -> None:
    step = Step(intent="smile")
    assert (step.intensity, step.repeat) == (0.7, 1)
    with pytest.raises(ValidationError):
        Step(intent="smile", intensity=1.2)
    with pytest.raises(ValidationError):
        Step(intent="smile", repeat=0)
    with pytest.raises(ValidationError):
        Step(intent="dance")  # type: ignore[arg-type]


def test_step_explicit_targets_are_clamped() -> None:
    step = Step(intent="smile", targets={"smile": 4.0, "head_yaw": -99.0})
    assert step.targets == {"smile": 1.0, "head_yaw": -25.0}


def test_plan_needs_a_step_and_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Plan(steps=[])
    with pytest.raises(ValidationError):
        Plan(steps=[Step(intent="nod")], mood="happy")  # type: ignore[call-arg]


def test_plan_output_format_matches_expressions_md() -> None:
    plan = Plan(
        text="활짝 웃다가 윙크해줘",
        confidence=0.97,
        steps=[Step(intent="smile", intensity=1.0), Step(intent="wink")],
    )
    assert plan.to_output() == {
        "text": "활짝 웃다가 윙크해줘",
        "source": "classifier",
        "confidence": 0.97,
        "steps": [
            {"intent": "smile", "intensity": 1.0, "repeat": 1},
            {"intent": "wink", "intensity": 0.7, "repeat": 1},
        ],
        "reply": None,
    }


def test_intent_vocabulary_is_complete() -> None:
    assert len(INTENTS) == 21
    assert {"neutral", "chat", "look_left", "shake_head", "close_eyes"} <= set(INTENTS)


def test_frame_validates_image() -> None:
    frame = Frame(image=np.zeros((4, 6, 3), np.uint8), seq=0, t=0.0)
    assert frame.size == (6, 4)
    with pytest.raises(ValidationError, match="uint8"):
        Frame(image=np.zeros((4, 6, 3), np.float32), seq=0, t=0.0)
    with pytest.raises(ValidationError, match="HxWx3"):
        Frame(image=np.zeros((4, 6), np.uint8), seq=0, t=0.0)


def test_engine_info_status_line_announces_fallback() -> None:
    line = EngineInfo(name="fallback", fallback=True).status_line()
    assert "FALLBACK" in line and "no weights" in line
    assert "FALLBACK" not in EngineInfo(name="liveportrait", real_weights=True).status_line()


def test_utterance_defaults() -> None:
    utt = Utterance(text="웃어줘")
    assert utt.source == "typed" and utt.ended_at > 0
