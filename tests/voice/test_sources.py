"""Audio sources: the microphone ring under a driven PortAudio callback, a real stream when a
device exists, and files of any rate and layout."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tests.voice._speech import RATE, require_tools, white_noise, write_wav
from voice.audio import AudioFileError, decode_audio
from voice.sources import (
    BLOCK,
    AudioDeviceError,
    BlockRing,
    FileSource,
    MicrophoneSource,
    list_input_devices,
)


def drive(source: MicrophoneSource, blocks: list[np.ndarray], *, overflow: bool = False) -> None:
    """Call the stream callback the way PortAudio does: (frames, 1) float32 plus a status."""
    status = SimpleNamespace(input_overflow=overflow) if overflow else None
    for block in blocks:
        source._callback(block.reshape(-1, 1), len(block), None, status)


def test_the_ring_keeps_order_and_counts_what_it_drops_when_the_reader_falls_behind() -> None:
    source = MicrophoneSource(buffer_s=4 * BLOCK / RATE)  # room for 4 blocks
    assert source.ring.capacity == 4
    blocks = [np.full(BLOCK, i / 10, dtype=np.float32) for i in range(7)]
    drive(source, blocks)
    assert source.overflows == 3
    read = [source.read(0.0) for _ in range(4)]
    assert [float(b[0]) for b in read if b is not None] == pytest.approx([0.3, 0.4, 0.5, 0.6])
    assert source.read(0.0) is None
    # PortAudio's own overflow flag is counted too, and the callback copies its buffer
    buffer = np.ones(BLOCK, dtype=np.float32)
    drive(source, [buffer], overflow=True)
    buffer[:] = 0.0
    assert source.overflows == 4
    got = source.read(0.0)
    assert got is not None and float(got.min()) == 1.0


def test_a_reader_waiting_on_the_ring_wakes_when_a_block_arrives() -> None:
    import threading

    ring = BlockRing(8)
    got: list[np.ndarray | None] = []
    reader = threading.Thread(target=lambda: got.append(ring.pop(5.0)))
    reader.start()
    ring.push(np.full(BLOCK, 0.5, dtype=np.float32))
    reader.join(5.0)
    assert got and got[0] is not None and float(got[0][0]) == 0.5
    with pytest.raises(ValueError, match="at least 1"):
        BlockRing(0)


def test_a_real_sounddevice_stream_delivers_blocks_when_an_input_exists() -> None:
    try:
        devices = list_input_devices()
    except AudioDeviceError as exc:
        pytest.skip(f"PortAudio is not usable here: {exc}")
    if not devices:
        pytest.skip("PortAudio lists no input device on this machine (no microphone)")
    source = MicrophoneSource()
    source.start()
    try:
        blocks = [source.read(2.0) for _ in range(5)]
    finally:
        source.stop()
    assert all(b is not None and b.shape == (BLOCK,) and b.dtype == np.float32 for b in blocks)


def test_without_an_input_device_the_microphone_says_so() -> None:
    try:
        devices = list_input_devices()
    except AudioDeviceError as exc:
        assert "libportaudio2" in str(exc)
        return
    if devices:
        pytest.skip("this machine has a microphone")
    with pytest.raises(AudioDeviceError, match="no microphone"):
        MicrophoneSource().start()


def test_a_48_khz_stereo_file_is_resampled_to_16_khz_mono(tmp_path: Path) -> None:
    require_tools()
    mono = write_wav(tmp_path / "mono.wav", white_noise(1.5, 0.1, seed=4))
    stereo = tmp_path / "stereo48.wav"
    subprocess.run(["sox", str(mono), "-r", "48000", "-c", "2", str(stereo)], check=True)
    samples = decode_audio(stereo)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) - 1.5 * RATE) <= 0.01 * RATE


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"this is not audio at all" * 10, "cannot decode"), (None, "no such")],
)
def test_bad_audio_files_get_one_clear_message(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AudioFileError, match=message) as caught:
        FileSource(path).start()
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_a_file_source_delivers_blocks_then_finishes_and_pacing_follows_the_clock(
    tmp_path: Path,
) -> None:
    samples = white_noise(0.5, 0.1, seed=5)
    fast = FileSource(samples=samples, tail_s=0.0)
    fast.start()
    blocks = []
    while (block := fast.read(0.0)) is not None:
        blocks.append(block)
    assert fast.finished
    assert np.array_equal(np.concatenate(blocks)[: len(samples)], samples)
    paced = FileSource(samples=samples, paced=True, tail_s=0.0)
    paced.start()
    started = time.monotonic()
    count = 0
    while not paced.finished:
        count += paced.read(1.0) is not None
    # a paced file never runs ahead of real time: block k is due at (k + 1) × 32 ms
    assert time.monotonic() - started >= count * BLOCK / RATE - 0.005
