"""End to end: the console's face preview in a real terminal (detached tmux), colours read back
with `capture-pane -e`: 24-bit where COLORTERM says so, the 256-colour palette otherwise."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tmux_console import SESSION, TMUX, Terminal, avatar_command

REPO = Path(__file__).resolve().parents[2]
BLOCK = "▀"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install -y tmux)"),
]


@pytest.fixture(params=["truecolor", ""])
def console(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Terminal, str]]:
    """`avatar --no-window` in a 120x40 tmux pane, with COLORTERM set to the param (or unset)."""
    models = tmp_path / "models"
    models.mkdir()
    env = {
        "AVATAR_DATA_DIR": str(tmp_path / "data"),
        "AVATAR_MODELS_DIR": str(models),
        "PYTHONPATH": str(REPO),
        "TERM": "tmux-256color",
    }
    if request.param:
        env["COLORTERM"] = request.param
    command = shlex.join(
        ["env", "-u", "COLORTERM", *(f"{k}={v}" for k, v in env.items()), *avatar_command()]
    )
    shell = f"cd {shlex.quote(str(REPO))} && {command}; sleep 60"
    term = Terminal(f"avatar-preview-{os.getpid()}-{request.param or '256'}")
    term.tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", "sh", "-c", shell)
    try:
        yield term, request.param
    finally:
        term.tmux("kill-server")


def test_the_preview_fills_its_pane_in_the_terminal_s_colours(
    console: tuple[Terminal, str],
) -> None:
    term, colorterm = console
    term.wait_for(lambda s: s.count(BLOCK) > 200, "the preview", 120)
    screen = term.tmux("capture-pane", "-p", "-e", "-t", SESSION)
    lines = screen.splitlines()
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
    drawn = [index for index, line in enumerate(plain) if BLOCK in line]
    # The picture fills the pane: from right under the titled top border to the bottom border,
    # and from the left border to the right one on every row.
    assert "preview" in plain[drawn[0] - 1] and "╰" in plain[drawn[-1] + 1]
    assert drawn == list(range(drawn[0], drawn[-1] + 1))
    assert all(re.search(f"│{BLOCK}+│$", plain[index]) for index in drawn)
    picture = "".join(lines[index] for index in drawn)
    if colorterm:
        assert "38;2;" in picture or "48;2;" in picture
    else:
        assert "38;5;" in picture and "38;2;" not in picture and "48;2;" not in picture
