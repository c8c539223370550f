"""What `avatar play`, `kiosk` and `--help` tell the person at the terminal: everything once."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from contracts import INTENTS
from tests.e2e._helpers import AVATAR, avatar, avatar_env

MISSING_WEIGHTS = "LivePortrait weights not found"


def no_weights_env(tmp_path: Path) -> dict[str, str]:
    models = tmp_path / "models"
    models.mkdir(exist_ok=True)
    return {"AVATAR_MODELS_DIR": str(models), "AVATAR_DATA_DIR": str(tmp_path / "data")}


def test_play_says_the_weights_are_missing_once(tmp_path: Path) -> None:
    script = tmp_path / "live.yaml"
    script.write_text("events:\n  - say: 웃어줘\nend_hold: 0.2\n", encoding="utf-8")
    result = avatar("play", script, cwd=tmp_path, env=no_weights_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(MISSING_WEIGHTS) == 1, result.stderr


def test_kiosk_says_the_weights_are_missing_once(tmp_path: Path) -> None:
    kiosk = subprocess.Popen(
        [*AVATAR, "kiosk"], cwd=tmp_path, env=avatar_env(no_weights_env(tmp_path)),
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert kiosk.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            line = kiosk.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "kiosk running" in line:
                break
    finally:
        kiosk.send_signal(signal.SIGTERM)
        rest = kiosk.communicate(timeout=60)[1]
    stderr = "".join(lines) + rest
    assert kiosk.returncode == 0, stderr
    assert "kiosk running" in stderr
    assert stderr.count(MISSING_WEIGHTS) == 1, stderr


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("play", "Play a YAML script live in the pygame window"),
        ("bench", "Measure speed and print the figures"),
    ],
)
def test_every_command_describes_itself_in_help(command: str, words: str) -> None:
    result = avatar(command, "--help")
    assert result.returncode == 0
    assert words in " ".join(result.stdout.split())


def test_plan_list_shows_the_whole_vocabulary() -> None:
    result = avatar("plan", "--list")
    assert result.returncode == 0, result.stderr
    rows = [line.split()[0] for line in result.stdout.splitlines()]
    assert rows == list(INTENTS)
    kiss = next(line for line in result.stdout.splitlines() if line.startswith("kiss"))
    assert "puckers the lips" in kiss and "뽀뽀해줘" in kiss
    as_json = avatar("plan", "--list", "--json")
    entries = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [entry["intent"] for entry in entries] == list(INTENTS)
    assert entries[0] == {"intent": "smile", "does": "smiles, then returns",
                          "examples": ["웃어줘", "smile"]}
