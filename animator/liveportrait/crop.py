"""Face crops as similarity transforms, and the feathered paste-back into the full-size photo.

A crop is the square of side `size` (original pixels) centred on `center`, rotated by `angle` so
that the eye→lip axis points straight down, resampled to `dsize`×`dsize` (LivePortrait §4.3 of
our fact sheet). The same transform, inverted, puts the generated face back: the 512×512 output
and a mask with a 16 px linear feather are warped into the original frame and blended, so pixels
outside the pasted square are returned unchanged, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Landmark indices of the two eye regions and the two lip points, per landmark layout.
_ANCHORS: dict[int, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {
    106: ((33, 35, 40, 39), (87, 89, 94, 93), (52, 61)),
    203: ((0, 6, 12, 18), (24, 30, 36, 42), (48, 66)),
}

PASTE_SIZE = 512
FEATHER_PX = 16


@dataclass(frozen=True, slots=True)
class CropTransform:
    """A similarity transform between original pixels and a dsize×dsize crop.

    Attributes:
        center: (cx, cy) of the crop square in original pixels.
        size: side of the crop square in original pixels.
        angle: rotation in radians; the crop's +x axis is (cos, sin) in the original.
        dsize: side of the crop in pixels.
    """

    center: tuple[float, float]
    size: float
    angle: float
    dsize: int

    @property
    def o2c(self) -> np.ndarray:
        """(3, 3) float64 matrix mapping original pixels to crop pixels."""
        k = self.dsize / self.size
        cos, sin = np.cos(self.angle), np.sin(self.angle)
        cx, cy = self.center
        half = self.dsize / 2.0
        return np.array(
            [
                [k * cos, k * sin, half - k * (cos * cx + sin * cy)],
                [-k * sin, k * cos, half - k * (-sin * cx + cos * cy)],
                [0.0, 0.0, 1.0],
            ]
        )

    @property
    def c2o(self) -> np.ndarray:
        """(3, 3) float64 matrix mapping crop pixels back to original pixels."""
        return np.linalg.inv(self.o2c)

    def resized(self, dsize: int) -> CropTransform:
        """The same square resampled to another output size."""
        return CropTransform(self.center, self.size, self.angle, dsize)


def apply_affine(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map (N, 2) points with a (3, 3) or (2, 3) affine matrix; returns (N, 2) float64."""
    points = np.asarray(points, dtype=np.float64)
    return points @ matrix[:2, :2].T + matrix[:2, 2]


