"""Errors the animator raises for bad portraits; each message names the file and the problem."""

from __future__ import annotations


class PortraitError(ValueError):
    """The portrait cannot be used: missing, unreadable, not an image, or no face in it."""


class NoFaceError(PortraitError):
    """The portrait was read but no face was found in it."""
