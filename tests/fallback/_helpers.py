"""Shared helpers of the fallback-engine tests: the default portrait and face regions derived
from the detected landmarks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from animator.fallback import FaceLandmarks

PORTRAIT = Path(__file__).resolve().parents[2] / "assets" / "portrait.png"
#: The astronaut's face box (x0, y0, x1, y1) in the default portrait, read off the picture by eye.
FACE_BY_EYE = (177, 66, 272, 161)

Box = tuple[int, int, int, int]  # (y0, y1, x0, x1), numpy slice order


@dataclass(frozen=True)
class FaceRegions:
    """Boxes around the features of one detected face, in image pixels.

    Attributes:
        left_eye, right_eye: the eye openings (screen-left eye has the smaller x).
        left_brow, right_brow: thin bands along the brows.
        mouth: lips and the lip line.
        face: the face box.
    """

    left_eye: Box
    right_eye: Box
    left_brow: Box
    right_brow: Box
    mouth: Box
    face: Box

    @classmethod
    def of(cls, lm: FaceLandmarks) -> FaceRegions:
        ew, eh = lm.eye_size
        fw, fh = lm.face_width, lm.face_height

        def around(point: tuple[float, float], rx: float, ry: float) -> Box:
            x, y = point
            return round(y - ry), round(y + ry) + 1, round(x - rx), round(x + rx) + 1

        top = min(lm.mouth_left[1], lm.mouth_center[1]) - 0.04 * fh
        x0, y0, x1, y1 = lm.face_box
        return cls(
            left_eye=around(lm.left_eye, 0.5 * ew, 0.5 * eh),
            right_eye=around(lm.right_eye, 0.5 * ew, 0.5 * eh),
            left_brow=around(lm.left_brow, 0.5 * lm.brow_width, 0.03 * fh),
            right_brow=around(lm.right_brow, 0.5 * lm.brow_width, 0.03 * fh),
            mouth=(
                round(top),
                round(lm.mouth_center[1] + 0.08 * fh) + 1,
                round(lm.mouth_left[0] - 0.05 * fw),
                round(lm.mouth_right[0] + 0.05 * fw) + 1,
            ),
            face=(y0, y1, x0, x1),
        )


def region_diff(a: np.ndarray, b: np.ndarray, box: Box) -> float:
    """Mean absolute difference of two uint8 images inside `box`."""
    y0, y1, x0, x1 = box
    return float(np.abs(a[y0:y1, x0:x1].astype(np.int16) - b[y0:y1, x0:x1]).mean())
