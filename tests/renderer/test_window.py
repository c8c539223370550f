"""The real window process under SDL's dummy video driver: frames, commands, crashes, close."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from renderer import WindowOptions, WindowSink
from tests.renderer._helpers import REPO, EventLog, frame, screenshot, solid, wait_until

posix_only = pytest.mark.skipif(os.name != "posix", reason="uses POSIX signals")


@pytest.fixture(autouse=True)
def _headless_sdl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")


def _options(**overrides: object) -> WindowOptions:
    values: dict[str, object] = {
        "driver": "dummy", "size": (320, 240), "max_frame_size": (256, 256), "target_fps": 60,
    }
    values.update(overrides)
    return WindowOptions(**values)


@pytest.fixture
def window() -> Iterator[WindowSink]:
    sink = WindowSink(_options())
    try:
        assert sink.start(), sink.reason
        yield sink
    finally:
        sink.close()


def _shown(sink: WindowSink, seq: int) -> bool:
    return sink.stats().displayed_seq == seq


def test_start_opens_the_window_and_frames_arrive_in_order(window: WindowSink) -> None:
    assert window.state == "open"
    assert window.reason == ""
    assert window.stats().size == (320, 240)
    observed: list[int] = []
    for seq in range(8):
        window.submit(frame(seq, solid((seq * 30, 0, 0))))
        wait_until(lambda s=seq: observed.append(window.stats().displayed_seq) or _shown(window, s),
                   what=f"frame {seq} on screen")
    assert observed == sorted(observed), "the window went back to an older frame"
    assert window.stats().frames_shown == 8
    assert window.stats().frames_submitted == 8


@posix_only
def test_burst_ends_on_the_newest_frame_and_drops_stale_ones(
    window: WindowSink, tmp_path: Path
) -> None:
    """The whole burst arrives while the window process is stopped (SIGSTOP), so however fast or
    slow this machine is, the window can only catch up afterwards."""
    log = EventLog(window)
    shown_before = window.stats().frames_shown
    pid = window.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    try:
        for seq in range(100):
            window.submit(frame(seq, solid((seq, 255 - seq, 7))))
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until(lambda: _shown(window, 99), what="the last frame of the burst on screen")
    stats = window.stats()
    # A queue would put all 100 on screen one by one; the window skips to the newest instead.
    assert stats.frames_shown - shown_before < 50
    # at most a frame it was reading when stopped, then the newest
    assert stats.frames_shown - shown_before <= 2
    assert stats.frames_submitted == 100
    picture = screenshot(log, tmp_path / "burst.png")
    assert tuple(picture[120, 160]) == (99, 156, 7)


def test_frames_are_letterboxed_with_black_bars(window: WindowSink, tmp_path: Path) -> None:
    log = EventLog(window)
    window.submit(frame(0, solid((200, 30, 40), (100, 100))))
    wait_until(lambda: _shown(window, 0))
    picture = screenshot(log, tmp_path / "letterbox.png")
    assert picture.shape == (240, 320, 3)
    # A square frame in a 320x240 window: scaled to 240x240 at x = 40..279, bars on both sides.
    assert (picture[:, :38] == 0).all() and (picture[:, 282:] == 0).all()
    assert (np.abs(picture[:, 42:278].astype(int) - (200, 30, 40)) <= 2).all()


def test_resize_and_fullscreen_commands_take_effect(window: WindowSink) -> None:
    log = EventLog(window)
    window.resize(400, 300)
    log.wait_for("resized", size=(400, 300))
    assert window.stats().size == (400, 300)

    window.toggle_fullscreen()
    changed = log.wait_for("fullscreen_changed", fullscreen=True)
    stats = window.stats()
    assert stats.fullscreen and stats.size == changed.size != (400, 300)

    window.post_key("f11")  # the key toggles it back, to the remembered window size
    log.wait_for("fullscreen_changed", fullscreen=False)
    assert window.stats().size == (400, 300) and not window.stats().fullscreen
    assert "key_pressed" in log.kinds()


def test_overlay_toggles_by_command_and_f3(window: WindowSink, tmp_path: Path) -> None:
    log = EventLog(window)
    window.submit(frame(0, solid((0, 0, 255), (320, 240))))
    wait_until(lambda: _shown(window, 0))
    plain = screenshot(log, tmp_path / "plain.png")
    window.set_overlay(True)
    log.wait_for("overlay_changed")
    assert window.stats().overlay
    with_overlay = screenshot(log, tmp_path / "overlay.png")
    # The overlay box sits in the top-left corner; the rest of the picture is untouched.
    assert (with_overlay[:40, :150] != plain[:40, :150]).any()
    assert (with_overlay[100:, :] == plain[100:, :]).all()
    window.post_key("f3")
    wait_until(lambda: not window.stats().overlay, what="F3 to hide the overlay")


@posix_only
def test_killed_window_is_detected_and_restarted(window: WindowSink) -> None:
    window.submit(frame(0, solid((10, 20, 30))))
    wait_until(lambda: _shown(window, 0))
    old_pid = window.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    wait_until(lambda: window.state == "crashed", what="the crash to be noticed")
    assert "SIGKILL" in window.reason
    window.submit(frame(1, solid((1, 2, 3))))  # dropped, and must not raise

    assert window.ensure_alive()
    assert window.state == "open" and window.pid != old_pid
    window.submit(frame(2, solid((40, 50, 60))))
    wait_until(lambda: _shown(window, 2), what="frames to flow after the restart")


@posix_only
def test_hung_window_counts_as_crashed_and_is_replaced() -> None:
    sink = WindowSink(_options(heartbeat_timeout=0.5))
    try:
        assert sink.start(), sink.reason
        hung_pid = sink.pid
        assert hung_pid is not None
        os.kill(hung_pid, signal.SIGSTOP)
        wait_until(lambda: sink.state == "crashed", what="the silent window to count as crashed")
        assert "stopped responding" in sink.reason
        assert sink.ensure_alive()
        assert sink.pid != hung_pid
        wait_until(lambda: not _pid_alive(hung_pid), what="the hung process to be killed")
    finally:
        sink.close()


def test_closing_the_window_ends_only_the_child_and_start_reopens(window: WindowSink) -> None:
    log = EventLog(window)
    window.post_quit()  # the same pygame.QUIT the close button sends
    wait_until(lambda: window.state == "closed", what="the window to close")
    assert "closed" in log.kinds()
    wait_until(lambda: not _pid_alive(window.pid), what="the window process to exit")
    window.submit(frame(5, solid((1, 1, 1))))  # ignored while closed
    assert not window.ensure_alive()  # a user's close is respected
    assert window.state == "closed"

    assert window.start()
    window.submit(frame(6, solid((9, 9, 9))))
    wait_until(lambda: _shown(window, 6), what="frames after reopening")


def test_exit_combo_is_reported_and_escape_is_ignored_in_kiosk_mode() -> None:
    sink = WindowSink(_options(exit_combo="Shift+Ctrl+Q", fullscreen=True))
    log = EventLog(sink)
    try:
        assert sink.start(), sink.reason
        sink.post_key("escape")
        log.wait_for("key_pressed", key="escape")
        sink.post_key("ctrl+shift+q")
        log.wait_for("exit_requested", key="ctrl+shift+q")
        assert sink.stats().fullscreen, "Esc must not leave fullscreen in kiosk mode"
        assert sink.state == "open", "the parent decides what the exit combination does"
        assert "fullscreen_changed" not in log.kinds()
    finally:
        sink.close()


def test_escape_leaves_fullscreen_without_an_exit_combo() -> None:
    sink = WindowSink(_options(fullscreen=True))
    log = EventLog(sink)
    try:
        assert sink.start(), sink.reason
        assert sink.stats().fullscreen
        sink.post_key("escape")
        log.wait_for("fullscreen_changed", fullscreen=False)
        assert sink.stats().size == (320, 240)
        assert "exit_requested" not in log.kinds()
    finally:
        sink.close()


def test_missing_display_gives_unavailable_with_a_reason() -> None:
    sink = WindowSink(_options(driver="nonexistent"))
    try:
        assert sink.start() is False
        assert sink.state == "unavailable"
        assert "nonexistent" in sink.reason and "no display" in sink.reason
        sink.submit(frame(0, solid((0, 0, 0))))
        assert not sink.ensure_alive()
    finally:
        sink.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display discovery")
def test_no_display_and_no_driver_is_unavailable_not_an_invisible_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    sink = WindowSink(_options(driver=None))
    try:
        assert sink.start() is False
        assert sink.state == "unavailable"
        assert "no display" in sink.reason
    finally:
        sink.close()


def test_close_frees_the_process_and_shared_memory() -> None:
    sink = WindowSink(_options())
    assert sink.state == "disabled"
    assert sink.start(), sink.reason
    pid = sink.pid
    shm_name = sink._resources.buffer.name  # type: ignore[union-attr]
    sink.close()
    assert sink.state == "disabled"
    assert not _pid_alive(pid)
    if Path("/dev/shm").is_dir():
        assert not (Path("/dev/shm") / shm_name.lstrip("/")).exists()
    sink.submit(frame(0, solid((0, 0, 0))))  # a closed sink drops frames quietly


@posix_only
def test_window_exits_by_itself_when_the_parent_dies() -> None:
    script = (
        "import sys, time\n"
        "from renderer import WindowOptions, WindowSink\n"
        "sink = WindowSink(WindowOptions(driver='dummy', size=(64, 64), max_frame_size=(64, 64)))\n"
        "assert sink.start(), sink.reason\n"
        "print(sink.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert _pid_alive(child_pid)
        parent.kill()
        parent.wait()
        wait_until(lambda: not _pid_alive(child_pid), what="the orphaned window to exit")
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.wait()


def test_options_normalise_the_exit_combo_and_reject_bad_ones() -> None:
    assert WindowOptions(exit_combo="Shift+CTRL+q").exit_combo == "ctrl+shift+q"
    with pytest.raises(ValidationError, match="unknown modifier"):
        WindowOptions(exit_combo="hyper+q")
    with pytest.raises(ValidationError, match="needs a key"):
        WindowOptions(exit_combo="ctrl+shift")
    with pytest.raises(ValidationError, match="width, height"):
        WindowOptions(size=(0, 100))


def _pid_alive(pid: int | None) -> bool:
    """True while `pid` exists and is not a zombie."""
    if pid is None:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    time.sleep(0)
    return True


def test_stats_read_while_the_window_closes_finish_before_the_memory_is_freed(
    window: WindowSink,
) -> None:
    """A header view does not keep the shared memory mapped: `close` on one thread must wait
    for a `stats` read on another (the render loop asks every tick), or the read crashes the
    process. The header is slowed down here so the read is still going when `close` starts."""
    buffer, process = window._resources.buffer, window._resources.process
    assert buffer is not None and process is not None
    real, free = buffer.header, buffer.close
    reading, go = threading.Event(), threading.Event()
    order: list[str] = []

    class SlowHeader:  # the real values, read before the wait: the test itself never crashes
        def __init__(self) -> None:
            self.values = {name: real[name].copy() for name in real.dtype.names}

        def __getitem__(self, name: str) -> np.ndarray:
            if threading.current_thread().name == "stats-reader":
                reading.set()
                go.wait(10)
            return self.values[name]

    def freed() -> None:
        order.append("freed")
        free()

    buffer.header = SlowHeader()  # type: ignore[assignment]
    buffer.close = freed  # type: ignore[method-assign]
    read: list[object] = []
    reader = threading.Thread(
        target=lambda: (read.append(window.stats()), order.append("read")), name="stats-reader"
    )
    reader.start()
    assert reading.wait(10)
    closer = threading.Thread(target=window.close)
    closer.start()
    wait_until(lambda: not process.is_alive(), timeout=10)  # close's last step is the memory
    closer.join(0.5)
    go.set()
    reader.join(10)
    closer.join(10)
    assert order == ["read", "freed"]
    assert read and read[0].size == (320, 240)
    assert window.stats().frames_shown == 0  # closed: the defaults
