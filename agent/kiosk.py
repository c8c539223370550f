"""Kiosk mode: a fullscreen portrait that runs unattended for days.

No console. Text arrives one utterance per line from stdin or a FIFO/file (`kiosk.input`); each
line is logged and transcribed with where it came from ("stdin", "fifo", "file"). After
`kiosk.idle_seconds` without input an attract loop plays (transcribed as "attract"). The
conversation runs supervised: a crashed window is reopened with backoff and a failing engine is
re-created (then replaced by the fallback). The operator ends it with the window's exit
combination (default ctrl+shift+q), SIGTERM or SIGINT. Every buffer is bounded, so memory stays
flat however long it runs.
"""

from __future__ import annotations

import logging
import logging.handlers
import math
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable
from types import FrameType

from agent.components import Assembly, Component, standard_components
from agent.config import Settings
from agent.conversation import Conversation
from agent.cues import Cue, Schedule, schedule_script
from agent.events import Event, ExitRequested, SpeechStarted
from agent.lines import LineReader
from agent.script import Script, ScriptEvent, load_script
from agent.soundtrack import script_line_book
from contracts import Utterance
from contracts.text import printable
from intents import load_interpreter

log = logging.getLogger("avatar.agent")

LOOP_POLL_S = 0.05
LOG_BYTES = 5_000_000
LOG_BACKUPS = 3
MIN_ROUND_S = 0.001  # an empty attract schedule still takes this long per round


class AttractLoop:
    """Replays a schedule over and over while nobody talks to the kiosk.

    Args:
        schedule: the cues of one round and the round's length.
        idle_s: quiet seconds after a `reset` after which `due` starts a round by itself;
            infinite (or no `reset` yet) means only `start` starts one.
    """

    def __init__(self, schedule: Schedule, idle_s: float = math.inf) -> None:
        self._schedule = schedule
        self._idle_s = idle_s
        self._quiet_since: float | None = None
        self._started: float | None = None
        self._next = 0

    @property
    def active(self) -> bool:
        """True between `start` and `stop`."""
        return self._started is not None

    def start(self, now: float) -> None:
        """Begin the loop at time `now` (monotonic seconds)."""
        self._started, self._next = now, 0

    def stop(self) -> None:
        """End the loop (input arrived)."""
        self._started = None

    def reset(self, now: float) -> None:
        """Someone spoke (or the kiosk opened) at `now`: end the round that plays, and start
        again only after `idle_s` more seconds of quiet."""
        self._quiet_since = now
        self.stop()

    def due(self, now: float) -> list[Cue]:
        """Cues whose time has come since the last call.

        Starts a round after `idle_s` of quiet; a finished round's successor starts where the
        finished one ends (its start plus the schedule's duration), not at the polling time, so
        rounds keep their rhythm however late `due` is called.
        """
        quiet_since = self._quiet_since
        if self._started is None and quiet_since is not None and now - quiet_since >= self._idle_s:
            self.start(now)
        if self._started is None:
            return []
        cues = self._schedule.cues
        period = max(self._schedule.duration, MIN_ROUND_S)
        if self._next >= len(cues) and now - self._started >= period:
            self._started += (now - self._started) // period * period
            self._next = 0
        due = []
        while self._next < len(cues) and now - self._started >= cues[self._next].at:
            due.append(cues[self._next])
            self._next += 1
        return due


