"""The shared-memory frame transport: newest-frame semantics, no torn frames across processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import numpy as np
import pytest

from renderer.shared_frame import SharedFrameBuffer
from tests.renderer._helpers import REPO, frame, solid

_WRITER = """
import sys, time
import numpy as np
from contracts import Frame
from renderer.shared_frame import SharedFrameBuffer

from multiprocessing import resource_tracker

buffer = SharedFrameBuffer.attach(sys.argv[1])
# A process not started by multiprocessing has its own resource tracker, which would unlink the
# block when this writer exits (CPython gh-82300); the test owns the block.
resource_tracker.unregister(buffer._shm._name, "shared_memory")
image = np.empty((96, 128, 3), np.uint8)
seq = 0
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    image[...] = seq % 256
    buffer.write(Frame(image=image, seq=seq, t=0.0))
    seq += 1
print(seq, flush=True)
"""


@pytest.fixture
def buffer() -> Iterator[SharedFrameBuffer]:
    shared = SharedFrameBuffer.create((128, 96))
    try:
        yield shared
    finally:
        shared.close()


def test_reader_gets_only_the_newest_frame(buffer: SharedFrameBuffer) -> None:
    assert buffer.read_latest(after=0) is None
    for seq in range(3):
        buffer.write(frame(seq, solid((seq, 2 * seq, 3 * seq), (40, 30))))
    latest = buffer.read_latest(after=0)
    assert latest is not None
    assert (latest.seq, latest.write_count) == (2, 3)
    assert latest.image.shape == (30, 40, 3)
    assert (latest.image == (2, 4, 6)).all()
    assert buffer.read_latest(after=latest.write_count) is None


def test_read_frame_is_a_private_copy(buffer: SharedFrameBuffer) -> None:
    buffer.write(frame(0, solid((1, 1, 1), (8, 8))))
    first = buffer.read_latest(after=0)
    buffer.write(frame(1, solid((7, 7, 7), (8, 8))))
    buffer.write(frame(2, solid((9, 9, 9), (8, 8))))  # reuses the first frame's slot
    assert first is not None and (first.image == 1).all()


def test_oversized_frames_are_shown_downscaled(buffer: SharedFrameBuffer) -> None:
    big = np.zeros((300, 400, 3), np.uint8)
    big[:, :, 0] = np.arange(400)[None, :] % 256
    buffer.write(frame(0, big))
    latest = buffer.read_latest(after=0)
    assert latest is not None
    # 400x300 into 128x96 needs a stride of ceil(400 / 128) = 4: 100x75 pixels, every 4th column.
    assert latest.image.shape == (75, 100, 3)
    assert (latest.image[0, :, 0] == (np.arange(0, 400, 4) % 256)).all()


def test_child_header_fields_reach_another_attachment(buffer: SharedFrameBuffer) -> None:
    other = SharedFrameBuffer.attach(buffer.name)
    try:
        other.header["displayed_seq"] = 41
        other.set_reason("no display: ümlaut kept")
        assert int(buffer.header["displayed_seq"]) == 41
        assert buffer.reason() == "no display: ümlaut kept"
    finally:
        other.close()


def test_no_torn_frames_while_another_process_writes(buffer: SharedFrameBuffer) -> None:
    """Every frame the reader gets is uniform and matches its seq, even mid-write."""
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, buffer.name, "1.5"], stdout=subprocess.PIPE, text=True,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    reads, last_seq, seen = 0, -1, 0
    deadline = time.monotonic() + 20
    while writer.poll() is None and time.monotonic() < deadline:
        latest = buffer.read_latest(after=seen)
        if latest is None:
            continue
        seen = latest.write_count
        reads += 1
        value = latest.seq % 256
        assert (latest.image == value).all(), f"torn frame at seq {latest.seq}"
        assert latest.seq > last_seq
        last_seq = latest.seq
    written = int(writer.communicate(timeout=20)[0])
    assert writer.returncode == 0
    assert reads > 10 and written > reads
