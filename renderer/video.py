"""Frame writers for headless rendering: H.264 MP4, looping GIF, or a folder of numbered PNGs.

`open_writer` picks the format from the path, so `avatar render -o out.mp4|out.gif|frames/`
needs no format flag. Every writer takes (H, W, 3) uint8 RGB frames of the size it was opened
with, counts them in `frames_written`, and finishes the file in `close()`.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

from renderer._ffmpeg import decode_rgb_frames, start_h264_encoder, stderr_tail, video_size

log = logging.getLogger("avatar.renderer")

PNG_PATTERN = "frame_{:06d}.png"
_PNG_NAME = re.compile(r"frame_(\d{6})\.png")
_SUFFIXES = "'.mp4' (H.264), '.gif', or a folder path (no suffix, or ending in '/') for PNGs"


class FrameWriter(ABC):
    """Writes RGB frames of one size, in order, to one output; use as a context manager.

    Attributes:
        path: the output file or folder.
        fps: frames per second of the output.
        size: (width, height) every frame must have.
        frames_written: frames accepted so far.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        if not fps > 0:
            raise ValueError(f"fps must be positive, got {fps} (for {path})")
        if size[0] < 1 or size[1] < 1:
            raise ValueError(f"frame size must be at least 1x1, got {size} (for {path})")
        self.path, self.fps, self.size = path, float(fps), (int(size[0]), int(size[1]))
        self.frames_written = 0
        self._closed = False

    def write(self, image: np.ndarray) -> None:
        """Append one (H, W, 3) uint8 RGB frame matching `size`.

        Raises:
            ValueError: wrong shape/dtype, or the writer is closed.
            RuntimeError: the encoder failed (the message says why).
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
        self._write(image)
        self.frames_written += 1

    def close(self) -> Path:
        """Finish the output (idempotent) and return its path."""
        if not self._closed:
            self._closed = True
            self._finish()
        return self.path

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is None:
            self.close()
            return
        try:  # keep what was written so far, but let the original error surface
            self.close()
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("could not finish %s after an error: %s", self.path, exc)

    @abstractmethod
    def _write(self, image: np.ndarray) -> None: ...

    @abstractmethod
    def _finish(self) -> None: ...


class _Mp4Writer(FrameWriter):
    """H.264 through an ffmpeg subprocess; odd sizes get one replicated edge row/column."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        super().__init__(path, fps, size)
        _prepare_file(path)
        width, height = self.size
        self._pad = ((0, height % 2), (0, width % 2), (0, 0))
        self._stderr = tempfile.TemporaryFile()
        try:
            self._process = start_h264_encoder(
                path, self.fps, (width + width % 2, height + height % 2), self._stderr
            )
        except (OSError, RuntimeError):
            self._stderr.close()
            raise

    def _write(self, image: np.ndarray) -> None:
        if self._pad[0][1] or self._pad[1][1]:
            image = np.pad(image, self._pad, mode="edge")
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(np.ascontiguousarray(image).data)
        except OSError as exc:  # BrokenPipeError: ffmpeg is gone
            raise self._failure(f"ffmpeg stopped while receiving frames ({exc})") from exc

    def _finish(self) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.close()
        except OSError:
            pass  # a broken pipe here means ffmpeg already died; its exit code tells why
        code = self._process.wait()
        try:
            if code != 0:
                raise self._failure(f"ffmpeg exited with code {code}")
        finally:
            self._stderr.close()

    def _failure(self, what: str) -> RuntimeError:
        if self._process.poll() is None:
            self._process.kill()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        tail = stderr_tail(self._stderr) or "(ffmpeg printed nothing)"
        return RuntimeError(f"writing {self.path} failed: {what}. ffmpeg said: {tail}")


