"""Shared-memory transport for frames between the agent and the window process.

Layout of the block: a fixed header (see `HEADER_DTYPE`), then two frame slots of
`max_w * max_h * 3` bytes. One writer (the parent) fills the slot that is *not* the newest and
then publishes it; the reader (the child) copies the newest slot. Each slot carries a seqlock
version (odd while being written) so a reader that raced a writer sees the version change and
retries. No lock is ever shared between the processes, so a killed child cannot stall the parent,
and a slow child never makes frames queue up: it only ever sees the latest one.

The header also carries fields the child writes back (what it displays, heartbeat, window size);
those are plain single-writer values read for statistics.

Blocks are named `portrait-agent-frames-<owner pid>-<random>` and kept out of multiprocessing's
resource tracker (the owner unlinks its block itself). A process killed with SIGKILL cannot do
that, so `create` first removes the blocks of owners that no longer run.
"""

from __future__ import annotations

import inspect
import logging
import math
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from multiprocessing import resource_tracker, shared_memory
from pathlib import Path

import numpy as np

from contracts import Frame

log = logging.getLogger("avatar.renderer")

MAGIC = 0x50_41_46_52_4D_01  # "PAFRM" + layout version 1

SEGMENT_PREFIX = "portrait-agent-frames"
_SEGMENT_NAME = re.compile(rf"{SEGMENT_PREFIX}-(\d+)-[0-9a-f]+")
_SHM_FOLDER = Path("/dev/shm")  # where Linux lists POSIX shared memory
_OWN_SEGMENTS: set[str] = set()  # blocks this process created and has not unlinked yet
_HAS_TRACK_FLAG = "track" in inspect.signature(shared_memory.SharedMemory).parameters  # 3.13+

# Child lifecycle values of the `child_state` header field.
CHILD_STARTING = 0
CHILD_OPEN = 1
CHILD_CLOSED = 2
CHILD_UNAVAILABLE = 3
CHILD_FAILED = 4

REASON_BYTES = 512

HEADER_DTYPE = np.dtype(
    [
        ("magic", "<i8"),
        ("max_w", "<i8"),
        ("max_h", "<i8"),
        # parent → child
        ("write_count", "<i8"),
        ("latest_slot", "<i8"),
        ("slot_version", "<i8", (2,)),
        ("slot_seq", "<i8", (2,)),
        ("slot_count", "<i8", (2,)),  # write_count once this slot's frame is published
        ("slot_w", "<i8", (2,)),
        ("slot_h", "<i8", (2,)),
        ("slot_t", "<f8", (2,)),
        ("slot_submitted_at", "<f8", (2,)),
        # child → parent
        ("child_state", "<i8"),
        ("heartbeat", "<f8"),
        ("displayed_seq", "<i8"),
        ("displayed_at", "<f8"),
        ("frame_age_ms", "<f8"),
        ("frames_shown", "<i8"),
        ("shown_fps", "<f8"),
        ("window_w", "<i8"),
        ("window_h", "<i8"),
        ("fullscreen", "<i8"),
        ("overlay", "<i8"),
        ("reason", f"S{REASON_BYTES}"),
    ],
    align=True,
)
_DATA_OFFSET = math.ceil(HEADER_DTYPE.itemsize / 64) * 64


@dataclass(frozen=True, slots=True)
class SharedFrame:
    """A frame copied out of shared memory.

    Attributes:
        image: (H, W, 3) uint8 RGB, a private copy owned by the reader.
        seq: the frame's `Frame.seq`.
        t: the frame's `Frame.t`.
        submitted_at: `time.monotonic()` when the parent submitted it.
        write_count: how many frames had been submitted once this one was (pass it as `after`).
    """

    image: np.ndarray
    seq: int
    t: float
    submitted_at: float
    write_count: int


