"""The speech component (name "speech"): replies spoken aloud, the mouth on the sound's clock.

It listens for `ReplyReady` (a streamed reply comes as several, in order) and for talk plans
without a reply (they say a short line), synthesises sentence by sentence on its own thread,
plays them through `voice.playback.AudioOutput` and hands each growing line to the conversation
(`speak_along`) with the output's clock, so the mouth shows what is being heard. A newer plan or
`Interrupted` (typed text, voice activity) stops the sound at once and closes the mouth.
`SpeakingChanged` tells the voice listener to mute its VAD meanwhile, so the avatar never hears
itself. No output device, a broken neural voice, an unsupported language or a reply with
nothing to say degrade to a status note; the expression plays either way.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.events import (
    ComponentStateChanged,
    ErrorOccurred,
    Event,
    Interrupted,
    PlanStarted,
    ReplyReady,
    SpeakingChanged,
    SpeechAudio,
    SpeechMuted,
)
from agent.soundtrack import spoken_line
from contracts import SpeechTiming
from voice.playback import AudioOutput, NoAudioDevice, StreamFactory
from voice.tts import TtsError, UnsupportedLanguage, Voice, cap, speakable, stream

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.conversation import Conversation

log = logging.getLogger("avatar.agent")

NAME = "speech"
_DRAIN_POLL_S = 0.05


@dataclass(frozen=True, slots=True)
class _Line:
    """Text to say for one plan, in arrival order."""

    plan_id: int
    text: str
    language: str | None
    final: bool
    generation: int


class Speaker:
    """Speaks replies aloud for a conversation; a `Component`.

    Args:
        settings: `settings.speech` picks the voice, volume, device and limits.
        stream_factory: the output stream class (default `sounddevice.OutputStream`).
        voice: a voice to use instead of choosing one from the settings.
    """

    name = NAME

    def __init__(
        self,
        settings: Settings,
        *,
        stream_factory: StreamFactory | None = None,
        voice: Voice | None = None,
    ) -> None:
        self._settings = settings.speech
        self._models_dir = settings.models_dir
        self._factory = stream_factory
        self._voice = voice
        self._conversation: Conversation | None = None
        self._output: AudioOutput | None = None
        self._jobs: queue.Queue[_Line | None] = queue.Queue()
        self._lock = threading.Lock()
        self._publishing = threading.Lock()
        """Held while the speaking state changes and is published, so every subscriber (the
        voice listener's mute) gets the changes in the order they happened."""
        self._generation = 0
        self._plan_id = 0
        self._closed_plan = 0
        """The newest plan a barge-in silenced: its late sentences are not spoken."""
        self._spoken_chars = 0
        self._speaking = False
        self._muted = settings.speech.muted
        self._unsubscribe: list[Callable[[], None]] = []
        self._thread: threading.Thread | None = None
        self._device_state = ""

    # ----------------------------------------------------------------- component

    def start(self, conversation: Conversation) -> None:
        """Choose the voice, open the output device (or run silently), start the thread.

        Raises:
            TtsError: not even eSpeak NG loads (the Assembly reports it; typing still works).
        """
        from voice.tts.choice import choose_voice

        notes: list[str] = []
        if self._voice is None:
            self._voice, notes = choose_voice(
                self._settings.voice, models_dir=self._models_dir, style=self._settings.style,
                rate_wpm=self._settings.rate_wpm,
            )
        self._conversation = conversation
        output = AudioOutput(
            self._voice.sample_rate, device=self._settings.device,
            volume=self._volume(), stream_factory=self._factory,
        )
        try:
            output.open()
        except NoAudioDevice as exc:
            log.info("%s; speaking silently", exc)
            self._device_state = "no audio device"
        self._output = output
        for note in notes:
            conversation.publish(ErrorOccurred(source=NAME, message=note))
        self._publish_state()
        self._unsubscribe.append(conversation.subscribe(self._on_event))
        self._thread = threading.Thread(target=self._run, name="avatar-speech", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop speaking, end the thread, close the device."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._cut()
        self._jobs.put(None)
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5.0)
        if self._output is not None:
            self._output.close()

    @property
    def voice_name(self) -> str:
        """The running voice's name ("" before start)."""
        return self._voice.name if self._voice is not None else ""

    # ----------------------------------------------------------------- events (publisher's thread)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, Interrupted):
            self._cut()
        elif isinstance(event, PlanStarted):
            self._plan_started(event)
        elif isinstance(event, ReplyReady):
            self._enqueue(event.plan_id, event.text, event.language, event.final)
        elif isinstance(event, SpeechMuted):
            self._muted = event.muted
            if self._output is not None:
                self._output.volume = self._volume()
            self._publish_state()

    def _plan_started(self, event: PlanStarted) -> None:
        with self._lock:
            newer = event.plan_id > self._plan_id
        if newer:
            self._cut()
            with self._lock:  # late sentences of older plans are dropped from now on
                self._plan_id = max(self._plan_id, event.plan_id)
                self._spoken_chars = 0
        if event.plan.spoken is None:  # no ReplyReady follows
            line = spoken_line(event.plan)  # a talk step says a short line
            if line is not None:
                self._enqueue(event.plan_id, line, None, True)

    def _enqueue(self, plan_id: int, text: str, language: str | None, final: bool) -> None:
        with self._lock:
            if plan_id < self._plan_id or plan_id <= self._closed_plan:
                return  # a reply to a plan that was already preempted or interrupted
            if plan_id > self._plan_id:
                self._plan_id, self._spoken_chars = plan_id, 0
                self._generation += 1
            generation = self._generation
        self._jobs.put(_Line(plan_id, text, language, final, generation))

    def _cut(self) -> None:
        """Barge-in: silence now, close the mouth, drop queued lines and later sentences of the
        plan that was speaking."""
        with self._lock:
            self._generation += 1
            self._closed_plan = self._plan_id
            speaking = self._speaking
        output = self._output
        if output is not None:
            output.stop()
        if speaking and self._conversation is not None:
            self._conversation.speak_along(self._plan_id, None)
        self._set_speaking(False)

    # ----------------------------------------------------------------- the speech thread

    def _run(self) -> None:
        parts: list[tuple[float, SpeechTiming]] = []
        current = -1
        while True:
            try:
                line = self._jobs.get(timeout=_DRAIN_POLL_S if self._speaking else None)
            except queue.Empty:
                self._finish_if_drained(current)
                continue
            if line is None:
                return
            if line.generation != self._generation:
                continue
            if line.generation != current:
                current, parts = line.generation, []
                assert self._output is not None
                self._output.begin()
            try:
                self._say(line, parts)
            except (TtsError, UnsupportedLanguage) as exc:
                self._report(str(exc))
            except Exception as exc:  # a voice bug must not end the speech thread
                log.exception("speech failed")
                self._report(f"could not speak the reply ({exc})")

    def _say(self, line: _Line, parts: list[tuple[float, SpeechTiming]]) -> None:
        output, conversation, voice = self._output, self._conversation, self._voice
        assert output is not None and conversation is not None and voice is not None
        if not line.text.strip():
            return
        if not speakable(line.text):
            self._report("nothing to say aloud in that reply (only emoji or symbols)")
            return
        budget = self._settings.max_chars - self._spoken_chars
        text, cut = cap(line.text, max(0, budget))
        self._spoken_chars += len(text)
        if cut:
            self._report(f"reply too long to read aloud; speaking its first "
                         f"{self._settings.max_chars} characters (speech.max_chars)")
        for piece in stream(text, line.language, voice=voice):
            if line.generation != self._generation:
                return
            offset = output.enqueue(piece.audio)
            now = time.monotonic()
            heard_at = now + offset - output.position(now)
            conversation.publish(
                SpeechAudio(piece.audio * output.volume, piece.sample_rate, heard_at)
            )
            parts.append((offset, piece.timing))
            total = offset + piece.duration
            conversation.speak_along(line.plan_id, SpeechTiming.joined(parts, total),
                                     output.position)
            if not self._set_speaking(True, line.plan_id, generation=line.generation):
                # A barge-in landed after the check above: its cut may have closed the mouth
                # before this piece opened it again.
                conversation.speak_along(line.plan_id, None)
                return

    def _finish_if_drained(self, generation: int) -> None:
        output = self._output
        if output is None or generation != self._generation or not self._jobs.empty():
            return
        if output.remaining() <= 0.0:
            self._set_speaking(False)

    # ----------------------------------------------------------------- state

    def _set_speaking(
        self, speaking: bool, plan_id: int | None = None, *, generation: int | None = None
    ) -> bool:
        """Change the speaking state and publish it; with `generation`, only while that line is
        still current (checked with the change, so a barge-in is either before or after it).

        Returns:
            False when `generation` is no longer current (nothing changed).
        """
        with self._publishing:
            with self._lock:
                if generation is not None and generation != self._generation:
                    return False
                if self._speaking == speaking:
                    return True
                self._speaking = speaking
                plan = self._plan_id if plan_id is None else plan_id
            if self._conversation is not None:
                self._conversation.publish(SpeakingChanged(speaking=speaking, plan_id=plan))
            return True

    def _volume(self) -> float:
        return 0.0 if self._muted else self._settings.volume

    def _publish_state(self) -> None:
        if self._conversation is None:
            return
        if self._device_state:
            state, problem = f"{self._device_state} · {self.voice_name}", True
        elif self._muted:
            state, problem = f"muted · {self.voice_name}", False
        else:
            state, problem = self.voice_name, False
        self._conversation.publish(ComponentStateChanged(NAME, state, problem=problem))

    def _report(self, message: str) -> None:
        log.info("%s", message)
        if self._conversation is not None:
            self._conversation.publish(ErrorOccurred(source=NAME, message=message))
