"""Video/PNG writers: real ffmpeg H.264 round trips, GIF timing, exact PNG folders, clear errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from renderer import open_writer, read_video_frames
from renderer._ffmpeg import ffmpeg_exe

BACKGROUND = (40, 90, 160)
SQUARE = (250, 240, 20)


def moving_square(i: int, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    """Frame `i`: a 12x12 yellow square moving right by 1 px per frame on a blue background."""
    width, height = size
    image = np.empty((height, width, 3), np.uint8)
    image[...] = BACKGROUND
    image[18:30, 4 + i:16 + i] = SQUARE
    return image


def _write(path: Path | str, count: int = 30, fps: float = 30, size: tuple[int, int] = (64, 48)):
    with open_writer(path, fps, size) as writer:
        for i in range(count):
            writer.write(moving_square(i, size))
    assert writer.frames_written == count
    return writer


def _stream_info(path: Path) -> str:
    run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True)
    return run.stderr.decode()


def test_mp4_round_trip_keeps_count_size_and_colours(tmp_path: Path) -> None:
    writer = _write(tmp_path / "clip.mp4")
    assert writer.close() == tmp_path / "clip.mp4"
    info = _stream_info(tmp_path / "clip.mp4")
    assert "Video: h264" in info and "yuv420p" in info and "30 fps" in info

    frames = list(read_video_frames(tmp_path / "clip.mp4"))
    assert len(frames) == 30
    for i, decoded in enumerate(frames):
        assert decoded.shape == (48, 64, 3)
        expected = moving_square(i).astype(int)
        error = np.abs(decoded.astype(int) - expected)
        assert error.mean() < 4, f"frame {i} differs by {error.mean():.1f} on average"
        # The square's inside (away from chroma-subsampled edges) keeps its colour closely.
        assert (np.abs(decoded[21:27, 7 + i:13 + i].astype(int) - SQUARE) < 24).all()


#: (fps, frames): fractional, NTSC and odd rates, each clip about one or two seconds long
RATES = [(12.5, 25), (23.976, 24), (25.0, 25), (59.94, 60)]


@pytest.mark.parametrize(("fps", "count"), RATES, ids=[f"{fps:g}fps" for fps, _ in RATES])
def test_mp4_keeps_fractional_frame_rates_exactly(tmp_path: Path, fps: float, count: int) -> None:
    """Read back by PyAV, not by our reader: the stream's rate is the requested one, every frame
    is there, frame i starts at i / fps, and the clip lasts count / fps seconds."""
    path = tmp_path / "clip.mp4"
    _write(path, count=count, fps=fps)

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert float(stream.average_rate) == pytest.approx(fps, rel=1e-6)
        starts = [float(frame.pts * stream.time_base) for frame in container.decode(stream)]
        duration = float(stream.duration * stream.time_base)
    assert len(starts) == count
    assert starts == pytest.approx([i / fps for i in range(count)], abs=1e-4)
    assert duration == pytest.approx(count / fps, abs=1e-4)


def test_mp4_with_odd_size_is_padded_to_even(tmp_path: Path) -> None:
    _write(tmp_path / "odd.mp4", count=5, size=(63, 47))
    frames = list(read_video_frames(tmp_path / "odd.mp4"))
    assert len(frames) == 5
    assert frames[0].shape == (48, 64, 3)
    original = moving_square(0, (63, 47)).astype(int)
    assert np.abs(frames[0][:47, :63].astype(int) - original).mean() < 4
    # The extra row/column repeats the edge (blue background), not a black line.
    assert (np.abs(frames[0][47, :, :].astype(int) - BACKGROUND) < 16).all()
    assert (np.abs(frames[0][:, 63, :].astype(int) - BACKGROUND) < 16).all()


def test_gif_has_all_frames_looping_and_exact_timing(tmp_path: Path) -> None:
    _write(tmp_path / "clip.gif", fps=25)
    with Image.open(tmp_path / "clip.gif") as gif:
        assert gif.n_frames == 30
        assert gif.info.get("loop") == 0
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
            if index in (0, 29):
                picture = np.asarray(gif.convert("RGB")).astype(int)
                assert np.abs(picture - moving_square(index)).mean() < 6
    assert durations == [40] * 30


def test_gif_timing_at_30_fps_adds_up(tmp_path: Path) -> None:
    _write(tmp_path / "clip.gif", fps=30)
    with Image.open(tmp_path / "clip.gif") as gif:
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
    # GIF delays are in 10 ms steps: 30 frames at 30 fps must still last one second.
    assert len(durations) == 30 and set(durations) <= {30, 40} and sum(durations) == 1000


def test_png_folder_is_exact_and_replaces_an_earlier_longer_render(tmp_path: Path) -> None:
    folder = tmp_path / "frames"
    _write(folder, count=30)
    _write(f"{folder}/", count=12)  # a trailing "/" names a folder too
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"frame_{i:06d}.png" for i in range(12)]
    for i in (0, 11):
        with Image.open(folder / names[i]) as png:
            assert np.array_equal(np.asarray(png), moving_square(i))


def test_unwritable_paths_are_named_in_the_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for target in (blocker / "clip.mp4", blocker / "clip.gif", blocker / "frames"):
        with pytest.raises(OSError, match=re.escape(str(blocker))):
            open_writer(target, 30, (64, 48))
    with pytest.raises(ValueError, match=r"unknown suffix '\.avi'.*\.mp4"):
        open_writer(tmp_path / "clip.avi", 30, (64, 48))
    plain_file = tmp_path / "frames-without-suffix"
    plain_file.write_text("")
    with pytest.raises(ValueError, match=re.escape(f"{plain_file} is a file")):
        open_writer(plain_file, 30, (64, 48))


def test_wrong_frames_and_settings_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fps must be positive"):
        open_writer(tmp_path / "a.gif", 0, (64, 48))
    with open_writer(tmp_path / "b.gif", 10, (64, 48)) as writer:
        with pytest.raises(ValueError, match=r"frame 0 .* \(48, 64, 3\) uint8"):
            writer.write(np.zeros((64, 48, 3), np.uint8))
        writer.write(moving_square(0))
    with pytest.raises(ValueError, match="already closed"):
        writer.write(moving_square(1))


def test_ffmpeg_failure_reports_its_stderr_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "wide.mp4"
    target.write_bytes(b"an earlier good render")
    writer = open_writer(target, 30, (17000, 2))  # wider than libx264 accepts
    with pytest.raises(RuntimeError, match=r"wide\.mp4 failed: .*ffmpeg said: .*invalid width"):
        for _ in range(3):
            writer.write(np.zeros((2, 17000, 3), np.uint8))
        writer.close()
    assert target.read_bytes() == b"an earlier good render"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide.mp4"]  # no staging, no lock


def test_reading_bad_videos_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"missing\.mp4"):
        read_video_frames(tmp_path / "missing.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(RuntimeError, match=r"junk\.mp4"):
        list(read_video_frames(junk))


def test_stopping_a_read_early_stops_ffmpeg(tmp_path: Path) -> None:
    _write(tmp_path / "clip.mp4", count=10)
    frames = read_video_frames(tmp_path / "clip.mp4")
    first = next(frames)
    assert first.shape == (48, 64, 3) and not first.flags.writeable
    frames.close()  # must not raise or leave ffmpeg running