class SharedFrameBuffer:
    """A double-buffered frame slot pair plus status header in one shared-memory block.

    Create it in the parent with `create`, pass `name` to the child, `attach` there.
    """

    def __init__(self, shm: shared_memory.SharedMemory, owner: bool) -> None:
        self._shm = shm
        self._owner = owner
        self.header = np.ndarray((), dtype=HEADER_DTYPE, buffer=shm.buf)
        if int(self.header["magic"]) != MAGIC:
            raise ValueError(f"shared memory {shm.name!r} is not a frame buffer")
        self.max_w = int(self.header["max_w"])
        self.max_h = int(self.header["max_h"])
        slot_bytes = self.max_w * self.max_h * 3
        self._slots = [
            np.ndarray((slot_bytes,), np.uint8, shm.buf, _DATA_OFFSET + i * slot_bytes)
            for i in range(2)
        ]
        self._write_lock = threading.Lock()
        self._warned_sizes: set[tuple[int, int]] = set()

    @classmethod
    def create(cls, max_size: tuple[int, int]) -> SharedFrameBuffer:
        """Allocate a new block for frames up to `max_size` (width, height)."""
        max_w, max_h = max_size
        size = _DATA_OFFSET + 2 * max_w * max_h * 3
        remove_stale_segments()
        name = f"{SEGMENT_PREFIX}-{os.getpid()}-{secrets.token_hex(4)}"
        shm = _open_untracked(name, create=True, size=size)
        _OWN_SEGMENTS.add(shm.name)
        header = np.ndarray((), dtype=HEADER_DTYPE, buffer=shm.buf)
        header[()] = np.zeros((), HEADER_DTYPE)
        header["max_w"], header["max_h"] = max_w, max_h
        header["displayed_seq"] = -1
        header["magic"] = MAGIC
        del header  # a live view would keep `shm.buf` exported and block `close()`
        return cls(shm, owner=True)

    @classmethod
    def attach(cls, name: str) -> SharedFrameBuffer:
        """Open the block the parent created."""
        return cls(_open_untracked(name), owner=False)

    @property
    def name(self) -> str:
        """The block's system-wide name (what the child attaches to)."""
        return self._shm.name

    def write(self, frame: Frame) -> None:
        """Publish `frame` as the newest one; O(frame copy), never waits on the reader."""
        image = self._fit(frame.image)
        h, w = image.shape[:2]
        header = self.header
        with self._write_lock:
            slot = 1 - int(header["latest_slot"])
            header["slot_version"][slot] += 1  # odd: being written
            self._slots[slot][: h * w * 3] = image.reshape(-1)
            header["slot_seq"][slot] = frame.seq
            header["slot_w"][slot], header["slot_h"][slot] = w, h
            header["slot_t"][slot] = frame.t
            header["slot_submitted_at"][slot] = time.monotonic()
            header["slot_count"][slot] = int(header["write_count"]) + 1
            header["slot_version"][slot] += 1  # even: complete
            header["latest_slot"] = slot
            header["write_count"] += 1

    def read_latest(self, after: int, tries: int = 8) -> SharedFrame | None:
        """Copy the newest frame if more than `after` frames were written, else None.

        Retries when the writer overwrote the slot while it was being copied (seqlock).
        """
        header = self.header
        for _ in range(tries):
            if int(header["write_count"]) <= after:
                return None
            slot = int(header["latest_slot"])
            version = int(header["slot_version"][slot])
            if version % 2:
                continue
            w, h = int(header["slot_w"][slot]), int(header["slot_h"][slot])
            seq, t = int(header["slot_seq"][slot]), float(header["slot_t"][slot])
            submitted_at = float(header["slot_submitted_at"][slot])
            count = int(header["slot_count"][slot])
            pixels = self._slots[slot][: w * h * 3].copy()
            if int(header["slot_version"][slot]) == version:
                return SharedFrame(pixels.reshape(h, w, 3), seq, t, submitted_at, count)
        return None

    def set_reason(self, reason: str) -> None:
        """Store a short human-readable reason (why unavailable or failed), truncated to fit."""
        self.header["reason"] = reason.encode("utf-8")[:REASON_BYTES]

    def reason(self) -> str:
        """The stored reason text."""
        return self.header["reason"].item().decode("utf-8", errors="replace")

    def close(self) -> None:
        """Detach; the owner also removes the block from the system."""
        del self.header, self._slots
        self._shm.close()
        if self._owner:
            _unlink_untracked(self._shm)
            _OWN_SEGMENTS.discard(self._shm.name)

    def _fit(self, image: np.ndarray) -> np.ndarray:
        """Downscale by an integer stride if the frame exceeds the slot size."""
        h, w = image.shape[:2]
        if w <= self.max_w and h <= self.max_h:
            return image
        stride = max(math.ceil(w / self.max_w), math.ceil(h / self.max_h))
        if (w, h) not in self._warned_sizes:
            self._warned_sizes.add((w, h))
            log.warning(
                "frame %dx%d exceeds the window's max_frame_size %dx%d; showing it at 1/%d",
                w, h, self.max_w, self.max_h, stride,
            )
        return np.ascontiguousarray(image[::stride, ::stride])


def remove_stale_segments() -> list[str]:
    """Unlink the frame blocks whose owner process is gone (killed before it could); returns
    their names. Only where the system lists its shared memory (Linux `/dev/shm`)."""
    try:
        names = os.listdir(_SHM_FOLDER)
    except OSError:
        return []
    removed = []
    for name in names:
        match = _SEGMENT_NAME.fullmatch(name)
        if match is None or name in _OWN_SEGMENTS or _owner_runs(int(match.group(1))):
            continue
        try:
            stale = _open_untracked(name)
            stale.close()
            _unlink_untracked(stale)
        except OSError as exc:  # another user's block, or another process removed it first
            log.debug("cannot remove stale frame buffer %s: %s", name, exc)
            continue
        removed.append(name)
        log.info("removed the frame buffer %s of a process that no longer runs", name)
    return removed


def _owner_runs(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, but not in _OWN_SEGMENTS: left by an earlier process with our pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # runs, as another user
    return True


def _open_untracked(name: str, *, create: bool = False, size: int = 0) -> (
    shared_memory.SharedMemory
):
    """A shared-memory block that multiprocessing's resource tracker does not follow.

    The tracker would unlink it behind our back or report it as leaked (and with a block opened
    by two processes, print KeyError tracebacks); the owner unlinks it itself instead.
    """
    if _HAS_TRACK_FLAG:
        return shared_memory.SharedMemory(name=name, create=create, size=size, track=False)
    shm = shared_memory.SharedMemory(name=name, create=create, size=size)
    resource_tracker.unregister(_tracker_name(shm), "shared_memory")  # the constructor registered
    return shm


def _unlink_untracked(shm: shared_memory.SharedMemory) -> None:
    """Remove the block from the system. Before Python 3.13 `unlink` also unregisters it from
    the tracker, so it is registered again first to keep the tracker's books balanced."""
    if not _HAS_TRACK_FLAG:
        resource_tracker.register(_tracker_name(shm), "shared_memory")
    try:
        shm.unlink()
    except FileNotFoundError:
        if not _HAS_TRACK_FLAG:
            resource_tracker.unregister(_tracker_name(shm), "shared_memory")


def _tracker_name(shm: shared_memory.SharedMemory) -> str:
    return f"/{shm.name}"
