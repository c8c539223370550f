"""The check every file the user names (portrait, script, config) goes through before it is read.

Opening a FIFO for reading blocks until a writer comes, so a FIFO given as a portrait or script
would hang the command; a device could be endless. Only regular files (or links to them) are read.
"""

from __future__ import annotations

import stat
from pathlib import Path


def not_a_regular_file(path: Path) -> str | None:
    """Why `path` cannot be read as a file ("a FIFO", "a folder", ...), or None when it can.

    A missing path is None too: the caller's own "file not found" message covers it.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    )
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    return f"is {kind}, not a file"
