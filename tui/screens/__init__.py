"""Screens of the console."""

from tui.screens.main import MainScreen

__all__ = ["MainScreen"]
