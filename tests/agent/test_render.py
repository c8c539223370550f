"""Headless rendering: deterministic frames, frame count and size, script time not wall time."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.render import RenderOptions, prepare_render, render_script
from tests.agent._helpers import make_settings

SCRIPT = """\
seed: 4
fps: 12
events:
  - say: 웃어줘
  - at: 1.0
    plan:
      steps:
        - {intent: wink}
  - pause: 0.3
end_hold: 0.4
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def png_bytes(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.glob("*.png"))]


def test_same_script_and_seed_give_identical_frames(script: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    options = RenderOptions(size=(128, 128))
    first = render_script(script, tmp_path / "a", settings, options)
    second = render_script(script, tmp_path / "b", settings, options)
    frames_a, frames_b = png_bytes(tmp_path / "a"), png_bytes(tmp_path / "b")
    assert first.frames == second.frames == len(frames_a) > 10
    assert frames_a == frames_b


def test_the_seed_changes_the_idle_life(script: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    render_script(script, tmp_path / "a", settings, RenderOptions(size=(128, 128)))
    render_script(script, tmp_path / "c", settings, RenderOptions(size=(128, 128), seed=99))
    assert png_bytes(tmp_path / "a") != png_bytes(tmp_path / "c")


def test_frame_count_and_size_follow_the_options(script: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    job = prepare_render(script, settings, RenderOptions(fps=8, size=(96, 64)))
    assert job.engine.fallback
    result = job.write(tmp_path / "wide")
    assert result.frames == job.total_frames == math.ceil(job.duration * 8)
    assert job.duration > 1.0 + 0.3  # the wink starts at 1.0, then the pause
    # by hand: the wink at 1.0 lasts 0.12 + 0.35 + 0.25 s (presets.yaml), then the 0.3 s pause
    # and the 0.4 s end hold: 2.42 s, 19.36 frames at 8 fps, so 20 frames
    assert job.duration == pytest.approx(2.42)
    assert result.frames == 20
    frames = sorted((tmp_path / "wide").glob("*.png"))
    assert len(frames) == result.frames
    image = np.asarray(Image.open(frames[0]))
    assert image.shape == (64, 96, 3)
    # the square portrait is letterboxed into the wide frame: black bars left and right
    assert image[:, :10].max() == 0 and image[:, -10:].max() == 0
    assert image[:, 40:56].mean() > 20


def test_script_fps_and_portrait_size_are_the_defaults(script: Path, tmp_path: Path) -> None:
    job = prepare_render(script, make_settings(tmp_path))
    assert job.fps == 12 and job.size == (512, 512)


def test_progress_reaches_the_total(script: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = render_script(
        script, tmp_path / "p", make_settings(tmp_path), RenderOptions(size=(64, 64)),
        on_progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (result.frames, result.frames)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
