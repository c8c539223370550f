"""Where speech comes from: the microphone (PortAudio via sounddevice) or an audio file.

Both deliver the same thing, 512-sample blocks of 16 kHz mono float32 (32 ms, one Silero VAD
window), through `read(timeout)`, so the listener never knows which one it has. The microphone's
PortAudio callback only appends to a bounded ring of blocks and never blocks; when the reader falls
behind, the oldest audio is dropped and counted in `overflows` (shown in the status line).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voice.audio import SAMPLE_RATE, decode_audio

log = logging.getLogger("avatar.voice")

BLOCK = 512
"""Samples per block: one Silero VAD window at 16 kHz (32 ms)."""
BLOCK_S = BLOCK / SAMPLE_RATE
PORTAUDIO_HINT = "install PortAudio (`sudo apt-get install libportaudio2`) and restart"


class AudioDeviceError(OSError):
    """The microphone cannot be used (none, busy, unplugged, no PortAudio); says what to do."""


class AudioSource(Protocol):
    """A stream of 512-sample float32 blocks at 16 kHz."""

    @property
    def finished(self) -> bool:
        """True once a finite source has delivered its last block."""

    def start(self) -> None:
        """Open the device or decode the file."""

    def read(self, timeout: float) -> np.ndarray | None:
        """The next `(512,)` block, or None when none arrived within `timeout` seconds.

        Raises:
            AudioDeviceError: the device stopped delivering (unplugged, closed by the system).
        """

    def stop(self) -> None:
        """Release the device; safe to call twice."""


class BlockRing:
    """A bounded ring of audio blocks between a real-time producer and one reader.

    `push` never blocks or allocates beyond the block copy: when the ring is full, the oldest
    block is dropped and `overflows` counts it. `deque.append`/`popleft` are atomic in CPython,
    so the producer takes no lock.

    Args:
        capacity: how many blocks the ring holds (e.g. 64 blocks ≈ 2 s at 16 kHz).
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"ring capacity must be at least 1 block, got {capacity}")
        self.capacity = capacity
        self._blocks: deque[np.ndarray] = deque(maxlen=capacity)
        self._ready = threading.Event()
        self.overflows = 0
        """Blocks dropped because the reader fell behind (or PortAudio reported an overflow)."""

    def push(self, block: np.ndarray) -> None:
        """Add one block (copied); drops and counts the oldest when full."""
        if len(self._blocks) >= self.capacity:
            self.overflows += 1
        self._blocks.append(np.array(block, dtype=np.float32, copy=True).reshape(-1))
        self._ready.set()

    def pop(self, timeout: float) -> np.ndarray | None:
        """The oldest block, waiting up to `timeout` seconds; None when none came."""
        try:
            return self._blocks.popleft()
        except IndexError:
            pass
        self._ready.clear()
        if self._blocks:  # pushed between the failed pop and clear()
            return self._blocks.popleft()
        if not self._ready.wait(timeout):
            return None
        try:
            return self._blocks.popleft()
        except IndexError:
            return None

    def __len__(self) -> int:
        return len(self._blocks)


@dataclass(frozen=True, slots=True)
class InputDevice:
    """A PortAudio device with input channels.

    Attributes:
        index: PortAudio's device number (what `/mic use N` and `voice.device` take).
        name: the device name.
        channels: input channels.
        sample_rate: the device's default sample rate.
        default: True for the system's default input.
    """

    index: int
    name: str
    channels: int
    sample_rate: float
    default: bool


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the module raises OSError when libportaudio is missing
        raise AudioDeviceError(f"PortAudio is not available: {PORTAUDIO_HINT}") from exc
    return sounddevice


def list_input_devices() -> list[InputDevice]:
    """Every device PortAudio lists with at least one input channel.

    Raises:
        AudioDeviceError: PortAudio is not installed.
    """
    sd = _sounddevice()
    try:
        default_in = sd.default.device[0]
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"PortAudio cannot list devices ({exc})") from exc
    return [
        InputDevice(
            index=index,
            name=str(info["name"]),
            channels=int(info["max_input_channels"]),
            sample_rate=float(info["default_samplerate"]),
            default=index == default_in,
        )
        for index, info in enumerate(devices)
        if int(info["max_input_channels"]) > 0
    ]


