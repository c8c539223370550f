"""The Textual operator console: chat, live preview, status, quick expression keys."""

from tui.app import ConsoleApp, run_console

__all__ = ["ConsoleApp", "run_console"]
