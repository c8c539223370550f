"""Smooth, compactly supported weight profiles and the local displacement fields built from them.

Every profile is exactly 0 outside its support, so a field built from it leaves every pixel
outside its box untouched, and C1-smooth inside, so warps show no creases. Displacements are
*backward* offsets: the output pixel p shows the source pixel p + d(p); to move content by t,
a field holds -t.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LocalField:
    """A displacement field on a sub-box of the region of interest (ROI).

    Attributes:
        y0, x0: top-left corner of the box in ROI pixels.
        offsets: (h, w, 2) float32 backward offsets (dx, dy) in pixels.
    """

    y0: int
    x0: int
    offsets: np.ndarray

    def add_to(self, total: np.ndarray, weight: float) -> None:
        """Accumulate `weight` times this field into `total`, an (H, W, 2) float32 ROI field."""
        h, w = self.offsets.shape[:2]
        view = total[self.y0 : self.y0 + h, self.x0 : self.x0 + w]
        view += np.float32(weight) * self.offsets


@dataclass(frozen=True)
class Grid:
    """Pixel coordinates of a box inside an ROI of shape (height, width).

    Attributes:
        y0, x0: top-left corner of the box in ROI pixels.
        xx, yy: (h, w) float32 ROI coordinates of every pixel of the box.
    """

    y0: int
    x0: int
    xx: np.ndarray
    yy: np.ndarray

    @classmethod
    def around(cls, shape: tuple[int, int], cx: float, cy: float, rx: float, ry: float) -> Grid:
        """The box centred on (cx, cy) with half-sizes (rx, ry), clipped to an ROI of `shape`."""
        height, width = shape
        x0 = int(np.clip(np.floor(cx - rx), 0, width - 1))
        x1 = int(np.clip(np.ceil(cx + rx) + 1, x0 + 1, width))
        y0 = int(np.clip(np.floor(cy - ry), 0, height - 1))
        y1 = int(np.clip(np.ceil(cy + ry) + 1, y0 + 1, height))
        xx, yy = np.meshgrid(
            np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32)
        )
        return cls(y0, x0, xx, yy)

    def field(self, dx: np.ndarray | float, dy: np.ndarray | float) -> LocalField:
        """Pack offsets (arrays of the grid's shape, or scalars) into a LocalField."""
        offsets = np.zeros((*self.xx.shape, 2), dtype=np.float32)
        offsets[..., 0] = dx
        offsets[..., 1] = dy
        return LocalField(self.y0, self.x0, offsets)


def bump(u: np.ndarray) -> np.ndarray:
    """(1 - u²)² for |u| < 1, else 0: 1 at the centre, C1-smooth, compact. Same shape/dtype."""
    inside = np.clip(1.0 - u * u, 0.0, None)
    return (inside * inside).astype(np.float32)


def ellipse_bump(grid: Grid, cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    """`bump` of the normalised elliptical radius around (cx, cy), (h, w) float32 in [0, 1]."""
    u2 = ((grid.xx - cx) / rx) ** 2 + ((grid.yy - cy) / ry) ** 2
    inside = np.clip(1.0 - u2, 0.0, None)
    return (inside * inside).astype(np.float32)


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    """0 below edge0, 1 above edge1 (either order), cubic in between; float32 like `x`."""
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return (t * t * (3.0 - 2.0 * t)).astype(np.float32)


def plateau(u: np.ndarray, inner: float) -> np.ndarray:
    """1 for |u| <= inner, falling smoothly to 0 at |u| = 1; float32 like `u`."""
    return smoothstep(1.0, inner, np.abs(u))


RAMP_MAX_SLOPE = 1.25


def ramp(t: np.ndarray) -> np.ndarray:
    """A C1 ramp from 0 (t <= 0) to 1 (t >= 1) with a trapezoid-shaped slope that never exceeds
    RAMP_MAX_SLOPE, so a drop of up to 0.8 of the ramp length keeps a backward map monotonic."""
    eps = 0.2
    t = np.clip(t, 0.0, 1.0)
    slope = 1.0 / (1.0 - eps)
    head = slope * t * t / (2 * eps)
    middle = slope * (t - eps / 2)
    tail = 1.0 - slope * (1.0 - t) ** 2 / (2 * eps)
    return np.where(t < eps, head, np.where(t > 1 - eps, tail, middle)).astype(np.float32)
