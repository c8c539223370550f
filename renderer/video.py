"""Frame writers for headless rendering: H.264 MP4, looping GIF, or a folder of numbered PNGs.

`open_writer` picks the format from the path, so `avatar render -o out.mp4|out.gif|frames/`
needs no format flag. Every writer takes (H, W, 3) uint8 RGB frames of the size it was opened
with, counts them in `frames_written`, and finishes the file in `close()`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

from renderer._atomic import SPEECH_WAV
from renderer._ffmpeg import decode_rgb_frames, start_h264_encoder, stderr_tail, video_size
from renderer._frame_writer import FrameWriter
from renderer._gif import GifWriter

log = logging.getLogger("avatar.renderer")

PNG_PATTERN = "frame_{:06d}.png"
__all__ = ["SPEECH_WAV", "FrameWriter", "open_writer", "read_video_frames"]

_SUFFIXES = "'.mp4' (H.264), '.gif', or a folder path (no suffix, or ending in '/') for PNGs"


class _Mp4Writer(FrameWriter):
    """H.264 through an ffmpeg subprocess; odd sizes get one replicated edge row/column."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        super().__init__(path, fps, size, folder=False)
        width, height = self.size
        self._pad = ((0, height % 2), (0, width % 2), (0, 0))
        self._stderr = tempfile.TemporaryFile()
        try:
            self._process = start_h264_encoder(
                self._output.path, self.fps, (width + width % 2, height + height % 2),
                self._stderr,
            )
        except BaseException:
            self._stderr.close()
            self._output.discard()
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

    def _abort(self) -> None:
        self._stop()
        with contextlib.suppress(OSError):
            self._process.stdin.close()  # type: ignore[union-attr]
        self._stderr.close()

    def _stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=10)

    def _failure(self, what: str) -> RuntimeError:
        self._stop()
        tail = stderr_tail(self._stderr) or "(ffmpeg printed nothing)"
        return RuntimeError(f"writing {self.path} failed: {what}. ffmpeg said: {tail}")


class _PngFolderWriter(FrameWriter):
    """Numbered lossless PNGs (`frame_000000.png`, ...) in a folder.

    The frames go to a staging folder that replaces the target folder as a whole, so the
    folder always holds exactly one render's frames, never a mix of two.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        if path.exists() and not path.is_dir():
            raise ValueError(f"{path} is a file; PNG frames need a folder path ({_SUFFIXES})")
        super().__init__(path, fps, size, folder=True)

    def _write(self, image: np.ndarray) -> None:
        target = self._output.path / PNG_PATTERN.format(self.frames_written)
        try:
            Image.fromarray(image).save(target, compress_level=1)
        except OSError as exc:
            number = self.frames_written
            raise OSError(f"cannot write frame {number} of {self.path}: {exc}") from exc

    def _finish(self) -> None:
        pass

    def _abort(self) -> None:
        pass


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
    writers = {"mp4": _Mp4Writer, "gif": GifWriter, "png": _PngFolderWriter}
    return writers[output_format(path)](Path(path), fps, size)


def read_video_frames(path: Path | str) -> Iterator[np.ndarray]:
    """Decode a video file with ffmpeg into read-only (H, W, 3) uint8 RGB frames, in order.

    Raises:
        FileNotFoundError: no such file.
        RuntimeError: no ffmpeg, or ffmpeg cannot decode it (with ffmpeg's stderr tail).
    """
    path = Path(path)
    return decode_rgb_frames(path, video_size(path))
