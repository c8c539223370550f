"""The chat log: what was said, the plan it became (intent chips), the replies, the errors.

Every line may carry user text, so control characters are shown escaped (`contracts.text`),
never passed to the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.widgets import RichLog

from contracts import IntentName, Plan, Step
from contracts.text import printable

_FAMILIES: dict[str, tuple[str, tuple[IntentName, ...]]] = {
    "joy": ("bold #f5c542", ("smile", "laugh", "wink", "kiss")),
    "eyes": ("bold #4fc3f7", ("blink", "close_eyes")),
    "head": ("bold #7986cb", ("nod", "shake_head", "look_left", "look_right", "look_up",
                              "look_down")),
    "surprise": ("bold #ff9e40", ("surprise", "confused")),
    "gloom": ("bold #ef5350", ("sad", "angry", "fear", "disgust")),
    "speech": ("bold #81c784", ("talk", "chat")),
    "rest": ("bold #9e9e9e", ("neutral",)),
}
_STYLE_OF: dict[str, str] = {
    intent: style for style, intents in _FAMILIES.values() for intent in intents
}
_SPOKEN: frozenset[str] = frozenset(_FAMILIES["speech"][1])


def intent_family(intent: str) -> str:
    """The colour family of an intent ("joy", "eyes", "head", ...), as the chips use it."""
    for family, (_, intents) in _FAMILIES.items():
        if intent in intents:
            return family
    raise ValueError(f"unknown intent {intent!r}")


def chip_label(step: Step) -> str:
    """`[smile 1.0]`, `[wink 0.7 ×2]`, `[chat]`: intent, intensity unless spoken, repeat if > 1."""
    parts = [step.intent]
    if step.intent not in _SPOKEN:
        parts.append(_format_intensity(step.intensity))
    if step.repeat > 1:
        parts.append(f"×{step.repeat}")
    return "[" + " ".join(parts) + "]"


def plan_chips(plan: Plan) -> Text:
    """The plan's steps as coloured chips joined by arrows, e.g. `[smile 1.0] → [wink 0.7 ×2]`."""
    text = Text()
    for index, step in enumerate(plan.steps):
        if index:
            text.append(" → ", style="dim")
        text.append(chip_label(step), style=_STYLE_OF[step.intent])
    return text


def _format_intensity(value: float) -> str:
    """1.0 → "1.0", 0.7 → "0.7", 0.35 → "0.35": at least one decimal, at most two."""
    digits = f"{value:.2f}".rstrip("0")
    return digits + "0" if digits.endswith(".") else digits


class ChatLog(RichLog):
    """Scrolling conversation: user lines, plan chips, replies, notes and errors."""

    DEFAULT_CSS = """
    ChatLog {
        background: $surface;
        border: round $primary-darken-2;
        border-title-color: $text-muted;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        overflow-y: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        # min_width=1: lines wrap to the log's own width (RichLog's default of 78 columns would
        # render wider than a side-by-side chat and crop the rest of each line).
        super().__init__(
            wrap=True, markup=False, auto_scroll=True, min_width=1, max_lines=2000, id=id
        )
        self.border_title = "conversation"

    def add_user(self, text: str, source: str = "typed", confidence: float | None = None) -> None:
        """A line someone said; script lines are marked with their source, spoken ones with a
        `voice` chip and the recognition confidence."""
        if source == "voice":
            chip = "[voice]" if confidence is None else f"[voice {confidence:.2f}]"
            self.write(Text.assemble(
                ("you ", "bold #ce93d8"), (chip, "bold black on #ce93d8"), (" › ", "bold #ce93d8"),
                printable(text),
            ))
            return
        who = "you" if source == "typed" else f"you ({source})"
        self.write(Text.assemble((f"{who} › ", "bold #ce93d8"), printable(text)))

    def add_plan(self, plan: Plan, *, label: str = "plan") -> None:
        """The chips of a plan that started, with who made it and how sure it was."""
        line = Text.assemble((f"{label} › ", "bold"), plan_chips(plan))
        line.append(f"  {plan.source} {plan.confidence:.2f}", style="dim")
        self.write(line)

    def add_reply(self, text: str) -> None:
        """What the avatar answered."""
        self.write(Text.assemble(("avatar › ", "bold #81c784"), printable(text)))

    def add_note(self, text: str) -> None:
        """Console output: command results, help, state changes."""
        self.write(Text(printable(text, keep_newlines=True), style="italic"))

    def add_table(self, rows: Iterable[tuple[str, str]]) -> None:
        """Two aligned columns (e.g. /help: usage and what it does); the right one wraps."""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(style="italic")
        for left, right in rows:
            table.add_row(Text(printable(left)), Text(printable(right, keep_newlines=True)))
        self.write(table)

    def add_error(self, text: str) -> None:
        """A failure, in red, so it is found again after the toast is gone."""
        shown = printable(text, keep_newlines=True)
        self.write(Text.assemble(("error › ", "bold red"), (shown, "red")))
