"""Helpers shared by the console tests: polling with a deadline, reading the chat log."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from agent.events import Event
from tui import ConsoleApp
from tui.widgets import ChatLog, CommandInput

REPO = Path(__file__).resolve().parents[2]
PORTRAIT = REPO / "assets" / "portrait.png"
TERMINAL_SIZE = (120, 40)


class EventRecorder:
    """Collects every event the Conversation publishes, from whatever thread."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)  # list.append is atomic under the GIL

    def of_type(self, kind: type) -> list:
        """The recorded events of one type, in order."""
        return [event for event in list(self.events) if isinstance(event, kind)]


async def wait_until(
    pilot: Pilot, condition: Callable[[], object], what: str, within_s: float = 15.0
) -> None:
    """Let the app run until `condition()` is true; fail naming `what` after `within_s` s."""
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within_s:.0f} s waiting for {what}")
        await pilot.pause(0.05)


def chat_text(app: ConsoleApp) -> str:
    """Everything the chat log shows, as plain text."""
    return "\n".join(line.text for line in app.screen.query_one(ChatLog).lines)


def squash(text: str) -> str:
    """`text` without any whitespace: compares long paths however the chat log wrapped them."""
    return "".join(text.split())


async def enter(pilot: Pilot, text: str) -> None:
    """Type `text` into the input line key by key and press Enter."""
    pilot.app.screen.query_one(CommandInput).focus()
    await pilot.press(*text, "enter")


async def enter_and_wait(pilot: Pilot, text: str, expected: str, within_s: float = 15.0) -> str:
    """Enter `text`, wait until the chat log shows `expected`, return the chat text."""
    app = pilot.app
    assert isinstance(app, ConsoleApp)
    await enter(pilot, text)
    await wait_until(pilot, lambda: expected in chat_text(app), f"{expected!r} in the chat log",
                     within_s)
    return chat_text(app)
