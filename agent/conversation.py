"""`Conversation`: the one place every utterance goes through, and the live frame loop.

Console, scripts, the kiosk and voice all call `submit`/`play`. The conversation interprets the
text, preempts the running plan, and a worker thread samples the timeline by wall clock, renders
frames and hands them to the sinks (window, recorder, terminal preview). It publishes events for
everything and never lets a failing part stop the loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import numpy as np

from agent._bus import ErrorReporter, EventBus
from agent._portrait import prepare_portrait, read_portrait
from agent._pump import FramePump
from agent._replies import ReplyStreams
from agent._window import WindowSupervisor
from agent.config import Settings
from agent.events import (
    ComponentStateChanged,
    Event,
    Interrupted,
    PlanStarted,
    PortraitChanged,
    ReplyReady,
    Status,
    StatusChanged,
    UtteranceReceived,
    WindowState,
)
from agent.transcript import Transcript, session_file_name
from animator.engines import ENGINE_CHOICES, create_engine
from animator.errors import PortraitError
from animator.player import Player
from animator.timeline import Timeline
from animator.timeline.lipsync import AudioClock
from contracts import (
    MAX_UTTERANCE_CHARS,
    Engine,
    EngineInfo,
    Frame,
    Plan,
    SpeechTiming,
    Utterance,
    UtteranceSource,
)
from intents import Interpreter
from intents.llm import build_interpreter
from renderer import WindowStats

log = logging.getLogger("avatar.agent")

T = TypeVar("T")
STATUS_INTERVAL_S = 0.25
HISTORY_SIZE = 500


class Conversation:
    """Utterances in, plans played, frames out; thread-safe.

    Args:
        settings: the loaded settings.
        window: open the pygame window at `start` (None: `settings.window.enabled`).
        supervised: kiosk behaviour: reopen a crashed window with backoff, re-create a failing
            engine (then fall back to the fallback engine), and report the exit combination.
        engine: an engine instance to use instead of creating `settings.engine` (embedding a
            custom engine); `set_engine` still switches to the named engines.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        window: bool | None = None,
        supervised: bool = False,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self._given_engine = engine
        self._want_window = settings.window.enabled if window is None else window
        self._supervised = supervised
        self._bus = EventBus()
        self._errors = ErrorReporter(self._bus)
        self._lock = threading.RLock()
        self._turn = threading.RLock()  # one utterance at a time: its records stay together
        self._interrupting = threading.RLock()
        self._window = WindowSupervisor(
            settings.window, settings.target_fps, self._bus,
            supervised=supervised, kiosk=settings.kiosk,
        )
        self._pump = FramePump(
            settings.target_fps, self._bus, self._window, self._engine_failed, self._after_tick
        )
        self._history: deque[str] = deque(maxlen=HISTORY_SIZE)
        self._transcript_path = settings.transcripts_dir / session_file_name("session", ".jsonl")
        self._transcript: Transcript | None = None
        self._interpreter: Interpreter | None = None
        self._replies = ReplyStreams(
            self._bus, self._start, lambda: self._require(self._transcript), self._turn
        )
        self._player: Player | None = None
        self._engine_name: str = settings.engine
        self._image: np.ndarray | None = None
        self._portrait_path = Path(settings.portrait)
        self._face = settings.face
        self._notes: dict[str, tuple[str, ...]] = {}
        self._components: dict[str, str] = {}
        self._bus.subscribe(self._track_component)
        self._bus.subscribe(self._pump.hear)
        self._last_status: Status | None = None
        self._next_status = 0.0

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Load the portrait, engine and interpreter, open the window, start the frame loop.

        Raises:
            animator.PortraitError: the configured portrait cannot be used.
            ValueError: the configured engine cannot be created.
        """
        with self._lock:
            if self._player is not None:
                return
            image = read_portrait(self._portrait_path, fit=self.settings.window.size)
            engine, notes = self._given_engine, []
            if engine is None:
                engine, notes = create_engine(
                    self._engine_name,
                    models_dir=self.settings.models_dir,
                    device=self.settings.device,
                    backend=self.settings.backend,
                )
            source = prepare_portrait(engine, image, self._portrait_path, self._face)
            self._image = image
            self._notes["engine"] = tuple(notes)
            self._notes["portrait"] = tuple(source.notes)
            self._interpreter = build_interpreter(
                self.settings.llm, models_dir=self.settings.models_dir, on_state=self._llm_state
            )
            self._player = Player(engine, source, Timeline(seed=self.settings.seed))
            self._pump.attach(self._player)
            self._transcript = Transcript(self._transcript_path)
        for note in notes:
            log.warning("%s", note)
        if self._want_window:
            self.open_window()
        self._pump.start()
        self._publish_status(force=True)

    def stop(self) -> None:
        """Stop the frame loop, close the window, finish a recording, close the transcript."""
        self._replies.cancel()
        self._pump.stop()
        self._window.close()
        with self._lock:
            if self._transcript is not None:
                self._transcript.close()

    # ----------------------------------------------------------------- utterances and plans

    def submit(self, text: str | Utterance, source: UtteranceSource = "typed") -> Plan | None:
        """Interpret `text` and play the plan at once, preempting what plays.

        `text` may be a whole `Utterance` (voice input carries its language, timestamps and
        recognition confidence); `source` is then taken from it.

        With an LLM the plan starts when its first step is decoded and the reply follows as one
        `ReplyReady` per sentence, until the next barge-in.

        Returns:
            The plan that started, or None for empty text, text over `MAX_UTTERANCE_CHARS`
            characters, when the interpreter failed (the last two reported as
            `ErrorOccurred`), or when a barge-in came before any plan.
        """
        given = text if isinstance(text, Utterance) else None
        text = text.text.strip() if given is not None else text.strip()
        if not text:
            return None
        interpreter = self._require(self._interpreter)
        if given is not None:
            source = given.source
        if len(text) > MAX_UTTERANCE_CHARS:
            self._errors.report(
                "input",
                f"a {source} line of {len(text):,} characters was refused (at most "
                f"{MAX_UTTERANCE_CHARS:,}); send shorter lines",
            )
            return None
        if given is not None:
            utterance = given.model_copy(update={"text": text})
        else:
            utterance = Utterance(text=text, source=source)
        epoch = self._barge_in(source)
        with self._turn:
            self._replies.wait()
            self._history.append(text)
            self._receive(utterance)
            started = time.perf_counter()
            try:
                stream = interpreter.interpret_stream(text)
                plan = self._replies.first_plan(stream, epoch)
            except Exception as exc:
                log.debug("interpreter failed", exc_info=True)
                self._errors.report("interpreter", f"could not understand {text!r}: {exc}")
                return None
            if plan is None:
                return None
            plan_id = self._start(plan, utterance, (time.perf_counter() - started) * 1000.0)
            self._replies.follow(stream, plan_id, utterance)
        return plan

    def wait_reply(self, timeout: float | None = None) -> bool:
        """Wait until the streamed reply of the last utterance has ended; False on timeout.
        (Line-mode front-ends wait here so the next line does not cut the answer short.)"""
        return self._replies.wait_idle(timeout)

    def forget(self) -> None:
        """Forget the conversation so far (the LLM's memory of earlier turns; `/reset`)."""
        self._require(self._interpreter).reset()
        self._require(self._transcript).write("session", event="reset")

    def play(self, plan: Plan, utterance: Utterance | None = None) -> int:
        """Play an explicit plan at once, preempting what plays; returns its plan id.

        `utterance`, when given (a script line), is published and transcribed like a submit.
        """
        if utterance is not None:
            self.interrupt(utterance.source)
        with self._turn:
            if utterance is not None:
                self._receive(utterance)
            return self._start(plan, utterance, 0.0)

    def speak_along(
        self, plan_id: int, timing: SpeechTiming | None, clock: AudioClock | None = None
    ) -> None:
        """The mouth of plan `plan_id` follows a voice: `timing` (its units) on `clock`
        (monotonic time → seconds of the line heard, the sound card's clock); None: the voice
        stopped now, the mouth closes. The speaker calls it for every sentence it adds."""
        player = self._require(self._player)
        if timing is None:
            player.hush(time.monotonic())
        else:
            assert clock is not None, "a voice line needs its clock"
            player.speak(plan_id, timing, clock)

    def interrupt(self, reason: str) -> None:
        """Barge-in: whoever speaks now (typed text, voice activity, a remote command) stops the
        avatar's speech at once. Producers call it; the speaker reacts to `Interrupted`."""
        self._barge_in(reason)

    def _barge_in(self, reason: str) -> int:
        """Publish `Interrupted`; returns the barge-in count it set. Two submits at once each
        learn their own count, so the later one always cancels the earlier one's reply."""
        with self._interrupting:
            self._bus.publish(Interrupted(reason=reason))
            return self._replies.epoch

    def _receive(self, utterance: Utterance) -> None:
        self._require(self._transcript).utterance(utterance)
        self._bus.publish(UtteranceReceived(utterance=utterance))

    def _start(self, plan: Plan, utterance: Utterance | None, interpret_ms: float) -> int:
        player = self._require(self._player)
        now = time.monotonic()
        plan_id = player.play(plan, now)
        self._pump.plan_started(plan_id, now)
        transcript = self._require(self._transcript)
        transcript.plan(plan, plan_id, interpret_ms)
        self._bus.publish(PlanStarted(plan, plan_id, utterance, interpret_ms))
        reply = plan.spoken
        if reply:
            transcript.reply(reply, plan_id)
            self._bus.publish(ReplyReady(text=reply, plan_id=plan_id))
        return plan_id

    def set_override(self, channels: Mapping[str, float] | None) -> None:
        """The operator's hand on the face (sliders): `channels` set over every layer (values
        clamped to their ranges) until the next call; None releases them.

        Raises:
            ValueError: an unknown channel name (the message lists the channels).
        """
        timeline = self._require(self._player).timeline
        if channels is None:
            timeline.clear_override()
        else:
            timeline.set_override(channels)

    # ----------------------------------------------------------------- the frame loop

    def _after_tick(self, now: float) -> None:
        self._window.check(now)
        self._publish_status()

    def _engine_failed(self, exc: Exception) -> None:
        log.debug("engine failed", exc_info=exc)
        player = self._require(self._player)
        name = player.engine.info.name
        self._errors.report("engine", f"{name} engine failed: {exc}. Showing the last frame.")
        limit = self.settings.kiosk.engine_error_limit
        window_s = self.settings.kiosk.engine_error_window_s
        if self._supervised and self._errors.recent_count("engine", window_s) >= limit:
            self._recover_engine()

    def _recover_engine(self) -> None:
        """Kiosk: re-create the engine; if that fails or is the same broken kind, use fallback."""
        self._errors.forget("engine")
        current = self._require(self._player).engine.info
        choice = "fallback" if current.fallback else self._engine_name
        for name in dict.fromkeys([choice, "fallback"]):
            try:
                self.set_engine(name)
            except Exception as exc:
                self._errors.report("engine", f"could not restart the {name} engine: {exc}")
                continue
            log.warning("engine restarted as %s", name)
            return

    # ----------------------------------------------------------------- events and status

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call `callback` with every event; returns the unsubscribe function.

        Callbacks run on the render thread or the caller's thread and must not block.
        """
        return self._bus.subscribe(callback)

    def publish(self, event: Event) -> None:
        """Publish a component's own facts (speech started, a partial transcript, its state) to
        every subscriber, the way the conversation publishes its own."""
        self._bus.publish(event)

    def _llm_state(self, state: str, problem: bool) -> None:
        self._bus.publish(ComponentStateChanged("llm", state, problem))

    def _track_component(self, event: Event) -> None:
        if isinstance(event, ComponentStateChanged):
            with self._lock:
                self._components[event.component] = event.state
            self._next_status = 0.0  # the next tick publishes the new status

    def status(self) -> Status:
        """A snapshot for status bars."""
        player = self._player
        engine = player.engine.info if player else EngineInfo(name=self._engine_name)
        with self._lock:
            notes = [note for group in self._notes.values() for note in group]
            components = tuple(self._components.items())
        if self._window.state == "unavailable":
            notes.append(f"window unavailable: {self._window.reason}")
        recording = self._pump.recording
        return Status(
            engine=engine,
            fps=round(self._pump.fps(), 1),
            latency_p50_ms=round(self._pump.latency.percentile(50), 1),
            latency_p95_ms=round(self._pump.latency.percentile(95), 1),
            queue_depth=self._window.queue_depth(),
            window=self._window.state,
            portrait=str(self._portrait_path),
            recording=str(recording) if recording is not None else None,
            notes=tuple(notes),
            components=components,
            face_box=_box(player.source.face_box) if player else None,
        )

    def latest_frame(self) -> Frame | None:
        """The newest delivered frame (for the terminal preview), or None before the first."""
        return self._pump.latest

    def _publish_status(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self._next_status:
            return
        self._next_status = now + STATUS_INTERVAL_S
        status = self.status()
        if force or status != self._last_status:
            self._last_status = status
            self._bus.publish(StatusChanged(status=status))

    # ----------------------------------------------------------------- portrait and engine

    def set_portrait(self, path: str | Path, face: int | None = None) -> None:
        """Make the photo at `path` the live portrait, animating its face number `face` (from 1,
        left to right; None: the largest).

        Raises:
            animator.PortraitError / NoFaceError: unreadable file, no face, or no face `face`;
                the old portrait stays live and an `ErrorOccurred` event is published as well.
        """
        player = self._require(self._player)
        path = Path(path).expanduser()
        try:
            image = read_portrait(path, fit=self.settings.window.size)
            source = prepare_portrait(player.engine, image, path, face)
        except PortraitError as exc:
            self._errors.report("portrait", f"{exc} The previous portrait stays.")
            raise
        with self._lock:
            player.swap(source=source)
            self._image, self._portrait_path, self._face = image, path, face
            self._notes["portrait"] = tuple(source.notes)
        self._bus.publish(PortraitChanged(path=str(path), notes=tuple(source.notes)))
        self._publish_status(force=True)

    def set_engine(self, name: str) -> EngineInfo:
        """Switch to engine `name` ("auto", "liveportrait", "fallback") for the live portrait.

        Raises:
            ValueError: unknown name, or LivePortrait weights missing (says how to get them).
        """
        player = self._require(self._player)
        engine, notes = create_engine(
            name, models_dir=self.settings.models_dir, device=self.settings.device,
            backend=self.settings.backend,
        )
        with self._lock:
            image = self._image
        assert image is not None, "start() loads the portrait"
        source = prepare_portrait(engine, image, self._portrait_path, self._face)
        with self._lock:
            player.swap(engine=engine, source=source)
            self._engine_name = name
            self._notes["engine"] = tuple(notes)
            self._notes["portrait"] = tuple(source.notes)
        self._publish_status(force=True)
        return engine.info

    def engine_names(self) -> list[str]:
        """The names `set_engine` accepts."""
        return list(ENGINE_CHOICES)

    # ----------------------------------------------------------------- recording

    def start_recording(self, path: str | Path | None = None) -> Path:
        """Record the live frames to `path` (.mp4/.gif/folder), default a new file under
        `<data_dir>/recordings/`; returns the path. A running recording is finished first."""
        player = self._require(self._player)
        target = (
            Path(path).expanduser()
            if path is not None
            else self.settings.recordings_dir / session_file_name("avatar", ".mp4")
        )
        self._pump.start_recording(target, player.source.size)
        self._publish_status(force=True)
        return target

    def stop_recording(self) -> Path | None:
        """Finish the recording; returns its path, or None when none was running."""
        path = self._pump.stop_recording()
        if path is not None:
            self._publish_status(force=True)
        return path

    # ----------------------------------------------------------------- window

    def open_window(self) -> WindowState:
        """(Re)open the pygame window; "unavailable" (with a status note) when no display."""
        state = self._window.open()
        self._publish_status(force=True)
        return state

    def close_window(self) -> None:
        """Close the window; the conversation keeps running."""
        self._window.close()
        self._publish_status(force=True)

    def window_stats(self) -> WindowStats | None:
        """What the window shows now (displayed frame seq and time, fps), None without one."""
        sink = self._window.sink
        return sink.stats() if sink is not None and self._window.state == "open" else None

    @property
    def window_state(self) -> WindowState:
        """"open", "closed", "crashed", "unavailable" or "disabled" (never opened)."""
        return self._window.state

    # ----------------------------------------------------------------- read-only facts

    @property
    def transcript_path(self) -> Path:
        """This session's JSONL transcript."""
        return self._transcript_path

    @property
    def history(self) -> list[str]:
        """Submitted texts, oldest first (the last few hundred)."""
        return list(self._history)

    @staticmethod
    def _require(value: T | None) -> T:
        if value is None:
            raise RuntimeError("the conversation is not started; call start() first")
        return value


def _box(box: tuple[int, ...]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (int(value) for value in box)
    return x0, y0, x1, y1
