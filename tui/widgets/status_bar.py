"""Status widgets: the one-line status bar and the degraded-state notices above the chat.

Both render an `agent.events.Status` snapshot that the screen sets as an attribute.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from agent.events import Status, WindowState

_WINDOW_STYLES: dict[str, str] = {
    "open": "bold green",
    "closed": "dim",
    "crashed": "bold red",
    "unavailable": "yellow",
    "disabled": "dim",
}
_SEPARATOR = (" │ ", "dim")
FALLBACK_ADVICE = "run `avatar models download` to get the LivePortrait weights"
METRICS_HELP = (
    "fps: frames rendered per second. p50/p95: milliseconds from Enter to the first frame of "
    "the new expression (half of the plans / 95 in 100 are faster). Frames waiting: frames "
    "sent to the window that it has not drawn yet; the window skips to the newest, so 0 or 1 "
    "is healthy."
)
"""Hover text of the status bar."""
STATUS_BAR_HELP = (
    "p50/p95: ms from Enter to the new expression; frames waiting: sent to the window but "
    "not drawn yet (0 or 1 is healthy)"
)
"""The same, short, for /help."""
WINDOW_NOTICES: dict[str, str] = {
    "unavailable": "window unavailable — using the terminal preview",
    "crashed": "window crashed — using the terminal preview; /window reopens it",
}


def degraded_notices(status: Status) -> list[str]:
    """One clear line per degraded state: the fallback engine, no (or a crashed) window.

    The agent's longer notes (`status.notes`) go to the log panel; these lines stay short.
    """
    lines: list[str] = []
    if status.engine.fallback:
        lines.append(f"FALLBACK engine — {FALLBACK_ADVICE}")
    if status.window in WINDOW_NOTICES:
        lines.append(WINDOW_NOTICES[status.window])
    return lines


def engine_text(status: Status) -> Text:
    """` FALLBACK  cpu · float32 · no weights` (highlighted) or `liveportrait cuda:0 · ...`."""
    info = status.engine
    weights = "real weights" if info.real_weights else "no weights"
    text = Text()
    if info.fallback:
        text.append(" FALLBACK ", style="bold black on #ff9e40")
    else:
        text.append(info.name, style="bold green" if info.real_weights else "bold yellow")
    text.append(f" {info.device} · {info.dtype} · {weights}")
    return text


class StatusBar(Static):
    """Engine, device, fps, latency p50/p95, frames waiting, window state, portrait, recording.

    With `live_metrics=False` fps, latency and queue depth are shown as "--" (snapshot tests:
    those numbers depend on the machine's speed).
    """

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    """

    status: reactive[Status | None] = reactive(None)

    def __init__(self, *, live_metrics: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.live_metrics = live_metrics
        self.tooltip = METRICS_HELP

    def render(self) -> Text:
        """The status line."""
        status = self.status
        if status is None:
            return Text("starting…", style="dim")
        text = engine_text(status)
        text.append(*_SEPARATOR)
        text.append_text(self._metrics(status))
        text.append(*_SEPARATOR)
        text.append_text(window_text(status.window))
        if status.portrait:
            text.append(*_SEPARATOR)
            text.append(Path(status.portrait).name)
        if status.recording:
            text.append(*_SEPARATOR)
            text.append(f"● REC {Path(status.recording).name}", style="bold red")
        return text

    def _metrics(self, status: Status) -> Text:
        if not self.live_metrics:
            return Text.assemble("-- fps · p50 -- ms · p95 -- ms", _SEPARATOR, "-- frames waiting")
        if status.latency_p95_ms > 0:
            latency = f"p50 {status.latency_p50_ms:.0f} ms · p95 {status.latency_p95_ms:.0f} ms"
        else:
            latency = "p50 -- ms · p95 -- ms"  # no plan has reached the screen yet
        waiting = status.queue_depth
        return Text.assemble(
            f"{status.fps:4.1f} fps · {latency}", _SEPARATOR,
            f"{waiting} frame{'' if waiting == 1 else 's'} waiting",
        )


def window_text(state: WindowState) -> Text:
    """`window open` etc., coloured by how healthy the state is."""
    return Text.assemble("window ", (state, _WINDOW_STYLES.get(state, "")))


class NoticeBar(Static):
    """Degraded states, one line each (hidden when everything runs as configured)."""

    DEFAULT_CSS = """
    NoticeBar {
        height: auto;
        color: $warning;
        background: $warning 10%;
        padding: 0 1;
    }
    """

    notices: reactive[tuple[str, ...]] = reactive((), layout=True)
    """The lines to show (`degraded_notices` of the status); setting equal lines does nothing."""

    def render(self) -> Text:
        """The notice lines, each prefixed with a warning sign."""
        return Text("\n").join(Text(f"⚠ {line}") for line in self.notices)

    def watch_notices(self, notices: tuple[str, ...]) -> None:
        """Hide the bar when there is nothing to warn about."""
        self.display = bool(notices)
