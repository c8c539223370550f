"""Bounded rolling measurements for the status line: frame rate and latency percentiles.

Both keep a fixed number of samples (deques with `maxlen`), so a kiosk running for days uses the
same memory on day three as after a minute.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np


class RateMeter:
    """Events per second over the last `window_s` seconds (e.g. rendered frames → fps)."""

    def __init__(self, window_s: float = 2.0, max_samples: int = 512) -> None:
        self._window_s = window_s
        self._times: deque[float] = deque(maxlen=max_samples)
        self._lock = threading.Lock()

    def tick(self, now: float) -> None:
        """Count one event at time `now` (seconds, any monotonic clock)."""
        with self._lock:
            self._times.append(now)

    def rate(self, now: float) -> float:
        """Events per second within the window ending at `now`; 0 with fewer than two events."""
        with self._lock:
            recent = [t for t in self._times if now - t <= self._window_s]
        if len(recent) < 2:
            return 0.0
        span = recent[-1] - recent[0]
        return (len(recent) - 1) / span if span > 0 else 0.0


class LatencyStats:
    """The last `max_samples` latencies in milliseconds with their p50/p95."""

    def __init__(self, max_samples: int = 256) -> None:
        self._samples: deque[float] = deque(maxlen=max_samples)
        self._lock = threading.Lock()

    def add(self, ms: float) -> None:
        """Record one latency in milliseconds."""
        with self._lock:
            self._samples.append(float(ms))

    def __len__(self) -> int:
        with self._lock:
            return len(self._samples)

    def percentile(self, q: float) -> float:
        """The q-th percentile (0..100) of the kept samples in ms; 0 when there are none."""
        with self._lock:
            samples = np.fromiter(self._samples, dtype=np.float64)
        if samples.size == 0:
            return 0.0
        return float(np.percentile(samples, q))


class Smoothed:
    """An exponential moving average, e.g. of render time; thread-safe enough for one writer."""

    def __init__(self, weight: float = 0.2, initial: float = 0.0) -> None:
        self._weight = weight
        self.value = initial

    def add(self, sample: float) -> None:
        """Blend in one sample: value += weight * (sample - value)."""
        self.value += self._weight * (sample - self.value)
