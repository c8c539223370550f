"""The console's own entries in the Ctrl+P command palette (beside Textual's theme and quit).

Every slash command (one entry per fixed argument, so "/engine fallback" is one pick; the
voice ones only while voice input is on), every
expression in the vocabulary (played at once, like a quick key), and the photos beside the live
portrait (a portrait switch). Entries act through the main screen, exactly as typing would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from contracts.vocabulary import VOCABULARY
from tui.commands import COMMANDS

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
MAX_PHOTOS = 30


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    """One palette line: what it shows, what it does, and the help under it."""

    text: str
    run: Callable[[], None]
    help: str


def palette_entries(screen: MainScreen) -> list[PaletteEntry]:
    """The console's entries, in the order the palette lists them before anything is typed."""
    entries = [
        PaletteEntry(f"play {entry.intent}", partial(screen.play_intent, entry.intent),
                     f"{entry.does} — or type {' · '.join(entry.examples)}")
        for entry in VOCABULARY
        if entry.intent != "chat"  # conversation, not an expression: it needs words
    ]
    for command in COMMANDS:
        if command.needs_voice and screen.voice is None:
            continue  # voice input is off: /voice and /mic could only say so
        if command.choices:
            entries += [
                PaletteEntry(f"/{command.name} {choice}",
                             partial(screen.run_line, f"/{command.name} {choice}"),
                             command.summary)
                for choice in command.choices
            ]
        elif command.needs_argument:
            entries.append(PaletteEntry(
                command.usage, partial(screen.prefill, f"/{command.name} "),
                f"{command.summary} (type the argument; Tab completes)",
            ))
        else:
            entries.append(PaletteEntry(
                command.usage, partial(screen.run_line, command.usage), command.summary
            ))
    entries += [
        PaletteEntry(f"portrait {photo.name}", partial(screen.run_line, f"/portrait {photo}"),
                     f"switch to {photo}")
        for photo in _photos_beside(Path(screen.conversation.status().portrait))
    ]
    return entries


def _photos_beside(portrait: Path) -> list[Path]:
    """Photos in the live portrait's folder, other than it (the first `MAX_PHOTOS` by name)."""
    try:
        files = sorted(portrait.parent.iterdir())
    except OSError:
        return []
    photos = [
        path for path in files
        if path.suffix.lower() in PHOTO_SUFFIXES and path != portrait and path.is_file()
    ]
    return photos[:MAX_PHOTOS]


class ConsoleCommands(Provider):
    """Ctrl+P: the console's commands, expressions and switches, matched fuzzily."""

    def _entries(self) -> list[PaletteEntry]:
        from tui.screens.main import MainScreen  # the screen imports this module

        screen = self.screen
        return palette_entries(screen) if isinstance(screen, MainScreen) else []

    async def discover(self) -> Hits:
        """Everything, before a word is typed."""
        for entry in self._entries():
            yield DiscoveryHit(entry.text, entry.run, help=entry.help)

    async def search(self, query: str) -> Hits:
        """The entries whose text matches `query`, best first."""
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.text)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.text), entry.run, help=entry.help)
