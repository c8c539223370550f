"""Publishing events to subscribers, and reporting errors once instead of once per frame."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from agent.events import ErrorOccurred, Event

log = logging.getLogger("avatar.agent")
REPORTED = logging.getLogger("avatar.agent.reported")
"""Where `ErrorReporter` logs what it publishes; a front end that prints every `ErrorOccurred`
itself (line-mode chat) silences it, so the user reads each problem once."""

Subscriber = Callable[[Event], None]


class EventBus:
    """Calls every subscriber with every event, in publication order per publishing thread.

    A subscriber that raises is logged and kept; it never breaks the publisher (the render loop).
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Add `callback`; returns a function that removes it again (safe to call twice)."""
        with self._lock:
            self._subscribers = [*self._subscribers, callback]

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = [s for s in self._subscribers if s is not callback]

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver `event` to the subscribers present now."""
        for callback in self._subscribers:  # copy-on-write list: safe without the lock
            try:
                callback(event)
            except Exception:
                log.exception("event subscriber %r failed on %s", callback, type(event).__name__)


class ErrorReporter:
    """Publishes each distinct error message once, and counts recent failures per source.

    The render loop may fail on every frame; users should see the problem once, not thirty
    times a second. The memory of seen messages and of failure times is bounded.
    """

    def __init__(self, bus: EventBus, max_messages: int = 128, max_times: int = 256) -> None:
        self._bus = bus
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._max_messages = max_messages
        self._times: dict[str, deque[float]] = {}
        self._max_times = max_times
        self._lock = threading.Lock()

    def report(self, source: str, message: str, *, fatal: bool = False) -> bool:
        """Count the failure and publish `ErrorOccurred` unless this message was seen before.

        Returns:
            True when the event was published.
        """
        key = (source, message)
        with self._lock:
            self._times.setdefault(source, deque(maxlen=self._max_times)).append(time.monotonic())
            if key in self._seen and not fatal:
                self._seen.move_to_end(key)
                return False
            self._seen[key] = None
            while len(self._seen) > self._max_messages:
                self._seen.popitem(last=False)
        REPORTED.error("%s: %s", source, message)
        self._bus.publish(ErrorOccurred(source=source, message=message, fatal=fatal))
        return True

    def recent_count(self, source: str, window_s: float) -> int:
        """Failures of `source` within the last `window_s` seconds."""
        now = time.monotonic()
        with self._lock:
            times = self._times.get(source, ())
            return sum(1 for t in times if now - t <= window_s)

    def forget(self, source: str) -> None:
        """Clear the failure history of `source` (after it was repaired), so it reports again."""
        with self._lock:
            self._times.pop(source, None)
            for key in [key for key in self._seen if key[0] == source]:
                del self._seen[key]
