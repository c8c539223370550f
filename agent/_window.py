"""Supervision of the pygame window process: open/close, frames in, state changes out.

The window runs in its own process (renderer.WindowSink). This wrapper turns its state into
`WindowStateChanged` events, forwards key presses and the operator's exit combination, and in
supervised (kiosk) mode reopens a crashed or closed window with exponential backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from agent._bus import EventBus
from agent.config import KioskSettings, WindowSettings
from agent.events import ExitRequested, WindowKeyPressed, WindowState, WindowStateChanged
from contracts import Frame
from renderer import WindowOptions, WindowSink

log = logging.getLogger("avatar.agent")

CHECK_INTERVAL_S = 0.25
STABLE_AFTER_S = 10.0
"""A window that stays open this long resets the restart backoff."""
RESTARTABLE: tuple[WindowState, ...] = ("crashed", "closed", "unavailable")
"""States a supervised window is reopened from (a display may appear after boot)."""


class WindowSupervisor:
    """Owns at most one `WindowSink` and reports what happens to it.

    Args:
        settings: window settings (size, fullscreen, overlay, cursor, exit combination).
        fps: the most frames per second the window should show.
        bus: where `WindowStateChanged`, `WindowKeyPressed` and `ExitRequested` go.
        supervised: reopen the window after a crash or close (kiosk mode), and make the exit
            combination an `ExitRequested` event.
        kiosk: backoff limits for reopening.
    """

    def __init__(
        self,
        settings: WindowSettings,
        fps: float,
        bus: EventBus,
        *,
        supervised: bool = False,
        kiosk: KioskSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        kiosk = kiosk or KioskSettings()
        self._options = WindowOptions(
            title=settings.title,
            size=settings.size,
            fullscreen=settings.fullscreen,
            target_fps=min(240.0, 2.0 * fps),  # draw a new frame as soon as it arrives
            show_overlay=settings.overlay,
            hide_cursor=settings.hide_cursor,
            exit_combo=settings.exit_combo if supervised else None,
        )
        self._bus = bus
        self._supervised = supervised
        self._first_backoff = kiosk.restart_backoff_s
        self._max_backoff = kiosk.max_backoff_s
        self._clock = clock
        self._lock = threading.RLock()
        self._sink: WindowSink | None = None
        self._state: WindowState = "disabled"
        self._reason = ""
        self._next_check = 0.0
        self._backoff = self._first_backoff
        self._retry_at = 0.0
        self._open_since = 0.0
        self._submitted_seq = -1
        self.restarts = 0

    @property
    def state(self) -> WindowState:
        """The last known state ("disabled" until first opened)."""
        return self._state

    @property
    def reason(self) -> str:
        """Why the window is unavailable/crashed/closed, or ""."""
        return self._reason

    @property
    def sink(self) -> WindowSink | None:
        """The running sink, for statistics (None when never opened)."""
        return self._sink

    def open(self) -> WindowState:
        """Start the window process (or reuse a live one) and return its state."""
        with self._lock:
            if self._sink is not None and self._sink.state == "open":
                return self._update_state()
            if self._sink is not None:
                self._sink.close()
            self._sink = WindowSink(self._options)
            self._sink.start()
            self._open_since = self._clock()
            return self._update_state()

    def close(self) -> None:
        """Close the window; the state becomes "closed"."""
        with self._lock:
            sink, self._sink = self._sink, None
            if sink is not None:
                sink.close()
                self._set_state("closed", "closed by the operator")

    def submit(self, frame: Frame) -> None:
        """Hand the newest frame to an open window (dropped when not open)."""
        sink = self._sink
        if sink is not None and self._state == "open":
            sink.submit(frame)
            self._submitted_seq = frame.seq

    def display_delay(self) -> float:
        """Seconds from `submit` to the window showing the frame (last frame), 0 when closed."""
        sink = self._sink
        if sink is None or self._state != "open":
            return 0.0
        return sink.stats().frame_age_ms / 1000.0

    def queue_depth(self) -> int:
        """1 while the newest submitted frame is not on screen yet, else 0."""
        sink = self._sink
        if sink is None or self._state != "open":
            return 0
        return int(sink.stats().displayed_seq < self._submitted_seq)

    def check(self, now: float) -> None:
        """Poll window events and state (at most 4 times per second); reopen when supervised.

        The render loop calls it every tick, so it never waits: while a window opens (a process
        start, up to seconds) on another thread, the frames go on and the next tick looks again.
        """
        if now < self._next_check:
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._next_check = now + CHECK_INTERVAL_S
            sink = self._sink
            if sink is None:
                return
            for event in sink.poll_events():
                if event.kind == "exit_requested":
                    self._bus.publish(ExitRequested(source="window", detail=event.key))
                elif event.kind == "key_pressed":
                    self._bus.publish(WindowKeyPressed(key=event.key))
            state = self._update_state()
            if state == "open" and now - self._open_since >= STABLE_AFTER_S:
                self._backoff = self._first_backoff
            if self._supervised and state in RESTARTABLE and now >= self._retry_at:
                self._retry_at = float("inf")  # until this restart has finished
                threading.Thread(
                    target=self._restart, args=(now,), name="avatar-window-restart", daemon=True
                ).start()
        finally:
            self._lock.release()

    def _restart(self, now: float) -> None:
        with self._lock:
            if self._sink is not None:
                self._reopen(now)
            else:  # closed meanwhile: a later open is supervised again
                self._retry_at = 0.0

    def _reopen(self, now: float) -> None:
        assert self._sink is not None, "restart needs a sink"
        log.warning("window %s (%s); reopening (attempt %d)", self._state, self._reason,
                    self.restarts + 1)
        self.restarts += 1
        self._retry_at = now + self._backoff
        self._backoff = min(self._backoff * 2.0, self._max_backoff)
        if self._state == "crashed":
            self._sink.ensure_alive()
        else:
            self._sink.start()
        self._open_since = self._clock()
        self._update_state()

    def _update_state(self) -> WindowState:
        sink = self._sink
        if sink is None:
            return self._state
        self._set_state(sink.state, sink.reason or "")
        return self._state

    def _set_state(self, state: WindowState, reason: str) -> None:
        if state == self._state and reason == self._reason:
            return
        changed = state != self._state
        self._state, self._reason = state, reason
        if changed:
            log.info("window %s%s", state, f": {reason}" if reason else "")
            self._bus.publish(WindowStateChanged(state=state, reason=reason))
