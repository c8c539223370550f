"""Terminal-safe display of text that came from a user (typed, spoken, read from a file).

Printed as it is, user text can drive the terminal: ESC starts colour, cursor and title (OSC)
sequences, BEL rings, CR overwrites the line, bidi overrides reorder what is shown. Everything
that echoes user text to a terminal or a log goes through `printable`, which spells such
characters out as Python-style escapes ("\\x1b", "\\u202e") and leaves all other text alone.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; line and paragraph separators; bidi embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069). Joiners (U+200C/U+200D) stay: emoji need them.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character spelled out as an escape ("\\x1b[31m" stays visible).

    Tabs and newlines are escaped too, so one utterance prints as one line, unless
    `keep_newlines` (for multi-line messages that only quote user text).
    """
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in text.split("\n"))
    return _UNSAFE.sub(_escape, text)


def json_printable(document: str) -> str:
    """A JSON document with those characters written as JSON escapes: the same data, safe to show.

    `json.dumps(..., ensure_ascii=False)` escapes only U+0000–U+001F; DEL, C1 controls and bidi
    overrides would reach the terminal raw. Outside strings JSON has no such characters, so
    replacing them everywhere keeps the document valid.
    """
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


__all__ = ["json_printable", "printable"]
