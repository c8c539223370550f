"""The ffmpeg binary: finding it, H.264 encoding from raw RGB on stdin, decoding to raw RGB.

The binary that imageio-ffmpeg bundles comes first (it ships with libx264), an `ffmpeg` on PATH
second. Errors carry the tail of ffmpeg's stderr, which is where the actual cause is.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

_STDERR_TAIL_CHARS = 2000
_PROBE_TIMEOUT_S = 30.0


def ffmpeg_exe() -> str:
    """Path of a usable ffmpeg binary.

    Raises:
        RuntimeError: neither imageio-ffmpeg's binary nor an `ffmpeg` on PATH exists.
    """
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        pass
    found = shutil.which("ffmpeg")
    if found is None:
        raise RuntimeError(
            "video files need ffmpeg, and none was found: `pip install imageio-ffmpeg` (it bundles "
            "one) or install ffmpeg (e.g. `sudo apt install ffmpeg`)"
        )
    return found


@functools.lru_cache(maxsize=4)
def has_encoder(exe: str, encoder: str) -> bool:
    """Whether the ffmpeg at `exe` lists `encoder` (e.g. "libx264") in `-encoders`."""
    listing = subprocess.run(
        [exe, "-hide_banner", "-encoders"], capture_output=True, text=True, check=False,
        timeout=_PROBE_TIMEOUT_S,
    ).stdout
    return re.search(rf"^\s*V\S*\s+{re.escape(encoder)}\s", listing, re.MULTILINE) is not None


def start_h264_encoder(path: Path, fps: float, size: tuple[int, int], stderr: IO[bytes]) -> (
    subprocess.Popen[bytes]
):
    """Start ffmpeg encoding raw RGB frames of `size` (even width/height) from stdin to `path`.

    H.264 (libx264, CRF 18, yuv420p so every player can show it), moov atom up front
    (`+faststart`) so the file streams. ffmpeg runs in its own session: Ctrl+C at the terminal
    reaches only our process, which then stops ffmpeg itself (instead of ffmpeg dying first and
    the render failing with "exit code 255").

    Raises:
        RuntimeError: no ffmpeg, or one without libx264.
    """
    exe = ffmpeg_exe()
    if not has_encoder(exe, "libx264"):
        raise RuntimeError(
            f"the ffmpeg at {exe} has no libx264 encoder, needed for .mp4 output: "
            "`pip install imageio-ffmpeg` or install an ffmpeg built with libx264"
        )
    width, height = size
    command = [
        exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:g}",
        "-i", "pipe:0",
        "-an", "-c:v", "libx264", "-preset", "medium", "-crf", "18", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", str(path),
    ]
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr,
        start_new_session=True,
    )


def stderr_tail(stderr: IO[bytes]) -> str:
    """The last part of a captured ffmpeg stderr file, stripped; "" when empty."""
    stderr.seek(0)
    return stderr.read().decode("utf-8", errors="replace")[-_STDERR_TAIL_CHARS:].strip()


def video_size(path: Path) -> tuple[int, int]:
    """(width, height) of the first video stream of `path`.

    Raises:
        FileNotFoundError: no such file.
        RuntimeError: ffmpeg cannot read it (message includes ffmpeg's own words).
    """
    if not path.is_file():
        raise FileNotFoundError(f"no video file at {path}")
    # `ffmpeg -i` without an output prints the stream summary and exits non-zero by design.
    info = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, check=False,
        timeout=_PROBE_TIMEOUT_S,
    ).stderr.decode("utf-8", errors="replace")
    match = re.search(r"Stream #.*?Video:.*?, (\d+)x(\d+)[ ,\n]", info)
    if match is None:
        summary = info[-800:].strip()
        raise RuntimeError(f"ffmpeg found no readable video stream in {path}: {summary}")
    return int(match.group(1)), int(match.group(2))


def decode_rgb_frames(path: Path, size: tuple[int, int]) -> Iterator[np.ndarray]:
    """Decode the first video stream of `path` (frames of `size`, see `video_size`) to
    read-only (H, W, 3) uint8 RGB frames, in order. Stopping the iteration early stops ffmpeg.

    Raises:
        RuntimeError: ffmpeg failed; the message includes its stderr tail.
    """
    width, height = size
    frame_bytes = width * height * 3
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path),
        "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
        assert process.stdout is not None
        try:
            while len(data := process.stdout.read(frame_bytes)) == frame_bytes:
                yield np.frombuffer(data, np.uint8).reshape(height, width, 3)
            code = process.wait()
        finally:
            if process.poll() is None:  # the caller stopped early
                process.kill()
                process.wait()
            process.stdout.close()
        if code != 0:
            raise RuntimeError(f"ffmpeg could not decode {path}: {stderr_tail(stderr)}")
