"""`avatar say`, `--mute` and `avatar bench --engine tts` the way a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import av

from tests.e2e._helpers import REPO, avatar

PORTRAIT = REPO / "assets" / "portrait.png"


def audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return float(stream.duration * stream.time_base)


def test_say_into_a_video_has_the_line_in_sound(tmp_path: Path) -> None:
    out = tmp_path / "hello.mp4"
    done = avatar("say", "안녕하세요, 반가워요!", "-o", out, "--portrait", PORTRAIT, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "sound in" in done.stdout
    assert 1.0 < audio_seconds(out) < 4.0


def test_say_live_speaks_and_returns_when_done(tmp_path: Path) -> None:
    done = avatar("say", "Hello there.", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "speaking with" in done.stderr and "eSpeak NG" in done.stderr


def test_say_refuses_what_cannot_be_said(tmp_path: Path) -> None:
    for text, message in (("   ", "nothing to say; give the text"),
                          ("😀🎉", "nothing to say aloud in")):
        done = avatar("say", text, cwd=tmp_path)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("avatar: ") and message in lines[0]


def test_mute_renders_without_sound(tmp_path: Path) -> None:
    out = tmp_path / "quiet.mp4"
    done = avatar("--mute", "say", "안녕하세요", "-o", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no sound" in done.stdout
    with av.open(str(out)) as container:
        assert not container.streams.audio


def test_bench_tts_prints_first_audio_and_real_time_factor(tmp_path: Path) -> None:
    done = avatar("bench", "--engine", "tts", "--frames", "4", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    espeak = figures["espeak"]
    assert espeak["voice"] == "eSpeak NG" and espeak["utterances"] == 4
    assert 0 < espeak["first_audio_ms_p50"] <= espeak["first_audio_ms_p95"]
    assert 0 < espeak["real_time_factor"] < 1
    assert "supertonic" in figures