class Kiosk:
    """Runs a supervised, fullscreen `Conversation` fed by a line input until told to stop.

    Args:
        settings: the loaded settings; the window is forced on, fullscreen, cursor hidden.
        announce: where one-line status messages for the operator go.
        extra: components started after the standard ones (the web server of `--serve`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        announce: Callable[[str], None] = log.info,
        extra: Iterable[Component] = (),
    ) -> None:
        window = settings.window.model_copy(
            update={"enabled": True, "fullscreen": True, "hide_cursor": True}
        )
        self.settings = settings.model_copy(update={"window": window})
        self._announce = announce
        self._stop = threading.Event()
        self._spoken = threading.Event()  # speech counts as input: it ends the attract loop
        self.conversation = Conversation(self.settings, window=True, supervised=True)
        self._assembly = Assembly(
            self.conversation, [*standard_components(self.settings, "kiosk"), *extra]
        )
        self._reader = LineReader(settings.kiosk.input)
        schedule = self._attract_schedule()
        idle_s = settings.kiosk.idle_seconds
        self._attract = AttractLoop(schedule, idle_s) if schedule is not None else None

    def request_stop(self, reason: str = "") -> None:
        """Make `run` return soon (thread- and signal-safe)."""
        if reason and not self._stop.is_set():
            log.info("kiosk stopping: %s", reason)
        self._stop.set()

    def run(self) -> int:
        """Run until the exit combination, SIGTERM/SIGINT or `request_stop`; returns 0."""
        log_handler = self._log_to_file()
        restore = self._install_signal_handlers()
        try:
            self.conversation.subscribe(self._on_event)
            self._assembly.start()
            self._announce_start()
            self._reader.start()
            self._serve()
        finally:
            self._reader.stop()
            self._assembly.stop()
            restore()
            logging.getLogger("avatar").removeHandler(log_handler)
            log_handler.close()
        return 0

    def _serve(self) -> None:
        if self._attract is not None:
            self._attract.reset(time.monotonic())
        while not self._stop.is_set():
            try:
                text = self._reader.lines.get(timeout=LOOP_POLL_S)
            except queue.Empty:
                text = None
            now = time.monotonic()
            if text is not None:
                source = self._reader.kind
                log.info("kiosk heard (%s): %s", source, printable(text))
                if self._attract is not None:
                    self._attract.reset(now)
                self.conversation.submit(text, source=source)
            if self._spoken.is_set():  # the voice listener submitted what it heard itself
                self._spoken.clear()
                if self._attract is not None:
                    self._attract.reset(now)
            if self._attract is not None:
                for cue in self._attract.due(now):
                    self._play_attract(cue)

    def _play_attract(self, cue: Cue) -> None:
        """Play one attract cue; its line, if it has one, is transcribed as said by "attract"."""
        said = cue.utterance
        if said is not None:
            said = Utterance(text=said.text, source="attract")
        self.conversation.play(cue.plan, said)

    def _attract_schedule(self) -> Schedule | None:
        config = self.settings.kiosk
        if not config.attract:
            return None
        if config.attract_texts:
            events = [ScriptEvent(say=text) for text in config.attract_texts]
            script = Script(events=events, end_hold=2.0)
        else:
            script = load_script(config.attract_script)
        book, _ = script_line_book(self.settings)  # lines are said to the end, as in a render
        return schedule_script(script, load_interpreter(), book.seconds if book else None)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ExitRequested):
            self.request_stop(f"{event.source} {event.detail}".strip())
        elif isinstance(event, SpeechStarted):
            self._spoken.set()

    def _announce_start(self) -> None:
        status = self.conversation.status()
        for note in status.notes:
            self._announce(note)
        for name in ("voice", "web"):
            state = status.component(name)
            if state:
                self._announce(f"{name}: {state}")
        combo = self.settings.window.exit_combo
        self._announce(
            f"kiosk running with the {status.engine.status_line()}; window {status.window}; "
            f"reading text from {self.settings.kiosk.input}; exit with {combo}, SIGTERM or SIGINT"
        )

    def _install_signal_handlers(self) -> Callable[[], None]:
        """SIGTERM/SIGINT end the kiosk cleanly; returns a function restoring the old handlers."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def handle(signum: int, _frame: FrameType | None) -> None:
            self.request_stop(signal.Signals(signum).name)

        previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    def _log_to_file(self) -> logging.Handler:
        """Unattended machines keep their log: `<data_dir>/logs/kiosk.log`, rotated, bounded."""
        folder = self.settings.data_dir / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "kiosk.log", maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger = logging.getLogger("avatar")
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            handler.setLevel(logging.INFO)
            logger.setLevel(logging.INFO)
        return handler
