"""Pose channels → LivePortrait keypoint edits, as data (fact sheet §5).

Convention: the official LivePortrait Gradio editor's (LP `gradio_pipeline.py`, itself derived from
AdvancedLivePortrait). Each channel adds an expression delta δ to the source's *own* expression and
degrees to the source's *own* head angles; the driving keypoints are then
x_d = s·(x_c·R(angles_s + Δangles) + δ_s + Δδ) + (t_x, t_y, 0), so the rest pose reproduces x_s
exactly. We follow the editor rather than ALP's `ExpressionEditor` because ALP rotates δ with the
head and adds t_z, which moves the head even with every slider at 0 (ALP#84).

Screen directions are handled here, explicitly. Keypoints live in a camera frame (x right, y
down, z away from the viewer) and R = (Rz·Ry·Rx)ᵀ; with the front of the face at negative z, a
positive model pitch moves it down (a nod down) and a positive model yaw turns it toward screen
left. Our channels use the viewer's directions (`contracts.pose`: +pitch nods up, +yaw turns
toward screen right), hence the −1 signs below; two public editors tuned on the real weights flip
the same signs (ALP negates yaw; FaceFusion's LivePortrait editor negates pitch and yaw). Roll
keeps the model's sign: +roll tilts the top of the head toward screen right (clockwise as seen).
A test that runs only with the published weights checks yaw and pitch on rendered frames.

Channel ranges map onto the editor's slider units: smile −1…1 → −0.3…1.3 (piecewise linear, so 0
stays 0), eye_open −1 → blink −20 (closed) and +1 → blink +5 (wide), wink 0…1 → 0…25,
eyebrow −1…1 → −10…15, gaze ±1 → pupil ±15 (looking up/down also moves the lids, as the editor
does), mouth_open 0…1 → "aaa" 0…100, mouth_wide ±1 → "eee" ±15, mouth_round ±1 → "woo" ±15.
Keypoint meanings are inferred from how the editors use them (not documented upstream). Which eye
keypoint 11 is on screen is unverified without the real weights; the wink basis is LP's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from contracts.pose import CHANNEL_NAMES, HIGHS, LOWS, ChannelName

if TYPE_CHECKING:
    from animator.liveportrait.motion import KeypointInfo

NUM_KP = 21
X, Y, Z = 0, 1, 2

# Implicit keypoints by their role in the editors' recipes.
KP_BROW_A = 1
KP_BROW_B = 2
KP_CHEEK_A = 3
KP_CHEEK_B = 7
KP_EYE_A = 11  # upper lid/pupil of one eye (the one the wink closes)
KP_LOWER_EYE_A = 13
KP_LIP_UPPER = 14
KP_EYE_B = 15
KP_LOWER_EYE_B = 16
KP_MOUTH = 17
KP_JAW = 19
KP_LIP_CORNERS = 20

#: Model-angle sign per screen direction (see the module docstring).
PITCH_SIGN = -1.0
YAW_SIGN = -1.0
ROLL_SIGN = 1.0

#: An edit never turns the head beyond these model angles (degrees): LivePortrait distorts faces
#: at large angles (LP#190). A source already beyond them keeps its own pose.
MAX_ANGLES = (30.0, 40.0, 30.0)

Term = tuple[int, int, float]  # (keypoint, axis, delta per editor unit)


@dataclass(frozen=True, slots=True)
class Basis:
    """One editor slider: keypoint deltas and head-angle degrees per editor unit.

    Attributes:
        name: the editor slider it reproduces.
        terms: (keypoint, axis, coefficient) triples.
        angles: (pitch, yaw, roll) degrees per unit, in model convention.
    """

    name: str
    terms: tuple[Term, ...] = ()
    angles: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def vector(self) -> np.ndarray:
        """(NUM_KP·3 + 3,) float64: flattened keypoint deltas, then the three angles."""
        out = np.zeros(NUM_KP * 3 + 3)
        for kp, axis, coefficient in self.terms:
            out[kp * 3 + axis] += coefficient
        out[NUM_KP * 3 :] = self.angles
        return out


SMILE = Basis("smile", (
    (KP_LIP_CORNERS, Y, -0.01), (KP_LIP_UPPER, Y, -0.02), (KP_MOUTH, Y, 0.0065),
    (KP_MOUTH, Z, 0.003), (KP_LOWER_EYE_A, Y, -0.00275), (KP_LOWER_EYE_B, Y, -0.00275),
    (KP_CHEEK_A, Y, -0.0035), (KP_CHEEK_B, Y, -0.0035),
))
BLINK = Basis("blink", (  # negative closes the eyes, positive widens them
    (KP_EYE_A, Y, -0.001), (KP_LOWER_EYE_A, Y, 0.0003), (KP_EYE_B, Y, -0.001),
    (KP_LOWER_EYE_B, Y, 0.0003), (KP_BROW_A, Y, -0.00025), (KP_BROW_B, Y, 0.00025),
))
LID_FOLLOW = Basis("blink (eyeball_direction_y part)", BLINK.terms[:4])
WINK = Basis("wink", (
    (KP_EYE_A, Y, 0.001), (KP_LOWER_EYE_A, Y, -0.0003), (KP_MOUTH, X, 0.0003),
    (KP_MOUTH, Y, 0.0003), (KP_CHEEK_A, Y, -0.0003),
))
BROW_RAISE = Basis("eyebrow > 0", ((KP_BROW_A, Y, 0.001), (KP_BROW_B, Y, -0.001)))
BROW_LOWER = Basis("eyebrow <= 0", (
    (KP_BROW_A, X, -0.001), (KP_BROW_B, X, 0.001), (KP_BROW_A, Y, 0.0003),
    (KP_BROW_B, Y, -0.0003),
))
PUPIL_RIGHT = Basis("eyeball_direction_x > 0", ((KP_EYE_A, X, 0.0007), (KP_EYE_B, X, 0.001)))
PUPIL_LEFT = Basis("eyeball_direction_x <= 0", ((KP_EYE_A, X, 0.001), (KP_EYE_B, X, 0.0007)))
PUPIL_Y = Basis("eyeball_direction_y", ((KP_EYE_A, Y, -0.001), (KP_EYE_B, Y, -0.001)))
AAA = Basis("lip_variation_three (aaa)", (
    (KP_JAW, Y, 0.001), (KP_JAW, Z, 0.0001), (KP_MOUTH, Y, -0.0001),
))
EEE = Basis("lip_variation_two (eee)", (
    (KP_LIP_CORNERS, Z, -0.001), (KP_LIP_CORNERS, Y, -0.001), (KP_LIP_UPPER, Y, -0.001),
))
WOO = Basis("lip_variation_one (woo)", (
    (KP_LIP_UPPER, Y, 0.001), (KP_CHEEK_A, Y, -0.0005), (KP_CHEEK_B, Y, -0.0005),
    (KP_MOUTH, Z, -0.0005),
))
HEAD_PITCH = Basis("relative pitch", angles=(PITCH_SIGN, 0.0, 0.0))
HEAD_YAW = Basis("relative yaw", angles=(0.0, YAW_SIGN, 0.0))
HEAD_ROLL = Basis("relative roll", angles=(0.0, 0.0, ROLL_SIGN))

Side = tuple[tuple[Basis, float], ...]  # (basis, editor units when the channel is at ±1)


@dataclass(frozen=True, slots=True)
class ChannelMap:
    """How one channel drives the editor sliders.

    Attributes:
        channel: the `Pose` channel.
        positive: (basis, editor units at channel = +1) for values above 0.
        negative: (basis, editor units at channel = −1) for values below 0; the editor amount is
            value × units, so it is negative there.
    """

    channel: ChannelName
    positive: Side
    negative: Side = ()


CHANNEL_MAPS: tuple[ChannelMap, ...] = (
    ChannelMap("head_pitch", ((HEAD_PITCH, 1.0),), ((HEAD_PITCH, 1.0),)),
    ChannelMap("head_yaw", ((HEAD_YAW, 1.0),), ((HEAD_YAW, 1.0),)),
    ChannelMap("head_roll", ((HEAD_ROLL, 1.0),), ((HEAD_ROLL, 1.0),)),
    ChannelMap("gaze_x", ((PUPIL_RIGHT, 15.0),), ((PUPIL_LEFT, 15.0),)),
    ChannelMap("gaze_y", ((PUPIL_Y, 15.0), (LID_FOLLOW, -7.5)),
               ((PUPIL_Y, 15.0), (LID_FOLLOW, -7.5))),
    ChannelMap("eye_open", ((BLINK, 5.0),), ((BLINK, 20.0),)),
    ChannelMap("wink", ((WINK, 25.0),)),
    ChannelMap("eyebrow", ((BROW_RAISE, 15.0),), ((BROW_LOWER, 10.0),)),
    ChannelMap("smile", ((SMILE, 1.3),), ((SMILE, 0.3),)),
    ChannelMap("mouth_open", ((AAA, 100.0),)),
    ChannelMap("mouth_wide", ((EEE, 15.0),), ((EEE, 15.0),)),
    ChannelMap("mouth_round", ((WOO, 15.0),), ((WOO, 15.0),)),
)
assert tuple(m.channel for m in CHANNEL_MAPS) == CHANNEL_NAMES, "one map per channel, in order"


def _side_matrix(side_of: str) -> np.ndarray:
    """(12, NUM_KP·3 + 3): each channel's edit per unit of channel value on one side."""
    rows = []
    for mapping in CHANNEL_MAPS:
        side: Side = getattr(mapping, side_of)
        row = np.zeros(NUM_KP * 3 + 3)
        for basis, units in side:
            row += units * basis.vector()
        rows.append(row)
    return np.stack(rows)


