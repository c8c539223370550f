"""Slash-command rules without an app: parsing, "did you mean", completion, input history."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.commands import (
    CommandError,
    closest_command,
    complete,
    complete_path,
    help_rows,
    parse_command,
)
from tui.widgets.command_input import InputHistory


@pytest.mark.parametrize(
    ("line", "name", "argument"),
    [
        ("/portrait photos/me.jpg", "portrait", "photos/me.jpg"),
        ('/portrait "my photos/me.jpg"', "portrait", "my photos/me.jpg"),
        ("/engine", "engine", ""),
        ("/ENGINE Fallback", "engine", "fallback"),
        ("  /record stop ", "record", "stop"),
        ("/quit", "quit", ""),
        ("/face 2", "face", "2"),
    ],
)
def test_parse_splits_command_and_argument(line: str, name: str, argument: str) -> None:
    parsed = parse_command(line)
    assert (parsed.command.name, parsed.argument) == (name, argument)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/portrat x.png", "Did you mean /portrait PATH?"),
        ("/po", "Did you mean /portrait PATH?"),
        ("/recrod start", "Did you mean /record start|stop?"),
        ("/record", "/record needs an argument: /record start|stop"),
        ("/record pause", "unknown argument 'pause'; use one of: start, stop"),
        ("/engine turbo", "use one of: auto, liveportrait, fallback"),
        ("/help me", "/help takes no argument"),
        ("/portrait", "/portrait needs an argument: /portrait PATH"),
        ("/face", "/face needs an argument: /face N"),
        ("/face 0", "/face: '0' is not a number from 1: /face N"),
        ("/face two", "/face: 'two' is not a number from 1: /face N"),
    ],
)
def test_bad_lines_say_what_to_type(line: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("?", r"\?").replace("|", r"\|")):
        parse_command(line)


def test_unknown_command_without_a_near_name_points_to_help() -> None:
    with pytest.raises(CommandError) as info:
        parse_command("/zzzz")
    assert str(info.value) == "Unknown command /zzzz. Type /help for the list of commands."


def test_closest_command_prefers_unique_prefix_then_spelling() -> None:
    assert closest_command("wi").name == "window"
    assert closest_command("hepl").name == "help"
    assert closest_command("xq") is None


def test_help_lists_every_command_once() -> None:
    rows = help_rows()
    assert [usage for usage, _ in rows] == [
        "/portrait PATH", "/face N", "/engine [auto|liveportrait|fallback]", "/record start|stop",
        "/mute [on|off]", "/window", "/intents", "/reset", "/help", "/quit",
    ]
    assert all(summary for _, summary in rows)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/po", "/portrait "),
        ("/portrait", "/portrait "),
        ("/e", "/engine "),
        ("/engine f", "/engine fallback"),
        ("/engine l", "/engine liveportrait"),
        ("/record st", None),  # start and stop share only "st"
        ("/record sto", "/record stop"),
        ("/q", "/quit"),
        ("/f", "/face "),
        ("/help", None),
        ("/", None),
        ("/zz", None),
        ("웃어줘", None),
    ],
)
def test_complete_commands_and_words(value: str, expected: str | None) -> None:
    assert complete(value) == expected


def test_complete_paths_extends_to_the_unambiguous_part(tmp_path: Path) -> None:
    (tmp_path / "faces").mkdir()
    (tmp_path / "face-a.png").write_bytes(b"x")
    (tmp_path / "face-b.png").write_bytes(b"x")
    (tmp_path / "other.jpg").write_bytes(b"x")
    (tmp_path / ".hidden.png").write_bytes(b"x")
    base = str(tmp_path)
    assert complete(f"/portrait {base}/o") == f"/portrait {base}/other.jpg"
    assert complete(f"/portrait {base}/face-") is None  # face-a / face-b: nothing shared beyond
    assert complete_path(f"{base}/fa") == f"{base}/face"
    assert complete_path(f"{base}/faces") == f"{base}/faces/"
    assert complete_path(f"{base}/.h") == f"{base}/.hidden.png"
    assert complete_path(f"{base}/h") is None  # hidden files only when asked for
    assert complete_path(f"{base}/missing-folder/x") is None


def test_history_browses_back_and_forward_to_the_draft() -> None:
    history = InputHistory(["웃어줘"])
    history.record("wink at me")
    history.record("wink at me")  # not twice in a row
    assert history.entries == ["웃어줘", "wink at me"]
    assert history.back("half typed") == "wink at me"
    assert history.back("wink at me") == "웃어줘"
    assert history.back("웃어줘") is None
    assert history.forward() == "wink at me"
    assert history.forward() == "half typed"
    assert history.forward() is None


def test_history_keeps_the_newest_lines_within_its_limit() -> None:
    history = InputHistory(limit=3)
    for line in ["a", "b", "c", "d"]:
        history.record(line)
    assert history.entries == ["b", "c", "d"]
