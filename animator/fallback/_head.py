"""Head pose as a feathered local warp: the head+neck region turns, nods and tilts, the background
outside an elliptical mask stays exactly where it is.

Yaw and pitch treat the head as a cylinder (vertical axis for yaw, horizontal for pitch): content
at angle φ on the cylinder moves to φ + angle, so the face slides while the far side compresses
and the near side widens. Roll rotates about the chin, fading out down the neck. Each is exact in
closed form:

    backward offset = (cos a - 1) * A + sin a * B

with A, B fixed per-pixel fields, so a frame only needs cos/sin of three angles and a weighted
sum of six precomputed (H, W) float32 fields (already multiplied by the mask), composed as
described in `HeadWarp.offsets`.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from animator.fallback._bumps import smoothstep
from animator.fallback.landmarks import FaceLandmarks

HEAD_RX, HEAD_RY = 0.78, 0.9  # head ellipse half-axes, in face widths / heights
NECK_RX, NECK_RY = 0.42, 0.4
FEATHER = 0.5  # the mask fades from 1 to 0 between normalised radius 1 and 1 + FEATHER
# cylinder radii in face widths (yaw) / heights (pitch): beyond the mask's reach, so the
# cylinder's limb, where the warp would fold, lies outside the warped region
CYLINDER_X = (1.0 + FEATHER) * HEAD_RX * 1.08
CYLINDER_Y = (1.0 + FEATHER) * HEAD_RY * 1.08
ANGLE_GAIN = 0.35  # share of the requested yaw/pitch the 2-D warp shows (keeps it believable)
ROLL_GAIN = 0.5  # share of the requested roll (an in-plane turn, but the neck stays put)
NECK_FADE = 0.4  # below the chin, turning/nodding fades out over this many face heights


def head_extent(lm: FaceLandmarks) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in the landmarks' frame outside of which the head warp is exactly 0."""
    cx, cy = _head_centre(lm)
    fw, fh = lm.face_width, lm.face_height
    reach = 1.0 + FEATHER
    neck_y = lm.chin[1] + 0.1 * fh
    x_half = reach * max(HEAD_RX, NECK_RX) * fw
    return (
        cx - x_half,
        cy - reach * HEAD_RY * fh,
        cx + x_half,
        max(cy + reach * HEAD_RY * fh, neck_y + reach * NECK_RY * fh),
    )


def _head_centre(lm: FaceLandmarks) -> tuple[float, float]:
    eyes_y = (lm.left_eye[1] + lm.right_eye[1]) / 2
    return (lm.left_eye[0] + lm.right_eye[0]) / 2, eyes_y - 0.05 * lm.face_height


def _soft_ellipse(
    xx: np.ndarray, yy: np.ndarray, cx: float, cy: float, rx: float, ry: float
) -> np.ndarray:
    radius = np.sqrt(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)
    return smoothstep(1.0 + FEATHER, 1.0, radius)


@dataclass(frozen=True)
class HeadWarp:
    """Precomputed head-pose fields over the ROI, each (H, W) float32 and already masked.

    Attributes:
        mask: 1 on the head and neck, 0 on the background (the feathered blend weight).
        yaw_a, yaw_b: yaw terms of the x offset (see the module docstring).
        pitch_a, pitch_b: pitch terms of the y offset.
        roll_x, roll_y: offsets from the roll pivot (x and y), weighted so the neck stays put.
    """

    mask: np.ndarray
    yaw_a: np.ndarray
    yaw_b: np.ndarray
    pitch_a: np.ndarray
    pitch_b: np.ndarray
    roll_x: np.ndarray
    roll_y: np.ndarray

    @classmethod
    def build(cls, lm: FaceLandmarks, shape: tuple[int, int]) -> HeadWarp:
        """Fields for landmarks `lm` given in the pixels of an ROI of `shape` (height, width)."""
        yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
        cx, cy = _head_centre(lm)
        fw, fh = lm.face_width, lm.face_height
        neck_y = lm.chin[1] + 0.1 * fh
        head = _soft_ellipse(xx, yy, cx, cy, HEAD_RX * fw, HEAD_RY * fh)
        mask = np.maximum(head, _soft_ellipse(xx, yy, cx, neck_y, NECK_RX * fw, NECK_RY * fh))
        # turning and nodding move the head only: the neck below the chin stretches, the
        # shoulders and collar stay
        turn = head * smoothstep(lm.chin[1] + NECK_FADE * fh, lm.chin[1], yy)
        rel_x, rel_y = xx - cx, yy - cy
        radius_x, radius_y = CYLINDER_X * fw, CYLINDER_Y * fh
        pivot_y = lm.chin[1]
        roll_weight = mask * smoothstep(pivot_y + 0.3 * fh, pivot_y - 0.1 * fh, yy)
        return cls(
            mask=mask,
            yaw_a=turn * rel_x,
            yaw_b=turn * -np.sqrt(np.clip(radius_x**2 - rel_x**2, 0.0, None)),
            pitch_a=turn * rel_y,
            pitch_b=turn * np.sqrt(np.clip(radius_y**2 - rel_y**2, 0.0, None)),
            roll_x=roll_weight * (xx - cx),
            roll_y=roll_weight * (yy - pivot_y),
        )

    def offsets(
        self,
        pitch_deg: float,
        yaw_deg: float,
        roll_deg: float,
        grid_x: np.ndarray,
        grid_y: np.ndarray,
    ) -> np.ndarray | None:
        """Backward offsets, (H, W, 2) float32, for head angles in degrees; None when all are 0.

        Screen directions: yaw > 0 turns the face toward the screen's right, pitch > 0 lifts the
        chin (the face moves up), roll > 0 tilts the top of the head toward the screen's right
        (clockwise as seen).

        Turning and nodding happen in the head's own frame and the tilt after them, so the map
        first undoes the tilt and then samples the turn/nod offsets where it lands (`grid_x`,
        `grid_y` are the ROI's identity maps). Composing keeps the feathered mask from folding
        when all three angles are large, which summing them would not.
        """
        turn = self._turn(pitch_deg, yaw_deg)
        if roll_deg == 0.0:
            return turn
        roll = np.radians(ROLL_GAIN * roll_deg)
        cos_r, sin_r = np.float32(np.cos(roll) - 1.0), np.float32(np.sin(roll))
        tilt = np.empty((*self.roll_x.shape, 2), dtype=np.float32)
        tilt[..., 0] = cos_r * self.roll_x + sin_r * self.roll_y
        tilt[..., 1] = cos_r * self.roll_y - sin_r * self.roll_x
        if turn is not None:
            tilt += cv2.remap(
                turn,
                grid_x + tilt[..., 0],
                grid_y + tilt[..., 1],
                cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,  # the head may run off the image edge
            )
        return tilt

    def _turn(self, pitch_deg: float, yaw_deg: float) -> np.ndarray | None:
        """Backward (dx, dy) offsets of yaw and pitch, (H, W, 2) float32; None when both are 0."""
        if pitch_deg == 0.0 and yaw_deg == 0.0:
            return None
        pitch, yaw = np.radians(ANGLE_GAIN * np.array([pitch_deg, yaw_deg]))
        turn = np.empty((*self.yaw_a.shape, 2), dtype=np.float32)
        turn[..., 0] = (
            np.float32(np.cos(yaw) - 1.0) * self.yaw_a + np.float32(np.sin(yaw)) * self.yaw_b
        )
        turn[..., 1] = (
            np.float32(np.cos(pitch) - 1.0) * self.pitch_a
            + np.float32(np.sin(pitch)) * self.pitch_b
        )
        return turn
