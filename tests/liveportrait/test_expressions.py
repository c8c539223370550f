"""Pose channels → keypoint edits: touched keypoints, signs, magnitudes, bounds, angle limits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from animator.liveportrait.expressions import apply_pose, channel_edits, limit_angles
from animator.liveportrait.motion import KeypointInfo
from contracts.pose import CHANNEL_NAMES, HIGHS, LOWS

X, Y, Z = 0, 1, 2

#: Expected edits at channel value ±1, written from the editor tables (fact sheet §5.2/§5.3)
#: times our range mapping: {(keypoint, axis): delta}.
EXPECTED: dict[tuple[str, float], dict[tuple[int, int], float]] = {
    ("smile", 1.0): {(20, Y): -0.013, (14, Y): -0.026, (17, Y): 0.00845, (17, Z): 0.0039,
                     (13, Y): -0.003575, (16, Y): -0.003575, (3, Y): -0.00455, (7, Y): -0.00455},
    ("smile", -1.0): {(20, Y): 0.003, (14, Y): 0.006, (17, Y): -0.00195, (17, Z): -0.0009,
                      (13, Y): 0.000825, (16, Y): 0.000825, (3, Y): 0.00105, (7, Y): 0.00105},
    ("eye_open", -1.0): {(11, Y): 0.02, (13, Y): -0.006, (15, Y): 0.02, (16, Y): -0.006,
                         (1, Y): 0.005, (2, Y): -0.005},
    ("eye_open", 1.0): {(11, Y): -0.005, (13, Y): 0.0015, (15, Y): -0.005, (16, Y): 0.0015,
                        (1, Y): -0.00125, (2, Y): 0.00125},
    ("wink", 1.0): {(11, Y): 0.025, (13, Y): -0.0075, (17, X): 0.0075, (17, Y): 0.0075,
                    (3, Y): -0.0075},
    ("eyebrow", 1.0): {(1, Y): 0.015, (2, Y): -0.015},
    ("eyebrow", -1.0): {(1, X): 0.01, (2, X): -0.01, (1, Y): -0.003, (2, Y): 0.003},
    ("gaze_x", 1.0): {(11, X): 0.0105, (15, X): 0.015},
    ("gaze_x", -1.0): {(11, X): -0.015, (15, X): -0.0105},
    ("gaze_y", 1.0): {(11, Y): -0.0075, (15, Y): -0.0075, (13, Y): -0.00225, (16, Y): -0.00225},
    ("gaze_y", -1.0): {(11, Y): 0.0075, (15, Y): 0.0075, (13, Y): 0.00225, (16, Y): 0.00225},
    ("mouth_open", 1.0): {(19, Y): 0.1, (19, Z): 0.01, (17, Y): -0.01},
    ("mouth_wide", 1.0): {(20, Z): -0.015, (20, Y): -0.015, (14, Y): -0.015},
    ("mouth_round", 1.0): {(14, Y): 0.015, (3, Y): -0.0075, (7, Y): -0.0075, (17, Z): -0.0075},
    ("mouth_round", -1.0): {(14, Y): -0.015, (3, Y): 0.0075, (7, Y): 0.0075, (17, Z): 0.0075},
}


def _pose(**values: float) -> np.ndarray:
    row = np.zeros((1, len(CHANNEL_NAMES)))
    for name, value in values.items():
        row[0, CHANNEL_NAMES.index(name)] = value
    return row


def _info(
    pitch: float = 0.0, yaw: float = 0.0, roll: float = 0.0, num_kp: int = 21
) -> KeypointInfo:
    return KeypointInfo(
        kp=torch.zeros(1, num_kp, 3), exp=torch.zeros(1, num_kp, 3),
        pitch=torch.tensor([pitch]), yaw=torch.tensor([yaw]), roll=torch.tensor([roll]),
        scale=torch.ones(1), t=torch.zeros(1, 3),
    )


def test_rest_pose_edits_nothing() -> None:
    exp_delta, angles = apply_pose(_info(5.0, -10.0, 3.0), np.zeros((3, 12)))

    assert exp_delta.shape == (3, 21, 3) and angles.shape == (3, 3)
    assert not exp_delta.any() and not angles.any()


@pytest.mark.parametrize(("channel", "value"), list(EXPECTED))
def test_channel_moves_exactly_its_keypoints(channel: str, value: float) -> None:
    exp_delta, angles = apply_pose(_info(), _pose(**{channel: value}))

    touched = {(int(k), int(a)) for k, a in zip(*np.nonzero(exp_delta[0]), strict=True)}
    assert touched == set(EXPECTED[channel, value])
    for (kp, axis), delta in EXPECTED[channel, value].items():
        assert exp_delta[0, kp, axis] == pytest.approx(delta, rel=1e-5), (kp, axis)
    assert not angles.any()


@pytest.mark.parametrize(
    ("channel", "model_angles"),
    [("head_pitch", (-10.0, 0.0, 0.0)),  # nod up on screen = negative model pitch
     ("head_yaw", (0.0, -10.0, 0.0)),  # toward screen right = negative model yaw
     ("head_roll", (0.0, 0.0, 10.0))],
)
def test_head_channels_only_turn_the_head(channel: str, model_angles: tuple[float, ...]) -> None:
    exp_delta, angles = apply_pose(_info(), _pose(**{channel: 10.0}))

    assert not exp_delta.any()
    np.testing.assert_allclose(angles[0], model_angles)


def test_batch_equals_rows_one_by_one() -> None:
    rng = np.random.default_rng(3)
    batch = rng.uniform(LOWS, HIGHS, size=(6, 12))

    exp_delta, angles = apply_pose(_info(), batch)

    for row in range(6):
        one_exp, one_angles = apply_pose(_info(), batch[row : row + 1])
        np.testing.assert_allclose(exp_delta[row], one_exp[0], atol=1e-8)
        np.testing.assert_allclose(angles[row], one_angles[0], atol=1e-6)


def test_deltas_stay_within_bounds_for_any_pose() -> None:
    rng = np.random.default_rng(4)
    extremes = rng.choice([0.0, 1.0], size=(512, 12)) * np.where(
        rng.random((512, 12)) < 0.5, LOWS, HIGHS
    )

    exp_delta, angles = channel_edits(extremes)

    assert np.abs(exp_delta).max() <= 0.11
    assert np.abs(exp_delta).max() > 0.09  # the jaw opening does reach its full range
    assert (np.abs(angles) <= (20.0, 25.0, 20.0)).all()


def test_out_of_range_and_nan_values_are_clamped() -> None:
    wild = _pose(smile=7.0, mouth_open=np.nan, head_yaw=-90.0)

    exp_delta, angles = channel_edits(wild)

    expected_exp, expected_angles = channel_edits(_pose(smile=1.0, head_yaw=-25.0))
    np.testing.assert_array_equal(exp_delta, expected_exp)
    np.testing.assert_array_equal(angles, expected_angles)


def test_angle_offsets_stop_at_the_limits() -> None:
    # source yaw 30 (model), screen-left turn of 25° adds +25 → capped at 40
    _, angles = apply_pose(_info(yaw=30.0), _pose(head_yaw=-25.0))
    assert angles[0, 1] == pytest.approx(10.0)
    # a source beyond the limit may still turn back toward the front, never further out
    offsets = limit_angles(np.array([0.0, 50.0, 0.0]), np.array([[0, 10.0, 0], [0, -10.0, 0]]))
    np.testing.assert_allclose(offsets, [[0, 0, 0], [0, -10, 0]])


def test_wrong_shapes_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"\(B, 12\)"):
        apply_pose(_info(), np.zeros(12))
    with pytest.raises(ValueError, match="21-keypoint"):
        apply_pose(_info(num_kp=5), np.zeros((1, 12)))
