"""Runs a parsed slash command against the Conversation and says what happened.

Blocking (switching engines loads weights, stopping a recording finishes the mp4), so the screen
calls `run_command` from a thread worker and shows the returned `CommandOutcome`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from contracts.vocabulary import VOCABULARY
from tui.commands import ParsedCommand, help_rows
from tui.quick_keys import QUICK_KEYS, quick_key_of
from tui.widgets.status_bar import STATUS_BAR_HELP, WINDOW_NOTICES

if TYPE_CHECKING:
    from agent import Conversation


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """What a command did.

    Attributes:
        notes: lines for the chat log.
        table: (left, right) rows shown as two aligned columns after the notes (/help).
        error: the failure, user-facing, or None when it worked.
        quit: True when the console should exit.
    """

    notes: tuple[str, ...] = ()
    table: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    quit: bool = False


def run_command(conversation: Conversation, parsed: ParsedCommand) -> CommandOutcome:
    """Run `parsed` and describe the result; expected failures become `CommandOutcome.error`.

    `ValueError` covers bad portraits (`PortraitError`, `NoFaceError`) and engines that cannot
    run; `OSError` covers files that cannot be written.
    """
    handler = _HANDLERS[parsed.command.name]
    try:
        return handler(conversation, parsed.argument)
    except (ValueError, OSError) as exc:
        return CommandOutcome(error=str(exc))


def _portrait(conversation: Conversation, argument: str) -> CommandOutcome:
    conversation.set_portrait(Path(argument).expanduser())
    return CommandOutcome()  # the PortraitChanged event announces the new portrait


def _face(conversation: Conversation, argument: str) -> CommandOutcome:
    conversation.set_portrait(Path(conversation.status().portrait), face=int(argument))
    return CommandOutcome()  # the PortraitChanged event says which face is animated


def _engine(conversation: Conversation, argument: str) -> CommandOutcome:
    if not argument:
        names = ", ".join(conversation.engine_names())
        current = conversation.status().engine.status_line()
        return CommandOutcome(notes=(f"engine: {current}", f"engines: {names}"))
    info = conversation.set_engine(argument)
    return CommandOutcome(notes=(f"engine → {info.status_line()}",))


def _record(conversation: Conversation, argument: str) -> CommandOutcome:
    if argument == "start":
        path = conversation.start_recording()
        return CommandOutcome(notes=(f"recording to {path} — /record stop finishes it",))
    saved = conversation.stop_recording()
    if saved is None:
        return CommandOutcome(notes=("not recording — /record start begins a recording",))
    return CommandOutcome(notes=(f"recording saved: {saved}",))


def _window(conversation: Conversation, argument: str) -> CommandOutcome:
    state = conversation.open_window()
    return CommandOutcome(notes=(WINDOW_NOTICES.get(state, f"window {state}"),))


KEY_ROWS: tuple[tuple[str, str], ...] = (
    ("F9", "show or hide the log panel"),
    ("Ctrl+P", "command palette: every command, expression, engine and portrait switch"),
    ("↑ / ↓", "input history: bring back earlier lines"),
    ("Tab / →", "complete a command, its argument or a file path"),
    ("Ctrl+Q", "quit"),
)
"""The console's other keys (defaults; [console.keymap] in the config remaps them)."""


def _help(conversation: Conversation, argument: str) -> CommandOutcome:
    rows = (
        *help_rows(),
        *((quick.key.upper(), quick.intent) for quick in QUICK_KEYS),
        *KEY_ROWS,
        ("status bar", STATUS_BAR_HELP),
    )
    return CommandOutcome(table=rows)


def _intents(conversation: Conversation, argument: str) -> CommandOutcome:
    rows = []
    for entry in VOCABULARY:
        key = quick_key_of(entry.intent)
        name = f"{entry.intent} ({key.upper()})" if key else entry.intent
        rows.append((name, f"{entry.does} — {' · '.join(entry.examples)}"))
    return CommandOutcome(
        notes=("Type any of these (or your own words); Ctrl+P plays one directly.",),
        table=tuple(rows),
    )


def _quit(conversation: Conversation, argument: str) -> CommandOutcome:
    return CommandOutcome(notes=("bye",), quit=True)


_HANDLERS: dict[str, Callable[[Conversation, str], CommandOutcome]] = {
    "portrait": _portrait,
    "face": _face,
    "engine": _engine,
    "record": _record,
    "window": _window,
    "intents": _intents,
    "help": _help,
    "quit": _quit,
}
