"""Runs a parsed slash command against the Conversation and says what happened.

Blocking (switching engines loads weights, stopping a recording finishes the mp4), so the screen
calls `run_command` from a thread worker and shows the returned `CommandOutcome`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agent.events import SpeechMuted
from contracts.vocabulary import VOCABULARY
from tui.commands import ParsedCommand, help_rows
from tui.quick_keys import QUICK_KEYS, quick_key_of
from tui.widgets.status_bar import STATUS_BAR_HELP, WINDOW_NOTICES

if TYPE_CHECKING:
    from agent import Conversation
    from agent.listener import VoiceListener

VOICE_OFF = "voice input is off: set enabled = true under [voice] in the config file"


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


def run_command(
    conversation: Conversation, parsed: ParsedCommand, voice: VoiceListener | None = None
) -> CommandOutcome:
    """Run `parsed` and describe the result; expected failures become `CommandOutcome.error`.

    `ValueError` covers bad portraits (`PortraitError`, `NoFaceError`) and engines that cannot
    run; `OSError` covers files that cannot be written and microphones that cannot be used.
    `voice` is the console's voice listener (None when voice input is off).
    """
    if parsed.command.name == "help":
        return help_outcome(voice is not None)
    try:
        if parsed.command.needs_voice:
            if voice is None:
                return CommandOutcome(error=VOICE_OFF)
            return _VOICE_HANDLERS[parsed.command.name](voice, parsed.argument)
        return _HANDLERS[parsed.command.name](conversation, parsed.argument)
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


def _mute(conversation: Conversation, argument: str) -> CommandOutcome:
    state = conversation.status().component("speech")
    if state is None:
        return CommandOutcome(error="speech is off in this session; nothing to mute")
    muted = argument == "on" if argument else not state.startswith("muted")
    conversation.publish(SpeechMuted(muted=muted))
    note = "voice muted — /mute off brings it back" if muted else "voice on"
    return CommandOutcome(notes=(note,))


def _window(conversation: Conversation, argument: str) -> CommandOutcome:
    state = conversation.open_window()
    return CommandOutcome(notes=(WINDOW_NOTICES.get(state, f"window {state}"),))


def _reset(conversation: Conversation, argument: str) -> CommandOutcome:
    conversation.forget()
    return CommandOutcome(notes=("conversation forgotten — the next line starts afresh",))


KEY_ROWS: tuple[tuple[str, str], ...] = (
    ("F9", "show or hide the log panel"),
    ("Ctrl+P", "command palette: every command, expression, engine and portrait switch"),
    ("↑ / ↓", "input history: bring back earlier lines"),
    ("Tab / →", "complete a command, its argument or a file path"),
    ("Ctrl+Q", "quit"),
)
"""The console's other keys (defaults; [console.keymap] in the config remaps them)."""


def help_outcome(voice: bool) -> CommandOutcome:
    """/help: the commands (voice ones when the console listens) and the quick keys."""
    rows = (
        *help_rows(voice=voice),
        *((quick.key.upper(), quick.intent) for quick in QUICK_KEYS),
        *KEY_ROWS,
        ("status bar", STATUS_BAR_HELP),
    )
    return CommandOutcome(table=rows)


def _voice(voice: VoiceListener, argument: str) -> CommandOutcome:
    if argument:
        voice.set_mode(argument)
    meter = voice.meter()
    if meter.problem:
        return CommandOutcome(error=f"voice: {meter.state}")
    return CommandOutcome(notes=(f"voice: {meter.state}",))


def _mic(voice: VoiceListener, argument: str) -> CommandOutcome:
    word, _, rest = argument.partition(" ")
    if word.lower() == "list" and not rest:
        devices = voice.devices()
        if not devices:
            return CommandOutcome(notes=("no microphone found (PortAudio lists no input)",))
        rows = tuple(
            (str(d.index), f"{d.name} · {d.channels} ch{' · default' if d.default else ''}")
            for d in devices
        )
        return CommandOutcome(table=rows)
    if word.lower() == "use" and rest.strip().isdigit():
        state = voice.use_device(int(rest.strip()))
        if voice.meter().problem:
            return CommandOutcome(error=f"voice: {state}")
        return CommandOutcome(notes=(f"microphone {rest.strip()}: {state}",))
    raise ValueError(f"/mic: use /mic list or /mic use N (N from /mic list), not {argument!r}")


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


_VOICE_HANDLERS: dict[str, Callable[[VoiceListener, str], CommandOutcome]] = {
    "voice": _voice,
    "mic": _mic,
}
_HANDLERS: dict[str, Callable[[Conversation, str], CommandOutcome]] = {
    "portrait": _portrait,
    "face": _face,
    "engine": _engine,
    "record": _record,
    "mute": _mute,
    "window": _window,
    "intents": _intents,
    "reset": _reset,
    "quit": _quit,
}
