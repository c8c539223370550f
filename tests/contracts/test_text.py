"""`contracts.text`: user text made safe to print on a terminal."""

from __future__ import annotations

import json

import pytest

from contracts.text import json_printable, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC window title, BEL-terminated
        ("\x1b]8;;http://evil\x1b\\link", "\\x1b]8;;http://evil\\x1b\\link"),  # OSC 8 hyperlink
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),  # CSI clear screen, colour
        ("\x9b31m", "\\x9b31m"),  # one-character C1 CSI
        ("bell\x07\x07", "bell\\x07\\x07"),
        ("over\rwrite\x08\x7f", "over\\rwrite\\x08\\x7f"),
        ("two\nlines\tand tab", "two\\nlines\\tand tab"),
        ("\u202eevil\u2066x\u2069", "\\u202eevil\\u2066x\\u2069"),  # bidi override, isolate
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_control_characters_are_spelled_out(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_ordinary_text_is_left_alone() -> None:
    text = "활짝 웃다가 윙크해줘 😊 👨‍👩‍👧 café \\x1b already escaped"  # joiners stay
    assert printable(text) == text


def test_newlines_can_be_kept_for_multi_line_messages() -> None:
    assert printable("a\x1b[0m\nb\r", keep_newlines=True) == "a\\x1b[0m\nb\\r"


def test_json_document_keeps_its_data_and_loses_raw_controls() -> None:
    data = {"text": "\x1b]0;t\x07 \x9b \u202e 웃어", "n": 1}
    document = json_printable(json.dumps(data, ensure_ascii=False))
    assert not any(char in document for char in "\x1b\x07\x9b\u202e")
    assert "웃어" in document
    assert json.loads(document) == data
