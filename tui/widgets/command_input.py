"""The input line: utterances and slash commands, with ↑/↓ history and Tab/→ completion."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from tui.commands import complete, is_command


class SlashCommandSuggester(Suggester):
    """Suggests the rest of a slash command, its argument word, or a file path for /portrait.

    Not cached and case-sensitive: paths are case-sensitive and the file system changes.
    """

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The completed line for `value`, or None."""
        return complete(value)


class InputHistory:
    """Previous input lines, browsed like a shell: back to older lines, forward to the draft."""

    def __init__(self, entries: Iterable[str] = (), limit: int = 1000) -> None:
        self._entries: list[str] = [line for line in entries if line.strip()][-limit:]
        self._limit = limit
        self._position = len(self._entries)
        self._draft = ""

    @property
    def entries(self) -> list[str]:
        """The remembered lines, oldest first."""
        return list(self._entries)

    def record(self, line: str) -> None:
        """Remember a submitted line (not twice in a row) and go back to a fresh draft."""
        if line.strip() and (not self._entries or self._entries[-1] != line):
            self._entries.append(line)
            del self._entries[: -self._limit]
        self._position = len(self._entries)
        self._draft = ""

    def back(self, current: str) -> str | None:
        """The line before the one shown, keeping `current` as the draft; None at the oldest."""
        if self._position == 0:
            return None
        if self._position == len(self._entries):
            self._draft = current
        self._position -= 1
        return self._entries[self._position]

    def forward(self) -> str | None:
        """The line after the one shown, then the draft; None when already at the draft."""
        if self._position >= len(self._entries):
            return None
        self._position += 1
        if self._position == len(self._entries):
            return self._draft
        return self._entries[self._position]


class CommandInput(Input):
    """Single-line input that remembers what was entered and completes slash commands."""

    DEFAULT_CSS = """
    CommandInput {
        border: tall $accent 40%;
        &:focus { border: tall $accent; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history_back", "previous", show=False, id="input.history_back",
                tooltip="Show the previous line you entered."),
        Binding("down", "history_forward", "next", show=False, id="input.history_forward",
                tooltip="Show the next line you entered, then your draft."),
        Binding("tab", "complete", "complete", show=False, id="input.complete",
                tooltip="Accept the suggested completion of a /command or path."),
    ]

    @dataclass
    class LineEntered(Message):
        """Enter was pressed on a non-empty line (already recorded in the history)."""

        text: str

    def __init__(self, history: Iterable[str] = (), *, id: str | None = None) -> None:
        super().__init__(
            placeholder="Say something (웃어줘, wink at me) or type /help",
            suggester=SlashCommandSuggester(),
            id=id,
        )
        self.history = InputHistory(history)

    async def action_submit(self) -> None:
        """Record and clear the line, then tell the screen about it."""
        text = self.value.strip()
        if not text:
            return
        self.history.record(text)
        self.value = ""
        self.post_message(self.LineEntered(text))

    def action_history_back(self) -> None:
        """Replace the line with the previous entry."""
        self._show(self.history.back(self.value))

    def action_history_forward(self) -> None:
        """Replace the line with the next entry, or the draft."""
        self._show(self.history.forward())

    def action_complete(self) -> None:
        """On a /command line accept the suggestion; elsewhere Tab moves focus as usual."""
        if is_command(self.value) and self.cursor_at_end:
            self.action_cursor_right()  # accepts the suggestion shown, if any
        else:
            self.screen.focus_next()

    def _show(self, line: str | None) -> None:
        if line is not None:
            self.value = line
            self.cursor_position = len(line)
