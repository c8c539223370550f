"""Recognizer rules: transcript normalisation, hallucination rejection, device choice, model
choice, and the microphone dying mid-stream."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from models.whisper import EMBEDDED_WHISPER, embedded_whisper_dir
from voice.listener import Listener
from voice.listener_events import ListenerEvents, Phase
from voice.loading import ENGLISH_ONLY_NOTE, choose_model
from voice.recognizer import (
    MultilingualModelNeeded,
    RecognizerOptions,
    WhisperRecognizer,
    is_phantom,
    normalize_transcript,
    resolve_device,
)
from voice.sources import AudioDeviceError, MicrophoneSource
from voice.vad import Segmenter, SileroVad


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" Smile. ", "Smile"),
        ("Wink twice!", "Wink twice"),
        ("nod, twice.", "nod twice"),
        ("Shake your head, 2 times?", "Shake your head 2 times"),
        ("윙크, 두 번 해줘.", "윙크 두 번 해줘"),
        ("ＳＭＩＬＥ　ＴＷＩＣＥ！", "SMILE TWICE"),
        ("...look left, and then look right.", "look left, and then look right"),
        ("웃어줘。", "웃어줘"),
    ],
)
def test_transcripts_are_normalised_for_the_interpreter(raw: str, clean: str) -> None:
    assert normalize_transcript(raw) == clean


def test_the_known_phantom_lines_are_recognised() -> None:
    for line in ("감사합니다.", "시청해 주셔서 감사합니다.", "Thank you for watching!", " you"):
        assert is_phantom(line)
    assert not is_phantom("Thank you, smile for me")


def judge(segments: list[SimpleNamespace], speech_ratio: float = 1.0) -> object:
    recognizer = WhisperRecognizer.__new__(WhisperRecognizer)  # the rules only, no model load
    recognizer.options = RecognizerOptions()
    return recognizer._judge(segments, SimpleNamespace(language="en"), speech_ratio, 0.1)


def segment(text: str, no_speech: float = 0.05, logprob: float = -0.2) -> SimpleNamespace:
    return SimpleNamespace(text=text, no_speech_prob=no_speech, avg_logprob=logprob,
                           tokens=[1] * 5)


def test_segments_that_are_probably_not_speech_are_dropped() -> None:
    kept = judge([segment(" Smile.")])
    assert kept.text == "Smile" and kept.rejected is None  # type: ignore[attr-defined]
    assert kept.confidence == pytest.approx(np.exp(-0.2))  # type: ignore[attr-defined]
    assert judge([segment(" Smile.", no_speech=0.9)]).rejected == "no speech"  # type: ignore[attr-defined]
    assert judge([segment(" Smile.", logprob=-1.5)]).rejected == "no speech"  # type: ignore[attr-defined]
    assert judge([]).rejected == "nothing decoded"  # type: ignore[attr-defined]
    mixed = judge([segment(" Smile"), segment(" blah", logprob=-3.0)])
    assert mixed.text == "Smile"  # type: ignore[attr-defined]


def test_phantom_lines_count_only_when_the_vad_heard_real_speech() -> None:
    phantom = judge([segment(" Thank you for watching.")], speech_ratio=0.4)
    assert phantom.text == "" and "phantom" in phantom.rejected  # type: ignore[attr-defined]
    said = judge([segment(" Thank you for watching.")], speech_ratio=0.95)
    assert said.text == "Thank you for watching"  # type: ignore[attr-defined]


def test_device_auto_is_cuda_float16_only_with_a_gpu() -> None:
    import ctranslate2

    device, compute = resolve_device("auto")
    if ctranslate2.get_cuda_device_count() > 0:
        assert (device, compute) == ("cuda", "float16")
    else:
        assert (device, compute) == ("cpu", "int8")
    assert resolve_device("cpu") == ("cpu", "int8")
    with pytest.raises(ValueError, match="auto, cpu or cuda"):
        resolve_device("tpu")


def test_auto_falls_back_to_the_packaged_english_model(tmp_path: Path) -> None:
    choice = choose_model("auto", tmp_path)
    assert choice.name == EMBEDDED_WHISPER and choice.english_only
    assert choice.folder == embedded_whisper_dir()
    assert choice.note == ENGLISH_ONLY_NOTE
    assert "avatar models download whisper-small" in choice.note
    with pytest.raises(ValueError, match="unknown whisper model 'whisper-huge'"):
        choose_model("whisper-huge", tmp_path)


def test_a_downloaded_multilingual_model_wins_over_tiny_en(tmp_path: Path) -> None:
    from models.whisper import whisper_dir, whisper_files

    folder = whisper_dir("whisper-base", tmp_path)
    folder.mkdir(parents=True)
    for entry in whisper_files("whisper-base").files:  # sparse files of the right sizes
        with open(folder / entry.path, "wb") as handle:
            handle.truncate(entry.size)
    choice = choose_model("auto", tmp_path, device="cpu")
    assert choice.name == "whisper-base" and not choice.english_only and choice.note == ""
    (folder / "model.bin").write_bytes(b"truncated")  # a broken download is skipped
    assert choose_model("auto", tmp_path, device="cpu").name == EMBEDDED_WHISPER


def test_korean_on_an_english_only_model_says_what_to_download() -> None:
    folder = embedded_whisper_dir()
    assert folder is not None
    with pytest.raises(MultilingualModelNeeded, match="avatar models download whisper-small"):
        WhisperRecognizer(folder, EMBEDDED_WHISPER, RecognizerOptions(language="ko"))


def test_an_unplugged_microphone_ends_listening_with_a_clear_error() -> None:
    source = MicrophoneSource()
    # the PortAudio stream as it is after the device vanished: inactive, finished callback run
    source._stream = SimpleNamespace(active=False, stop=lambda: None, close=lambda: None)
    source._stopped.set()
    with pytest.raises(AudioDeviceError, match="unplugged"):
        source.read(0.01)

    class Errors(ListenerEvents):
        def __init__(self) -> None:
            self.errors: list[str] = []

        def on_error(self, message: str) -> None:
            self.errors.append(message)

    events = Errors()
    listener = Listener(source, Segmenter(SileroVad()), lambda: None, events)  # type: ignore[arg-type,return-value]
    listener._threads = []
    listener._capture_loop()  # runs on this thread until the dead stream ends it
    assert listener.phase is Phase.FAILED
    assert any("unplugged" in message for message in events.errors)
