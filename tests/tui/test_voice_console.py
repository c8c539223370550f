"""The console with a real voice listener fed by a spoken file: the voice line (state, level
meter, listening indicator), the voice chip with its confidence, /voice, /mic and push-to-talk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agent import Conversation, Settings, load_settings
from agent.listener import VoiceListener
from tests.tui._helpers import PORTRAIT, TERMINAL_SIZE, chat_text, wait_until
from tests.voice._speech import compose, say
from tui import ConsoleApp
from tui.widgets.voice_bar import VoiceBar, level_meter
from voice.sources import FileSource

SPOKEN_S = 90.0  # the file plays in real time, then tiny.en decodes on a busy machine


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    folder = tmp_path_factory.mktemp("spoken")
    return compose([0.8, say("Please smile and then wink twice.", folder), 1.2], folder).samples


@pytest.fixture
def voice_settings(tmp_path: Path) -> Settings:
    (tmp_path / "models").mkdir()
    return load_settings(
        portrait=PORTRAIT, engine="fallback", data_dir=tmp_path / "data",
        models_dir=tmp_path / "models", target_fps=5, window={"enabled": False},
        voice={"enabled": True, "mode": "handsfree"},
    )


@pytest.fixture
def voice_console(
    voice_settings: Settings, spoken: np.ndarray
) -> Iterator[tuple[ConsoleApp, VoiceListener]]:
    conversation = Conversation(voice_settings, window=False)
    conversation.start()
    voice = VoiceListener(
        voice_settings, "console", source_factory=lambda: FileSource(samples=spoken, paced=True)
    )
    try:
        yield ConsoleApp(conversation, voice=voice), voice
    finally:
        voice.stop()
        conversation.stop()


def voice_line(app: ConsoleApp) -> str:
    return str(app.screen.query_one(VoiceBar).render())


@pytest.mark.asyncio
async def test_speech_shows_the_level_meter_then_the_voice_chip_and_the_plan(
    voice_console: tuple[ConsoleApp, VoiceListener],
) -> None:
    app, voice = voice_console
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        voice.start(app.conversation)
        await wait_until(pilot, lambda: "hands-free" in voice_line(app), "the voice line")
        await wait_until(
            pilot, lambda: "hearing you" in voice_line(app) and "▮" in voice_line(app),
            "the listening indicator and a moving level meter while speech plays",
        )
        await wait_until(pilot, lambda: "[voice 0." in chat_text(app) or "[voice 1." in
                         chat_text(app), "the voice chip", within_s=SPOKEN_S)
        text = chat_text(app)
        line = next(ln for ln in text.splitlines() if "[voice" in ln)
        assert "smile" in line.lower() and "wink" in line.lower()
        await wait_until(pilot, lambda: "[wink 0.7 ×2]" in chat_text(app), "the plan chips")
        assert "[smile 0.7] → [wink 0.7 ×2]" in chat_text(app)
        assert "[neutral" not in chat_text(app)  # the listening cue is not a chat line


@pytest.mark.asyncio
async def test_voice_commands_and_the_talk_key(
    voice_console: tuple[ConsoleApp, VoiceListener],
) -> None:
    app, voice = voice_console
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        voice.start(app.conversation)
        await wait_until(pilot, lambda: "hands-free" in voice_line(app), "the voice line")
        assert "English only (tiny.en)" in voice_line(app)  # no multilingual model downloaded
        await pilot.press("f12")
        await wait_until(pilot, lambda: "push-to-talk" in voice_line(app), "push-to-talk mode")
        assert voice.mode.value == "ptt"
        for key in "/voice off":
            await pilot.press(key if key != " " else "space")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "voice: off" in chat_text(app), "/voice off")
        assert voice.mode.value == "off"
        for key in "/mic use x":
            await pilot.press(key if key != " " else "space")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "/mic: use /mic list or /mic use N" in chat_text(app),
                         "the /mic usage error")


def test_the_level_meter_fills_in_proportion() -> None:
    assert level_meter(0.0) == "▯" * 10
    assert level_meter(0.5) == "▮" * 5 + "▯" * 5
    assert level_meter(1.0) == "▮" * 10
