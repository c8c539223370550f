"""End to end: `avatar --no-window` in a real terminal (detached tmux), read off the screen.

tmux gives the console a real pseudo-terminal on a headless machine: keys go in with
`send-keys`, the screen comes back with `capture-pane`. Its own server socket (`-L`) keeps it away
from any tmux the developer runs.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")
SESSION = "avatar"
EXIT_MARK = "[avatar exited with "

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        TMUX is None,
        reason="tmux is not installed; install it (apt-get install -y tmux) to run this test",
    ),
]


def avatar_command() -> list[str]:
    """The installed `avatar` script of this interpreter, else `python -m agent.cli`."""
    script = Path(sys.executable).with_name("avatar")
    if script.is_file():
        return [str(script), "--no-window"]
    return [sys.executable, "-m", "agent.cli", "--no-window"]


class Terminal:
    """One tmux session on a private server socket."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True, text=True, timeout=30, check=True,
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", SESSION, "-l", text)
        self.tmux("send-keys", "-t", SESSION, "Enter")

    def wait_for(self, condition: Callable[[str], bool], what: str, within_s: float) -> str:
        deadline = time.monotonic() + within_s
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{screen}")
            time.sleep(0.2)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """`avatar --no-window` running in a 120x40 tmux session, data and models in tmp_path."""
    models = tmp_path / "models"
    models.mkdir()
    env = {
        "AVATAR_DATA_DIR": str(tmp_path / "data"),
        "AVATAR_MODELS_DIR": str(models),  # empty: the console must say FALLBACK
        "PYTHONPATH": str(REPO),
        "COLORTERM": "truecolor",
        "TERM": "xterm-256color",
    }
    command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), *avatar_command()])
    shell = f"cd {shlex.quote(str(REPO))} && {command}; echo '{EXIT_MARK}'$?']'; sleep 60"
    term = Terminal(f"avatar-e2e-{os.getpid()}")
    term.tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", "sh", "-c", shell)
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_console_plays_a_typed_command_and_quits(terminal: Terminal) -> None:
    screen = terminal.wait_for(lambda s: "/help" in s or EXIT_MARK in s, "the console", 120)
    assert EXIT_MARK not in screen, f"the console exited at start:\n{screen}"
    assert "FALLBACK engine — run `avatar models download`" in screen

    terminal.type("웃어줘")
    screen = terminal.wait_for(lambda s: "[smile" in s, "the smile chip", 60)
    assert "you › 웃어줘" in screen

    terminal.type("/quit")
    screen = terminal.wait_for(lambda s: EXIT_MARK in s, "the console to exit", 60)
    assert f"{EXIT_MARK}0]" in screen
