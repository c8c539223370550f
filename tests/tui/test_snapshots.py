"""SVG snapshots of the main screen at a fixed terminal size (pytest-textual-snapshot).

Deterministic by construction: the app runs with `ConsoleApp(conversation, live=False)`, which
shows a placeholder instead of the live preview and "--" instead of fps, latency and queue depth
(they depend on the machine). Everything else on screen comes from the settings (fallback engine,
window disabled, default portrait) and from explicit plans, so retraining the intent classifier
(whose confidences show in the chat) does not change these pictures; the pilot tests cover typing.
Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from agent import Conversation
from contracts import Plan, Step, Utterance
from tests.tui._helpers import TERMINAL_SIZE, chat_text, enter_and_wait, wait_until
from tui import ConsoleApp

SnapCompare = Callable[..., bool]


def test_main_screen_at_start(snap_compare: SnapCompare, conversation: Conversation) -> None:
    assert snap_compare(ConsoleApp(conversation, live=False), terminal_size=TERMINAL_SIZE)


def test_main_screen_after_a_sequence(
    snap_compare: SnapCompare, conversation: Conversation
) -> None:
    plan = Plan(
        text="활짝 웃다가 윙크 두 번",
        steps=[Step(intent="smile", intensity=1.0), Step(intent="wink", repeat=2)],
        source="script",
    )

    async def play_it(pilot: Pilot) -> None:
        await pilot.pause()  # the screen is composed and subscribed
        conversation.play(plan, Utterance(text=plan.text or ""))
        await wait_until(pilot, lambda: "×2]" in chat_text(pilot.app), "the plan chips")  # type: ignore[arg-type]

    assert snap_compare(
        ConsoleApp(conversation, live=False), terminal_size=TERMINAL_SIZE, run_before=play_it
    )


def test_main_screen_with_help(snap_compare: SnapCompare, conversation: Conversation) -> None:
    async def ask_for_help(pilot: Pilot) -> None:
        await enter_and_wait(pilot, "/help", "F8")

    assert snap_compare(
        ConsoleApp(conversation, live=False), terminal_size=TERMINAL_SIZE, run_before=ask_for_help
    )
