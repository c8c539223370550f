"""Keypoint motion math: hand-computed cases, then the official code's goldens (pose, R, x, S)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest
import torch
from torch import nn

from animator.liveportrait.motion import (
    KeypointInfo,
    eye_ratio,
    headpose_to_degrees,
    lip_ratio,
    parse_motion,
    retarget_eye,
    retarget_lip,
    rotation_matrix,
    stitch,
    transform_keypoints,
)

EXACT_TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
HEADS = ("pitch", "yaw", "roll", "t", "exp", "scale", "kp")


def degrees(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float32)


def golden_raw(golden: dict[str, np.ndarray], image: str) -> dict[str, torch.Tensor]:
    return {head: torch.from_numpy(golden[f"M.{image}.{head}"]) for head in HEADS}


# --- head pose ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bin_index", "expected"), [(0, -97.5), (32, -1.5), (40, 22.5), (65, 97.5)]
)
def test_one_hot_logits_decode_to_the_bin_angle(bin_index: int, expected: float) -> None:
    logits = torch.full((1, 66), -1000.0)
    logits[0, bin_index] = 1000.0
    assert headpose_to_degrees(logits).tolist() == [expected]


def test_uniform_logits_decode_to_the_mean_bin() -> None:
    """Mean bin 32.5 → 3·32.5 − 97.5 = 0°, per batch item."""
    result = headpose_to_degrees(torch.zeros(3, 66))
    assert result.shape == (3,)
    torch.testing.assert_close(result, torch.zeros(3), atol=1e-5, rtol=0)


@pytest.mark.parametrize("shape", [(2,), (2, 1)])
def test_already_decoded_angles_pass_through(shape: tuple[int, ...]) -> None:
    angles = torch.tensor([12.5, -3.0]).reshape(shape)
    assert torch.equal(headpose_to_degrees(angles), angles)


# --- rotation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pitch", "yaw", "roll", "point", "expected"),
    [
        (90.0, 0.0, 0.0, [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]),  # Rx: y → z
        (0.0, 90.0, 0.0, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]),  # Ry: x → −z
        (0.0, 0.0, 90.0, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]),  # Rz: x → y
        (90.0, 90.0, 0.0, [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]),  # pitch first: y → z → x
        (0.0, 90.0, 90.0, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]),  # yaw first: x → −z, roll keeps z
    ],
)
def test_rotation_of_row_vectors_applies_pitch_then_yaw_then_roll(
    pitch: float, yaw: float, roll: float, point: list[float], expected: list[float]
) -> None:
    matrix = rotation_matrix(degrees(pitch), degrees(yaw), degrees(roll))
    rotated = torch.tensor([point]) @ matrix[0]
    torch.testing.assert_close(rotated, torch.tensor([expected]), atol=1e-6, rtol=0)


def test_rotation_matrices_are_proper_rotations_per_batch_item() -> None:
    pitch, yaw, roll = degrees(10, -40, 75), degrees(-20, 33, 5), degrees(0, 60, -80)
    matrices = rotation_matrix(pitch, yaw, roll)
    assert matrices.shape == (3, 3, 3)
    identity = torch.eye(3).expand(3, 3, 3)
    torch.testing.assert_close(matrices @ matrices.transpose(1, 2), identity, atol=1e-6, rtol=0)
    torch.testing.assert_close(torch.linalg.det(matrices), torch.ones(3), atol=1e-6, rtol=0)
    single = rotation_matrix(pitch[1:2, None], yaw[1:2, None], roll[1:2, None])
    torch.testing.assert_close(single[0], matrices[1])


# --- keypoint transform -------------------------------------------------------------------------


def test_transform_without_rotation_scales_then_shifts_xy_only() -> None:
    """2·([1, 2, 3] + [0.1, 0, 0]) + [0.5, −1, (t_z ignored)] = [2.7, 3, 6]."""
    result = transform_keypoints(
        kp=torch.tensor([[[1.0, 2.0, 3.0]]]),
        exp=torch.tensor([[[0.1, 0.0, 0.0]]]),
        pitch=degrees(0),
        yaw=degrees(0),
        roll=degrees(0),
        scale=torch.tensor([[2.0]]),
        t=torch.tensor([[0.5, -1.0, 7.0]]),
    )
    torch.testing.assert_close(result, torch.tensor([[[2.7, 3.0, 6.0]]]))


def test_expression_is_added_after_the_rotation() -> None:
    """yaw 90°: x_c = [1, 0, 0] → [0, 0, −1]; + δ [0, 0.5, 0]; ·s 1 → [0, 0.5, −1]."""
    result = transform_keypoints(
        kp=torch.tensor([[[1.0, 0.0, 0.0]]]),
        exp=torch.tensor([[[0.0, 0.5, 0.0]]]),
        pitch=degrees(0),
        yaw=degrees(90),
        roll=degrees(0),
        scale=torch.tensor([1.0]),
        t=torch.zeros(1, 3),
    )
    torch.testing.assert_close(result, torch.tensor([[[0.0, 0.5, -1.0]]]), atol=1e-6, rtol=0)


# --- KeypointInfo -------------------------------------------------------------------------------


def make_info(batch: int = 2, num_kp: int = 4) -> KeypointInfo:
    return KeypointInfo(
        kp=torch.zeros(batch, num_kp, 3),
        exp=torch.zeros(batch, num_kp, 3),
        pitch=torch.zeros(batch),
        yaw=torch.zeros(batch),
        roll=torch.zeros(batch),
        scale=torch.ones(batch),
        t=torch.zeros(batch, 3),
    )


def test_keypoint_info_is_frozen() -> None:
    info = make_info()
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.scale = torch.ones(2)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("exp", torch.zeros(2, 5, 3), "kp and exp"),
        ("pitch", torch.zeros(2, 1), "pitch must be"),
        ("scale", torch.ones(3), "scale must be"),
        ("t", torch.zeros(2, 2), "t must be"),
    ],
)
def test_keypoint_info_rejects_inconsistent_shapes(
    field: str, value: torch.Tensor, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(make_info(), **{field: value})


def test_parse_motion_reshapes_keypoints_row_major_and_decodes_angles() -> None:
    logits = torch.full((1, 66), -1000.0)
    logits[0, 40] = 1000.0
    raw = {
        "pitch": logits,
        "yaw": logits,
        "roll": logits,
        "t": torch.tensor([[0.1, 0.2, 0.3]]),
        "exp": torch.arange(6.0).reshape(1, 6),
        "scale": torch.tensor([[1.5]]),
        "kp": torch.arange(6.0).reshape(1, 6) + 10,
    }
    info = parse_motion(raw)
    assert info.kp.tolist() == [[[10.0, 11.0, 12.0], [13.0, 14.0, 15.0]]]
    assert info.exp.tolist() == [[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]]
    assert info.pitch.tolist() == info.yaw.tolist() == info.roll.tolist() == [22.5]
    assert info.scale.tolist() == [1.5]


# --- stitching and retargeting with known MLP outputs --------------------------------------------


def constant_net(output: torch.Tensor, input_size: int) -> nn.Module:
    """A real linear layer whose output is `output` whatever the input (zero weight)."""
    layer = nn.Linear(input_size, output.numel())
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.copy_(output)
    return layer


def test_stitch_adds_offsets_per_keypoint_and_one_xy_shift_to_all() -> None:
    x_s = torch.zeros(1, 2, 3)
    x_d = torch.tensor([[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]])
    delta = torch.tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 10.0, 20.0])
    result = stitch(constant_net(delta, 12), x_s, x_d)
    expected = torch.tensor([[[11.1, 21.2, 1.3], [12.4, 22.5, 2.6]]])
    torch.testing.assert_close(result, expected)


def test_retargeting_feeds_keypoints_then_ratio_and_returns_keypoint_offsets() -> None:
    x_s = torch.arange(6.0).reshape(1, 2, 3)
    probe = nn.Linear(8, 6, bias=False)
    with torch.no_grad():
        probe.weight.copy_(torch.eye(6, 8))  # output = first 6 inputs = flattened x_s
    torch.testing.assert_close(retarget_lip(probe, x_s, torch.tensor([[0.3, 0.0]])), x_s)
    eye_probe = nn.Linear(9, 6, bias=False)
    with torch.no_grad():
        eye_probe.weight.zero_()
        eye_probe.weight[:, 8] = 1.0  # output = the target ratio, the last input
    offsets = retarget_eye(eye_probe, x_s, torch.tensor([[0.3, 0.3, 0.25]]))
    torch.testing.assert_close(offsets, torch.full((1, 2, 3), 0.25))


# --- eye and lip ratios -------------------------------------------------------------------------


def synthetic_landmarks() -> np.ndarray:
    """203 points: eye gaps 2 and 3 over widths 10, lip gap 5 over width 20."""
    points = np.zeros((203, 2))
    points[[0, 12, 24, 36, 48, 66]] = [[0, 0], [10, 0], [0, 50], [10, 50], [0, 90], [20, 90]]
    points[[6, 18, 30, 42, 90, 102]] = [[5, 0], [5, 2], [5, 50], [5, 53], [10, 90], [10, 95]]
    return points


def test_eye_and_lip_ratios_from_203_landmarks() -> None:
    landmarks = synthetic_landmarks()
    np.testing.assert_allclose(eye_ratio(landmarks), [[0.2, 0.3]], rtol=1e-6)
    np.testing.assert_allclose(lip_ratio(landmarks), [[0.25]], rtol=1e-6)
    batch = np.stack([landmarks, landmarks * 2])
    assert eye_ratio(batch).shape == (2, 2)
    np.testing.assert_allclose(lip_ratio(batch), [[0.25], [0.25]], rtol=1e-6)


def test_ratios_reject_other_landmark_sets() -> None:
    with pytest.raises(ValueError, match="203"):
        eye_ratio(np.zeros((106, 2)))


# --- official goldens ---------------------------------------------------------------------------


@pytest.mark.parametrize("image", ["s", "d"])
def test_pose_rotation_and_keypoints_match_golden(
    image: str, golden: dict[str, np.ndarray]
) -> None:
    info = parse_motion(golden_raw(golden, image))
    for angle in ("pitch", "yaw", "roll"):
        np.testing.assert_allclose(
            getattr(info, angle).numpy(), golden[f"pose.{image}.{angle}_deg"].reshape(1),
            **EXACT_TOLERANCE,
        )
    rotation = rotation_matrix(info.pitch, info.yaw, info.roll)
    np.testing.assert_allclose(rotation.numpy(), golden[f"pose.{image}.R"], **EXACT_TOLERANCE)
    np.testing.assert_allclose(info.keypoints().numpy(), golden[f"kp.x_{image}"], **EXACT_TOLERANCE)


def test_stitch_matches_golden(
    seeded_network: Callable[[str], nn.Module], golden: dict[str, np.ndarray]
) -> None:
    x_s, x_d = torch.from_numpy(golden["kp.x_s"]), torch.from_numpy(golden["kp.x_d"])
    with torch.no_grad():
        stitched = stitch(seeded_network("stitching"), x_s, x_d)
    np.testing.assert_allclose(stitched.numpy(), golden["S.x_d_stitched"], **EXACT_TOLERANCE)


@pytest.mark.parametrize(
    ("name", "function", "prefix"), [("lip", retarget_lip, "R_lip"), ("eye", retarget_eye, "R_eye")]
)
def test_retargeting_matches_golden(
    name: str,
    function: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor],
    prefix: str,
    seeded_network: Callable[[str], nn.Module],
    golden: dict[str, np.ndarray],
) -> None:
    x_s = torch.from_numpy(golden["kp.x_s"])
    ratio = torch.from_numpy(golden[f"{prefix}.ratio"])
    with torch.no_grad():
        delta = function(seeded_network(name), x_s, ratio)
    assert delta.shape == (1, 21, 3)
    np.testing.assert_allclose(delta.numpy(), golden[f"{prefix}.delta"], **EXACT_TOLERANCE)
