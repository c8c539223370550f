"""Colour patches blended into the *source* pixels before the warp: the mouth interior at the lip
line (the jaw-drop field stretches it into a dark, shaded gap) and lid skin over each eye (the
closing field stretches it down over the eye).

Painting in source space means the one remap per frame also carries the paint along with every
head and face motion, so nothing has to be re-positioned per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from animator.fallback._bumps import Grid, bump, plateau, ramp, smoothstep
from animator.fallback._face_fields import (
    JAW_WIDTH,
    jaw_geometry,
    lid_lines,
    lid_top,
    own_smile,
    seam_curve,
)
from animator.fallback.landmarks import FaceLandmarks

INTERIOR_TINT = np.array([0.30, 0.14, 0.15], dtype=np.float32)  # mouth interior / skin colour
SEAM_TINT = np.array([0.62, 0.42, 0.42], dtype=np.float32)  # closed lips' seam / skin colour


@dataclass(frozen=True)
class Paint:
    """A colour patch on a box of the ROI.

    Attributes:
        y0, x0: top-left corner of the box in ROI pixels.
        colour: (h, w, 3) float32 RGB in [0, 255].
        alpha: (h, w, 1) float32 in [0, 1], the blend weight at full strength.
    """

    y0: int
    x0: int
    colour: np.ndarray
    alpha: np.ndarray

    def apply(self, pixels: np.ndarray, strength: float) -> None:
        """Blend into `pixels`, the (H, W, 3) uint8 ROI, in place, at `strength` in [0, 1]."""
        h, w = self.alpha.shape[:2]
        view = pixels[self.y0 : self.y0 + h, self.x0 : self.x0 + w]
        weight = self.alpha * np.float32(strength)
        blended = view * (1.0 - weight) + self.colour * weight
        view[...] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def skin_colour(pixels: np.ndarray, lm: FaceLandmarks) -> np.ndarray:
    """Median RGB of the cheeks below the eyes; (3,) float32. `pixels` is (H, W, 3) uint8."""
    fh = lm.face_height
    samples = []
    for ex, ey in (lm.left_eye, lm.right_eye):
        y, x = round(ey + 0.2 * fh), round(ex)
        r = max(1, round(0.05 * fh))
        samples.append(pixels[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1].reshape(-1, 3))
    return np.median(np.concatenate(samples), axis=0).astype(np.float32)


@dataclass(frozen=True)
class MouthInterior:
    """The dark inside of the mouth, painted just below the lip line as the jaw drops.

    The jaw-drop field stretches a thin source band below the lip line into the visible gap; this
    paints exactly that band (its height follows from the jaw geometry), so the gap reads as a
    shaded mouth interior rather than a smeared lower lip.

    Attributes:
        y0, x0: top-left corner of the box in ROI pixels.
        depth: (h, w) float32 pixels below the lip line (negative above it).
        drop: (h, w) float32 jaw travel at mouth_open = 1 in each column (as in the jaw field).
        taper: (h, w) float32 in [0, 1], 1 mid-mouth and 0 at the corners.
        colour: (h, w, 3) float32 RGB interior colour.
        span: ramp length of the jaw field in pixels.
    """

    y0: int
    x0: int
    depth: np.ndarray
    drop: np.ndarray
    taper: np.ndarray
    colour: np.ndarray
    span: float

    @classmethod
    def build(cls, pixels: np.ndarray, lm: FaceLandmarks) -> MouthInterior:
        """Precompute for the ROI `pixels` ((H, W, 3) uint8) and ROI-frame landmarks `lm`."""
        cx, seam = lm.mouth_center
        half_w = 0.5 * lm.mouth_width
        drop, span = jaw_geometry(lm)
        top = min(seam, lm.mouth_left[1], lm.mouth_right[1]) - 2.0
        bottom = seam + 0.5 * span
        grid = Grid.around(pixels.shape[:2], cx, (top + bottom) / 2, half_w, (bottom - top) / 2)
        colour = np.empty((*grid.xx.shape, 3), dtype=np.float32)
        colour[...] = skin_colour(pixels, lm) * INTERIOR_TINT
        return cls(
            y0=grid.y0,
            x0=grid.x0,
            depth=grid.yy - seam_curve(grid.xx, lm),
            drop=drop * bump((grid.xx - cx) / (JAW_WIDTH * lm.mouth_width)),
            taper=plateau((grid.xx - cx) / half_w, 0.7),
            colour=colour,
            span=span,
        )

    def apply(self, pixels: np.ndarray, jaw: float) -> None:
        """Paint the interior for mouth_open `jaw` into `pixels`, the (H, W, 3) uint8 ROI."""
        gap = jaw * self.drop
        band = gap * (1.0 - ramp(gap / self.span)) + 0.5
        inside = smoothstep(-1.5, -0.2, self.depth) * smoothstep(band + 1.0, band - 0.8, self.depth)
        shade = 1.0 - 0.4 * bump((self.depth - band / 2) / (band / 2 + 1.0))
        alpha = (self.taper * inside * min(1.0, jaw / 0.15))[..., None]
        h, w = self.depth.shape
        view = pixels[self.y0 : self.y0 + h, self.x0 : self.x0 + w]
        blended = view * (1.0 - alpha) + self.colour * shade[..., None] * alpha
        view[...] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def lid_skin(
    pixels: np.ndarray, lm: FaceLandmarks, eye: tuple[float, float], brow: tuple[float, float]
) -> Paint:
    """Smooth skin over the upper lid that a closing lid stretches down over the eye, ending just
    above the lash line, so a closed eye reads as lid skin over a dark lash line.

    The skin is inpainted from the pixels around the eye (brow edge, temples, cheek), so its colour
    meets the surrounding skin without a seam, and shaded slightly darker toward the lashes.
    """
    ex, ey = eye
    ew, eh = lm.eye_size
    top = lid_top(eye, brow, lm)
    grid = Grid.around(pixels.shape[:2], ex, (top + ey + eh) / 2, 0.8 * ew, (ey + eh - top) / 2 + 2)
    h, w = grid.xx.shape
    box = np.ascontiguousarray(pixels[grid.y0 : grid.y0 + h, grid.x0 : grid.x0 + w])
    upper, lower = lid_lines(grid.xx, eye, lm)
    hole = (np.abs(grid.xx - ex) < 0.6 * ew) & (grid.yy >= top - 1.0) & (grid.yy <= lower + 1.0)
    skin = cv2.inpaint(box, hole.astype(np.uint8), max(2.0, 0.4 * eh), cv2.INPAINT_TELEA)
    across = bump((grid.xx - ex) / (0.6 * ew)) ** 0.5
    vertical = smoothstep(top - 1.5, top + 1.0, grid.yy) * smoothstep(
        upper - 0.2, upper - 1.2, grid.yy
    )
    shade = 1.0 - 0.08 * smoothstep(top, upper, grid.yy)
    colour = skin.astype(np.float32) * shade[..., None]
    return Paint(grid.y0, grid.x0, colour, (across * vertical)[..., None])


def lip_seam(pixels: np.ndarray, lm: FaceLandmarks) -> Paint:
    """The dark line where closed lips meet, painted over a smile's lip gap (the teeth).

    Taking a smile back squeezes the gap between the corners' line and the lip line into the
    row where the lips meet; painted, that row reads as the seam of closed lips, not as a thin
    white line of teeth.
    """
    cx, seam = lm.mouth_center
    top = seam - own_smile(lm) - 1.0  # the corners' line, less a pixel
    half_w = 0.5 * lm.mouth_width
    grid = Grid.around(pixels.shape[:2], cx, (top + seam + 1.0) / 2, half_w, (seam + 1.0 - top) / 2)
    lower = seam_curve(grid.xx, lm)
    inside = smoothstep(top - 0.5, top + 0.5, grid.yy) * smoothstep(lower + 1.0, lower, grid.yy)
    across = plateau((grid.xx - cx) / half_w, 0.8)
    colour = np.empty((*grid.xx.shape, 3), dtype=np.float32)
    colour[...] = skin_colour(pixels, lm) * SEAM_TINT
    return Paint(grid.y0, grid.x0, colour, (across * inside)[..., None])
