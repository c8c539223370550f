"""Paste-back on the GPU: generated crops blended into the portrait without leaving the device.

The same operation as `crop.PasteBack.paste` (warp the crop into the portrait's region with the
crop transform, blend with the warped feather mask), written with `grid_sample` so a batch of
frames is composed where the decoder left it. Only the finished uint8 frames travel to the host,
through pinned memory, and the copy of one chunk overlaps the computation of the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from animator.liveportrait.crop import PasteBack


@dataclass(frozen=True, eq=False)
class TorchPasteBack:
    """`PasteBack` with its region, sampling grid and mask as tensors on one device.

    Attributes:
        roi: (x0, y0, x1, y1) region of the portrait the crop can touch.
        grid: (1, h, w, 2) normalised crop coordinates of every region pixel (align_corners=False).
        mask: (1, 1, h, w) float32 warped feather mask.
        portrait: (1, 3, H, W) float32 portrait, 0..255.
    """

    roi: tuple[int, int, int, int]
    grid: torch.Tensor
    mask: torch.Tensor
    portrait: torch.Tensor

    @classmethod
    def build(cls, paste: PasteBack, portrait: np.ndarray, device: torch.device) -> TorchPasteBack:
        """Move a CPU `PasteBack` and its portrait (H, W, 3) uint8 to `device`."""
        x0, y0, x1, y1 = paste.roi
        o2c = paste.transform.o2c  # portrait pixel → crop pixel, the map warpAffine samples by
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        crop_x = o2c[0, 0] * xs + o2c[0, 1] * ys + o2c[0, 2]
        crop_y = o2c[1, 0] * xs + o2c[1, 1] * ys + o2c[1, 2]
        side = paste.transform.dsize
        grid = np.stack(((2 * crop_x + 1) / side - 1, (2 * crop_y + 1) / side - 1), axis=-1)
        image = torch.from_numpy(np.ascontiguousarray(portrait)).to(device)
        return cls(
            roi=paste.roi,
            grid=torch.from_numpy(grid[None].astype(np.float32)).to(device),
            mask=torch.from_numpy(paste.mask[None, :, :, 0].copy()).to(device)[:, None],
            portrait=image.permute(2, 0, 1)[None].float(),
        )

    def paste(self, crops: torch.Tensor) -> torch.Tensor:
        """Blend (B, 3, S, S) float crops in [0, 1] into the portrait: (B, H, W, 3) uint8."""
        batch = crops.shape[0]
        frames = self.portrait.expand(batch, -1, -1, -1).clone()
        x0, y0, x1, y1 = self.roi
        if x1 > x0 and y1 > y0:
            scaled = (crops.float().clamp(0.0, 1.0) * 255.0).round()  # the uint8 crop's values
            warped = F.grid_sample(
                scaled, self.grid.expand(batch, -1, -1, -1), mode="bilinear",
                padding_mode="zeros", align_corners=False,
            )
            base = frames[:, :, y0:y1, x0:x1]
            frames[:, :, y0:y1, x0:x1] = base + self.mask * (warped - base)
        return frames.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous()


class HostCopies:
    """Copies finished frames to pinned host memory on a side stream; one pending chunk at a time.

    `submit` queues the copy of a chunk behind the work that produced it and returns at once;
    `collect` waits for that copy and hands out numpy frames. Between the two the caller starts
    the next chunk, so the device computes while the previous frames travel.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self._stream = torch.cuda.Stream(device)
        self._pending: tuple[torch.Tensor, torch.cuda.Event] | None = None

    def submit(self, frames: torch.Tensor) -> None:
        """Start copying (B, H, W, 3) uint8 device frames to the host."""
        host = torch.empty(frames.shape, dtype=frames.dtype, pin_memory=True)
        ready = torch.cuda.current_stream(self.device).record_event()
        with torch.cuda.stream(self._stream):
            self._stream.wait_event(ready)
            host.copy_(frames, non_blocking=True)
            frames.record_stream(self._stream)
            done = self._stream.record_event()
        self._pending = (host, done)

    def collect(self) -> list[np.ndarray]:
        """The frames of the last `submit` (waits for its copy); [] when nothing is pending."""
        if self._pending is None:
            return []
        host, done = self._pending
        self._pending = None
        done.synchronize()
        return list(host.numpy())
