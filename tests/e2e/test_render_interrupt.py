"""`avatar render` stopped by Ctrl+C, SIGTERM or SIGKILL, and two renders of one path at once.

Real renders in subprocesses: a long script (10 minutes of script time) is signalled once its
staging output has data, so the signal always lands mid-render. The earlier output must survive
byte for byte, and nothing of the interrupted render may stay behind after the next render.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e._helpers import AVATAR, avatar, avatar_env

LONG_SCRIPT = "seed: 3\nfps: 30\nend_hold: 0\nevents:\n  - pause: 600\n"
SHORT_SCRIPT = "seed: 3\nfps: 10\nend_hold: 0\nevents:\n  - pause: 0.5\n"
RENDER_FLAGS = ("--engine", "fallback", "--size", "48x48", "--quiet")
WAIT_S = 120.0


def start_render(script: Path, out: Path, cwd: Path) -> subprocess.Popen[str]:
    """`avatar render` in its own process group, like a job started from a terminal."""
    env = avatar_env({"AVATAR_DATA_DIR": str(cwd / "data")})
    return subprocess.Popen(
        [*AVATAR, "render", str(script), "-o", str(out), *RENDER_FLAGS],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )


def staging(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*.partial*"))


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"render ended before {what}: {process.communicate()[1]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within {WAIT_S:g} s")
        time.sleep(0.05)


def has_data(out: Path) -> bool:
    for path in staging(out):
        if path.is_file() and path.stat().st_size > 0:
            return True
        if path.is_dir() and any(path.iterdir()):
            return True
    return False


def snapshot(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {entry.name: entry.read_bytes() for entry in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


@pytest.fixture
def scripts(tmp_path: Path) -> tuple[Path, Path]:
    long_script, short_script = tmp_path / "long.yaml", tmp_path / "short.yaml"
    long_script.write_text(LONG_SCRIPT, encoding="utf-8")
    short_script.write_text(SHORT_SCRIPT, encoding="utf-8")
    return long_script, short_script


@pytest.mark.parametrize(
    ("name", "sig", "code"),
    [("clip.mp4", signal.SIGINT, 130), ("clip.gif", signal.SIGTERM, 143)],
)
def test_an_interrupted_render_leaves_the_earlier_file(
    tmp_path: Path, scripts: tuple[Path, Path], name: str, sig: signal.Signals, code: int
) -> None:
    long_script, short_script = scripts
    out = tmp_path / name
    assert avatar("render", short_script, "-o", out, *RENDER_FLAGS, cwd=tmp_path).returncode == 0
    before = snapshot(out)

    process = start_render(long_script, out, tmp_path)
    wait_for(lambda: has_data(out), "staging data", process)
    os.killpg(process.pid, sig)  # the whole group, as the terminal does for Ctrl+C
    _, stderr = process.communicate(timeout=WAIT_S)

    assert process.returncode == code, stderr
    assert f"render interrupted; {out} left unchanged" in stderr
    assert "unexpected" not in stderr and "ffmpeg exited" not in stderr
    assert snapshot(out) == before
    assert staging(out) == [] and not (tmp_path / f".{name}.lock").exists()


def test_a_killed_png_render_never_mixes_frames_and_is_cleaned_up_later(
    tmp_path: Path, scripts: tuple[Path, Path]
) -> None:
    long_script, short_script = scripts
    out = tmp_path / "frames"
    assert avatar("render", short_script, "-o", out, *RENDER_FLAGS, cwd=tmp_path).returncode == 0
    before = snapshot(out)
    assert sorted(before) == [f"frame_{i:06d}.png" for i in range(5)]

    process = start_render(long_script, out, tmp_path)
    wait_for(lambda: has_data(out), "staged frames", process)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=WAIT_S)
    assert snapshot(out) == before  # no frame of the killed render got in
    assert staging(out)  # SIGKILL leaves its staging folder ...

    short_script.write_text(SHORT_SCRIPT.replace("pause: 0.5", "pause: 0.3"), encoding="utf-8")
    assert avatar("render", short_script, "-o", out, *RENDER_FLAGS, cwd=tmp_path).returncode == 0
    assert sorted(snapshot(out)) == [f"frame_{i:06d}.png" for i in range(3)]
    assert staging(out) == []  # ... and the next render of the same path removes it


def test_a_second_render_of_the_same_path_is_refused_while_the_first_runs(
    tmp_path: Path, scripts: tuple[Path, Path]
) -> None:
    long_script, short_script = scripts
    out = tmp_path / "clip.gif"
    first = start_render(long_script, out, tmp_path)
    wait_for(lambda: has_data(out), "the first render's data", first)

    second = avatar("render", short_script, "-o", out, *RENDER_FLAGS, cwd=tmp_path)
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert lines[-1] == (
        f"avatar: another render is writing {out} (process {first.pid}); wait for it to "
        "finish or choose another output path"
    )
    assert first.poll() is None  # the first one goes on undisturbed

    os.killpg(first.pid, signal.SIGINT)
    first.communicate(timeout=WAIT_S)
    third = avatar("render", short_script, "-o", out, *RENDER_FLAGS, cwd=tmp_path)
    assert third.returncode == 0, third.stderr  # the lock went with the first render
    assert out.stat().st_size > 0
