"""Shared helpers of the agent tests: settings in tmp dirs, waiting on conditions, event logs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from agent.config import Settings, load_settings
from agent.events import Event

REPO = Path(__file__).resolve().parents[2]
PORTRAIT = REPO / "assets" / "portrait.png"
DEMO_SCRIPT = REPO / "assets" / "scripts" / "demo.yaml"

E = TypeVar("E")


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Offline settings writing into `tmp_path`: fallback engine, no window and no voice unless
    asked, no models but those the test puts there."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "models_dir": tmp_path / "models",
        "engine": "fallback",
        "window": {"enabled": False},
        "voice": {"enabled": False},  # never a real microphone; voice tests enable it
    }
    values.update(overrides)
    return load_settings(None, **values)


def wait_until(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Poll `condition` until it is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")


class EventLog:
    """Collects a Conversation's events (thread-safe) for assertions."""

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)

    @property
    def events(self) -> list[Event]:
        """A copy of everything received so far, in order."""
        with self._lock:
            return list(self._events)

    def of(self, kind: type[E]) -> list[E]:
        """The events of type `kind`, in order."""
        return [event for event in self.events if isinstance(event, kind)]