def face_anchors(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(eye centre, lip centre), each (2,), from 106- or 203-point landmarks."""
    layout = _ANCHORS.get(len(landmarks))
    if layout is None:
        raise ValueError(f"expected 106 or 203 landmarks, got {len(landmarks)}")
    left, right, lip = layout
    eyes = (landmarks[list(left)].mean(0) + landmarks[list(right)].mean(0)) / 2.0
    return eyes.astype(np.float64), landmarks[list(lip)].mean(0).astype(np.float64)


def crop_transform(
    landmarks: np.ndarray, *, dsize: int, scale: float, vy_ratio: float, rotate: bool = True
) -> CropTransform:
    """The LivePortrait crop around a face's landmarks.

    The box is the landmarks' bounding square in the face frame (x along the eye line, y from
    eyes to lips), enlarged by `scale` and shifted by `vy_ratio`·side along the face's y axis
    (negative moves it towards the forehead).

    Args:
        landmarks: (106, 2) or (203, 2) points in original pixels.
        dsize: output side (512 for the source crop, 224 for the landmark model).
        scale: side / landmark extent (2.3 for the source crop, 1.5 for landmarks).
        vy_ratio: vertical shift as a fraction of the side (−0.125 source, −0.1 landmarks).
        rotate: False keeps the crop axis-aligned.
    """
    points = np.asarray(landmarks, dtype=np.float64)
    eyes, lip = face_anchors(points)
    down = lip - eyes
    length = float(np.linalg.norm(down))
    down = down / length if rotate and length > 1e-3 else np.array([0.0, 1.0])
    right = np.array([down[1], -down[0]])
    angle = float(np.arccos(np.clip(right[0], -1.0, 1.0)))
    if right[1] < 0:
        angle = -angle
    mean = points.mean(0)
    local = (points - mean) @ np.stack([right, down]).T
    low, high = local.min(0), local.max(0)
    side = float((high - low).max() * scale)
    mid = (low + high) / 2.0
    center = mean + right * mid[0] + down * mid[1] + down * (vy_ratio * side)
    return CropTransform((float(center[0]), float(center[1])), side, angle, dsize)


def warp_crop(image: np.ndarray, transform: CropTransform) -> np.ndarray:
    """Cut the crop: (dsize, dsize, C) uint8, bilinear, zero outside the image."""
    return cv2.warpAffine(
        image, transform.o2c[:2], (transform.dsize, transform.dsize),
        flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0,
    )


def feather_mask(size: int = PASTE_SIZE, ramp: int = FEATHER_PX) -> np.ndarray:
    """(size, size) float32 in [0, 1]: 1 inside, a linear ramp over the outer `ramp` pixels.

    Values are quantised to 8 bits like the official mask template: the ramp is
    floor(255·i/ramp)/255 for i pixels from the edge (0, 15, 31, …, 239, then 255).
    """
    distance = np.minimum(np.arange(size), np.arange(size)[::-1])
    profile = np.minimum(np.floor(255.0 * distance / ramp), 255.0)
    return (np.minimum(profile[:, None], profile[None, :]) / 255.0).astype(np.float32)


@dataclass(frozen=True, slots=True)
class PasteBack:
    """Everything needed to put generated crops back into one portrait, computed once.

    Attributes:
        transform: the crop transform of the generated images (dsize = their side).
        roi: (x0, y0, x1, y1) region of the portrait the crop can touch.
        mask: (y1-y0, x1-x0, 1) float32 warped feather mask; 0 where nothing is pasted.
    """

    transform: CropTransform
    roi: tuple[int, int, int, int]
    mask: np.ndarray

    @classmethod
    def build(cls, transform: CropTransform, image_shape: tuple[int, ...]) -> PasteBack:
        """Precompute the region and the warped mask for an image of `image_shape` (H, W, ...)."""
        height, width = image_shape[:2]
        side = transform.dsize
        square = np.array([[0, 0], [side, 0], [0, side], [side, side]])
        corners = apply_affine(transform.c2o, square)
        x0, y0 = np.floor(corners.min(0)).astype(int) - 1
        x1, y1 = np.ceil(corners.max(0)).astype(int) + 1
        roi = (max(x0, 0), max(y0, 0), min(x1, width), min(y1, height))
        mask = cls._warp(transform, roi, feather_mask(side, FEATHER_PX), cv2.INTER_LINEAR)
        return cls(transform, roi, mask[..., None])

    @staticmethod
    def _warp(
        transform: CropTransform, roi: tuple[int, int, int, int], image: np.ndarray, flags: int
    ) -> np.ndarray:
        x0, y0, x1, y1 = roi
        matrix = transform.c2o[:2].copy()
        matrix[:, 2] -= (x0, y0)
        return cv2.warpAffine(
            image, matrix, (max(x1 - x0, 0), max(y1 - y0, 0)), flags=flags,
            borderMode=cv2.BORDER_CONSTANT, borderValue=0,
        )

    def paste(self, portrait: np.ndarray, crop: np.ndarray) -> np.ndarray:
        """Blend one generated crop into a copy of the portrait.

        Args:
            portrait: (H, W, 3) uint8 RGB, the original photo.
            crop: (dsize, dsize, 3) uint8 RGB generated face.

        Returns:
            (H, W, 3) uint8: mask·crop + (1 − mask)·portrait inside the region, the portrait
            elsewhere.
        """
        out = portrait.copy()
        x0, y0, x1, y1 = self.roi
        if x1 <= x0 or y1 <= y0:
            return out
        warped = self._warp(self.transform, self.roi, crop, cv2.INTER_LINEAR).astype(np.float32)
        base = portrait[y0:y1, x0:x1].astype(np.float32)
        blended = base + self.mask * (warped - base)
        out[y0:y1, x0:x1] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
        return out
