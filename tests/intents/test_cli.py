"""`avatar plan` through `python -m intents.cli`, run as a real subprocess."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from contracts.plan import INTENTS
from intents.cli import register, summary

REPO = Path(__file__).resolve().parents[2]
KEYS = ["text", "source", "confidence", "steps", "reply"]


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "LC_ALL": "C", "PYTHONIOENCODING": ""}
    return subprocess.run(
        [sys.executable, "-m", "intents.cli", "plan", *args],
        input=stdin, capture_output=True, cwd=REPO, env=env, timeout=60, check=False,
    )


def _check_format(record: dict[str, object]) -> None:
    assert list(record) == KEYS
    assert record["source"] == "classifier"
    assert isinstance(record["confidence"], float) and 0 <= record["confidence"] <= 1
    for step in record["steps"]:  # type: ignore[union-attr]
        assert list(step) == ["intent", "intensity", "repeat"]
        assert step["intent"] in INTENTS


def test_json_one_object_per_argument() -> None:
    result = _run("활짝 웃다가 윙크해줘", "wink twice", "안녕?", "--json")
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    for record in records:
        _check_format(record)
    assert records[0]["text"] == "활짝 웃다가 윙크해줘"  # ensure_ascii=False keeps Hangul as is
    assert "활짝" in lines[0]
    assert records[0]["steps"] == [{"intent": "smile", "intensity": 1.0, "repeat": 1},
                                   {"intent": "wink", "intensity": 0.7, "repeat": 1}]
    assert records[0]["reply"] is None
    assert records[1]["steps"] == [{"intent": "wink", "intensity": 0.7, "repeat": 2}]
    assert records[2]["steps"][0]["intent"] == "chat" and records[2]["reply"]


def test_stdin_batch_one_json_line_per_input_line() -> None:
    stdin = "웃어줘\nblink twice\n\n눈 감아\n".encode() + b"\xff\xfe\x00\xc3\x28\x81\n"
    result = _run("--json", stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [r["steps"][0]["intent"] for r in records] == ["smile", "blink", "chat", "close_eyes",
                                                          "chat"]
    assert records[2]["confidence"] == 0.0  # the empty line
    for record in records:
        _check_format(record)


def test_readable_summary_without_json() -> None:
    result = _run("활짝 웃다가 윙크해줘", "blink twice")
    assert result.returncode == 0, result.stderr.decode()
    first, second = result.stdout.decode("utf-8").splitlines()
    assert first.startswith("활짝 웃다가 윙크해줘 → smile@1.0 → wink@0.7  (")
    assert second.startswith("blink twice → blink@0.7×2  (")


def test_summary_shows_the_reply_of_chat() -> None:
    from intents import load_interpreter

    plan = load_interpreter().interpret("고마워요")
    assert summary(plan) == f"고마워요 → chat  ({plan.confidence:.2f})  “{plan.reply}”"


def test_register_adds_the_plan_subcommand() -> None:
    parser = argparse.ArgumentParser(prog="avatar")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["plan", "웃어", "--json"])
    assert args.texts == ["웃어"] and args.json
    assert args.func.__name__ == "run"
