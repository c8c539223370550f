"""The voice line above the status bar: microphone state, input level, listening indicator and
the partial transcript while someone speaks. Shown only when the console has a voice listener."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from agent.listener import MODE_LABELS, VoiceMeter

LEVEL_CELLS = 10
_PHASE_STYLES = {
    "listening": "bold green",
    "hearing": "bold black on #81c784",
    "recognizing": "bold #4fc3f7",
    "muted": "dim",
    "idle": "",
    "loading": "yellow",
    "failed": "bold red",
    "off": "dim",
}
_PHASE_WORDS = {
    "off": "off",
    "loading": "loading model…",
    "idle": "F12 to talk",
    "listening": "● listening",
    "hearing": "● hearing you",
    "recognizing": "… recognizing",
    "muted": "muted (avatar speaking)",
    "failed": "failed",
}


def level_meter(level: float, cells: int = LEVEL_CELLS) -> str:
    """`▮▮▮▯▯▯▯▯▯▯` for a 0..1 level (rounded to the nearest cell)."""
    filled = max(0, min(cells, round(level * cells)))
    return "▮" * filled + "▯" * (cells - filled)


class VoiceBar(Static):
    """`mic push-to-talk · ● hearing you ▮▮▮▮▯▯▯▯▯▯ “wink twi…”`; problems in the warning colour."""

    DEFAULT_CSS = """
    VoiceBar {
        height: 1;
        background: $panel-darken-1;
        color: $text;
        padding: 0 1;
    }
    """

    meter: reactive[VoiceMeter | None] = reactive(None)
    """The latest meter reading (polled from the listener)."""
    partial: reactive[str] = reactive("")
    """The partial transcript of the utterance being spoken ("" when none)."""

    def render(self) -> Text:
        """The voice line."""
        meter = self.meter
        text = Text("mic ", style="bold")
        if meter is None:
            return text.append("starting…", style="dim")
        if meter.problem:
            return text.append(meter.state, style="bold #ff9e40")
        text.append(MODE_LABELS.get(meter.mode, meter.mode))
        text.append(" · ")
        phase = meter.phase if meter.phase in _PHASE_WORDS else "off"
        text.append(_PHASE_WORDS[phase], style=_PHASE_STYLES[phase])
        if meter.mode != "off":
            text.append(" ")
            text.append(level_meter(meter.level), style="green" if meter.level < 0.85 else "red")
        if meter.overflows:
            text.append(f" {meter.overflows} blocks lost", style="yellow")
        if self.partial and phase in ("hearing", "recognizing"):
            text.append(f"  “{self.partial}…”", style="italic")
        elif meter.model:
            text.append(f"  {meter.model}", style="dim")
        return text
