"""The 4-D rewrite of trilinear volume sampling equals torch's 5-D `grid_sample`.

The reference is torch's own 5-D operator, independent of the rewrite. Grids reach well beyond
[-1, 1] on every axis, and land exactly on slice, row and column borders, where a wrong zero
padding or an off-by-one slice index would show.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from animator.liveportrait.grid_sample import (
    sample_volume,
    sample_volume_2d,
    sample_volume_5d,
    volume_sampler,
)


def _reference(volume: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    return F.grid_sample(volume, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shape", [(1, 3, 4, 5, 6), (2, 4, 7, 3, 5), (1, 2, 16, 8, 8)])
def test_rewrite_equals_5d_grid_sample_on_random_volumes_and_wide_grids(
    seed: int, shape: tuple[int, ...]
) -> None:
    generator = torch.Generator().manual_seed(seed)
    n, c = shape[:2]
    volume = torch.randn(shape, generator=generator, dtype=torch.float64)
    grid = torch.rand((n, 3, 4, 5, 3), generator=generator, dtype=torch.float64) * 3.2 - 1.6
    got = sample_volume_2d(volume, grid)
    expected = _reference(volume, grid)
    assert got.shape == expected.shape == (n, c, 3, 4, 5)
    assert torch.max(torch.abs(got - expected)).item() <= 1e-5


def test_rewrite_is_exact_on_borders_and_sample_centres() -> None:
    d, h, w = 4, 3, 5
    volume = torch.arange(d * h * w, dtype=torch.float64).reshape(1, 1, d, h, w) + 1.0
    # Centres of voxels, the half-voxel borders, and the first fully outside positions.
    axis = torch.tensor([-1.5, -1.0, -1.0 + 1.0 / d, -0.25, 0.0, 1.0 - 1.0 / d, 1.0, 1.5])
    zs, ys, xs = torch.meshgrid(axis, axis, axis, indexing="ij")
    grid = torch.stack((xs, ys, zs), dim=-1)[None].to(torch.float64)
    expected = _reference(volume, grid)
    assert torch.max(torch.abs(sample_volume_2d(volume, grid) - expected)).item() <= 1e-9
    # The centre of voxel (z=1, y=1, x=3): x = 7/5 − 1, y = 3/3 − 1, z = 3/4 − 1; value 1+15+5+3.
    centre = torch.tensor([[[[[0.4, 0.0, -0.25]]]]], dtype=torch.float64)
    assert sample_volume_2d(volume, centre).item() == pytest.approx(24.0, abs=1e-9)


def test_float32_rewrite_stays_within_a_rounding_step_on_network_sized_volumes() -> None:
    generator = torch.Generator().manual_seed(7)
    volume = torch.rand((1, 4, 16, 64, 64), generator=generator)
    grid = torch.rand((1, 16, 64, 64, 3), generator=generator) * 2.4 - 1.2
    difference = torch.abs(sample_volume_2d(volume, grid) - _reference(volume, grid))
    assert difference.max().item() <= 5e-4
    assert difference.mean().item() <= 1e-5


def test_volume_sampler_switches_the_implementation_and_restores_it() -> None:
    calls: list[str] = []

    def spy(volume: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
        calls.append("spy")
        return sample_volume_5d(volume, grid)

    volume, grid = torch.zeros((1, 1, 2, 2, 2)), torch.zeros((1, 1, 1, 1, 3))
    with volume_sampler(spy):
        sample_volume(volume, grid)
    sample_volume(volume, grid)
    assert calls == ["spy"]
