"""One JPEG per rendered frame, shared by every viewer.

The conversation renders frames on its own thread; `FrameHub` is told when one is delivered,
encodes it once on its encoder thread (only while somebody watches), and hands the same bytes to
every MJPEG viewer and WebSocket client. A viewer waits for "a frame newer than the one I sent",
never for a queue: a slow viewer simply skips to the newest frame, so it gets fewer frames and
never delays the others or holds memory.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from contracts import Frame

log = logging.getLogger("avatar.web")

JPEG_QUALITY = 80
BOUNDARY = "frame"


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """A frame as JPEG, plus the same bytes framed as one part of the MJPEG stream.

    Attributes:
        seq: the frame's sequence number.
        plan_id: the plan that was playing.
        jpeg: the JPEG bytes.
        part: `--frame` header lines, the JPEG and the closing CRLF (what a viewer is sent).
    """

    seq: int
    plan_id: int
    jpeg: bytes
    part: bytes


def encode(frame: Frame) -> EncodedFrame:
    """`frame` as JPEG and as an MJPEG part (headers name its seq and plan id)."""
    buffer = io.BytesIO()
    Image.fromarray(frame.image).save(buffer, format="JPEG", quality=JPEG_QUALITY)
    jpeg = buffer.getvalue()
    head = (
        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n"
        f"X-Frame-Seq: {frame.seq}\r\nX-Plan-Id: {frame.plan_id}\r\n\r\n"
    ).encode("ascii")
    return EncodedFrame(frame.seq, frame.plan_id, jpeg, head + jpeg + b"\r\n")


class FrameHub:
    """Encodes each delivered frame once and wakes the viewers waiting on the event loop.

    Args:
        latest_frame: returns the newest delivered frame (the conversation's `latest_frame`).
    """

    def __init__(self, latest_frame: Callable[[], Frame | None]) -> None:
        self._latest_frame = latest_frame
        self._lock = threading.Lock()
        self._encoded: EncodedFrame | None = None
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._newer: asyncio.Future[None] | None = None
        self.viewers = 0
        """Open MJPEG streams and frame-receiving WebSockets (the encoder idles at 0)."""

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the encoder thread; viewers wait on `loop`."""
        self._loop = loop
        self._newer = loop.create_future()
        self._thread = threading.Thread(target=self._run, name="web-encoder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the encoder thread and let every waiting viewer finish."""
        self._closed.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
        loop, newer = self._loop, self._newer
        if loop is not None and newer is not None and not loop.is_closed():
            loop.call_soon_threadsafe(_resolve, newer)

    @property
    def closed(self) -> bool:
        """True once `stop` was called."""
        return self._closed.is_set()

    def frame_delivered(self) -> None:
        """A new frame exists (called on the render thread; never blocks)."""
        self._wake.set()

    def current(self) -> EncodedFrame | None:
        """The newest frame, encoded now if the last encoding is older (once per frame)."""
        frame = self._latest_frame()
        if frame is None:
            return None
        with self._lock:
            encoded = self._encoded
            if encoded is not None and encoded.seq == frame.seq:
                return encoded
            encoded = encode(frame)
            self._encoded = encoded
        return encoded

    async def next_after(self, seq: int, wait_s: float) -> EncodedFrame | None:
        """The newest encoded frame if its seq is above `seq`, else wait up to `wait_s`
        seconds for one; None when none came (or the hub closed)."""
        encoded = self._encoded
        if encoded is not None and encoded.seq > seq:
            return encoded
        newer = self._newer
        if newer is None or self.closed:
            return None
        try:
            await asyncio.wait_for(asyncio.shield(newer), wait_s)
        except TimeoutError:
            return None
        encoded = self._encoded
        return encoded if encoded is not None and encoded.seq > seq else None

    def _run(self) -> None:
        while not self._closed.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._closed.is_set() or self.viewers <= 0:
                continue
            try:
                encoded = self.current()
            except Exception:
                log.exception("could not encode a frame")
                continue
            if encoded is not None:
                self._announce()

    def _announce(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._swap_future)
        except RuntimeError:  # the loop closed meanwhile
            return

    def _swap_future(self) -> None:
        assert self._loop is not None
        done, self._newer = self._newer, self._loop.create_future()
        if done is not None:
            _resolve(done)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
