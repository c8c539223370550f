"""`avatar listen` and `avatar voice devices` end to end: real VAD, the packaged tiny.en model,
the real interpreter, in a subprocess like a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.voice._speech import RATE, compose, pink_noise, require_tools, say, write_wav

REPO = Path(__file__).resolve().parents[2]

COMMANDS: list[tuple[str, list[tuple[str, int]]]] = [
    ("Smile.", [("smile", 1)]),
    ("Please smile and then wink twice.", [("smile", 1), ("wink", 2)]),
    ("Wink at me.", [("wink", 1)]),
    ("Blink twice.", [("blink", 2)]),
    ("Nod your head.", [("nod", 1)]),
    ("Shake your head.", [("shake_head", 1)]),
    ("Look to the left.", [("look_left", 1)]),
    ("Look to the right.", [("look_right", 1)]),
    ("Look up.", [("look_up", 1)]),
    ("Look down.", [("look_down", 1)]),
    ("Close your eyes.", [("close_eyes", 1)]),
    ("Laugh out loud.", [("laugh", 1)]),
    ("Give me a big smile.", [("smile", 1)]),
    ("Look surprised.", [("surprise", 1)]),
    ("Please look sad.", [("sad", 1)]),
    ("Show me an angry face.", [("angry", 1)]),
    ("Blow me a kiss.", [("kiss", 1)]),
    ("Nod three times.", [("nod", 3)]),
    ("Wink and then smile.", [("wink", 1), ("smile", 1)]),
    ("Look scared.", [("fear", 1)]),
    ("Look disgusted.", [("disgust", 1)]),
    ("Can you look confused?", [("confused", 1)]),
    ("Blink three times.", [("blink", 3)]),
    ("Smile and then nod.", [("smile", 1), ("nod", 1)]),
    ("Laugh and then wink.", [("laugh", 1), ("wink", 1)]),
    ("Look left and then look right.", [("look_left", 1), ("look_right", 1)]),
    ("Shake your head twice.", [("shake_head", 2)]),
    ("Be surprised and then laugh.", [("surprise", 1), ("laugh", 1)]),
    ("Close your eyes, please.", [("close_eyes", 1)]),
    ("Wink twice at me.", [("wink", 2)]),
    ("Look up and then smile.", [("look_up", 1), ("smile", 1)]),
    ("Nod twice.", [("nod", 2)]),
]


def avatar(
    *args: str | Path, models_dir: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`avatar ARGS` with a models folder that holds no downloaded whisper model (unless given):
    the packaged tiny.en is what runs, as on a fresh install."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVATAR_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env["AVATAR_MODELS_DIR"] = str(models_dir or Path(str(args[-1])).parent / "no-models")
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *map(str, args)],
        capture_output=True, text=True, env=env, timeout=timeout, check=False,
    )


@pytest.fixture(scope="module")
def command_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("commands")
    files = []
    for index, (text, _) in enumerate(COMMANDS):
        recording = compose([0.5, say(text, folder), 0.8], folder)
        files.append(recording.write(folder / f"command_{index:02d}.wav"))
    return files


def test_at_least_90_percent_of_32_spoken_commands_give_the_right_plan(
    command_files: list[Path],
) -> None:
    result = avatar("listen", "--json", *command_files)  # one process: the model loads once
    assert result.returncode == 0, result.stderr
    assert "English only (tiny.en)" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    by_file = {}
    for record in records:
        assert set(record) == {"file", "start", "end", "text", "language", "confidence", "plan"}
        assert record["language"] == "en" and 0.0 < record["confidence"] <= 1.0
        assert 0.3 <= record["start"] < record["end"]
        by_file.setdefault(record["file"], []).append(record)
    right = []
    for path, (text, expected) in zip(command_files, COMMANDS, strict=True):
        heard = by_file.get(str(path), [])
        steps = [(s["intent"], s["repeat"]) for r in heard for s in r["plan"]["steps"]]
        right.append(len(heard) == 1 and steps == expected)
        if not right[-1]:
            print(f"MISS {text!r}: heard {[r['text'] for r in heard]} → {steps}")
    accuracy = sum(right) / len(right)
    print(f"spoken-command accuracy with tiny.en: {sum(right)}/{len(right)} = {accuracy:.1%}")
    assert len(COMMANDS) >= 30
    assert accuracy >= 0.9
    # the issue's own example, exactly
    smile_wink = by_file[str(command_files[1])][0]["plan"]["steps"]
    assert [(s["intent"], s["repeat"]) for s in smile_wink] == [("smile", 1), ("wink", 2)]


def test_two_utterances_in_one_file_print_two_lines_in_order(tmp_path: Path) -> None:
    recording = compose(
        [0.6, say("Smile.", tmp_path), 1.5, say("Nod your head.", tmp_path), 0.6], tmp_path
    )
    path = recording.write(tmp_path / "two.wav")
    result = avatar("listen", "--json", path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["plan"]["steps"][0]["intent"] for r in records] == ["smile", "nod"]
    for record, (start, end) in zip(records, recording.spans, strict=True):
        assert abs(record["start"] - start) <= 0.15 and abs(record["end"] - end) <= 0.15


def test_noise_and_silence_print_nothing_and_exit_0(tmp_path: Path) -> None:
    noise = write_wav(tmp_path / "noise.wav", pink_noise(600.0, 0.1, seed=7))  # 10 minutes
    quiet = write_wav(tmp_path / "silence.wav", np.zeros(5 * RATE, dtype=np.float32))
    result = avatar("listen", noise, quiet)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_korean_asks_for_a_multilingual_model_instead_of_crashing(tmp_path: Path) -> None:
    require_tools()
    path = compose([0.5, say("웃어줘", tmp_path, voice="ko"), 0.5], tmp_path).write(
        tmp_path / "ko.wav"
    )
    result = avatar("listen", "--language", "ko", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("avatar: Korean speech needs a multilingual model")
    assert "avatar models download whisper-small" in lines[-1]
    assert "Traceback" not in result.stderr


def test_bad_files_are_named_and_the_good_ones_still_processed(tmp_path: Path) -> None:
    good = compose([0.5, say("Smile.", tmp_path), 0.6], tmp_path).write(tmp_path / "good.wav")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF" + bytes(range(256)) * 4)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    result = avatar("listen", "--json", corrupt, good, empty)
    assert result.returncode == 2
    assert [json.loads(line)["plan"]["steps"][0]["intent"] for line in
            result.stdout.splitlines()] == ["smile"]
    assert f"avatar: {corrupt}: cannot decode the audio" in result.stderr
    assert f"avatar: {empty}: the file is empty" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "avatar: 2 of 3 files could not be read"


def test_a_truncated_model_file_is_one_clear_line(tmp_path: Path) -> None:
    from models.whisper import embedded_whisper_dir

    embedded = embedded_whisper_dir()
    assert embedded is not None
    folder = tmp_path / "models" / "whisper" / "whisper-tiny.en"
    folder.mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).symlink_to(embedded / name)
    (folder / "model.bin").write_bytes((embedded / "model.bin").read_bytes()[:100_000])
    path = write_wav(tmp_path / "s.wav", np.zeros(RATE, dtype=np.float32))
    result = avatar("listen", "--model", "whisper-tiny.en", path, models_dir=tmp_path / "models")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "model.bin: wrong size" in line and "avatar models download whisper-tiny.en" in line


def test_voice_devices_lists_inputs_or_says_there_are_none(tmp_path: Path) -> None:
    result = avatar("voice", "devices", models_dir=tmp_path)
    assert result.returncode in (0, 2)
    if result.returncode == 2:
        assert "PortAudio" in result.stderr
    elif result.stdout.startswith("no input devices"):
        assert len(result.stdout.splitlines()) == 1
    else:
        assert all(line.split()[0].isdigit() for line in result.stdout.splitlines())
