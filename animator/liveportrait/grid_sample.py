"""Trilinear sampling of a 5-D volume, either as torch's 5-D `grid_sample` or as two 4-D ones.

TensorRT's grid-sample layer is 2-D only, and the warping network samples 3-D volumes twice (the
dense-motion network's per-keypoint volumes and the appearance volume). `sample_volume_2d` gives
the same numbers with 4-D operations only, so the exported graph builds in TensorRT without a
plugin:

- the D depth slices, each padded with one zero row above and below, and two all-zero slices
  before and after, are stacked along the height axis into one (D+2)·(H+2)-row image;
- a sample at (x, y, z) reads slice ⌊z⌋ and slice ⌊z⌋+1 of that image with bilinear
  `grid_sample` at the rows of y inside each slice, then blends the two by z's fraction.

The zero rows and slices reproduce `padding_mode="zeros"` exactly: y or z beyond the first
outside sample is clamped onto a zero row/slice, where the true answer is zero as well. Width
needs nothing special, the 2-D sampler pads it with zeros itself. Both functions follow
`align_corners=False`, the convention of the LivePortrait checkpoints.

`volume_sampler(...)` switches the implementation for the duration of an ONNX/TensorRT export.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F

VolumeSampler = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def sample_volume_5d(volume: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """Torch's trilinear `grid_sample` (zeros padding, align_corners=False).

    Args:
        volume: (N, C, D, H, W).
        grid: (N, Do, Ho, Wo, 3), last axis (x, y, z) in [-1, 1] for the volume's extent.

    Returns:
        (N, C, Do, Ho, Wo).
    """
    return F.grid_sample(volume, grid, align_corners=False)


def sample_volume_2d(volume: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """The same result as `sample_volume_5d`, computed with two 4-D bilinear `grid_sample`s."""
    n, c, d, h, w = volume.shape
    _, do, ho, wo, _ = grid.shape
    padded = F.pad(volume, (0, 0, 1, 1, 1, 1))  # a zero row above/below, a zero slice each end
    rows_per_slice = h + 2
    stacked = padded.reshape(n, c, (d + 2) * rows_per_slice, w)

    x, y, z = grid.unbind(-1)
    # Pixel coordinates under align_corners=False, clamped onto the zero padding.
    iy = ((y + 1.0) * h - 1.0) * 0.5
    iy = iy.clamp(-1.0, float(h))
    iz = ((z + 1.0) * d - 1.0) * 0.5
    iz = iz.clamp(-1.0, float(d))
    z0 = torch.floor(iz)
    weight = (iz - z0).unsqueeze(1)  # (N, 1, Do, Ho, Wo)
    z1 = (z0 + 1.0).clamp(max=float(d))  # at iz == d the weight of z1 is 0; stay in range

    total_rows = float((d + 2) * rows_per_slice)

    def sample_slice(index: torch.Tensor) -> torch.Tensor:
        row = (index + 1.0) * rows_per_slice + 1.0 + iy  # +1: the leading zero slice / row
        y_norm = (2.0 * row + 1.0) / total_rows - 1.0
        plane_grid = torch.stack((x, y_norm), dim=-1).reshape(n, do * ho, wo, 2)
        sampled = F.grid_sample(stacked, plane_grid, align_corners=False)
        return sampled.reshape(n, c, do, ho, wo)

    return torch.lerp(sample_slice(z0), sample_slice(z1), weight)


_active: VolumeSampler = sample_volume_5d


def sample_volume(volume: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """Trilinear sampling with the implementation in force (5-D unless inside `volume_sampler`)."""
    return _active(volume, grid)


@contextlib.contextmanager
def volume_sampler(sampler: VolumeSampler) -> Iterator[None]:
    """Use `sampler` for every `sample_volume` call inside the block (exports, tests)."""
    global _active
    previous, _active = _active, sampler
    try:
        yield
    finally:
        _active = previous
