"""Recording a live session to a video file at a constant frame rate and real-time pace.

Live frames arrive at whatever rate the engine manages; a video file has a fixed rate. The
recorder repeats the last frame for the slots the engine missed, so a minute of session is a
minute of video however slow the engine was.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import cv2
import numpy as np

from agent.soundtrack import write_speech
from contracts import Frame
from renderer import open_writer

log = logging.getLogger("avatar.agent")

MAX_GAP_S = 5.0
"""Longest stall filled with repeated frames; longer gaps are cut short in the video."""


def fit_image(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale (H, W, 3) uint8 RGB to fit `size` (width, height), letterboxed in black.

    Returns the input unchanged when it already has that size.
    """
    width, height = size
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    scale = min(width / w, height / h)
    fitted_w, fitted_h = max(1, round(w * scale)), max(1, round(h * scale))
    interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR
    fitted = cv2.resize(image, (fitted_w, fitted_h), interpolation=interpolation)
    if (fitted_w, fitted_h) == (width, height):
        return fitted
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    top, left = (height - fitted_h) // 2, (width - fitted_w) // 2
    canvas[top : top + fitted_h, left : left + fitted_w] = fitted
    return canvas


class Recorder:
    """Writes frames to `path` (.mp4, .gif or a PNG folder) at `fps`, sized `size` (w, h)."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fps = fps
        self._size = size
        self._writer = open_writer(path, fps, size)
        self._lock = threading.Lock()
        self._t0: float | None = None
        self._slots_written = 0
        self._last: np.ndarray | None = None
        self._speech: list[tuple[float, np.ndarray]] = []  # (monotonic time heard, samples)
        self._speech_rate = 0

    def add(self, frame: Frame) -> None:
        """Append `frame` at the slot its time falls in, repeating the previous one for gaps."""
        image = fit_image(frame.image, self._size)
        with self._lock:
            if self._writer is None:
                return
            if self._t0 is None:
                self._t0 = frame.t
            slot = round((frame.t - self._t0) * self._fps)
            if slot < self._slots_written:  # its slot is already in the file: keep for gaps
                self._last = image
                return
            if self._last is not None:
                gap = slot - self._slots_written
                for _ in range(min(gap, int(MAX_GAP_S * self._fps))):
                    self._writer.write(self._last)
            self._writer.write(image)
            self._slots_written = slot + 1
            self._last = image

    def add_speech(self, audio: np.ndarray, sample_rate: int, at: float) -> None:
        """Keep `audio`, heard from monotonic time `at`, for the recording's sound."""
        with self._lock:
            if self._writer is not None:
                self._speech.append((at, np.asarray(audio, dtype=np.float32)))
                self._speech_rate = sample_rate

    def cut_speech(self, at: float) -> None:
        """The speech stopped at monotonic time `at` (barge-in): drop what would follow."""
        with self._lock:
            rate = self._speech_rate
            self._speech = [
                (start, audio[: max(0, round((at - start) * rate))])
                for start, audio in self._speech
            ]

    def close(self) -> Path:
        """Finish the file and return its path (idempotent); speech heard while recording goes
        into the mp4 (AAC) or a .wav beside it."""
        with self._lock:
            writer, self._writer = self._writer, None
            speech = self._speech_track()
        if writer is not None:
            if speech is None:
                writer.close()
            else:
                audio, rate = speech
                path = self.path
                writer.close(before_commit=lambda staged: write_speech(path, staged, audio, rate))
            log.info("recording written: %s", self.path)
        return self.path

    def _speech_track(self) -> tuple[np.ndarray, int] | None:
        """The speech on the recording's clock (frame slot 0 = sample 0), None without any."""
        rate = self._speech_rate
        if not self._speech or self._t0 is None or not self._slots_written:
            return None
        track = np.zeros(round(self._slots_written / self._fps * rate), dtype=np.float32)
        for at, audio in self._speech:
            start = round((at - self._t0) * rate)
            clip = audio[max(0, -start) :]
            start = max(0, start)
            end = min(len(track), start + len(clip))
            if end > start:
                track[start:end] = clip[: end - start]
        return track, rate
