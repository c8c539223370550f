"""The output stream's clock: what is heard when, stop within a block, the no-device path."""

from __future__ import annotations

import numpy as np
import pytest

from tests.agent._helpers import wait_until
from tests.voice.paced_stream import PacedStream
from voice.playback import AudioOutput, NoAudioDevice

RATE = 16000


def test_position_follows_the_dac_clock_including_latency() -> None:
    output = AudioOutput(RATE, stream_factory=PacedStream)
    output.open()
    stream = PacedStream.instances[-1]
    stream.latency = 0.1  # a long device delay: ignoring it would be 100 ms off
    try:
        audio = np.zeros(RATE, dtype=np.float32)
        audio[RATE // 2] = 0.9  # a click half a second in
        output.begin()
        output.enqueue(audio)
        wait_until(lambda: output.idle.is_set(), what="the line to play out")
        clicked_at = stream.last_sound_at()
        assert clicked_at is not None
        assert output.position(clicked_at) == pytest.approx(0.5, abs=0.040)
    finally:
        output.close()


def test_stop_silences_the_stream_within_100_ms() -> None:
    output = AudioOutput(RATE, stream_factory=PacedStream)
    output.open()
    stream = PacedStream.instances[-1]
    try:
        output.begin()
        output.enqueue(np.full(RATE * 3, 0.3, dtype=np.float32))
        wait_until(lambda: stream.last_sound_at() is not None, what="sound")
        blocks_before = len(stream.blocks)
        wait_until(lambda: len(stream.blocks) > blocks_before + 5, what="a few blocks")
        stopped_at = stream.blocks[-1][0]  # the stream's clock now
        output.stop()
        count = len(stream.blocks)
        wait_until(lambda: len(stream.blocks) > count + 10, what="blocks after the stop")
        last = stream.last_sound_at()
        assert last is not None and last - stopped_at <= 0.100
        heard_until = output.position(stopped_at + 1.0)
        assert heard_until < 3.0, "the clock stops with the sound"
    finally:
        output.close()


def test_without_a_device_the_wall_clock_plays_silently() -> None:
    def no_device(**_: object) -> None:
        raise OSError("Error querying device -1")

    output = AudioOutput(RATE, stream_factory=no_device)
    with pytest.raises(NoAudioDevice, match="no sound output device"):
        output.open()
    assert not output.has_device
    output.begin()
    output.enqueue(np.ones(RATE // 5, dtype=np.float32))
    assert 0.0 < output.remaining() <= 0.2
    wait_until(lambda: output.remaining() == 0.0, what="the silent line to pass")
    import time

    assert output.position(time.monotonic()) == pytest.approx(0.2, abs=1e-3)
