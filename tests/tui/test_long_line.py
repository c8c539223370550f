"""An over-long line typed (or pasted) into the console is refused and the console goes on."""

from __future__ import annotations

import pytest

from agent.events import ErrorOccurred, PlanStarted
from tests.tui._helpers import TERMINAL_SIZE, EventRecorder, chat_text, enter_and_wait, wait_until
from tui import ConsoleApp

pytestmark = pytest.mark.asyncio


async def test_a_pasted_25000_character_line_is_refused(
    app: ConsoleApp, recorder: EventRecorder
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        app.screen.run_line("웃" * 25_000)  # what pasting it and pressing Enter does
        await wait_until(pilot, lambda: "25,000 characters was refused" in chat_text(app),
                         "the refusal in the chat log")
        await enter_and_wait(pilot, "wink at me", "[wink")
    assert [e.source for e in recorder.of_type(ErrorOccurred)] == ["input"]
    assert [e.plan.intents for e in recorder.of_type(PlanStarted)] == [["wink"]]
