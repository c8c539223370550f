"""Sound out: a sounddevice output stream that plays a line and says which part is heard when.

The speaker begins an utterance, appends its sentences as they are synthesised and asks
`position(t)`: how many seconds of the utterance are heard at monotonic time `t`. The answer
comes from the stream's own clock: each audio callback reports when its first sample reaches
the DAC (`outputBufferDacTime`), so the mouth follows the sound card, including its latency and
any underrun. Without an output device the same object runs on the wall clock, silently, so the
mouth still moves. `stop()` (barge-in) drops everything not yet handed to the device; what is
already there plays out within one block plus the device latency.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

log = logging.getLogger("avatar.voice")

BLOCK_FRAMES = 256
"""Samples per callback: ~12 ms at 22.05 kHz, so a stop is heard within a block or two."""


class NoAudioDevice(RuntimeError):
    """No sound output could be opened; the message says what was tried."""


StreamFactory = Callable[..., Any]


class AudioOutput:
    """Plays mono float32 audio at `sample_rate` and keeps the clock of what is heard.

    Args:
        sample_rate: samples per second of everything queued.
        device: sounddevice output device (name or index; None: the default).
        volume: 0..1 gain.
        stream_factory: builds the stream (default `sounddevice.OutputStream`); it gets the
            callback and must call it from its own thread like PortAudio does.
        clock: monotonic time source.
    """

    def __init__(
        self,
        sample_rate: int,
        *,
        device: str | int | None = None,
        volume: float = 1.0,
        stream_factory: StreamFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sample_rate = int(sample_rate)
        self._device = device
        self.volume = volume
        self._factory = stream_factory
        self._clock = clock
        self._lock = threading.Lock()
        self._stream: Any = None
        self._pending = np.zeros(0, dtype=np.float32)
        self._queued = 0  # samples of this utterance queued so far
        self._emitted = 0  # samples of this utterance handed to the device
        self._anchor: tuple[float, int] | None = None  # (monotonic DAC time, sample index)
        self._stopped_at: int | None = None
        self.idle = threading.Event()
        self.idle.set()

    @property
    def has_device(self) -> bool:
        """True when a real output stream is open."""
        return self._stream is not None

    def open(self) -> None:
        """Open and start the output stream.

        Raises:
            NoAudioDevice: no output device (or it refused the format); nothing is open then.
        """
        factory = self._factory
        try:
            if factory is None:
                import sounddevice

                factory = sounddevice.OutputStream
            stream = factory(
                samplerate=self.sample_rate, channels=1, dtype="float32", blocksize=BLOCK_FRAMES,
                device=self._device, latency="low", callback=self._fill,
            )
            stream.start()
        except Exception as exc:  # PortAudioError, ValueError (no such device), OSError
            raise NoAudioDevice(f"no sound output device ({' '.join(str(exc).split())})") from exc
        self._stream = stream

    def close(self) -> None:
        """Stop and close the stream (idempotent)."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:
                log.debug("closing the output stream failed", exc_info=True)

    def begin(self) -> None:
        """Start a new utterance at position 0; whatever played before is dropped."""
        with self._lock:
            self._pending = np.zeros(0, dtype=np.float32)
            self._queued = self._emitted = 0
            self._anchor = None
            self._stopped_at = None

    def enqueue(self, audio: np.ndarray) -> float:
        """Append `audio` to the utterance; returns the position (s) where it starts."""
        samples = np.asarray(audio, dtype=np.float32).reshape(-1)
        with self._lock:
            start = self._queued
            if self._stopped_at is not None:
                return start / self.sample_rate
            if self._stream is None:  # no device: the wall clock plays it
                self._emitted = self._heard_samples(self._clock())
            if self._stream is not None:
                self._pending = np.concatenate([self._pending, samples])
            self._queued += len(samples)
            if self._anchor is None or self._emitted >= start:
                latency = float(getattr(self._stream, "latency", 0.0) or 0.0)
                self._anchor = (self._clock() + latency, self._emitted)
            self.idle.clear()
        return start / self.sample_rate

    def stop(self) -> None:
        """Barge-in: drop what the device has not got yet; the clock stops there."""
        with self._lock:
            if self._stream is None:
                self._emitted = self._heard_samples(self._clock())
            self._pending = np.zeros(0, dtype=np.float32)
            self._stopped_at = self._emitted
            self._queued = self._emitted
            self.idle.set()

    def position(self, t: float) -> float:
        """Seconds of the utterance heard at monotonic time `t` (0 before it starts)."""
        with self._lock:
            return self._heard_samples(t) / self.sample_rate

    def remaining(self) -> float:
        """Seconds of queued audio not heard yet."""
        with self._lock:
            return max(0, self._queued - self._heard_samples(self._clock())) / self.sample_rate

    def _heard_samples(self, t: float) -> int:
        if self._anchor is None:
            return 0
        anchor_time, anchor_sample = self._anchor
        heard = anchor_sample + round((t - anchor_time) * self.sample_rate)
        limit = self._queued if self._stopped_at is None else self._stopped_at
        return max(0, min(heard, limit))

    def _fill(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """The stream's callback: the next block, and when its first sample will be heard."""
        now = self._clock()
        dac_delay = float(time_info.outputBufferDacTime - time_info.currentTime)
        if not 0.0 <= dac_delay < 1.0:  # some hosts report no DAC time
            dac_delay = float(getattr(self._stream, "latency", 0.0) or 0.0)
        with self._lock:
            count = min(frames, len(self._pending))
            outdata[:count, 0] = self._pending[:count] * self.volume
            outdata[count:, 0] = 0.0
            if count:
                self._anchor = (now + dac_delay, self._emitted)
                self._pending = self._pending[count:]
                self._emitted += count
            elif self._queued and self._emitted >= self._queued:
                self.idle.set()
