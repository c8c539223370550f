"""Keypoint motion math of LivePortrait (arXiv 2407.03168, §3.1 Eq. 1 and §3.2 Eqs. 4–7).

The motion extractor's raw heads become a typed `KeypointInfo`; `transform_keypoints` applies
Eq. 1, x = s·(x_c·R + δ) + t, and `stitch`/`retarget_eye`/`retarget_lip` run the §3.2 MLPs.
Conventions of the official code that the checkpoints depend on:
- head pose is 66 bins of 3° per angle; degrees = 3·E[bin] − 97.5;
- `rotation_matrix` returns R = (Rz·Ry·Rx)ᵀ because keypoints are row vectors multiplied on the
  right (x·R);
- translation t_z is never used.
Eye/lip opening ratios come from 203-point face landmarks (numpy; cropping code supplies them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

NUM_POSE_BINS = 66
POSE_BIN_DEGREES = 3.0
POSE_OFFSET_DEGREES = 97.5


@dataclass(frozen=True)
class KeypointInfo:
    """Decoded motion of a batch of face crops (all float32 tensors on one device).

    Attributes:
        kp: (B, K, 3) canonical keypoints x_c.
        exp: (B, K, 3) expression deformation δ.
        pitch: (B,) degrees (rotation about x).
        yaw: (B,) degrees (about y).
        roll: (B,) degrees (about z).
        scale: (B,) scale s, used as predicted (no exp/abs).
        t: (B, 3) translation; only t_x, t_y are used.
    """

    kp: torch.Tensor
    exp: torch.Tensor
    pitch: torch.Tensor
    yaw: torch.Tensor
    roll: torch.Tensor
    scale: torch.Tensor
    t: torch.Tensor

    def __post_init__(self) -> None:
        batch = self.kp.shape[0]
        if self.kp.ndim != 3 or self.kp.shape[-1] != 3 or self.exp.shape != self.kp.shape:
            raise ValueError(
                f"kp and exp must both be (B, K, 3); got {tuple(self.kp.shape)} and "
                f"{tuple(self.exp.shape)}"
            )
        for name in ("pitch", "yaw", "roll", "scale"):
            shape = tuple(getattr(self, name).shape)
            if shape != (batch,):
                raise ValueError(f"{name} must be ({batch},), got {shape}")
        if tuple(self.t.shape) != (batch, 3):
            raise ValueError(f"t must be ({batch}, 3), got {tuple(self.t.shape)}")

    def keypoints(self) -> torch.Tensor:
        """The implicit keypoints x = s·(x_c·R + δ) + (t_x, t_y, 0): (B, K, 3)."""
        return transform_keypoints(
            self.kp, self.exp, self.pitch, self.yaw, self.roll, self.scale, self.t
        )


def headpose_to_degrees(logits: torch.Tensor) -> torch.Tensor:
    """Pose-bin logits → degrees in (−97.5, 97.5).

    Args:
        logits: (B, 66) bin logits; anything else, e.g. (B,) or (B, 1) already in degrees, is
            returned unchanged, so decoding twice is harmless.

    Returns:
        (B,) degrees, 3·Σ softmax(logits)_i·i − 97.5.
    """
    if logits.ndim != 2 or logits.shape[1] != NUM_POSE_BINS:
        return logits
    bins = torch.arange(NUM_POSE_BINS, dtype=logits.dtype, device=logits.device)
    expected_bin = (F.softmax(logits, dim=1) * bins).sum(dim=1)
    return expected_bin * POSE_BIN_DEGREES - POSE_OFFSET_DEGREES


def rotation_matrix(pitch: torch.Tensor, yaw: torch.Tensor, roll: torch.Tensor) -> torch.Tensor:
    """Head rotation for row-vector keypoints: (Rz(roll)·Ry(yaw)·Rx(pitch))ᵀ.

    Args:
        pitch, yaw, roll: degrees, B values each (shape (B,) or (B, 1)).

    Returns:
        (B, 3, 3); use as `kp @ R` with kp (B, K, 3).
    """
    x, y, z = (angle.reshape(-1) / 180 * math.pi for angle in (pitch, yaw, roll))
    cos_x, cos_y, cos_z = torch.cos(x), torch.cos(y), torch.cos(z)
    sin_x, sin_y, sin_z = torch.sin(x), torch.sin(y), torch.sin(z)
    ones, zeros = torch.ones_like(cos_x), torch.zeros_like(cos_x)

    def matrix(*rows: torch.Tensor) -> torch.Tensor:
        return torch.stack(rows, dim=1).reshape(-1, 3, 3)

    rot_x = matrix(ones, zeros, zeros, zeros, cos_x, -sin_x, zeros, sin_x, cos_x)
    rot_y = matrix(cos_y, zeros, sin_y, zeros, ones, zeros, -sin_y, zeros, cos_y)
    rot_z = matrix(cos_z, -sin_z, zeros, sin_z, cos_z, zeros, zeros, zeros, ones)
    return (rot_z @ rot_y @ rot_x).transpose(1, 2)


def transform_keypoints(
    kp: torch.Tensor,
    exp: torch.Tensor,
    pitch: torch.Tensor,
    yaw: torch.Tensor,
    roll: torch.Tensor,
    scale: torch.Tensor,
    t: torch.Tensor,
) -> torch.Tensor:
    """Eq. 1: x = s·(x_c·R + δ) + (t_x, t_y, 0).

    Args:
        kp: (B, K, 3) canonical keypoints x_c.
        exp: (B, K, 3) expression δ, added after the rotation.
        pitch, yaw, roll: degrees, B values each.
        scale: B values ((B,) or (B, 1)).
        t: (B, 3); t_z is ignored.

    Returns:
        (B, K, 3) transformed keypoints.
    """
    rotated = kp @ rotation_matrix(pitch, yaw, roll) + exp
    moved = rotated * scale.reshape(-1, 1, 1)
    shift = torch.zeros_like(t)
    shift[:, :2] = t[:, :2]
    return moved + shift[:, None, :]


def parse_motion(raw: dict[str, torch.Tensor]) -> KeypointInfo:
    """Motion-extractor heads → `KeypointInfo` (angles decoded to degrees, keypoints reshaped).

    Args:
        raw: `MotionExtractor` output: pitch/yaw/roll (B, 66), t (B, 3), exp (B, 3K),
            scale (B, 1), kp (B, 3K).
    """
    batch = raw["kp"].shape[0]
    return KeypointInfo(
        kp=raw["kp"].reshape(batch, -1, 3),
        exp=raw["exp"].reshape(batch, -1, 3),
        pitch=headpose_to_degrees(raw["pitch"]).reshape(batch),
        yaw=headpose_to_degrees(raw["yaw"]).reshape(batch),
        roll=headpose_to_degrees(raw["roll"]).reshape(batch),
        scale=raw["scale"].reshape(batch),
        t=raw["t"].reshape(batch, 3),
    )


def stitch(stitching_net: nn.Module, x_s: torch.Tensor, x_d: torch.Tensor) -> torch.Tensor:
    """§3.2 stitching: x_d plus the MLP's per-keypoint offsets and one global (tx, ty) shift.

    Args:
        stitching_net: the stitching MLP (input 2·3K, output 3K + 2).
        x_s: (B, K, 3) source keypoints.
        x_d: (B, K, 3) driving keypoints.

    Returns:
        (B, K, 3) stitched driving keypoints.
    """
    batch, num_kp = x_s.shape[:2]
    delta = stitching_net(torch.cat([x_s.reshape(batch, -1), x_d.reshape(batch, -1)], dim=1))
    offsets = delta[:, : 3 * num_kp].reshape(batch, num_kp, 3)
    shift_xy = delta[:, 3 * num_kp : 3 * num_kp + 2].reshape(batch, 1, 2)
    stitched = x_d + offsets
    return torch.cat([stitched[..., :2] + shift_xy, stitched[..., 2:]], dim=-1)


def retarget_eye(eye_net: nn.Module, x_s: torch.Tensor, ratio: torch.Tensor) -> torch.Tensor:
    """§3.2 eye retargeting offsets.

    Args:
        eye_net: eye MLP (input 3K + 3, output 3K).
        x_s: (B, K, 3) source keypoints.
        ratio: (B, 3) [source left-eye ratio, source right-eye ratio, target ratio].

    Returns:
        (B, K, 3) offsets to add to the driving keypoints.
    """
    return _retarget(eye_net, x_s, ratio)


def retarget_lip(lip_net: nn.Module, x_s: torch.Tensor, ratio: torch.Tensor) -> torch.Tensor:
    """§3.2 lip retargeting offsets.

    Args:
        lip_net: lip MLP (input 3K + 2, output 3K).
        x_s: (B, K, 3) source keypoints.
        ratio: (B, 2) [source lip-open ratio, target ratio].

    Returns:
        (B, K, 3) offsets to add to the driving keypoints.
    """
    return _retarget(lip_net, x_s, ratio)


def _retarget(net: nn.Module, x_s: torch.Tensor, ratio: torch.Tensor) -> torch.Tensor:
    batch, num_kp = x_s.shape[:2]
    delta = net(torch.cat([x_s.reshape(batch, -1), ratio.reshape(batch, -1)], dim=1))
    return delta.reshape(batch, num_kp, 3)


def eye_ratio(landmarks: np.ndarray) -> np.ndarray:
    """Eye opening ratios from 203-point landmarks.

    Args:
        landmarks: (203, 2) or (B, 203, 2) pixel coordinates from LivePortrait's landmark model.

    Returns:
        (B, 2) float32 [left, right]: lid gap divided by eye width, about 0 (closed) to 0.5.
    """
    points = _as_batch(landmarks)
    left = _distance_ratio(points, 6, 18, 0, 12)
    right = _distance_ratio(points, 30, 42, 24, 36)
    return np.stack([left, right], axis=1)


def lip_ratio(landmarks: np.ndarray) -> np.ndarray:
    """Mouth opening ratio from 203-point landmarks.

    Args:
        landmarks: (203, 2) or (B, 203, 2) pixel coordinates.

    Returns:
        (B, 1) float32: lip gap divided by mouth width (0 when closed).
    """
    return _distance_ratio(_as_batch(landmarks), 90, 102, 48, 66)[:, None]


def _as_batch(landmarks: np.ndarray) -> np.ndarray:
    points = np.asarray(landmarks, dtype=np.float64)
    if points.ndim == 2:
        points = points[None]
    if points.ndim != 3 or points.shape[1] != 203 or points.shape[2] != 2:
        raise ValueError(f"expected (203, 2) or (B, 203, 2) landmarks, got {points.shape}")
    return points


def _distance_ratio(points: np.ndarray, a: int, b: int, c: int, d: int) -> np.ndarray:
    """‖p_a − p_b‖ / (‖p_c − p_d‖ + 1e-6) per batch item, float32 (B,)."""
    numerator = np.linalg.norm(points[:, a] - points[:, b], axis=-1)
    denominator = np.linalg.norm(points[:, c] - points[:, d], axis=-1) + 1e-6
    return (numerator / denominator).astype(np.float32)
