"""Running the `avatar` command the way a user does, for the end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def avatar(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `avatar ARGS` in a clean environment (no AVATAR_* from the developer's shell)."""
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AVATAR_")},
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        **(env or {}),
    }
    if cwd is not None:
        full_env.setdefault("AVATAR_DATA_DIR", str(cwd / "data"))
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *map(str, args)],
        cwd=cwd or REPO, env=full_env, capture_output=True, text=True, timeout=300,
    )
