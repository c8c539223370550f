"""GPU-side paste-back equals the CPU paste-back (OpenCV), and the host copies keep order.

The reference is `PasteBack.paste` (OpenCV's warpAffine and the feathered mask), on a portrait
and crops with sharp, asymmetric structure, a rotated crop and a region clipped by the border.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from animator.liveportrait.crop import CropTransform, PasteBack
from animator.liveportrait.paste_torch import HostCopies, TorchPasteBack


def _checkerboard(height: int, width: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[:height, :width]
    board = (((ys // 7) + (xs // 5)) % 2).astype(np.float64)
    image = np.stack([board * 200 + 30, (xs / width) * 255, (ys / height) * 255], axis=-1)
    return np.clip(image + rng.integers(-20, 20, image.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    "transform",
    [
        CropTransform((150.0, 120.0), 160.0, 0.0, 128),
        CropTransform((140.0, 110.0), 150.0, 0.35, 128),  # rotated
        CropTransform((20.0, 200.0), 140.0, -0.2, 128),  # sticks out of the portrait
    ],
)
def test_torch_paste_equals_the_opencv_paste(transform: CropTransform) -> None:
    portrait = _checkerboard(240, 300, 1)
    crops = np.stack([_checkerboard(128, 128, seed) for seed in (2, 3)])
    paste = PasteBack.build(transform, portrait.shape)
    expected = [paste.paste(portrait, crop) for crop in crops]

    on_device = TorchPasteBack.build(paste, portrait, torch.device("cpu"))
    tensor = torch.from_numpy(crops).permute(0, 3, 1, 2).float() / 255.0
    frames = on_device.paste(tensor).numpy()

    assert frames.shape == (2, 240, 300, 3) and frames.dtype == np.uint8
    for got, want in zip(frames, expected, strict=True):
        difference = np.abs(got.astype(int) - want.astype(int))
        # OpenCV rounds sample positions to 1/32 px: on a 200-level edge that alone is ~3 levels.
        assert difference.max() <= 6
        assert difference.mean() <= 0.3
        assert (difference > 2).mean() <= 0.01  # edge pixels only
    x0, y0, x1, y1 = paste.roi
    outside = np.ones(portrait.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(frames[0][outside], portrait[outside])
    assert not np.array_equal(frames[0], frames[1])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.gpu
def test_host_copies_return_each_chunk_in_order() -> None:
    device = torch.device("cuda")
    copies = HostCopies(device)
    collected = []
    for value in range(4):
        frames = torch.full((2, 8, 8, 3), value, dtype=torch.uint8, device=device)
        collected.extend(copies.collect())
        copies.submit(frames)
    collected.extend(copies.collect())
    assert [int(frame[0, 0, 0]) for frame in collected] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert copies.collect() == []
