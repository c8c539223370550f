"""`FrameWriter`: the one contract of every render output, and its all-or-nothing finish."""

from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import numpy as np

from renderer._atomic import StagedOutput

log = logging.getLogger("avatar.renderer")


class FrameWriter(ABC):
    """Writes RGB frames of one size, in order, to one output; use as a context manager.

    The output appears only when `close()` finishes it: frames go to a staging file or folder
    beside `path` (see `renderer._atomic`), so an error or an interruption before that leaves
    an earlier output at `path` unchanged. Two writers for one path at once are refused.

    Attributes:
        path: the output file or folder.
        fps: frames per second of the output.
        size: (width, height) every frame must have.
        frames_written: frames accepted so far.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int], *, folder: bool) -> None:
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be positive and finite, got {fps} (for {path})")
        if size[0] < 1 or size[1] < 1:
            raise ValueError(f"frame size must be at least 1x1, got {size} (for {path})")
        self.path, self.fps, self.size = path, float(fps), (int(size[0]), int(size[1]))
        self.frames_written = 0
        self._closed = False
        self._output = StagedOutput(path, folder=folder)

    def write(self, image: np.ndarray) -> None:
        """Append one (H, W, 3) uint8 RGB frame matching `size`.

        Raises:
            ValueError: wrong shape/dtype, or the writer is closed.
            RuntimeError: the encoder failed (the message says why); the writer is aborted.
        """
        if self._closed:
            raise ValueError(f"the writer for {self.path} is already closed")
        width, height = self.size
        if not isinstance(image, np.ndarray) or image.dtype != np.uint8 \
                or image.shape != (height, width, 3):
            shape = getattr(image, "shape", None)
            dtype = getattr(image, "dtype", type(image).__name__)
            raise ValueError(
                f"frame {self.frames_written} for {self.path} is {shape} {dtype}; this writer "
                f"takes ({height}, {width}, 3) uint8 RGB frames"
            )
        try:
            self._write(image)
        except BaseException:  # the encoder failed or was interrupted: the output stays as it was
            self.abort()
            raise
        self.frames_written += 1

    def close(self, before_commit: Callable[[Path], None] | None = None) -> Path:
        """Finish the output and put it in place (idempotent); return its path.

        With no frames written nothing is put in place and an earlier output stays.

        Args:
            before_commit: called with the finished staging file or folder just before it
                replaces the target (e.g. to add a sound track); if it raises, nothing is put
                in place.
        """
        if self._closed:
            return self.path
        self._closed = True
        try:
            self._finish()
            if before_commit is not None and self.frames_written:
                before_commit(self._output.path)
        except BaseException:
            self._output.discard()
            raise
        if self.frames_written == 0:
            log.warning("no frames were written; %s is left as it was", self.path)
            self._output.discard()
        else:
            self._output.commit()
        return self.path

    def abort(self) -> None:
        """Stop without touching the output (idempotent): an earlier output stays as it was."""
        if self._closed:
            return
        self._closed = True
        try:
            self._abort()
        finally:
            self._output.discard()

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    @abstractmethod
    def _write(self, image: np.ndarray) -> None: ...

    @abstractmethod
    def _finish(self) -> None:
        """Complete the staging output (`self._output.path`)."""

    @abstractmethod
    def _abort(self) -> None:
        """Release what the writer holds (processes, open files); the staging output is removed
        afterwards."""