class MicrophoneSource:
    """Live microphone input through a PortAudio `InputStream` (16 kHz mono float32).

    Args:
        device: PortAudio device index or name; None uses the system default input.
        buffer_s: how much audio the ring holds before the oldest is dropped.
    """

    def __init__(self, device: int | str | None = None, *, buffer_s: float = 2.0) -> None:
        self.device = device
        self.ring = BlockRing(max(1, round(buffer_s / BLOCK_S)))
        self._stream: Any = None
        self._rate = SAMPLE_RATE
        self._carry = np.zeros(0, dtype=np.float32)
        self._stopped = threading.Event()

    @property
    def finished(self) -> bool:
        """A microphone never runs out."""
        return False

    @property
    def overflows(self) -> int:
        """Blocks lost because the listener fell behind."""
        return self.ring.overflows

    def start(self) -> None:
        """Open and start the input stream.

        Raises:
            AudioDeviceError: no input device, the device is busy or refuses every rate.
        """
        sd = _sounddevice()
        if not list_input_devices():
            raise AudioDeviceError("no microphone found (PortAudio lists no input device)")
        self._stopped.clear()
        try:
            self._stream = self._open(sd, SAMPLE_RATE)
        except sd.PortAudioError:
            rate = self._device_rate(sd)
            try:  # the device cannot do 16 kHz: take its own rate and resample each block
                self._stream = self._open(sd, rate)
            except sd.PortAudioError as exc:
                raise AudioDeviceError(
                    f"cannot open the microphone {self._label()}: {exc}"
                ) from exc
        except ValueError as exc:  # unknown device index or name
            raise AudioDeviceError(f"no such microphone {self._label()}: {exc}") from exc
        log.info("microphone %s open at %d Hz", self._label(), self._rate)

    def _open(self, sd: Any, rate: int) -> Any:
        blocksize = BLOCK if rate == SAMPLE_RATE else round(BLOCK * rate / SAMPLE_RATE)
        stream = sd.InputStream(
            samplerate=rate, channels=1, dtype="float32", blocksize=blocksize,
            device=self.device, callback=self._callback, finished_callback=self._stopped.set,
        )
        stream.start()
        self._rate = rate
        return stream

    def _device_rate(self, sd: Any) -> int:
        info = sd.query_devices(self.device, "input")
        return int(info["default_samplerate"])

    def _label(self) -> str:
        return "(default)" if self.device is None else repr(self.device)

    def _callback(self, indata: np.ndarray, frames: int, _time: Any, status: Any) -> None:
        """PortAudio's real-time thread: copy the block into the ring, nothing else."""
        if status and getattr(status, "input_overflow", False):
            self.ring.overflows += 1
        samples = indata[:, 0]
        if self._rate != SAMPLE_RATE:
            samples = _resample_block(samples, BLOCK)
        self.ring.push(samples)

    def read(self, timeout: float) -> np.ndarray | None:
        """The next block; raises AudioDeviceError when the stream died (device unplugged)."""
        block = self.ring.pop(timeout)
        if block is None and self._stream is not None and (
            self._stopped.is_set() or not self._stream.active
        ):
            raise AudioDeviceError(
                f"the microphone {self._label()} stopped delivering audio (unplugged?); "
                "plug it back in and use /mic use N or /voice on"
            )
        return block

    def stop(self) -> None:
        """Stop and close the stream."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # closing a device that vanished may fail; nothing is lost
                log.debug("closing the microphone failed", exc_info=True)


def _resample_block(samples: np.ndarray, length: int) -> np.ndarray:
    """Linear resampling of one block to `length` samples (devices without a 16 kHz mode)."""
    x_new = np.linspace(0.0, len(samples) - 1, length)
    return np.interp(x_new, np.arange(len(samples)), samples).astype(np.float32)


class FileSource:
    """An audio file as a block stream: as fast as the reader takes it, or paced in real time.

    Args:
        path: any file PyAV decodes (WAV, FLAC, MP3, ...); any rate and channel count.
        paced: deliver each block no earlier than its time in the file (like a microphone).
        samples: already decoded 16 kHz mono samples instead of a path (tests, benchmarks).
        tail_s: silence appended so speech that runs to the very end still gets its end.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        paced: bool = False,
        samples: np.ndarray | None = None,
        tail_s: float = 1.0,
    ) -> None:
        if (path is None) == (samples is None):
            raise ValueError("give a path or samples, not both")
        self.path = Path(path) if path is not None else None
        self.paced = paced
        self._samples = samples
        self._tail = round(tail_s * SAMPLE_RATE)
        self._position = 0
        self._started_at = 0.0
        self.overflows = 0

    @property
    def finished(self) -> bool:
        """True after the last block was read."""
        return self._samples is not None and self._position >= len(self._samples)

    @property
    def duration_s(self) -> float:
        """Length in seconds, the appended silence included (0 before `start`)."""
        return 0.0 if self._samples is None else len(self._samples) / SAMPLE_RATE

    def start(self) -> None:
        """Decode the file (raises `voice.audio.AudioFileError` for bad files)."""
        samples = decode_audio(self.path) if self.path is not None else self._samples
        assert samples is not None
        padded = len(samples) + self._tail
        padded += (-padded) % BLOCK
        buffer = np.zeros(padded, dtype=np.float32)
        buffer[: len(samples)] = samples
        self._samples = buffer
        self._position = 0
        self._started_at = time.monotonic()

    def read(self, timeout: float) -> np.ndarray | None:
        """The next block; paced sources wait for the block's time (at most `timeout`)."""
        if self._samples is None or self.finished:
            return None
        if self.paced:
            due = self._started_at + (self._position + BLOCK) / SAMPLE_RATE
            wait = due - time.monotonic()
            if wait > timeout:
                time.sleep(max(timeout, 0.0))
                return None
            if wait > 0:
                time.sleep(wait)
        block = self._samples[self._position : self._position + BLOCK]
        self._position += BLOCK
        return block

    def stop(self) -> None:
        """Nothing to release."""