class _GifWriter(FrameWriter):
    """Looping GIF via Pillow; each frame gets its own 256-colour palette as it arrives.

    GIF timing has 10 ms steps, so per-frame durations alternate (e.g. 30/40/30 ms at 30 fps)
    to keep the total time right. Frames are kept (palettised, 1 byte per pixel) until `close()`.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        super().__init__(path, fps, size)
        _prepare_file(path)
        self._frames: list[Image.Image] = []

    def _write(self, image: np.ndarray) -> None:
        self._frames.append(Image.fromarray(image).quantize(colors=256))

    def _finish(self) -> None:
        if not self._frames:
            log.warning("no frames were written; %s is left empty", self.path)
            return
        ends_cs = [round((i + 1) * 100 / self.fps) for i in range(len(self._frames))]
        durations = [max(1, end - start) * 10 for start, end in pairwise([0, *ends_cs])]
        first, *rest = self._frames
        try:
            first.save(
                self.path, save_all=True, append_images=rest, duration=durations, loop=0,
                optimize=False,
            )
        except OSError as exc:
            raise OSError(f"cannot write {self.path}: {exc}") from exc
        finally:
            self._frames = []


class _PngFolderWriter(FrameWriter):
    """Numbered lossless PNGs (`frame_000000.png`, ...) in a folder.

    Numbered frames left over from a longer earlier render into the same folder are removed on
    `close()`, so the folder always holds exactly this render's frames.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        super().__init__(path, fps, size)
        if path.exists() and not path.is_dir():
            raise ValueError(f"{path} is a file; PNG frames need a folder path ({_SUFFIXES})")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OSError(f"cannot create the frame folder {path}: {exc.strerror or exc}") from exc
        if not os.access(path, os.W_OK):
            raise OSError(f"cannot write frames into {path}: permission denied")

    def _write(self, image: np.ndarray) -> None:
        target = self.path / PNG_PATTERN.format(self.frames_written)
        try:
            Image.fromarray(image).save(target, compress_level=1)
        except OSError as exc:
            raise OSError(f"cannot write {target}: {exc}") from exc

    def _finish(self) -> None:
        stale = [
            entry for entry in self.path.iterdir()
            if (m := _PNG_NAME.fullmatch(entry.name)) and int(m.group(1)) >= self.frames_written
        ]
        for entry in stale:
            entry.unlink()
        if stale:
            log.info("removed %d stale frames of an earlier render from %s", len(stale), self.path)


def _prepare_file(path: Path) -> None:
    """Fail early, naming the path, if `path` cannot be written as a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise OSError(
            f"cannot write {path}: {exc.strerror or exc}; choose a location you can write to"
        ) from exc


def output_format(path: Path | str) -> Literal["mp4", "gif", "png"]:
    """The format `open_writer` writes to `path`: its suffix, or "png" for a folder path.

    Cheap and side-effect free, so commands check their output before any work starts.

    Raises:
        ValueError: an unknown suffix (the message lists the accepted ones).
    """
    text = os.fspath(path)
    path = Path(path)
    if text.endswith(("/", os.sep)) or path.is_dir() or not path.suffix:
        return "png"
    suffix = path.suffix.lower()
    if suffix in (".mp4", ".gif"):
        return "mp4" if suffix == ".mp4" else "gif"
    raise ValueError(f"cannot write {path}: unknown suffix {suffix!r}; use {_SUFFIXES}")


def open_writer(path: Path | str, fps: float, size: tuple[int, int]) -> FrameWriter:
    """A writer for `path`, chosen by its suffix.

    Args:
        path: "*.mp4" → H.264 MP4; "*.gif" → looping GIF; no suffix, a trailing "/", or an
            existing folder → numbered PNGs (`frame_000000.png`, ...) in that folder.
        fps: frames per second (> 0).
        size: (width, height) of every frame.

    Raises:
        ValueError: unknown suffix, bad fps/size, or a file/folder mismatch.
        OSError: the location cannot be written (the message names it).
        RuntimeError: .mp4 without a usable ffmpeg (the message says what to install).
    """
    writers = {"mp4": _Mp4Writer, "gif": _GifWriter, "png": _PngFolderWriter}
    return writers[output_format(path)](Path(path), fps, size)


def read_video_frames(path: Path | str) -> Iterator[np.ndarray]:
    """Decode a video file with ffmpeg into read-only (H, W, 3) uint8 RGB frames, in order.

    Raises:
        FileNotFoundError: no such file.
        RuntimeError: no ffmpeg, or ffmpeg cannot decode it (with ffmpeg's stderr tail).
    """
    path = Path(path)
    return decode_rgb_frames(path, video_size(path))
