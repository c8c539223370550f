"""The package surface: every exported name resolves, and the window child imports little."""

from __future__ import annotations

import os
import subprocess
import sys

import renderer
from tests.renderer._helpers import REPO


def _modules_after(code: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return set(run.stdout.split())


def test_every_exported_name_resolves() -> None:
    for name in renderer.__all__:
        assert getattr(renderer, name) is not None, name


def test_renderer_imports_nothing_above_it() -> None:
    modules = _modules_after("from renderer import *")
    above = {"agent", "animator", "intents", "tui", "voice", "models"}
    assert not {name.split(".")[0] for name in modules} & above


def test_window_process_side_skips_preview_and_video_dependencies() -> None:
    modules = _modules_after("import renderer.window, renderer.shared_frame")
    assert "rich" not in modules and "PIL" not in modules and "pygame" not in modules
