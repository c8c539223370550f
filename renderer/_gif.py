"""Streaming looping GIF: one shared palette, only the changed rectangle of each frame, size caps.

Each frame is written as it arrives, so memory stays at about two frames whatever the length.
The palette (255 colours) comes from the first frame and every later frame maps onto it without
dithering, so a still background has the same indices in every frame; a later frame then only
stores the rectangle that changed, with the unchanged pixels inside it transparent (index 255).
A talking portrait mostly moves its face, so files stay a fraction of per-frame-palette GIFs.

Caps (GIFs are for previews and chat; .mp4 is the full-quality format):
- frames larger than `GIF_MAX_SIDE` on their long side are scaled down to it;
- a GIF that grows past `GIF_MAX_BYTES` stops the render with an error (the output is left as it
  was), instead of filling the disk.
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import GifImagePlugin, Image

from renderer._frame_writer import FrameWriter

log = logging.getLogger("avatar.renderer")

GIF_MAX_SIDE = 640
"""Long side of a GIF's frames in pixels; larger frames are scaled down to it."""

GIF_MAX_BYTES = 100_000_000
"""A render whose GIF would grow past this size (100 MB) fails and leaves no GIF."""

_TRANSPARENT = 255  # palette index of "unchanged since the previous frame"
_MAX_DELAY_CS = 0xFFFF  # GIF frame delays are 16-bit centiseconds
_LOGICAL_SCREEN_FLAGS = 0xF7  # global colour table, 8-bit colour resolution, 256 entries


class GifWriter(FrameWriter):
    """Looping GIF with exact total timing, written frame by frame.

    GIF delays have 10 ms steps, so per-frame delays alternate (e.g. 30/40/30 ms at 30 fps)
    to keep the total time right.

    Attributes:
        gif_size: (width, height) of the GIF's frames (`size` capped at `GIF_MAX_SIDE`).
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        if fps > 0 and 100 / fps > _MAX_DELAY_CS:
            raise ValueError(
                f"fps {fps:g} is too low for a GIF (frame delays are at most 655.35 s); "
                f"use at least {100 / _MAX_DELAY_CS:.4f} fps (for {path})"
            )
        super().__init__(path, fps, size, folder=False)
        scale = min(1.0, GIF_MAX_SIDE / max(self.size))
        self.gif_size = (max(1, round(self.size[0] * scale)), max(1, round(self.size[1] * scale)))
        if scale < 1:
            log.info(
                "GIF frames are scaled from %dx%d to %dx%d (GIFs are capped at %d px; use .mp4 "
                "for full size)", *self.size, *self.gif_size, GIF_MAX_SIDE,
            )
        self._palette: Image.Image | None = None
        self._previous: np.ndarray | None = None
        self._bytes = 0
        try:
            self._file: BinaryIO = open(self._output.path, "wb")
        except OSError as exc:
            self._output.discard()
            raise OSError(f"cannot write {path}: {exc.strerror or exc}") from exc

    def _write(self, image: np.ndarray) -> None:
        picture = Image.fromarray(image)
        if picture.size != self.gif_size:
            picture = picture.resize(self.gif_size, Image.Resampling.BOX)
        if self._palette is None:
            self._palette = _shared_palette(picture)
            self._emit(_header(self.gif_size, self._palette))
        indices = np.asarray(picture.quantize(palette=self._palette, dither=Image.Dither.NONE))
        indices = np.where(indices == _TRANSPARENT, 0, indices)  # entry 255 repeats entry 0
        delay_ms = self._delay_cs(self.frames_written) * 10
        if self._previous is None:
            chunks = _frame(indices, (0, 0), delay_ms, transparent=False)
        else:
            chunks = self._changed_part(indices, delay_ms)
        self._previous = indices
        self._emit(b"".join(chunks))

    def _changed_part(self, indices: np.ndarray, delay_ms: int) -> list[bytes]:
        """The rectangle around every pixel that differs from the previous frame, with the
        unchanged pixels inside it transparent (a 1x1 transparent frame when nothing changed)."""
        assert self._previous is not None
        changed = indices != self._previous
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if rows.size == 0:
            return _frame(np.full((1, 1), _TRANSPARENT, np.uint8), (0, 0), delay_ms, True)
        top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        part = np.where(changed[top:bottom, left:right], indices[top:bottom, left:right],
                        _TRANSPARENT).astype(np.uint8)
        return _frame(part, (int(left), int(top)), delay_ms, transparent=True)

    def _delay_cs(self, index: int) -> int:
        """Frame `index`'s delay in centiseconds: the rounded end time minus the rounded start."""
        start, end = round(index * 100 / self.fps), round((index + 1) * 100 / self.fps)
        return min(_MAX_DELAY_CS, max(1, end - start))

    def _emit(self, data: bytes) -> None:
        self._bytes += len(data)
        if self._bytes > GIF_MAX_BYTES:
            raise ValueError(
                f"the GIF {self.path} would be larger than {GIF_MAX_BYTES / 1e6:g} MB at frame "
                f"{self.frames_written}; render an .mp4, or a smaller --size or --fps"
            )
        try:
            self._file.write(data)
        except OSError as exc:
            raise OSError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def _finish(self) -> None:
        with self._file:
            if self._palette is not None:
                self._emit(b";")  # trailer

    def _abort(self) -> None:
        self._file.close()


def _shared_palette(picture: Image.Image) -> Image.Image:
    """A 256-entry palette image: 255 colours of `picture`, and entry 255 repeating entry 0
    (the transparent index must never be the only match for a real colour)."""
    quantized = picture.quantize(colors=_TRANSPARENT, dither=Image.Dither.NONE)
    colours = (quantized.getpalette() or [])[: 3 * _TRANSPARENT]
    colours += [0] * (3 * _TRANSPARENT - len(colours))
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours + colours[:3])
    return palette


def _header(size: tuple[int, int], palette: Image.Image) -> bytes:
    """GIF89a signature, logical screen with the global palette, and loop-forever extension."""
    colours = bytes((palette.getpalette() or [])[: 3 * 256])
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00"
    screen = struct.pack("<HHBBB", size[0], size[1], _LOGICAL_SCREEN_FLAGS, 0, 0)
    return b"GIF89a" + screen + colours + loop


def _frame(indices: np.ndarray, offset: tuple[int, int], delay_ms: int,
           transparent: bool) -> list[bytes]:
    """Control extension, image descriptor and LZW data of one frame (Pillow's encoder)."""
    height, width = indices.shape
    frame = Image.frombytes("P", (width, height), np.ascontiguousarray(indices).tobytes())
    params: dict[str, int] = {"duration": delay_ms, "disposal": 1}
    if transparent:
        params["transparency"] = _TRANSPARENT
    return GifImagePlugin.getdata(frame, offset, **params)
