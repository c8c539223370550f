"""Running the `avatar` command the way a user does, for the end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AVATAR = [sys.executable, "-m", "agent.cli"]
"""The `avatar` command, runnable before the package is installed."""


def avatar_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without AVATAR_* from the developer's shell, with the dummy SDL driver
    and voice input off."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("AVATAR_")},
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "AVATAR_VOICE__ENABLED": "false",  # never a real microphone in these runs
        **(extra or {}),
    }


def avatar(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `avatar ARGS` to completion; data goes to `cwd/data` when `cwd` is given."""
    full_env = avatar_env(env)
    if cwd is not None:
        full_env.setdefault("AVATAR_DATA_DIR", str(cwd / "data"))
    return subprocess.run(
        [*AVATAR, *map(str, args)],
        cwd=cwd or REPO, env=full_env, capture_output=True, text=True, timeout=300,
    )
