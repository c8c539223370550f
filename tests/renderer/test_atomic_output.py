"""Writers put their output in place only when finished, one writer per path, GIFs stream small."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import renderer._gif as gif_module
from renderer import open_writer
from renderer._atomic import OutputBusyError
from tests.renderer.test_video import moving_square


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.parametrize("name", ["clip.gif", "clip.mp4", "frames"])
def test_an_error_mid_render_leaves_the_earlier_output(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    with open_writer(out, 10, (64, 48)) as writer:
        for i in range(4):
            writer.write(moving_square(i))
    before = {p.name: p.read_bytes() for p in out.iterdir()} if out.is_dir() else out.read_bytes()

    with pytest.raises(RuntimeError, match="the engine broke"):
        with open_writer(out, 10, (64, 48)) as writer:
            for i in range(6):
                writer.write(moving_square(i))
            raise RuntimeError("the engine broke")

    after = {p.name: p.read_bytes() for p in out.iterdir()} if out.is_dir() else out.read_bytes()
    assert after == before
    assert leftovers(tmp_path, {name}) == []


@pytest.mark.parametrize("fps", [1e-9, math.inf, math.nan])
def test_an_unusable_fps_never_touches_an_existing_gif(tmp_path: Path, fps: float) -> None:
    out = tmp_path / "existing.gif"
    with open_writer(out, 10, (64, 48)) as writer:
        writer.write(moving_square(0))
    before = out.read_bytes()
    with pytest.raises(ValueError, match=r"fps"):
        with open_writer(out, fps, (64, 48)) as writer:
            writer.write(moving_square(1))
    assert out.read_bytes() == before
    assert leftovers(tmp_path, {"existing.gif"}) == []


def test_a_second_writer_for_the_same_path_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    first = open_writer(out, 10, (64, 48))
    first.write(moving_square(0))
    with pytest.raises(OutputBusyError, match=re.escape(f"another render is writing {out}")):
        open_writer(out, 10, (64, 48))
    with pytest.raises(OutputBusyError):
        open_writer(f"{tmp_path}/./clip.gif", 10, (64, 48))  # the same file, spelled otherwise
    first.close()
    with open_writer(out, 10, (64, 48)) as again:  # free again once the first is done
        again.write(moving_square(1))
    assert leftovers(tmp_path, {"clip.gif"}) == []


def test_a_frame_folder_with_other_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"mixed holds other files than frames \(notes\.txt\)"):
        open_writer(folder, 10, (64, 48))
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_the_output_keeps_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    with open_writer(out, 10, (64, 48)) as writer:
        writer.write(moving_square(0))
    umask = _umask()
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def _umask() -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"Umask:\s+([0-7]+)", status).group(1), 8)  # type: ignore[union-attr]


def test_gif_frames_reach_the_disk_as_they_are_written(tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    rng = np.random.default_rng(2)
    with open_writer(out, 10, (200, 150)) as writer:
        sizes = []
        for _ in range(5):
            writer.write(rng.integers(0, 256, (150, 200, 3), np.uint8))  # every pixel changes
            (staged,) = tmp_path.glob(".clip.gif.*.partial.gif")
            sizes.append(staged.stat().st_size)
    assert sizes == sorted(sizes) and len(set(sizes)) == 5  # grows with every frame


def test_gif_has_one_palette_and_stores_only_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    with open_writer(out, 10, (64, 48)) as writer:
        for i in range(3):
            writer.write(moving_square(i))
        writer.write(moving_square(2))  # nothing moved
    with Image.open(out) as gif:
        assert gif.n_frames == 4
        boxes = []
        for index in range(4):
            gif.seek(index)
            assert "local palette" not in str(gif.tile)
            boxes.append(gif.dispose_extent)
            picture = np.asarray(gif.convert("RGB")).astype(int)
            assert np.abs(picture - moving_square(min(index, 2))).mean() < 3
    assert boxes[0] == (0, 0, 64, 48)
    # The square moves 1 px right: only its left and right edge columns change.
    assert boxes[1] == (4, 18, 17, 30) and boxes[2] == (5, 18, 18, 30)
    assert boxes[3] == (0, 0, 1, 1)


def test_large_gifs_are_scaled_to_the_cap(tmp_path: Path) -> None:
    out = tmp_path / "big.gif"
    side = gif_module.GIF_MAX_SIDE
    with open_writer(out, 10, (2 * side, side)) as writer:
        writer.write(np.full((side, 2 * side, 3), 200, np.uint8))
    with Image.open(out) as gif:
        assert gif.size == (side, side // 2)


def test_a_gif_over_the_byte_cap_fails_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gif_module, "GIF_MAX_BYTES", 20_000)
    out = tmp_path / "noise.gif"
    noise = np.random.default_rng(1).integers(0, 256, (48, 64, 3), np.uint8)
    with pytest.raises(ValueError, match=r"larger than 0.02 MB at frame \d+; render an \.mp4"):
        with open_writer(out, 10, (64, 48)) as writer:
            for i in range(50):
                writer.write(np.roll(noise, i, axis=1))
    assert leftovers(tmp_path, set()) == []
