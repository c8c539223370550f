"""`WindowSink`: the agent's handle on the pygame window that runs in its own process.

The window lives in a child started with the "spawn" context so that a slow, hung or crashed
window never stalls the agent (DESIGN.md, Processes). Frames go through shared memory
(`SharedFrameBuffer`: `submit` is one copy and never waits), commands through a queue, and the
child reports back through the shared header (heartbeat, displayed frame, window size) and an
event queue. Closing the window ends only the child; the agent can `start()` it again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import tempfile
import threading
import time
import weakref
from collections import deque
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path

from contracts import Frame
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
_STOP_WAIT_S = 2.0
_MAX_PENDING_EVENTS = 256


def _child_entry(
    shm_name: str, options: WindowOptions, commands: Queue, events: Queue, parent_pid: int,
    log_path: str,
) -> None:
    """Runs in the spawned child: route its output to a log file, then run the window.

    SDL and Python write diagnostics to fds 1/2; inherited, they would scribble over the
    parent's terminal UI, so they go to `log_path` instead.
    """
    with open(log_path, "ab", buffering=0) as log_file:
        os.dup2(log_file.fileno(), 1)
        os.dup2(log_file.fileno(), 2)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from renderer._window_process import run_window

    run_window(shm_name, options, commands, events, parent_pid)


class _ChildResources:
    """What must be released even if the sink is dropped without `close()` (weakref finalizer)."""

    def __init__(self) -> None:
        self.process: BaseProcess | None = None
        self.buffer: SharedFrameBuffer | None = None

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


class WindowSink:
    """A frame sink that shows frames in a pygame window running in a child process.

    States: "disabled" before `start()` and after `close()`; "open" while the window shows
    frames; "closed" when the user closed it (the app keeps running, `start()` reopens);
    "crashed" when the child died or stopped sending heartbeats (`ensure_alive()` restarts);
    "unavailable" when no display could be opened (`reason` says why).
    """

    def __init__(self, options: WindowOptions | None = None) -> None:
        self.options = options or WindowOptions()
        self.log_path = Path(tempfile.gettempdir()) / f"portrait-agent-window-{os.getpid()}.log"
        self._ctx = multiprocessing.get_context("spawn")
        self._resources = _ChildResources()
        self._finalizer = weakref.finalize(self, self._resources.release)
        self._lock = threading.Lock()  # guards the buffer's lifetime against `submit`
        self._commands: Queue | None = None
        self._events: Queue | None = None
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
        if not self._lock.acquire(blocking=False):
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
        """What the window shows now (see `WindowStats`); defaults when never started."""
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
        self._commands = self._ctx.Queue()
        self._commands.cancel_join_thread()  # unsent commands must never keep the app alive
        self._events = self._ctx.Queue()
        process = self._ctx.Process(
            target=_child_entry,
            args=(
                buffer.name, self.options, self._commands, self._events, os.getpid(),
                str(self.log_path),
            ),
            name="avatar-window",
            daemon=True,
        )
        process.start()
        self._resources.process = process
        return process

    def _stop_child(self) -> None:
        """Kill a still-running child and keep the events it managed to send."""
        self._resources.stop_process()
        self._drain_events()
        for q in (self._commands, self._events):
            if q is not None:
                q.close()
        self._commands = self._events = None

    def _send(self, command: WindowCommand) -> None:
        process = self._resources.process
        if self._commands is None or process is None or not process.is_alive():
            log.debug("window command %s ignored: no window process", command.kind)
            return
        self._commands.put_nowait(command)

    def _drain_events(self) -> None:
        if self._events is None:
            return
        while True:
            try:
                self._pending.append(self._events.get_nowait())
            except (queue.Empty, OSError, EOFError, ValueError):
                return

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
