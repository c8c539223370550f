"""Shared helpers for the renderer tests: deadline polling, solid frames, window event capture."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from PIL import Image

from contracts import Frame
from renderer import WindowEvent, WindowSink

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], T], timeout: float = 10.0, what: str = "") -> T:
    """Poll `condition` every 5 ms until it returns something truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.005)


def solid(rgb: tuple[int, int, int], size: tuple[int, int] = (64, 64)) -> np.ndarray:
    """A (H, W, 3) uint8 image of one colour; size is (width, height)."""
    image = np.empty((size[1], size[0], 3), np.uint8)
    image[...] = rgb
    return image


def frame(seq: int, image: np.ndarray) -> Frame:
    return Frame(image=image, seq=seq, t=seq / 30.0)


class EventLog:
    """Collects a sink's events across polls, so a test can wait for one without losing others."""

    def __init__(self, sink: WindowSink) -> None:
        self.sink = sink
        self.events: list[WindowEvent] = []

    def poll(self) -> list[WindowEvent]:
        self.events.extend(self.sink.poll_events())
        return self.events

    def kinds(self) -> list[str]:
        return [event.kind for event in self.poll()]

    def wait_for(self, kind: str, timeout: float = 10.0, **fields: object) -> WindowEvent:
        def found() -> WindowEvent | None:
            for event in self.poll():
                if event.kind == kind and all(getattr(event, k) == v for k, v in fields.items()):
                    return event
            return None

        return wait_until(found, timeout, f"window event {kind} {fields}")


def screenshot(log: EventLog, path: Path) -> np.ndarray:
    """Ask the window for a screenshot and return it as (H, W, 3) uint8 once written."""
    log.sink.screenshot(path)
    log.wait_for("screenshot_saved", path=str(path))
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))
