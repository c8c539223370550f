"""`avatar` given hostile or out-of-range input: one line naming the problem, exit 2, at once."""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.agent.test_script import alias_bomb
from tests.e2e._helpers import avatar


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single 'avatar: ...' line a failure prints (and nothing else on stderr)."""
    assert result.returncode == 2, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def short_script(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text("events:\n  - say: 웃어줘\nend_hold: 0.2\n", encoding="utf-8")
    return path


def png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims `width` x `height` (what a decompression bomb shows a reader)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_fifo_as_portrait_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "face.png"
    os.mkfifo(fifo)
    line = one_error_line(avatar("--portrait", fifo, "--no-window", cwd=tmp_path))
    assert line == (
        f"avatar: portrait '{fifo}': is a FIFO (named pipe), not a file. "
        "Give the path of a photo file."
    )


def test_a_fifo_as_script_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "show.yaml"
    os.mkfifo(fifo)
    line = one_error_line(avatar("render", fifo, "-o", tmp_path / "o.mp4", cwd=tmp_path))
    assert line == (
        f"avatar: script '{fifo}': is a FIFO (named pipe), not a file; "
        "give the path of a YAML script."
    )


def test_a_20000_pixel_png_is_a_clear_message(tmp_path: Path, short_script: Path) -> None:
    bomb = tmp_path / "huge.png"
    png_header_only(bomb, 20_000, 20_000)
    line = one_error_line(
        avatar("render", short_script, "-o", tmp_path / "o.mp4", "--portrait", bomb, cwd=tmp_path)
    )
    assert line.startswith(f"avatar: portrait '{bomb}': the image is too large to decode safely")
    assert "unexpected" not in line


def test_an_alias_bomb_as_attract_script_is_refused(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").write_text(alias_bomb(12), encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text('engine = "fallback"\n[kiosk]\nattract_script = "loop.yaml"\n')
    line = one_error_line(avatar("kiosk", "--config", config, cwd=tmp_path))
    assert line.startswith(f"avatar: {tmp_path / 'loop.yaml'}, line 7: the script expands")


@pytest.mark.parametrize("fps", ["0", "nan", "inf", "1e-9", "121", "-30"])
def test_fps_outside_1_to_120_is_refused(tmp_path: Path, short_script: Path, fps: str) -> None:
    out = tmp_path / "o.gif"
    line = one_error_line(avatar("render", short_script, "-o", out, "--fps", fps, cwd=tmp_path))
    assert line == (
        f"avatar render: argument --fps: '{fps}': frames per second must be a number, 1..120 "
        "(see avatar render --help)"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fps: .nan\n", "line 1: fps: frames per second must be 1..120; got nan"),
        ("fps: 0\n", "line 1: fps: frames per second must be 1..120; got 0"),
        ("seed: -1\n", "line 1: seed: Input should be greater than or equal to 0"),
    ],
)
def test_script_fps_and_seed_fail_early_with_their_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    script = tmp_path / "show.yaml"
    script.write_text(text + "events:\n  - say: 웃어줘\n", encoding="utf-8")
    line = one_error_line(avatar("render", script, "-o", tmp_path / "o.gif", cwd=tmp_path))
    assert line == f"avatar: {script}, {expected}"


def test_a_negative_seed_flag_is_refused(tmp_path: Path, short_script: Path) -> None:
    line = one_error_line(
        avatar("render", short_script, "-o", tmp_path / "o.gif", "--seed", "-1", cwd=tmp_path)
    )
    assert "argument --seed: '-1': the seed must be 0..4294967295" in line


def test_an_unknown_output_suffix_is_refused_before_any_work(
    tmp_path: Path, short_script: Path
) -> None:
    out = tmp_path / "b.avi"
    result = avatar("render", short_script, "-o", out, cwd=tmp_path)
    assert one_error_line(result) == (
        f"avatar: cannot write {out}: unknown suffix '.avi'; use '.mp4' (H.264), '.gif', or a "
        "folder path (no suffix, or ending in '/') for PNGs"
    )  # one line: no engine announcement, no progress bar before it


def test_a_zero_window_size_is_one_line(tmp_path: Path, short_script: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("seed = 1\n[window]\nsize = [0, 0]\n", encoding="utf-8")
    line = one_error_line(avatar("--config", config, "--no-window", cwd=tmp_path))
    assert line == (
        f"avatar: config file '{config}', line 3: setting 'window.size': the window size is "
        "[width, height], each 16..8192 pixels; got [0, 0]"
    )


def test_an_unknown_key_in_the_exit_combination_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "k.toml"
    config.write_text('[window]\nexit_combo = "ctrl+banana"\n', encoding="utf-8")
    line = one_error_line(avatar("kiosk", "--config", config, cwd=tmp_path))
    assert line.startswith(
        f"avatar: config file '{config}', line 2: setting 'window.exit_combo': key combination "
        "'ctrl+banana': unknown key 'banana'"
    )


def test_an_unknown_key_in_the_console_keymap_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "k.toml"
    config.write_text('[console.keymap]\n"quick.smile" = "not a key!!"\n', encoding="utf-8")
    line = one_error_line(avatar("--config", config, "--no-window", cwd=tmp_path))
    assert line.startswith(
        "avatar: console.keymap: 'quick.smile' = 'not a key!!': 'not a key!!' is not a key"
    )


def test_text_that_is_not_utf8_is_a_clear_message(tmp_path: Path) -> None:
    line = one_error_line(avatar("plan", os.fsdecode(b"wink \xff\xfe"), cwd=tmp_path))
    assert line == (
        "avatar: 'wink \\xff\\xfe' is not valid UTF-8 text; check the terminal's encoding (locale)"
    )


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        ("banana", "unknown device 'banana'; use cpu, cuda, cuda:N or mps"),
        ("cuda:99", "device 'cuda:99': this machine has "),
    ],
)
def test_a_bad_device_is_a_clear_message(tmp_path: Path, device: str, expected: str) -> None:
    line = one_error_line(
        avatar("bench", "--engine", "liveportrait", "--device", device, cwd=tmp_path)
    )
    assert line.startswith(f"avatar bench: argument --device: {expected}")


def test_a_bad_device_in_the_config_names_its_line(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('engine = "fallback"\ndevice = "gpu0"\n', encoding="utf-8")
    line = one_error_line(avatar("--config", config, "--no-window", cwd=tmp_path))
    assert line == (
        f"avatar: config file '{config}', line 2: setting 'device': unknown device 'gpu0'; "
        "use cpu, cuda, cuda:N or mps"
    )
