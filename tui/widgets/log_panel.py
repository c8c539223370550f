"""The log panel: `avatar.*` logging records shown inside the console (toggled with a key).

Records are produced on any thread (the render worker, command workers, the event loop). The
handler hands each one to the panel with `post_message`, which is thread-safe and returns at once.
`App.call_from_thread` is deliberately not used: it blocks the logging thread until the event loop
has run the call, which deadlocks when the loop is itself waiting for that thread (for example
while the Conversation joins its render thread on shutdown).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import RichLog

from contracts.text import printable

_LEVEL_STYLES: dict[int, str] = {
    logging.DEBUG: "dim",
    logging.INFO: "",
    logging.WARNING: "yellow",
    logging.ERROR: "bold red",
    logging.CRITICAL: "bold white on red",
}


def format_record(record: logging.LogRecord) -> Text:
    """`12:00:01 WARNING avatar.agent  message`, coloured by level."""
    stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
    style = _LEVEL_STYLES.get(record.levelno, "")
    line = Text.assemble(
        (f"{stamp} ", "dim"), (f"{record.levelname:<7} ", style), (f"{record.name}  ", "dim")
    )
    line.append(printable(record.getMessage(), keep_newlines=True), style=style)  # may quote users
    if record.exc_info and record.exc_info[1] is not None:
        line.append(f"  ({record.exc_info[1].__class__.__name__}: {record.exc_info[1]})",
                    style=style)
    return line


class _PanelHandler(logging.Handler):
    """Forwards records to a `LogPanel` from whatever thread logged them."""

    def __init__(self, panel: LogPanel, level: int) -> None:
        super().__init__(level)
        self._panel = panel

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._panel.post_message(LogPanel.RecordLogged(format_record(record)))
        except Exception:  # logging must never raise into the code that logged
            self.handleError(record)


class LogPanel(RichLog):
    """Shows records of the `avatar` logger (and its children) while mounted."""

    DEFAULT_CSS = """
    LogPanel {
        height: 12;
        display: none;
        border: round $secondary;
        border-title-color: $text-muted;
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-y: auto;
    }
    """

    @dataclass
    class RecordLogged(Message):
        """A logging record arrived, already formatted."""

        line: Text

    def __init__(
        self, *, logger_name: str = "avatar", level: int = logging.INFO, id: str | None = None
    ) -> None:
        super().__init__(wrap=True, markup=False, min_width=1, max_lines=5000, id=id)
        self.border_title = "log"
        self._logger = logging.getLogger(logger_name)
        self._handler = _PanelHandler(self, level)
        self._saved_level = self._logger.level

    def on_mount(self) -> None:
        """Start receiving records; lower the logger's level so INFO records are produced."""
        self._logger.addHandler(self._handler)
        if self._logger.getEffectiveLevel() > self._handler.level:
            self._logger.setLevel(self._handler.level)

    def on_unmount(self) -> None:
        """Stop receiving records and restore the logger's level."""
        self._logger.removeHandler(self._handler)
        self._logger.setLevel(self._saved_level)

    def on_log_panel_record_logged(self, message: LogPanel.RecordLogged) -> None:
        """Append a forwarded record."""
        self.write(message.line)

    def toggle(self) -> bool:
        """Show or hide the panel; returns True when it is now shown."""
        self.display = not self.display
        return bool(self.display)
