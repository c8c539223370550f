"""`WindowSink`: the agent's handle on the pygame window that runs in its own process.

The window lives in a child started with the "spawn" context so that a slow, hung or crashed
window never stalls the agent (DESIGN.md, Processes). Frames go through shared memory
(`SharedFrameBuffer`: `submit` is one copy and never waits), commands through a pipe, and the
child reports back through the shared header (heartbeat, displayed frame, window size) and an
event pipe. Closing the window ends only the child; the agent can `start()` it again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import tempfile
import threading
import time
import weakref
from collections import deque
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from contracts import Frame
from renderer._pipe import open_pipe, receive_all, send_nowait
from renderer.shared_frame import (
    CHILD_CLOSED,
    CHILD_FAILED,
    CHILD_OPEN,
    CHILD_STARTING,
    CHILD_UNAVAILABLE,
    SharedFrameBuffer,
)
from renderer.window_types import (
    WindowCommand,
    WindowEvent,
    WindowOptions,
    WindowState,
    WindowStats,
    parse_chord,
)

log = logging.getLogger("avatar.renderer")

_START_POLL_S = 0.01
_SUBMIT_WAIT_S = 0.002
"""A frame waits this long for a `stats` reader on another thread (microseconds), never for a
window start or close."""
_STOP_WAIT_S = 2.0
_MAX_PENDING_EVENTS = 256


def _child_entry(
    shm_name: str, options: WindowOptions, commands: Connection, events: Connection,
    parent_pid: int, log_path: str,
) -> None:
    """Runs in the spawned child: route its output to a log file, then run the window.

    SDL and Python write diagnostics to fds 1/2; inherited, they would scribble over the
    parent's terminal UI, so they go to `log_path` instead (the file the parent made; a symlink
    put in its place is refused).
    """
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from renderer._window_process import run_window

    run_window(shm_name, options, commands, events, parent_pid)


class _ChildResources:
    """What must be released even if the sink is dropped without `close()` (weakref finalizer)."""

    def __init__(self) -> None:
        self.process: BaseProcess | None = None
        self.buffer: SharedFrameBuffer | None = None
        self.log_path: Path | None = None

    def open_log(self) -> Path:
        """The child's log file: a new private file (mkstemp) on first use."""
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="portrait-agent-window-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        return self.log_path

    def stop_process(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.is_alive():
            process.kill()
            process.join(_STOP_WAIT_S)

    def release(self) -> None:
        self.stop_process()
        buffer, self.buffer = self.buffer, None
        if buffer is not None:
            buffer.close()
        self._remove_log()

    def _remove_log(self) -> None:
        """Delete the log file unless the window wrote something (then it may explain a crash)."""
        path, self.log_path = self.log_path, None
        if path is None:
            return
        try:
            if os.stat(path, follow_symlinks=False).st_size:
                log.info("the window process wrote to its log, kept at %s", path)
                return
            path.unlink()
        except FileNotFoundError:
            pass


class WindowSink:
    """A frame sink that shows frames in a pygame window running in a child process.

    States: "disabled" before `start()` and after `close()`; "open" while the window shows
    frames; "closed" when the user closed it (the app keeps running, `start()` reopens);
    "crashed" when the child died or stopped sending heartbeats (`ensure_alive()` restarts);
    "unavailable" when no display could be opened (`reason` says why).
    """

    def __init__(self, options: WindowOptions | None = None) -> None:
        self.options = options or WindowOptions()
        self._ctx = multiprocessing.get_context("spawn")
        self._resources = _ChildResources()
        self._finalizer = weakref.finalize(self, self._resources.release)
        self._lock = threading.Lock()  # guards the buffer's lifetime against `submit`
        self._commands: Connection | None = None  # write end; the child holds the read end
        self._events: Connection | None = None  # read end; the child holds the write end
        self._pending: deque[WindowEvent] = deque(maxlen=_MAX_PENDING_EVENTS)
        self._enabled = False
        self._start_failure = ""

    def start(self, timeout: float = 10.0) -> bool:
        """Open the window (again) and wait until it shows; True when it is open.

        Also the way back after "closed", "crashed" or "unavailable". Never raises for a
        missing display: the state becomes "unavailable" with a `reason`.
        """
        if self.state == "open":
            return True
        self._stop_child()
        with self._lock:
            if self._resources.buffer is None:
                self._resources.buffer = SharedFrameBuffer.create(self.options.max_frame_size)
            self._reset_child_fields(self._resources.buffer)
        self._enabled, self._start_failure = True, ""
        process = self._spawn(self._resources.buffer)
        deadline = time.monotonic() + timeout
        while self._child_state() == CHILD_STARTING and process.is_alive():
            if time.monotonic() > deadline:
                self._stop_child()
                self._start_failure = (
                    f"the window process did not open a window within {timeout:g} s "
                    f"(its log: {self.log_path})"
                )
                break
            time.sleep(_START_POLL_S)
        state, reason = self._evaluate()
        if state != "open":
            log.warning("window not shown (%s): %s", state, reason)
        return state == "open"

    def submit(self, frame: Frame) -> None:
        """Make `frame` the one the window shows next; never blocks, drops it unless open."""
        if not self._lock.acquire(timeout=_SUBMIT_WAIT_S):
            return  # start/close is swapping the buffer right now; this frame is stale anyway
        try:
            buffer, process = self._resources.buffer, self._resources.process
            if buffer is not None and process is not None and process.is_alive():
                buffer.write(frame)
        finally:
            self._lock.release()

    @property
    def state(self) -> WindowState:
        """"open", "closed", "crashed", "unavailable" or "disabled" (see the class docstring)."""
        return self._evaluate()[0]

    @property
    def reason(self) -> str:
        """Why the window is not open ("" while it is)."""
        return self._evaluate()[1]

    @property
    def pid(self) -> int | None:
        """Process id of the window process, None when none was started."""
        process = self._resources.process
        return process.pid if process is not None else None

    def stats(self) -> WindowStats:
        """What the window shows now (see `WindowStats`); defaults when never started or closed.

        Read under the lock that `close` frees the shared memory under: a header view does not
        keep the mapping alive, so reading it after the unmap would crash the process."""
        with self._lock:
            buffer = self._resources.buffer
            if buffer is None:
                return WindowStats()
            h = buffer.header
            return WindowStats(
                displayed_seq=int(h["displayed_seq"]),
                displayed_at=float(h["displayed_at"]),
                frame_age_ms=float(h["frame_age_ms"]),
                shown_fps=float(h["shown_fps"]),
                frames_shown=int(h["frames_shown"]),
                frames_submitted=int(h["write_count"]),
                size=(int(h["window_w"]), int(h["window_h"])),
                fullscreen=bool(h["fullscreen"]),
                overlay=bool(h["overlay"]),
            )

    def poll_events(self) -> list[WindowEvent]:
        """Events from the window since the last call, oldest first (at most the last 256)."""
        self._drain_events()
        events = list(self._pending)
        self._pending.clear()
        return events

    def ensure_alive(self) -> bool:
        """Restart a crashed window; True when the window is open afterwards.

        A window the user closed, or one that was never started, stays as it is (False); call
        `start()` to reopen it. "unavailable" gives False without a retry.
        """
        state, reason = self._evaluate()
        if state == "crashed":
            log.warning("window crashed (%s); restarting it", reason)
            return self.start()
        return state == "open"

    def toggle_fullscreen(self) -> None:
        """Switch between fullscreen and windowed (same as F11)."""
        self._send(WindowCommand("fullscreen"))

    def set_overlay(self, on: bool) -> None:
        """Show or hide the FPS/latency overlay (F3 toggles it)."""
        self._send(WindowCommand("overlay", (on,)))

    def resize(self, w: int, h: int) -> None:
        """Resize the window; while fullscreen, the size applies when fullscreen is left."""
        if w < 1 or h < 1:
            raise ValueError(f"window size must be at least 1x1 pixels, got {w}x{h}")
        self._send(WindowCommand("resize", (w, h)))

    def post_key(self, chord: str) -> None:
        """Inject a key press ("f11", "ctrl+shift+q") into the window as if typed there."""
        self._send(WindowCommand("post_key", (parse_chord(chord),)))

    def post_quit(self) -> None:
        """Ask the window to close exactly as if its close button was pressed."""
        self._send(WindowCommand("post_quit"))

    def screenshot(self, path: Path) -> None:
        """Ask the window to save what it shows to `path` (PNG); a "screenshot_saved" event
        follows once the file is complete."""
        self._send(WindowCommand("screenshot", (str(path),)))

    def close(self) -> None:
        """End the window process and free the shared memory; the state becomes "disabled"."""
        process = self._resources.process
        if process is not None and self.state == "open":  # a hung child gets no grace period
            self._send(WindowCommand("shutdown"))
            process.join(_STOP_WAIT_S)
        self._stop_child()
        with self._lock:
            self._resources.release()
        self._enabled = False

    def __enter__(self) -> WindowSink:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _spawn(self, buffer: SharedFrameBuffer) -> BaseProcess:
        command_reader, self._commands = open_pipe(self._ctx)
        self._events, event_writer = open_pipe(self._ctx)
        process = self._ctx.Process(
            target=_child_entry,
            args=(
                buffer.name, self.options, command_reader, event_writer, os.getpid(),
                str(self._resources.open_log()),
            ),
            name="avatar-window",
            daemon=True,
        )
        try:
            process.start()
        finally:
            command_reader.close()  # the child has its own copies now
            event_writer.close()
        self._resources.process = process
        return process

    @property
    def log_path(self) -> Path | None:
        """The window process's log file (stdout/stderr); None before the first `start()`.
        Removed on `close()` unless the window wrote to it."""
        return self._resources.log_path

    def _stop_child(self) -> None:
        """Kill a still-running child and keep the events it managed to send."""
        self._resources.stop_process()
        self._drain_events()
        for pipe in (self._commands, self._events):
            if pipe is not None:
                pipe.close()
        self._commands = self._events = None

    def _send(self, command: WindowCommand) -> None:
        process = self._resources.process
        if self._commands is None or process is None or not process.is_alive():
            log.debug("window command %s ignored: no window process", command.kind)
            return
        if not send_nowait(self._commands, command):
            log.warning("window command %s dropped: the window process is not reading",
                        command.kind)

    def _drain_events(self) -> None:
        if self._events is not None:
            self._pending.extend(receive_all(self._events))  # type: ignore[arg-type]

    def _child_state(self) -> int:
        buffer = self._resources.buffer
        return CHILD_STARTING if buffer is None else int(buffer.header["child_state"])

    def _evaluate(self) -> tuple[WindowState, str]:
        """The state and its reason, from the child's header and the process status."""
        buffer, process = self._resources.buffer, self._resources.process
        if not self._enabled or buffer is None:
            return "disabled", "the window was not started"
        if self._start_failure:
            return "unavailable", self._start_failure
        child_state = int(buffer.header["child_state"])
        if child_state == CHILD_UNAVAILABLE:
            return "unavailable", buffer.reason()
        if child_state == CHILD_CLOSED:
            return "closed", "the window was closed"
        if child_state == CHILD_FAILED:
            return "crashed", f"{buffer.reason()} (log: {self.log_path})"
        if process is None or not process.is_alive():
            return "crashed", _death_reason(process)
        silent = time.monotonic() - float(buffer.header["heartbeat"])
        if child_state == CHILD_OPEN and silent > self.options.heartbeat_timeout:
            return "crashed", f"the window process stopped responding ({silent:.1f} s silent)"
        if child_state == CHILD_OPEN:
            return "open", ""
        return "closed", "the window is starting"

    @staticmethod
    def _reset_child_fields(buffer: SharedFrameBuffer) -> None:
        header = buffer.header
        header["child_state"] = CHILD_STARTING
        header["heartbeat"] = 0.0
        header["shown_fps"] = 0.0
        header["frames_shown"] = 0
        buffer.set_reason("")


def _death_reason(process: BaseProcess | None) -> str:
    code = None if process is None else process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the window process was killed ({name})"
    return f"the window process exited unexpectedly (exit code {code})"
