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
