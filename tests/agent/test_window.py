"""The window as the Conversation drives it: a real pygame window process (SDL dummy driver)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from agent import Conversation
from agent._bus import EventBus
from agent._window import WindowSupervisor
from agent.config import KioskSettings, WindowSettings
from agent.events import ExitRequested, FrameRendered, WindowKeyPressed, WindowStateChanged
from tests.agent._helpers import EventLog, make_settings, wait_until


@pytest.fixture(autouse=True)
def _dummy_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")


def window_pids() -> set[int]:
    """Pids of this process's window children (multiprocessing 'spawn' children)."""
    pids = set()
    for child in psutil.Process().children():
        try:
            if any("spawn_main" in part for part in child.cmdline()):
                pids.add(child.pid)
        except psutil.Error:
            continue
    return pids


@pytest.fixture
def windowed(tmp_path: Path) -> Iterator[tuple[Conversation, EventLog]]:
    conv = Conversation(make_settings(tmp_path, window={"enabled": True, "size": [256, 256]}))
    log = EventLog()
    conv.subscribe(log)
    conv.start()
    yield conv, log
    conv.stop()


def test_window_shows_the_frames(windowed: tuple[Conversation, EventLog]) -> None:
    conv, log = windowed
    assert conv.window_state == "open"
    assert [e.state for e in log.of(WindowStateChanged)] == ["open"]
    wait_until(lambda: (s := conv.window_stats()) is not None and s.displayed_seq >= 0)
    stats = conv.window_stats()
    assert stats is not None
    first = stats.displayed_seq
    rendered = {e.seq for e in log.of(FrameRendered)}
    assert first in rendered  # the window shows frames the conversation delivered
    wait_until(lambda: (s := conv.window_stats()) is not None and s.displayed_seq > first)


def test_closing_the_window_keeps_the_conversation(
    windowed: tuple[Conversation, EventLog],
) -> None:
    conv, log = windowed
    conv.close_window()
    assert conv.window_state == "closed" and conv.window_stats() is None
    assert [e.state for e in log.of(WindowStateChanged)] == ["open", "closed"]
    count = len(log.of(FrameRendered))
    wait_until(lambda: len(log.of(FrameRendered)) > count + 3, what="frames without a window")
    assert conv.open_window() == "open"


def test_a_killed_window_is_reported_as_crashed(
    windowed: tuple[Conversation, EventLog],
) -> None:
    conv, log = windowed
    (pid,) = window_pids()
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: conv.window_state == "crashed", what="the crash to be noticed")
    assert [e.state for e in log.of(WindowStateChanged)] == ["open", "crashed"]
    assert conv.status().window == "crashed"
    count = len(log.of(FrameRendered))
    wait_until(lambda: len(log.of(FrameRendered)) > count + 3, what="frames after the crash")


def test_supervised_window_is_reopened_after_a_crash(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, window={"enabled": True, "size": [128, 128]}, kiosk={"restart_backoff_s": 0.1}
    )
    conv = Conversation(settings, supervised=True)
    log = EventLog()
    conv.subscribe(log)
    conv.start()
    try:
        (pid,) = window_pids()
        os.kill(pid, signal.SIGKILL)
        wait_until(
            lambda: [e.state for e in log.of(WindowStateChanged)] == ["open", "crashed", "open"],
            timeout=30.0, what="the window to come back",
        )
        assert conv.window_state == "open"
        assert window_pids() and pid not in window_pids()
    finally:
        conv.stop()


def test_no_display_means_unavailable_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    conv = Conversation(make_settings(tmp_path, window={"enabled": True}))
    log = EventLog()
    conv.subscribe(log)
    conv.start()
    try:
        assert conv.window_state == "unavailable"
        notes = [note for note in conv.status().notes if note.startswith("window unavailable")]
        assert len(notes) == 1
        (changed,) = log.of(WindowStateChanged)
        assert changed.state == "unavailable" and changed.reason
        assert conv.submit("웃어줘") is not None
        wait_until(lambda: log.of(FrameRendered), what="frames without a display")
    finally:
        conv.stop()


def test_exit_combination_and_keys_become_events() -> None:
    bus = EventBus()
    log = EventLog()
    bus.subscribe(log)
    window = WindowSupervisor(
        WindowSettings(size=(96, 96)), 30.0, bus, supervised=True, kiosk=KioskSettings()
    )
    try:
        assert window.open() == "open"
        assert window.sink is not None
        window.sink.post_key("f5")
        window.sink.post_key("ctrl+shift+q")

        def seen_exit() -> bool:
            window.check(time.monotonic() + 1.0)  # past the poll interval every time
            return bool(log.of(ExitRequested))

        wait_until(seen_exit, what="the exit combination")
        assert log.of(ExitRequested)[0].detail == "ctrl+shift+q"
        assert "f5" in [event.key for event in log.of(WindowKeyPressed)]
    finally:
        window.close()


def test_the_render_loop_does_not_wait_for_a_supervised_reopen() -> None:
    """A kiosk whose window crashed reopens it off the render thread: opening a window (a
    process start, seconds without a display) must not freeze the frames the web page shows."""
    window = WindowSupervisor(
        WindowSettings(size=(96, 96)), 30.0, EventBus(), supervised=True,
        kiosk=KioskSettings(restart_backoff_s=0.1),
    )
    ticks, running = [0], threading.Event()

    def render_loop() -> None:  # what the frame pump does after every frame
        while running.is_set():
            window.check(time.monotonic())
            ticks[0] += 1
            time.sleep(0.01)

    loop = threading.Thread(target=render_loop)
    try:
        assert window.open() == "open"
        sink = window.sink
        assert sink is not None and sink.pid is not None
        reopening, reopen = threading.Event(), threading.Event()
        revive = sink.ensure_alive

        def slow_revive() -> bool:
            reopening.set()
            reopen.wait(10)
            return revive()

        sink.ensure_alive = slow_revive  # type: ignore[method-assign]
        running.set()
        loop.start()
        os.kill(sink.pid, signal.SIGKILL)
        wait_until(reopening.is_set, what="the reopen to begin")
        during = ticks[0]
        try:
            wait_until(lambda: ticks[0] >= during + 20, timeout=3.0, what="ticks")
            ticked_during_the_reopen = True
        except AssertionError:
            ticked_during_the_reopen = False
        reopen.set()
        wait_until(lambda: window.state == "open", what="the window back")
        assert ticked_during_the_reopen
        assert window.restarts == 1
    finally:
        running.clear()
        if loop.is_alive():
            loop.join(10)
        window.close()
