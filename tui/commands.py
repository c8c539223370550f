"""Slash commands of the console: the table, parsing, "did you mean" hints and completion.

Pure functions over strings (plus a directory listing for path completion), so the widgets stay thin
and the rules are unit-testable without an app.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SlashCommand:
    """One slash command.

    Attributes:
        name: the word after the slash.
        usage: how to call it, shown by /help and in usage errors.
        summary: what it does, one line.
        choices: the accepted argument words, if the argument is a fixed word.
        takes_path: True when the argument is a file path (completed from the file system).
        takes_number: True when the argument is a whole number from 1.
        needs_argument: True when the command cannot run without an argument.
        free_argument: True when the argument is free text checked by the command itself.
        needs_voice: True for voice-input commands (listed only when the console listens).
    """

    name: str
    usage: str
    summary: str
    choices: tuple[str, ...] = ()
    takes_path: bool = False
    takes_number: bool = False
    needs_argument: bool = False
    free_argument: bool = False
    needs_voice: bool = False

    @property
    def takes_argument(self) -> bool:
        """True when anything may follow the command word."""
        return bool(self.choices) or self.takes_path or self.takes_number or self.free_argument


COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand(
        "portrait",
        "/portrait PATH",
        "switch to another portrait photo (JPEG, PNG or WebP)",
        takes_path=True,
        needs_argument=True,
    ),
    SlashCommand(
        "face",
        "/face N",
        "animate face N of a photo with several (numbered from 1, left to right)",
        takes_number=True,
        needs_argument=True,
    ),
    SlashCommand(
        "engine",
        "/engine [auto|liveportrait|fallback]",
        "show the engine, or switch to another one",
        choices=("auto", "liveportrait", "fallback"),
    ),
    SlashCommand(
        "record",
        "/record start|stop",
        "record the live session to an mp4 file",
        choices=("start", "stop"),
        needs_argument=True,
    ),
    SlashCommand(
        "mute",
        "/mute [on|off]",
        "silence the avatar's voice, or give it back (the mouth still moves)",
        choices=("on", "off"),
    ),
    SlashCommand("window", "/window", "reopen the avatar window and show its state"),
    SlashCommand("intents", "/intents", "list every expression: what it does, how to ask"),
    SlashCommand(
        "voice",
        "/voice on|off|ptt|handsfree",
        "spoken commands: push-to-talk (F12) or hands-free; no argument shows the state",
        choices=("on", "off", "ptt", "handsfree"),
        needs_voice=True,
    ),
    SlashCommand(
        "mic",
        "/mic list|use N",
        "list the microphones, or listen on input N",
        free_argument=True,
        needs_argument=True,
        needs_voice=True,
    ),
    SlashCommand("reset", "/reset", "forget the conversation so far (the LLM's memory)"),
    SlashCommand("help", "/help", "list the commands and quick keys"),
    SlashCommand("quit", "/quit", "leave the console"),
)
_BY_NAME = {command.name: command for command in COMMANDS}


class CommandError(ValueError):
    """A slash command line that cannot run; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command line split into its command and its argument ("" when none)."""

    command: SlashCommand
    argument: str = ""


def is_command(line: str) -> bool:
    """True when the line is a slash command rather than something to say to the portrait."""
    return line.lstrip().startswith("/")


def parse_command(line: str) -> ParsedCommand:
    """Split `/name argument` and check the argument.

    Raises:
        CommandError: unknown command (with the closest known one), missing or unknown argument.
    """
    word, _, rest = line.strip()[1:].partition(" ")
    name = word.lower()
    command = _BY_NAME.get(name)
    if command is None:
        raise CommandError(_unknown_message(word))
    argument = _unquote(rest.strip())
    if not argument and command.needs_argument:
        raise CommandError(f"/{name} needs an argument: {command.usage}")
    if argument and not command.takes_argument:
        raise CommandError(f"/{name} takes no argument: {command.usage}")
    if argument and command.choices and argument.lower() not in command.choices:
        accepted = ", ".join(command.choices)
        raise CommandError(f"/{name}: unknown argument {argument!r}; use one of: {accepted}")
    if argument and command.takes_number and not (argument.isdecimal() and int(argument) >= 1):
        raise CommandError(f"/{name}: {argument!r} is not a number from 1: {command.usage}")
    if command.choices:
        argument = argument.lower()
    return ParsedCommand(command, argument)


def closest_command(word: str) -> SlashCommand | None:
    """The command the user most likely meant: a prefix match first, then the nearest spelling."""
    word = word.lower()
    if not word:
        return None
    prefixed = [command for command in COMMANDS if command.name.startswith(word)]
    if len(prefixed) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(word, list(_BY_NAME), n=1, cutoff=0.5)
    return _BY_NAME[close[0]] if close else None


def help_rows(*, voice: bool = False) -> list[tuple[str, str]]:
    """The /help listing: (usage, summary) per command; voice commands only with `voice`."""
    return [
        (command.usage, command.summary)
        for command in COMMANDS
        if voice or not command.needs_voice
    ]


def complete(value: str) -> str | None:
    """The completed input line for a partial slash command, or None when nothing fits.

    `/po` → `/portrait `, `/engine f` → `/engine fallback`, `/portrait as` → `/portrait assets/`.
    The result always starts with `value`, as `textual.suggester.Suggester` requires.
    """
    if not is_command(value):
        return None
    head, space, rest = value.lstrip()[1:].partition(" ")
    if not space:
        return _complete_name(value, head)
    command = _BY_NAME.get(head.lower())
    if command is None:
        return None
    if command.choices:
        found = _common_completion(rest, [c for c in command.choices if c.startswith(rest)])
    elif command.takes_path:
        found = complete_path(rest)
    else:
        found = None
    if found is None or found == rest:
        return None
    return value[: len(value) - len(rest)] + found


def complete_path(partial: str) -> str | None:
    """Extend a partial file path as far as the file system makes it unambiguous.

    Folders get a trailing slash; hidden entries are offered only when the partial name starts with
    a dot. Returns None when no entry matches.
    """
    folder_part, slash, name_part = partial.rpartition("/")
    folder = Path(os.path.expanduser(folder_part or "/")) if slash else Path(".")
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return None
    names = [
        entry.name + ("/" if entry.is_dir() else "")
        for entry in entries
        if entry.name.startswith(name_part) and (name_part.startswith(".") or entry.name[0] != ".")
    ]
    found = _common_completion(name_part, names)
    if found is None:
        return None
    return folder_part + slash + found


def _complete_name(value: str, head: str) -> str | None:
    names = [command.name for command in COMMANDS if command.name.startswith(head.lower())]
    found = _common_completion(head.lower(), names)
    if found is None or not found.startswith(head):
        return None
    if len(names) == 1 and _BY_NAME[found].takes_argument:
        found += " "
    completed = value[: len(value) - len(head)] + found
    return completed if completed != value else None


def _common_completion(typed: str, candidates: list[str]) -> str | None:
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    first, last = min(candidates), max(candidates)
    shared = next(
        (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first)
    )
    return first[:shared] if shared > len(typed) else None


def _unknown_message(word: str) -> str:
    guess = closest_command(word)
    hint = f" Did you mean {guess.usage}?" if guess else ""
    return f"Unknown command /{word}.{hint} Type /help for the list of commands."


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text
