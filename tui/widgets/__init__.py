"""Reusable console widgets, one family per module, each with its own DEFAULT_CSS."""

from tui.widgets.chat_log import ChatLog
from tui.widgets.command_input import CommandInput
from tui.widgets.log_panel import LogPanel
from tui.widgets.preview import PortraitPreview
from tui.widgets.status_bar import NoticeBar, StatusBar

__all__ = ["ChatLog", "CommandInput", "LogPanel", "NoticeBar", "PortraitPreview", "StatusBar"]
