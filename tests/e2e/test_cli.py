"""The `avatar` command as a user runs it: a subprocess, real files, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e._helpers import avatar


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single 'avatar: ...' line a failure prints (and nothing else on stderr)."""
    assert result.returncode == 2, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("avatar")
    return lines[0]


@pytest.fixture
def short_script(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text("events:\n  - say: 웃어줘\nend_hold: 0.2\n", encoding="utf-8")
    return path


def test_missing_portrait_in_the_console(tmp_path: Path) -> None:
    missing = tmp_path / "x.jpg"
    line = one_error_line(avatar("--portrait", missing, "--no-window", cwd=tmp_path))
    assert line == (
        f"avatar: portrait '{missing}': file not found. Give the path of a JPEG, PNG or WebP photo."
    )


def test_missing_portrait_when_rendering(tmp_path: Path, short_script: Path) -> None:
    missing = tmp_path / "x.jpg"
    line = one_error_line(
        avatar("render", short_script, "-o", tmp_path / "o.mp4", "--portrait", missing,
               cwd=tmp_path)
    )
    assert line.startswith(f"avatar: portrait '{missing}': file not found.")


def test_photo_without_a_face(tmp_path: Path, short_script: Path) -> None:
    blank = tmp_path / "wall.png"
    Image.new("RGB", (320, 320), (200, 190, 180)).save(blank)
    line = one_error_line(
        avatar("render", short_script, "-o", tmp_path / "o.mp4", "--portrait", blank,
               "--engine", "fallback", cwd=tmp_path)
    )
    assert line.startswith(f"avatar: portrait '{blank}': no face found")


def test_malformed_script(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("events:\n  - say: hi\n    - pause: 1\n", encoding="utf-8")
    line = one_error_line(avatar("render", script, "-o", tmp_path / "o.mp4", cwd=tmp_path))
    assert line.startswith(f"avatar: {script}, line 3: invalid YAML")


def test_invalid_script_content(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("events:\n  - say: hi\n  - pause: -2\n", encoding="utf-8")
    line = one_error_line(avatar("render", script, "-o", tmp_path / "o.mp4", cwd=tmp_path))
    assert line.startswith(f"avatar: {script}, line 3: events[1].pause:")


def test_bad_config_file(tmp_path: Path, short_script: Path) -> None:
    config = tmp_path / "avatar.toml"
    config.write_text("[window]\nsize = [512, \n", encoding="utf-8")
    line = one_error_line(
        avatar("--config", config, "render", short_script, "-o", tmp_path / "o.mp4",
               cwd=tmp_path)
    )
    assert line.startswith(f"avatar: config file '{config}', line 2")


def test_liveportrait_without_weights_says_how_to_get_them(
    tmp_path: Path, short_script: Path
) -> None:
    result = avatar(
        "render", short_script, "-o", tmp_path / "o.mp4", "--engine", "liveportrait",
        cwd=tmp_path, env={"AVATAR_MODELS_DIR": str(tmp_path / "no-models")},
    )
    line = one_error_line(result)
    assert "LivePortrait weights not found" in line and "avatar models download" in line


def test_debug_log_level_shows_the_traceback(tmp_path: Path) -> None:
    result = avatar("--log-level", "debug", "--portrait", tmp_path / "x.jpg", "--no-window",
                    cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_version() -> None:
    result = avatar("--version")
    assert result.returncode == 0 and result.stdout.startswith("avatar ")


def test_render_announces_the_fallback_engine(tmp_path: Path, short_script: Path) -> None:
    out = tmp_path / "frames"
    result = avatar("render", short_script, "-o", out, "--size", "64x64", "--fps", "5",
                    "--engine", "fallback", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "FALLBACK engine" in result.stderr
    written = sorted(out.glob("*.png"))
    assert written and Image.open(written[0]).size == (64, 64)
    assert f"{out}: {len(written)} frames, 64x64 at 5 fps" in result.stdout


def test_bench_prints_fallback_numbers_as_json(tmp_path: Path) -> None:
    result = avatar("bench", "--engine", "fallback", "--frames", "5", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout)
    assert numbers["frames"] == 5 and numbers["fps"] > 0


def test_play_runs_the_script_live_in_the_window(tmp_path: Path) -> None:
    script = tmp_path / "live.yaml"
    script.write_text(
        "events:\n  - say: 웃어줘\n  - at: 0.8\n    say: wink at me\nend_hold: 0.3\n",
        encoding="utf-8",
    )
    result = avatar("play", script, "--engine", "fallback", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "FALLBACK engine" in result.stderr
    (transcript,) = (tmp_path / "data" / "transcripts").glob("*.jsonl")
    records = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()]
    said = [(r["text"], r["source"]) for r in records if r["kind"] == "utterance"]
    assert said == [("웃어줘", "script"), ("wink at me", "script")]
    plans = [[s["intent"] for s in r["plan"]["steps"]] for r in records if r["kind"] == "plan"]
    assert plans == [["smile"], ["wink"]]


def test_play_without_a_display_says_what_to_do(tmp_path: Path) -> None:
    script = tmp_path / "live.yaml"
    script.write_text("events:\n  - say: 웃어줘\n", encoding="utf-8")
    result = avatar("play", script, "--engine", "fallback", cwd=tmp_path,
                    env={"SDL_VIDEODRIVER": "x11", "DISPLAY": "", "WAYLAND_DISPLAY": ""})
    line = one_error_line_after_notes(result)
    assert "`avatar play` needs one" in line and "avatar render" in line


def one_error_line_after_notes(result: subprocess.CompletedProcess[str]) -> str:
    """The final 'avatar: ...' error line of a command that announced things first."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    line = one_error_line(avatar("render", "show.yaml", "--size", "big", cwd=tmp_path))
    assert line.startswith("avatar render: ") and "--help" in line
