"""The neural voice's loading and inference path, on a tiny model with the published layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.registry import supertonic_files
from tests.voice.tiny_supertonic import CHUNK, COMPRESS, RATE, SECONDS_PER_TOKEN, build
from voice.tts import TtsError, synthesize
from voice.tts.choice import choose_voice
from voice.tts.supertonic import GRAPHS, SPEED, SupertonicVoice


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("supertonic"))


def test_registry_lists_the_published_files() -> None:
    files = supertonic_files()
    paths = {entry.path for entry in files.files}
    assert {f"onnx/{name}.onnx" for name in GRAPHS} <= paths
    assert {"onnx/tts.json", "onnx/unicode_indexer.json", "voice_styles/F1.json"} <= paths
    assert files.repo_id == "Supertone/supertonic-2" and files.folder == "supertonic-2"


@pytest.mark.parametrize(("text", "language"), [("안녕하세요.", "ko"), ("Hello there.", "en")])
def test_tiny_model_speaks_through_the_real_pipeline(
    folder: Path, text: str, language: str
) -> None:
    voice = SupertonicVoice(folder, "F1", steps=3)
    spoken = voice.speak(text, language)  # type: ignore[arg-type]
    assert spoken.sample_rate == RATE
    ids = voice._ids(text, language)
    expected = int(ids.shape[1] * SECONDS_PER_TOKEN / SPEED * RATE)
    assert abs(len(spoken.audio) - expected) <= 2  # float32 seconds
    assert float(np.abs(spoken.audio).max()) > 0.01
    assert spoken.timing.timing == "audio" and spoken.timing.units
    assert spoken.timing.units[-1].end == pytest.approx(spoken.duration, abs=0.011)
    assert any(u.viseme != "sil" for u in spoken.timing.units)
    again = voice.speak(text, language)  # type: ignore[arg-type]
    assert np.array_equal(spoken.audio, again.audio), "seeded noise: same text, same samples"


def test_korean_is_decomposed_into_jamo_for_the_character_table(folder: Path) -> None:
    voice = SupertonicVoice(folder, "F1", steps=1)
    # <ko> + 2 syllables of 2 and 3 jamo + "." + </ko>: NFKD turns 안 into ᄋ ᅡ ᆫ
    assert voice._ids("아안", "ko").shape[1] == len("<ko>") + 2 + 3 + 1 + len("</ko>")


def test_streaming_through_the_neural_voice(folder: Path) -> None:
    voice = SupertonicVoice(folder, "F1", steps=2)
    spoken = synthesize("First sentence. 두 번째 문장.", voice=voice)
    assert spoken.sample_rate == RATE and spoken.duration > 2 * CHUNK * COMPRESS / RATE


def test_corrupt_model_says_how_to_repair(folder: Path, tmp_path: Path) -> None:
    broken = build(tmp_path / "broken")
    (broken / "onnx" / "vocoder.onnx").write_bytes(b"not an onnx graph")
    with pytest.raises(TtsError, match="avatar models download tts-supertonic"):
        SupertonicVoice(broken)
    with pytest.raises(TtsError, match=r"F9\.json"):
        SupertonicVoice(folder, "F9")


def test_choosing_a_broken_neural_voice_falls_back_to_espeak(tmp_path: Path) -> None:
    voice, notes = choose_voice("supertonic", models_dir=tmp_path)
    assert voice.name == "eSpeak NG"
    assert len(notes) == 1 and "avatar models download tts-supertonic" in notes[0]
    quiet_voice, quiet_notes = choose_voice("auto", models_dir=tmp_path)
    assert quiet_voice.name == "eSpeak NG" and quiet_notes == []
