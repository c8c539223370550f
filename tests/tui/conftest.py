"""Fixtures for the console tests: a real, started Conversation on the fallback engine.

The window stays closed (tests that need it set `SDL_VIDEODRIVER=dummy`), data goes to
`tmp_path`, and `models_dir` points at an empty folder so LivePortrait weights are never found.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent import Conversation, Settings, load_settings
from tests.tui._helpers import PORTRAIT, EventRecorder
from tui import ConsoleApp


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Offline settings: fallback engine, default portrait, everything under tmp_path."""
    monkeypatch.delenv("AVATAR_CONFIG", raising=False)
    models = tmp_path / "models"
    models.mkdir()
    return load_settings(
        portrait=PORTRAIT,
        engine="fallback",
        data_dir=tmp_path / "data",
        models_dir=models,
        target_fps=5,
        window={"enabled": False},
    )


@pytest.fixture
def conversation(settings: Settings) -> Iterator[Conversation]:
    """A started Conversation; stopped after the test."""
    conv = Conversation(settings, window=False)
    conv.start()
    try:
        yield conv
    finally:
        conv.stop()


@pytest.fixture
def recorder(conversation: Conversation) -> Iterator[EventRecorder]:
    """Every event the conversation publishes during the test."""
    events = EventRecorder()
    unsubscribe = conversation.subscribe(events)
    yield events
    unsubscribe()


@pytest.fixture
def app(conversation: Conversation) -> ConsoleApp:
    """The console on the real conversation."""
    return ConsoleApp(conversation)
