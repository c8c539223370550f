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
    stdin = "웃어줘\nblink twice\n\n \t \n눈 감아\n".encode() + b"\xff\xfe\x00\xc3\x28\x81\n"
    result = _run("--json", stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    # blank lines ask for nothing: no plan, no output line
    assert [r["steps"][0]["intent"] for r in records] == ["smile", "blink", "close_eyes", "chat"]
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


def test_blank_arguments_make_no_plan() -> None:
    result = _run("", "   ", "웃어줘")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8").splitlines() == [
        line for line in result.stdout.decode("utf-8").splitlines() if line.startswith("웃어줘")
    ]
    assert len(result.stdout.decode("utf-8").splitlines()) == 1


HOSTILE = [
    "\x1b]0;pwned\x07smile",  # OSC: set the window title, ended by BEL
    "\x1b[2J\x1b[31mwink",  # CSI: clear the screen, red text
    "blink\x9b31m twice",  # the one-byte C1 CSI
    "웃어\x07\x07",  # BEL
    "nod\r\x1b[Kfake line",  # carriage return and erase-line
    "\u202eknil",  # right-to-left override
]


def test_summary_escapes_control_characters() -> None:
    result = _run(*HOSTILE)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")
    assert not any(char in out for char in "\x1b\x07\x9b\r\u202e")
    lines = out.splitlines()
    assert len(lines) == len(HOSTILE)
    assert lines[0].startswith("\\x1b]0;pwned\\x07smile → ")
    assert lines[1].startswith("\\x1b[2J\\x1b[31mwink → ")
    assert lines[4].startswith("nod\\r\\x1b[Kfake line → ")
    assert lines[5].startswith("\\u202eknil → ")


def test_json_escapes_control_characters_and_keeps_the_text() -> None:
    result = _run("--json", *HOSTILE)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")
    assert not any(char in out for char in "\x1b\x07\x9b\r\u202e")
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["text"] for record in records] == HOSTILE  # JSON escapes, same data


def _peak_rss_kib(stdin: Path) -> int:
    """Peak RSS of `avatar plan --json` reading `stdin`, measured in a fresh child process."""
    script = (
        "import resource, subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'intents.cli', 'plan', '--json'],"
        " stdin=open(sys.argv[1], 'rb'), stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    return int(subprocess.run(
        [sys.executable, "-c", script, str(stdin)], capture_output=True, cwd=REPO, check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120,
    ).stdout)


def test_a_10_mb_line_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    small, huge = tmp_path / "small.txt", tmp_path / "huge.txt"
    small.write_bytes("웃어줘\n".encode())
    huge.write_bytes(("웃어 smile " * 1_000_000).encode()[:10_000_000] + b"\n")
    growth_mib = (_peak_rss_kib(huge) - _peak_rss_kib(small)) / 1024
    assert growth_mib < 100, f"{growth_mib:.0f} MiB more for a 10 MB line (was 228 MiB here)"
    result = _run("--json", stdin=huge.read_bytes())
    (record,) = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert record["steps"] == [{"intent": "chat", "intensity": 0.7, "repeat": 1}]
    assert record["confidence"] == 0.0 and record["reply"]  # asks for something shorter
