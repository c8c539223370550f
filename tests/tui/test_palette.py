"""Discoverability: the Ctrl+P palette runs the console's own commands, /intents lists the whole
vocabulary, /help names every key (pilot-driven, real Conversation, fallback engine)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette

from agent import Conversation, Settings
from agent.events import PlanStarted
from contracts import INTENTS
from tests.tui._helpers import (
    PORTRAIT,
    TERMINAL_SIZE,
    EventRecorder,
    chat_text,
    enter_and_wait,
    squash,
    wait_until,
)
from tui import ConsoleApp
from tui.commands import COMMANDS
from tui.palette import palette_entries

pytestmark = pytest.mark.asyncio


async def pick_in_palette(pilot, query: str) -> None:  # type: ignore[no-untyped-def]
    """Open the palette with Ctrl+P, type `query`, choose the best hit."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    await wait_until(
        pilot, lambda: app.screen.query_one(CommandList).option_count > 0, f"hits for {query!r}"
    )
    await pilot.press("down", "enter")


async def test_the_palette_plays_any_expression(
    app: ConsoleApp, recorder: EventRecorder
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await pick_in_palette(pilot, "play kiss")
        await wait_until(
            pilot, lambda: any(e.plan.intents == ["kiss"] for e in recorder.of_type(PlanStarted)),
            "the kiss plan",
        )


async def test_the_palette_runs_slash_commands(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await pick_in_palette(pilot, "/intents")
        await wait_until(pilot, lambda: "puckers the lips" in chat_text(app), "the vocabulary")


async def test_the_palette_lists_every_command_expression_and_photo(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    live = folder / "me.png"
    shutil.copy(PORTRAIT, live)
    shutil.copy(PORTRAIT, folder / "friend.jpg")
    (folder / "notes.txt").write_text("not a photo")
    conversation = Conversation(settings.model_copy(update={"portrait": live}), window=False)
    conversation.start()
    try:
        app = ConsoleApp(conversation, live=False)
        async with app.run_test(size=TERMINAL_SIZE):
            texts = [entry.text for entry in palette_entries(app.screen)]  # type: ignore[arg-type]
    finally:
        conversation.stop()
    for intent in INTENTS:
        assert (f"play {intent}" in texts) == (intent != "chat")
    for command in COMMANDS:
        shown = any(text.startswith(f"/{command.name}") for text in texts)
        assert shown == (not command.needs_voice), command.name  # voice input is off here
    assert {"/engine auto", "/engine liveportrait", "/engine fallback"} <= set(texts)
    assert {"/record start", "/record stop"} <= set(texts)
    assert [text for text in texts if text.startswith("portrait ")] == ["portrait friend.jpg"]


async def test_intents_lists_the_whole_vocabulary(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        text = await enter_and_wait(pilot, "/intents", "how are you?")
    for intent in INTENTS:
        assert intent in text
    assert "kiss" in text and "뽀뽀해줘" in text and "puckers the lips" in text
    assert "smile (F1)" in text


async def test_help_names_the_log_key_the_palette_and_history(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        text = await enter_and_wait(pilot, "/help", "Ctrl+Q")
    assert "/intents" in text
    for row in ("F9 show or hide the log panel", "Ctrl+P command palette: every command",
                "↑ / ↓ input history", "frames waiting: sent to the window but not drawn yet"):
        assert squash(row) in squash(text)
