"""The kiosk listens hands-free: spoken audio reaches the transcript as a voice utterance with its
plan. The machine has no microphone, so the microphone (and only it) is replaced by the same
audio played from memory in real time; VAD, recognition and the kiosk are the real ones."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

import agent.listener
from agent.kiosk import Kiosk
from tests.agent._helpers import make_settings, wait_until
from tests.voice._speech import compose, say
from voice.sources import FileSource, InputDevice


@pytest.fixture
def spoken_microphone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    samples = compose([1.0, say("Please smile and then wink twice.", tmp_path), 1.0], tmp_path)
    device = InputDevice(index=0, name="test microphone", channels=1, sample_rate=16_000.0,
                         default=True)
    monkeypatch.setattr(agent.listener, "list_input_devices", lambda: [device])
    monkeypatch.setattr(
        agent.listener, "MicrophoneSource",
        lambda device=None: FileSource(samples=samples.samples, paced=True),
    )
    return samples.samples


def test_the_kiosk_hears_a_spoken_command_hands_free(
    tmp_path: Path, spoken_microphone: np.ndarray
) -> None:
    feed = tmp_path / "feed.txt"
    feed.touch()
    (tmp_path / "models").mkdir()
    settings = make_settings(
        tmp_path,
        models_dir=tmp_path / "models",
        window={"size": [96, 96]},
        kiosk={"input": str(feed), "attract": False},
        voice={"enabled": True},
        speech={"enabled": False},
    )
    lines: list[str] = []
    kiosk = Kiosk(settings, announce=lines.append)
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(kiosk.run()))
    runner.start()
    try:
        path = kiosk.conversation.transcript_path

        def voice_records() -> list[dict[str, object]]:
            if not path.exists():
                return []
            records = [json.loads(line) for line in path.read_text().splitlines()]
            return [r for r in records if r.get("source") == "voice"]

        wait_until(voice_records, timeout=120.0, what="the spoken command in the transcript")
        [heard] = voice_records()
        assert heard["language"] == "en" and 0.0 < heard["confidence"] <= 1.0  # type: ignore[operator]
        assert "smile" in str(heard["text"]).lower()
    finally:
        kiosk.request_stop("test over")
        runner.join(30.0)
    assert result == [0]
    assert any(line.startswith("voice: hands-free") for line in lines)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    plans = [r["plan"] for r in records if r["kind"] == "plan"]
    steps = [[(s["intent"], s.get("repeat", 1)) for s in p["steps"]] for p in plans]  # type: ignore[index]
    assert [("smile", 1), ("wink", 2)] in steps
