"""A worker thread that calls a tick function at a target rate, sampled by wall-clock time.

Each tick gets the current time, not a frame number: when a tick runs long the missed slots
are skipped, so motion keeps real-time speed and only the frame rate drops. `wake` runs the
next tick at once, so a new plan reaches the screen without waiting for the next slot.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("avatar.agent")


class TickLoop:
    """Runs `tick(now)` about `fps` times per second on a daemon thread until `stop`."""

    def __init__(
        self,
        tick: Callable[[float], None],
        fps: float,
        *,
        name: str = "avatar-render",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tick = tick
        self._period = 1.0 / fps
        self._clock = clock
        self._name = name
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (no-op when it already runs)."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run the next tick now instead of at the next slot."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it up to `timeout` seconds."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("render thread did not stop within %.1f s", timeout)

    def _run(self) -> None:
        due = self._clock()
        while not self._stop.is_set():
            delay = due - self._clock()
            if delay > 0 and self._wake.wait(delay):
                due = self._clock()  # woken early: tick now
            if self._stop.is_set():
                return
            self._wake.clear()  # a wake during the tick below triggers the next one at once
            try:
                self._tick(self._clock())
            except Exception:
                # The tick handles its own errors; this last guard keeps frames coming.
                log.exception("render tick failed")
            due = max(due + self._period, self._clock())  # running late: skip missed slots
