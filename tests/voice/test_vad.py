"""Silero VAD and the segmenter on real synthesized speech, silence and noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.voice._speech import (
    RATE,
    compose,
    pink_noise,
    say,
    silence,
    tones,
    white_noise,
)
from voice.sources import BLOCK
from voice.vad import Segmenter, SileroVad, SpeechEnd, SpeechStart, VadOptions

TOLERANCE_S = 0.15


def run(segmenter: Segmenter, samples: np.ndarray) -> list[SpeechStart | SpeechEnd]:
    padded = np.concatenate([samples, np.zeros((-len(samples)) % BLOCK, dtype=np.float32)])
    events: list[SpeechStart | SpeechEnd] = []
    for index in range(0, len(padded), BLOCK):
        events.extend(segmenter.feed(padded[index : index + BLOCK]))
    events.extend(segmenter.flush())
    return events


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


def test_utterance_boundaries_are_within_150_ms_of_the_spoken_phrases(
    vad: SileroVad, tmp_path: Path
) -> None:
    first = say("Please smile for me, and then wink twice.", tmp_path)
    second = say("Nod your head.", tmp_path)
    third = say("Look to the left.", tmp_path)
    recording = compose([0.8, first, 1.5, second, 2.0, third, 1.2], tmp_path)
    vad.reset()
    events = run(Segmenter(vad), recording.samples)
    ends = [e for e in events if isinstance(e, SpeechEnd)]
    starts = [e for e in events if isinstance(e, SpeechStart)]
    assert len(ends) == len(starts) == 3
    for event, (start, end) in zip(ends, recording.spans, strict=True):
        assert abs(event.start - start) <= TOLERANCE_S, (event.start, start)
        assert abs(event.end - end) <= TOLERANCE_S, (event.end, end)
        assert not event.cut
    # the start event reports the same onset the end event does
    assert [s.start for s in starts] == [e.start for e in ends]


def test_the_utterance_audio_keeps_the_pre_roll_before_the_onset(
    vad: SileroVad, tmp_path: Path
) -> None:
    phrase = say("Smile.", tmp_path)
    recording = compose([1.0, phrase, 1.0], tmp_path)
    vad.reset()
    options = VadOptions(pre_roll_s=0.3)
    [end] = [e for e in run(Segmenter(vad, options), recording.samples) if isinstance(e, SpeechEnd)]
    onset = round(end.start * RATE)
    pre_roll = round(0.3 * RATE / BLOCK) * BLOCK  # whole 32 ms blocks: 9 blocks = 0.288 s
    begin = onset - pre_roll
    # the audio is the recording from 0.288 s before the onset, sample for sample ...
    assert np.array_equal(end.audio, recording.samples[begin : begin + len(end.audio)])
    # ... so the first voiced sample of the phrase is inside it, not cut off
    assert begin / RATE <= recording.spans[0][0]
    assert (begin + len(end.audio)) / RATE >= recording.spans[0][1]


def test_silence_noise_and_music_give_no_utterance(vad: SileroVad) -> None:
    parts = [
        silence(8.0),
        white_noise(8.0, 0.05, seed=1),
        white_noise(4.0, 0.2, seed=2),
        pink_noise(8.0, 0.1, seed=3),
        tones(8.0, 0.1),
    ]
    total = sum(len(p) for p in parts) / RATE
    assert total >= 30.0
    vad.reset()
    assert run(Segmenter(vad), np.concatenate(parts)) == []


def test_a_long_utterance_is_cut_at_the_maximum_length(vad: SileroVad, tmp_path: Path) -> None:
    phrase = say("Please smile for me, and then wink twice, and then nod your head.", tmp_path)
    recording = compose([0.5, phrase, 1.0], tmp_path)
    speech_s = recording.spans[0][1] - recording.spans[0][0]
    vad.reset()
    options = VadOptions(max_utterance_s=1.5)
    ends = [e for e in run(Segmenter(vad, options), recording.samples) if isinstance(e, SpeechEnd)]
    assert speech_s > 3.0
    assert ends[0].cut
    assert ends[0].end - ends[0].start <= 1.5 + 0.05
    assert len(ends) >= 2  # the rest of the speech is the next utterance


def test_speech_shorter_than_the_minimum_is_ignored(vad: SileroVad, tmp_path: Path) -> None:
    phrase = say("Smile.", tmp_path)
    recording = compose([1.0, phrase, 1.0], tmp_path)
    speech_s = recording.spans[0][1] - recording.spans[0][0]
    vad.reset()
    strict = VadOptions(min_speech_s=speech_s + 0.3)
    assert run(Segmenter(vad, strict), recording.samples) == []
    vad.reset()
    assert len(run(Segmenter(vad), recording.samples)) == 2


def test_bad_windows_and_options_are_refused(vad: SileroVad) -> None:
    with pytest.raises(ValueError, match="512 samples"):
        vad.probability(np.zeros(400, dtype=np.float32))
    with pytest.raises(ValueError, match="threshold"):
        VadOptions(threshold=1.5)
