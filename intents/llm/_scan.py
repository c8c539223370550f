"""Read an answer while it is being decoded: each step as soon as its object closes, the reply
sentence by sentence.

The scanner is a small JSON state machine over the characters so far. It does not trust the
text: a server may ignore the schema, so it tolerates any whitespace and key order, and leaves the
final verdict to pydantic on the complete text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_TERMINATOR = re.compile(r"[.!?~。]+(?=\s)|\n+")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(slots=True)
class ScanEvents:
    """What one `feed` found.

    Attributes:
        steps: step objects (raw dicts) whose closing brace arrived.
        steps_closed: True when the steps array closed in this feed.
        reply: reply text (decoded) that arrived.
        reply_closed: True when the reply string closed in this feed.
    """

    steps: list[object] = field(default_factory=list)
    steps_closed: bool = False
    reply: str = ""
    reply_closed: bool = False


class AnswerScanner:
    """Feed text deltas; get steps and reply text as they complete.

    Raises:
        ValueError: from `feed`, when the text cannot be the start of a JSON object.
    """

    def __init__(self) -> None:
        self._stack: list[str] = []  # "{" / "[" of the open containers
        self._key: list[str | None] = []  # per open object: the key whose value is being read
        self._expect_key: list[bool] = []
        self._in_string = False
        self._escape: str | None = None  # "" after a backslash, the hex digits of a \u escape
        self._string = ""
        self._step_start: int | None = None
        self._text = ""
        self.complete = False
        """True once the top-level object closed."""

    def feed(self, delta: str) -> ScanEvents:
        """Consume `delta` (any size); the events it completed."""
        events = ScanEvents()
        for char in delta:
            self._text += char
            self._char(char, events)
        return events

    def _in_reply(self) -> bool:
        return len(self._stack) == 1 and self._key[0] == "reply" and not self._expect_key[0]

    def _char(self, char: str, events: ScanEvents) -> None:
        if self._in_string:
            self._string_char(char, events)
            return
        if char.isspace():
            return
        if not self._stack and char != "{":
            raise ValueError(f"the answer does not start with a JSON object: {self._text[:40]!r}")
        if char == '"':
            self._in_string = True
            self._string = ""
        elif char in "{[":
            if char == "{" and len(self._stack) == 2 and self._key[0] == "steps":
                self._step_start = len(self._text) - 1
            self._stack.append(char)
            self._key.append(None)
            self._expect_key.append(char == "{")
        elif char in "}]":
            self._close(char, events)
        elif char == ":":
            if self._stack and self._stack[-1] == "{":
                self._expect_key[-1] = False
        elif char == ",":
            if self._stack and self._stack[-1] == "{":
                self._expect_key[-1] = True
                self._key[-1] = None

    def _close(self, char: str, events: ScanEvents) -> None:
        if not self._stack or self._stack[-1] != ("{" if char == "}" else "["):
            raise ValueError(f"unbalanced JSON in the answer: {self._text[-40:]!r}")
        self._stack.pop()
        self._key.pop()
        self._expect_key.pop()
        self.complete = not self._stack
        if char == "}" and self._step_start is not None and len(self._stack) == 2:
            events.steps.append(json.loads(self._text[self._step_start :]))
            self._step_start = None
        elif char == "]" and len(self._stack) == 1 and self._key[0] == "steps":
            events.steps_closed = True

    def _string_char(self, char: str, events: ScanEvents) -> None:
        reply = self._in_reply()
        if self._escape is not None:
            decoded = self._unescape(char)
            if decoded is not None and reply:
                events.reply += decoded
            return
        if char == "\\":
            self._escape = ""
        elif char == '"':
            self._in_string = False
            if self._stack and self._stack[-1] == "{" and self._expect_key[-1]:
                self._key[-1] = self._string
            elif reply:
                events.reply_closed = True
        else:
            self._string += char
            if reply:
                events.reply += char

    def _unescape(self, char: str) -> str | None:
        """Advance an escape sequence; the character it stands for once complete."""
        assert self._escape is not None
        if self._escape == "" and char != "u":
            self._escape = None
            decoded = _ESCAPES.get(char, char)
            self._string += decoded
            return decoded
        self._escape += char
        if len(self._escape) < 5:  # "u" + 4 hex digits
            return None
        try:
            decoded = chr(int(self._escape[1:], 16))
        except ValueError as exc:
            raise ValueError(f"bad \\u escape in the answer: {self._escape!r}") from exc
        self._escape = None
        self._string += decoded
        return decoded


class SentenceSplitter:
    """Cut streamed reply text into sentences.

    A sentence is emitted once text follows its terminator, so the last one can be marked final
    when the reply closes.
    """

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, text: str) -> list[str]:
        """Add reply text; the sentences now known to be complete and not last."""
        self._pending += text
        sentences = []
        while True:
            match = _TERMINATOR.search(self._pending)
            if match is None or not self._pending[match.end() :].strip():
                return sentences
            sentence = self._pending[: match.end()].strip()
            self._pending = self._pending[match.end() :].lstrip()
            if sentence:
                sentences.append(sentence)

    def finish(self) -> str | None:
        """The rest of the reply (the last sentence), or None when nothing is left."""
        rest, self._pending = self._pending.strip(), ""
        return rest or None


def language_of(text: str) -> str:
    """"ko" when the text holds Hangul, else "en"."""
    return "ko" if re.search("[가-힣ㄱ-ㅎㅏ-ㅣ]", text) else "en"
