"""Line-based text input for unattended installations: stdin, a FIFO, or a growing text file.

Other programs (a speech front-end, a web form, `echo 웃어줘 > /run/avatar.fifo`) feed the
kiosk one utterance per line. The reader runs on its own thread and puts complete lines on a
queue; it never drops a line (the queue blocks the reader when full instead), except one longer
than `MAX_LINE_BYTES`: that one is skipped up to its newline with a warning, so a writer that
never sends a newline costs bounded memory and linear time.
"""

from __future__ import annotations

import logging
import os
import queue
import select
import stat
import sys
import threading
from pathlib import Path

from contracts import MAX_UTTERANCE_CHARS, UtteranceSource

log = logging.getLogger("avatar.agent")

POLL_S = 0.1
QUEUE_SIZE = 256
READ_SIZE = 65536
MAX_LINE_BYTES = 4 * MAX_UTTERANCE_CHARS
"""Longest line kept: any utterance the conversation accepts fits, even in 4-byte UTF-8."""


class LineReader:
    """Reads lines from `source` ("stdin" or a path) into `lines` until `stop`.

    A FIFO is opened read-write so that writers coming and going never end the stream; a
    regular file is followed like `tail -f` from its current end (and from the start again if
    it is truncated); a path that does not exist yet is waited for and then read from its
    start.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: queue.Queue[str] = queue.Queue(maxsize=QUEUE_SIZE)
        self.ready = threading.Event()
        """Set once the source is open and positioned: lines written after it are read."""
        self.kind: UtteranceSource = "stdin" if source == "stdin" else "file"
        """What the lines come from ("stdin", "fifo" or "file"); final once `ready` is set."""
        self._stop = threading.Event()
        self._new_file = False
        self._thread = threading.Thread(target=self._run, name="avatar-input", daemon=True)

    def start(self) -> None:
        """Start reading on the background thread."""
        path = Path(self.source).expanduser()
        self._new_file = self.source != "stdin" and not path.exists()
        if self._new_file:
            log.warning("input %s does not exist yet; waiting for it", path)
        self._thread.start()

    def stop(self) -> None:
        """Stop reading (the thread notices within `POLL_S`)."""
        self._stop.set()

    def _run(self) -> None:
        try:
            if self.source == "stdin":
                self._read_fd(sys.stdin.fileno())
            else:
                self._read_path(Path(self.source).expanduser())
        except OSError as exc:
            log.error("input %s: %s; no more text will be read from it", self.source, exc)

    def _read_path(self, path: Path) -> None:
        while not self._stop.is_set() and not path.exists():
            self._stop.wait(POLL_S)
        if self._stop.is_set():
            return
        if stat.S_ISFIFO(path.stat().st_mode):
            self.kind = "fifo"
            fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)  # RDWR: never EOF when writers leave
            try:
                self._read_fd(fd)
            finally:
                os.close(fd)
        else:
            self._follow_file(path, from_start=self._new_file)

    def _read_fd(self, fd: int) -> None:
        """Read `fd` until EOF or `stop`; select keeps `stop` responsive."""
        splitter = LineSplitter(self.source)
        self.ready.set()
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], POLL_S)
            if not ready:
                continue
            try:
                chunk = os.read(fd, READ_SIZE)
            except BlockingIOError:
                continue
            if not chunk:
                log.info("input %s ended; no more text will come from it", self.source)
                break
            self._put_all(splitter.feed(chunk))
        self._put_all(splitter.finish())

    def _follow_file(self, path: Path, *, from_start: bool) -> None:
        """Like `tail -f`: new lines only, unless the file is new (then all of it)."""
        with path.open("rb") as handle:
            if not from_start:
                handle.seek(0, os.SEEK_END)
            splitter = LineSplitter(self.source)
            self.ready.set()
            while not self._stop.is_set():
                chunk = handle.read(READ_SIZE)
                if chunk:
                    self._put_all(splitter.feed(chunk))
                    continue
                if path.stat().st_size < handle.tell():  # truncated or rotated in place
                    handle.seek(0)
                    splitter = LineSplitter(self.source)
                self._stop.wait(POLL_S)

    def _put_all(self, raw_lines: list[bytes]) -> None:
        for raw in raw_lines:
            self._put(raw)

    def _put(self, raw: bytes) -> None:
        text = raw.decode("utf-8", errors="replace").strip()
        while text and not self._stop.is_set():
            try:
                self.lines.put(text, timeout=POLL_S)
                return
            except queue.Full:
                continue


class LineSplitter:
    """Cuts a byte stream into lines of at most `limit` bytes, in time linear in the input.

    Only the unfinished line is buffered, and never more than `limit` bytes of it: a longer
    line is dropped (with one warning) and skipped up to its newline.
    """

    def __init__(self, source: str, limit: int = MAX_LINE_BYTES) -> None:
        self._source = source
        self._limit = limit
        self._pending = bytearray()
        self._skipping = False
        self.skipped = 0
        """How many over-long lines were dropped so far."""

    def feed(self, chunk: bytes) -> list[bytes]:
        """The lines `chunk` completes, without their newlines."""
        lines: list[bytes] = []
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                self._keep(chunk[start:])
                return lines
            if not self._keep(chunk[start:end]):
                lines.append(bytes(self._pending))
            self._pending.clear()
            self._skipping = False
            start = end + 1

    def finish(self) -> list[bytes]:
        """The last line when the stream ended without a newline."""
        rest = bytes(self._pending) if not self._skipping else b""
        self._pending.clear()
        return [rest] if rest.strip() else []

    def _keep(self, part: bytes) -> bool:
        """Add `part` to the unfinished line; True when that line is (now) being skipped."""
        if self._skipping:
            return True
        if len(self._pending) + len(part) > self._limit:
            self._pending.clear()
            self._skipping = True
            self.skipped += 1
            log.warning(
                "input %s: a line longer than %d bytes was skipped; send at most %d "
                "characters per line", self._source, self._limit, MAX_UTTERANCE_CHARS,
            )
            return True
        self._pending += part
        return False
