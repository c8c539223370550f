"""A stand-in for the sound card: calls the output callback at real-time pace, keeps every block.

This machine has no audio output, so the device edge is replaced by a thread that behaves like
PortAudio: a block of `blocksize` frames every blocksize / samplerate seconds, with a
`time_info` whose DAC time lies `latency` seconds after the current time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass
class TimeInfo:
    currentTime: float
    outputBufferDacTime: float


class PacedStream:
    """Records (stream time of the block's first sample at the DAC, samples) for every block."""

    instances: ClassVar[list[PacedStream]] = []

    def __init__(self, *, samplerate: int, blocksize: int, callback: Callable[..., None],
                 latency: Any = "low", **_: Any) -> None:
        self.samplerate, self.blocksize, self._callback = samplerate, blocksize, callback
        self.latency = 0.02
        self.blocks: list[tuple[float, np.ndarray]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.lock = threading.Lock()
        PacedStream.instances.append(self)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def close(self) -> None:
        self.stop()

    def _run(self) -> None:
        period = self.blocksize / self.samplerate
        due = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            out = np.zeros((self.blocksize, 1), dtype=np.float32)
            self._callback(out, self.blocksize, TimeInfo(now, now + self.latency), None)
            with self.lock:
                self.blocks.append((now + self.latency, out[:, 0].copy()))
            due += period
            self._stop.wait(max(0.0, due - time.monotonic()))

    def last_sound_at(self, threshold: float = 1e-4) -> float | None:
        """Stream time at which the last audible sample reaches the DAC."""
        with self.lock:
            blocks = list(self.blocks)
        for start, samples in reversed(blocks):
            loud = np.flatnonzero(np.abs(samples) > threshold)
            if len(loud):
                return start + loud[-1] / self.samplerate
        return None

    def heard(self) -> np.ndarray:
        with self.lock:
            return np.concatenate([b for _, b in self.blocks]) if self.blocks else np.zeros(0)