_POSITIVE = _side_matrix("positive")
_NEGATIVE = _side_matrix("negative")


def channel_edits(pose_batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expression deltas and angle offsets of a batch of poses, before any angle limit.

    Args:
        pose_batch: (B, 12) channel values in `CHANNELS` order (clamped to their ranges here).

    Returns:
        (exp_delta (B, 21, 3) float32 model units, angle_offsets (B, 3) float32 model degrees
        (pitch, yaw, roll)).
    """
    poses = np.asarray(pose_batch, dtype=np.float64)
    if poses.ndim != 2 or poses.shape[1] != len(CHANNEL_NAMES):
        raise ValueError(f"pose batch must be (B, {len(CHANNEL_NAMES)}), got {poses.shape}")
    poses = np.clip(np.nan_to_num(poses, nan=0.0), LOWS, HIGHS)
    edits = np.maximum(poses, 0.0) @ _POSITIVE + np.minimum(poses, 0.0) @ _NEGATIVE
    exp_delta = edits[:, : NUM_KP * 3].reshape(-1, NUM_KP, 3)
    return exp_delta.astype(np.float32), edits[:, NUM_KP * 3 :].astype(np.float32)


def limit_angles(source_angles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Shrink offsets so source + offset stays within ±MAX_ANGLES (or the source's own angle).

    Args:
        source_angles: (3,) or (B, 3) model degrees (pitch, yaw, roll) of the source.
        offsets: (B, 3) model degrees.

    Returns:
        (B, 3) float32 offsets; unchanged when within the limits.
    """
    source = np.asarray(source_angles, dtype=np.float64)
    limit = np.asarray(MAX_ANGLES)
    low, high = np.minimum(source, -limit), np.maximum(source, limit)
    final = np.clip(source + offsets, low, high)
    return (final - source).astype(np.float32)


def apply_pose(info: KeypointInfo, pose_batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keypoint edits for a batch of poses on one source face.

    Args:
        info: the source's `KeypointInfo` (batch 1, 21 keypoints); its angles bound the offsets.
        pose_batch: (B, 12) channel values in `CHANNELS` order.

    Returns:
        (exp_delta (B, 21, 3) float32 to add to the source's δ, angle_offsets (B, 3) float32
        model degrees to add to its (pitch, yaw, roll)).
    """
    num_kp = int(info.kp.shape[1])
    if num_kp != NUM_KP:
        raise ValueError(f"expression edits need the {NUM_KP}-keypoint model, got {num_kp}")
    exp_delta, offsets = channel_edits(pose_batch)
    source = np.array([float(info.pitch[0]), float(info.yaw[0]), float(info.roll[0])])
    return exp_delta, limit_angles(source, offsets)
