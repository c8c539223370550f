"""The live frame loop: sample the player by wall clock, render, hand frames to the sinks.

A `FramePump` ticks on its own thread at the target rate. Each tick renders the pose for the
moment the frame will be seen, drops it if a newer plan started meanwhile, and gives it to the
window, the recorder and the terminal preview (`latest`). It measures the frame rate and the
time from a plan's start to its first frame. Engine exceptions never leave the tick: they go to
`on_engine_error` and the last good frame stays on screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from agent._bus import EventBus
from agent._loop import TickLoop
from agent._window import WindowSupervisor
from agent.events import Event, FrameRendered, SpeakingChanged, SpeechAudio
from agent.metrics import LatencyStats, RateMeter, Smoothed
from agent.recording import Recorder
from animator.player import Player
from contracts import Frame


class FramePump:
    """Renders and delivers frames at `fps` once `attach`ed to a player and started.

    Args:
        fps: target frames per second.
        bus: where `FrameRendered` goes.
        window: the window frames are shown in.
        on_engine_error: called on the render thread with each engine exception.
        after_tick: called on the render thread after every tick with the tick's time.
    """

    def __init__(
        self,
        fps: float,
        bus: EventBus,
        window: WindowSupervisor,
        on_engine_error: Callable[[Exception], None],
        after_tick: Callable[[float], None],
    ) -> None:
        self._fps = fps
        self._period = 1.0 / fps
        self._bus = bus
        self._window = window
        self._on_engine_error = on_engine_error
        self._after_tick = after_tick
        self._loop = TickLoop(self._tick, fps)
        self._lock = threading.Lock()
        self._player: Player | None = None
        self._render_s = Smoothed()
        self._display_s = Smoothed()
        self._rate = RateMeter()
        self.latency = LatencyStats()
        """Milliseconds from a plan's start to its first delivered frame (p50/p95)."""
        self._pending: dict[int, float] = {}
        self._latest: Frame | None = None
        self._recorder: Recorder | None = None
        self._switch = threading.RLock()
        """Held through a whole recording start or stop (opening an mp4 takes a while): a stop
        during a start finishes that recording, two starts never leave one unclosed."""

    def attach(self, player: Player) -> None:
        """Render from `player` (before `start`)."""
        self._player = player

    def start(self) -> None:
        """Start ticking on the render thread."""
        self._loop.start()

    def stop(self) -> None:
        """Stop ticking and finish a running recording."""
        self._loop.stop()
        self.stop_recording()

    def plan_started(self, plan_id: int, at: float) -> None:
        """A plan started at `at` (monotonic s): render at once and time its first frame."""
        with self._lock:
            self._pending = {plan_id: at}  # older plans will never show a first frame
        self._loop.wake()

    @property
    def latest(self) -> Frame | None:
        """The newest delivered frame, or None before the first."""
        return self._latest

    def fps(self) -> float:
        """Frames delivered per second over the last two seconds."""
        return self._rate.rate(time.monotonic())

    @property
    def recording(self) -> Path | None:
        """The file being recorded to, or None."""
        recorder = self._recorder
        return recorder.path if recorder is not None else None

    def start_recording(self, path: Path, size: tuple[int, int]) -> None:
        """Record delivered frames to `path` at the target rate, sized `size` (w, h)."""
        with self._switch:
            self.stop_recording()
            recorder = Recorder(path, self._fps, size)
            with self._lock:
                self._recorder = recorder

    def stop_recording(self) -> Path | None:
        """Finish the recording; its path, or None when none ran."""
        with self._switch:
            with self._lock:
                recorder, self._recorder = self._recorder, None
            return recorder.close() if recorder is not None else None

    def hear(self, event: Event) -> None:
        """Bus subscriber: the speech the avatar plays goes into a running recording."""
        recorder = self._recorder
        if recorder is None:
            return
        if isinstance(event, SpeechAudio):
            recorder.add_speech(event.audio, event.sample_rate, event.at)
        elif isinstance(event, SpeakingChanged) and not event.speaking:
            recorder.cut_speech(time.monotonic())

    def _tick(self, now: float) -> None:
        """Render the pose for when the frame will be seen and deliver it.

        A frame is on screen from about `render time + display delay` after `now` until the
        next one, so it shows the pose of the middle of that span (capped at one period ahead).
        Motion on screen then matches the clock, and the first frame after a new plan already
        shows the plan's start instead of the pose from before it.
        """
        player = self._player
        if player is None:
            return
        started = time.perf_counter()
        self._display_s.add(self._window.display_delay())
        ahead = self._render_s.value + self._display_s.value + 0.5 * self._period
        lead = min(self._period, ahead)
        try:
            frame = player.render_now(now + lead)
        except Exception as exc:
            self._on_engine_error(exc)
        else:
            elapsed = time.perf_counter() - started
            self._render_s.add(elapsed)
            self._deliver(player, frame, elapsed * 1000.0)
        self._after_tick(now)

    def _deliver(self, player: Player, frame: Frame, render_ms: float) -> None:
        with self._lock:
            if frame.plan_id != player.plan_id:
                return  # a newer plan started while this frame was rendered: drop it
            self._latest = frame
            started_at = self._pending.pop(frame.plan_id, None)
            recorder = self._recorder
        delivered = time.monotonic()
        if started_at is not None:
            self.latency.add((delivered - started_at) * 1000.0)
        self._window.submit(frame)
        if recorder is not None:
            recorder.add(frame)
        self._rate.tick(delivered)
        self._bus.publish(FrameRendered(frame.seq, frame.t, frame.plan_id, render_ms))
