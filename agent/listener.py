"""The voice component: the microphone listener attached to a conversation (name "voice").

It turns `voice.Listener` callbacks into the conversation's vocabulary: speech start barges in
(`interrupt("voice")`) and shows the listening cue, a transcript is submitted like typed text
(`submit(Utterance(..., source="voice"))`), and its own facts go out as events (`SpeechStarted`,
`SpeechEnded`, `TranscriptPartial`, `ComponentStateChanged("voice", ...)`). While the avatar
speaks (`SpeakingChanged`) it stops listening, so it never hears itself. A missing microphone or
model degrades only this component: the status line says what to do and typing keeps working.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.events import (
    ComponentStateChanged,
    ErrorOccurred,
    Event,
    SpeakingChanged,
    SpeechEnded,
    SpeechStarted,
    TranscriptPartial,
    WindowKeyPressed,
)
from contracts import Plan, Step, Utterance
from voice.listener import Listener
from voice.listener_events import Heard, ListenerEvents, Mode, Phase
from voice.sources import AudioSource, InputDevice, MicrophoneSource, list_input_devices
from voice.wake import strip_wake_name

if TYPE_CHECKING:
    from agent.config import Settings, VoiceSettings
    from agent.conversation import Conversation
    from voice.loading import ModelChoice
    from voice.recognizer import Recognizer, RecognizerOptions
    from voice.vad import VadOptions

log = logging.getLogger("avatar.agent")

LISTENING_CUE = Plan(
    text=None,
    steps=[Step(
        intent="neutral", intensity=1.0, duration=0.25, hold_forever=True,
        targets={"eyebrow": 0.3, "gaze_x": 0.0, "gaze_y": 0.0, "mouth_open": 0.0},
    )],
    source="script",
)
"""Shown when speech starts: brows slightly up, eyes to the viewer, mouth closed; it holds until
the transcript's plan preempts it (or `CUE_RELEASE` when the speech gave no text)."""
CUE_RELEASE = Plan(steps=[Step(intent="neutral", intensity=1.0)], source="script")
"""Back to rest when the speech under the cue was noise."""

ENGLISH_COMMANDS = (
    "Smile.", "Wink twice.", "Nod your head.", "Nod twice.", "Blink three times.",
    "Shake your head twice.", "Look left.", "Look right.", "Look up.", "Look down.", "Laugh.",
    "Close your eyes.", "Look surprised.", "Blow me a kiss.",
)
"""Example commands that prime the decoder: written as sentences, they favour the command words
far more than a bare word list (tiny.en heard "nod twice" as "not twice" with the list)."""
KOREAN_COMMANDS = (
    "웃어줘.", "윙크해줘.", "두 번 윙크해줘.", "고개 끄덕여.", "고개 저어.", "눈 깜빡여.",
    "눈 감아.", "왼쪽 봐.", "오른쪽 봐.", "위를 봐.", "아래를 봐.", "놀란 표정 지어줘.",
    "크게 웃어.", "뽀뽀해줘.",
)
HEARD_KEPT = 200
NO_MICROPHONE = "no microphone — typing still works; plug one in, then /mic list and /mic use N"
MODE_LABELS: dict[str, str] = {
    Mode.OFF.value: "off",
    Mode.PUSH_TO_TALK.value: "push-to-talk",
    Mode.HANDS_FREE.value: "hands-free",
}
"""Mode → its name in the status line (keyed by the mode's string, as `VoiceMeter.mode`)."""
PHASE_LABELS = {
    Phase.OFF: "off",
    Phase.LOADING: "loading the speech model…",
    Phase.IDLE: "press the talk key",
    Phase.LISTENING: "listening",
    Phase.HEARING: "hearing you",
    Phase.RECOGNIZING: "recognizing",
    Phase.MUTED: "muted while the avatar speaks",
    Phase.FAILED: "failed",
}


def command_prompt(language: str) -> str:
    """The decoder prompt that favours short commands, in the spoken language ("auto": both)."""
    english, korean = " ".join(ENGLISH_COMMANDS), " ".join(KOREAN_COMMANDS)
    return {"en": english, "ko": korean}.get(language, f"{korean} {english}")


@dataclass(frozen=True, slots=True)
class VoiceMeter:
    """What the console's status bar shows about voice.

    Attributes:
        mode: "off", "ptt" or "handsfree".
        phase: the listening indicator (`voice.listener_events.Phase` value).
        level: input level 0..1.
        overflows: audio blocks lost so far.
        state: the one-line state (same as the last `ComponentStateChanged`).
        problem: True when voice is degraded.
        model: the speech model's short name or its note ("English only (tiny.en) — ...").
    """

    mode: str
    phase: str
    level: float
    overflows: int
    state: str
    problem: bool
    model: str = ""


class VoiceListener(ListenerEvents):
    """The "voice" component (see module docstring).

    Args:
        settings: the loaded settings (`settings.voice`, `settings.models_dir`).
        front_end: "console" (push-to-talk by default) or "kiosk" (hands-free by default).
        source_factory: makes the audio source (default: the configured microphone); tests and
            `avatar listen`-style feeds pass a `voice.sources.FileSource`.
    """

    name = "voice"

    def __init__(
        self,
        settings: Settings,
        front_end: str = "console",
        *,
        source_factory: Callable[[], AudioSource] | None = None,
    ) -> None:
        self.settings = settings
        self.voice: VoiceSettings = settings.voice
        self.front_end = front_end
        self._device = self.voice.device
        self._source_factory = source_factory
        self._conversation: Conversation | None = None
        self._listener: Listener | None = None
        self._choice: ModelChoice | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._level = 0.0
        self._overflows = 0
        self._state = "off"
        self._problem = False
        self._cue_shown = False
        self._avatar_speaking = False  # kept while no microphone is open, for the next one
        self._lock = threading.Lock()
        self._control = threading.RLock()  # the console and the window key may both switch
        self.heard: deque[Heard] = deque(maxlen=HEARD_KEPT)
        """The latest recognised utterances, oldest first (tests, the benchmark)."""

    # ----------------------------------------------------------------- Component

    def start(self, conversation: Conversation) -> None:
        """Choose the model, open the microphone and start listening in the configured mode.

        Never raises for a missing microphone or model: the state line says what to do.
        """
        self._conversation = conversation
        self._unsubscribe = conversation.subscribe(self._on_event)
        mode = self.initial_mode()
        if mode is Mode.OFF:
            self._report("off")
            return
        with self._control:
            self._open(mode)

    def stop(self) -> None:
        """Stop listening and release the microphone."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._control:
            self._close()

    def initial_mode(self) -> Mode:
        """The mode from the settings; "auto" is push-to-talk in the console, else hands-free."""
        if not self.voice.enabled or self.voice.mode == "off":
            return Mode.OFF
        if self.voice.mode == "auto":
            return Mode.PUSH_TO_TALK if self.front_end == "console" else Mode.HANDS_FREE
        return Mode(self.voice.mode)

    # ----------------------------------------------------------------- controls

    @property
    def mode(self) -> Mode:
        """The current mode (OFF when not listening)."""
        listener = self._listener
        return listener.mode if listener is not None else Mode.OFF

    def set_mode(self, mode: str) -> str:
        """`/voice on|off|ptt|handsfree`: switch mode (opening the microphone if needed).

        Returns:
            The new state line.
        """
        with self._control:
            if mode == "off":
                self._close()
                self._report(MODE_LABELS[Mode.OFF])
                return self._state
            target = self.initial_mode() if mode == "on" else Mode(mode)
            if target is Mode.OFF:  # "on" while the settings say off
                target = Mode.PUSH_TO_TALK
            if self._listener is None:
                self._open(target)
            else:
                self._listener.set_mode(target)
            return self._state

    def push_to_talk(self) -> bool:
        """The talk key: arm listening for one utterance (or cancel). Returns True when armed."""
        with self._control:
            if self._listener is None:
                self._open(Mode.PUSH_TO_TALK)
            listener = self._listener
            return listener.push_to_talk() if listener is not None else False

    def devices(self) -> list[InputDevice]:
        """`/mic list`: the input devices (raises AudioDeviceError without PortAudio)."""
        return list_input_devices()

    def use_device(self, device: int | str) -> str:
        """`/mic use N`: listen on another microphone; returns the new state line."""
        with self._control:
            mode = self.mode if self._listener is not None else self.initial_mode()
            self._close()
            self._device = device
            self._source_factory = None
            self._open(mode if mode is not Mode.OFF else Mode.PUSH_TO_TALK)
            return self._state

    def meter(self) -> VoiceMeter:
        """The numbers for a level meter and listening indicator (polled by the console)."""
        listener = self._listener
        return VoiceMeter(
            mode=str(self.mode),
            phase=str(listener.phase if listener is not None else Phase.OFF),
            level=self._level,
            overflows=self._overflows,
            state=self._state,
            problem=self._problem,
            model=self._model_label(),
        )

    @property
    def model(self) -> ModelChoice | None:
        """The chosen speech model, once known."""
        return self._choice

    def wait_until_done(self, timeout: float) -> bool:
        """Finite sources (files): wait until every utterance was handled."""
        listener = self._listener
        return listener.wait_until_done(timeout) if listener is not None else True

    # ----------------------------------------------------------------- opening

    def _open(self, mode: Mode) -> None:
        from voice.loading import choose_model
        from voice.vad import Segmenter, SileroVad

        voice = self.voice
        if self._source_factory is None and not self._microphone_present():
            return
        try:
            choice = self._choice or choose_model(
                voice.model, self.settings.models_dir, voice.compute_device
            )
        except Exception as exc:  # missing/corrupt model, unknown name: degrade voice only
            self._fail(f"no speech model: {_one_line(exc)}")
            return
        self._choice = choice
        if choice.english_only and voice.language == "ko":
            from voice.recognizer import multilingual_hint

            self._fail(multilingual_hint(choice.name))
            return
        source = self._source_factory() if self._source_factory else MicrophoneSource(self._device)
        listener = Listener(
            source,
            Segmenter(SileroVad(), vad_options(voice)),
            self._recognizer_loader(choice),
            self,
            mode=mode,
            partial_interval_s=voice.partial_interval_s,
            ptt_timeout_s=voice.ptt_timeout_s,
        )
        listener.mute(self._avatar_speaking)  # opened while the avatar speaks: not to hear it
        try:
            listener.start()
        except OSError as exc:  # no, busy or vanished microphone; PortAudio missing
            self._fail(f"{_one_line(exc)} — typing still works; /mic list shows the inputs")
            return
        except ValueError as exc:  # an unreadable audio file given as the source
            self._fail(_one_line(exc))
            return
        self._listener = listener
        listener.mute(self._avatar_speaking)  # in case it changed while the listener started
        self._report(self._state_line(listener.phase))

    def _microphone_present(self) -> bool:
        """False (with the state line saying why) when PortAudio lists no input at all; checked
        before anything is loaded, so a machine without a microphone pays nothing."""
        try:
            present = bool(list_input_devices())
        except OSError as exc:
            self._fail(f"{_one_line(exc)} — typing still works", error=False)
            return False
        if not present:
            self._fail(NO_MICROPHONE, error=False)
        return present

    def _recognizer_loader(self, choice: ModelChoice) -> Callable[[], Recognizer]:
        from voice.loading import load_recognizer

        options = recognizer_options(self.voice, choice.english_only)
        return lambda: load_recognizer(choice, options)

    def _close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
        self._level = 0.0

    # ----------------------------------------------------------------- listener callbacks

    def on_phase(self, phase: Phase) -> None:
        """Publish the new state line."""
        if phase is Phase.FAILED:
            return  # on_error reports it with the reason
        self._report(self._state_line(phase))

    def on_level(self, level: float, overflows: int) -> None:
        """Keep the latest level for `meter()`; a new overflow count is worth a log line."""
        if overflows > self._overflows:
            log.warning("microphone: %d audio blocks lost (the machine is busy)", overflows)
        self._level, self._overflows = level, overflows

    def on_speech_started(self, at: float) -> None:
        """Barge in and show the listening cue."""
        conversation = self._require()
        conversation.interrupt("voice")
        conversation.play(LISTENING_CUE)
        self._cue_shown = True
        conversation.publish(SpeechStarted(at=at))

    def on_speech_ended(self, at: float, duration_s: float) -> None:
        """Publish the end of speech."""
        self._require().publish(SpeechEnded(at=at, duration_s=duration_s))

    def on_partial(self, text: str) -> None:
        """Publish a partial transcript."""
        self._require().publish(TranscriptPartial(text=text))

    def on_heard(self, heard: Heard) -> None:
        """Submit the transcript like typed text (after the wake-name gate)."""
        text = heard.transcript.text
        if self.voice.wake_name:
            command = strip_wake_name(text, self.voice.wake_name)
            if command is None:
                log.info("ignored %r: it does not start with %r", text, self.voice.wake_name)
                self._release_cue()
                return
            text = command
        with self._lock:
            self.heard.append(heard)
        self._cue_shown = False
        self._require().submit(Utterance(
            text=text,
            source="voice",
            language=heard.transcript.language,
            started_at=heard.started_at,
            ended_at=heard.ended_at,
            confidence=round(heard.transcript.confidence, 3),
        ))

    def on_rejected(self, reason: str) -> None:
        """Noise under the cue: back to rest."""
        log.info("speech gave no command (%s)", reason)
        self._release_cue()

    def on_error(self, message: str) -> None:
        """Report the failure; the rest of the app keeps running."""
        self._release_cue()
        self._fail(message)

    # ----------------------------------------------------------------- helpers

    def _release_cue(self) -> None:
        if self._cue_shown and self._conversation is not None:
            self._cue_shown = False
            self._conversation.play(CUE_RELEASE)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SpeakingChanged):
            self._avatar_speaking = event.speaking
            listener = self._listener
            if listener is not None:
                listener.mute(event.speaking)
        elif isinstance(event, WindowKeyPressed) and event.key == self.voice.talk_key:
            threading.Thread(target=self.push_to_talk, name="voice-talk-key", daemon=True).start()

    def _model_label(self) -> str:
        choice = self._choice
        if choice is None:
            return ""
        return choice.note or choice.name.removeprefix("whisper-")

    def _state_line(self, phase: Phase) -> str:
        listener = self._listener
        mode = listener.mode if listener is not None else Mode.OFF
        parts = [MODE_LABELS[mode], PHASE_LABELS[phase], self._model_label()]
        return " · ".join(part for part in parts if part)

    def _report(self, state: str, *, problem: bool = False) -> None:
        self._state, self._problem = state, problem
        if self._conversation is not None:
            self._conversation.publish(ComponentStateChanged(self.name, state, problem=problem))

    def _fail(self, message: str, *, error: bool = True) -> None:
        """A problem state line; `error` also raises an `ErrorOccurred` (toast in the console)
        for failures while running, not for a machine that simply has no microphone."""
        log.warning("voice: %s", message)
        self._report(message, problem=True)
        if error and self._conversation is not None:
            self._conversation.publish(ErrorOccurred(source=self.name, message=message))

    def _require(self) -> Conversation:
        assert self._conversation is not None, "start() attaches the conversation"
        return self._conversation


def vad_options(voice: VoiceSettings) -> VadOptions:
    """The `[voice]` settings as segmenter options."""
    from voice.vad import VadOptions

    return VadOptions(
        threshold=voice.vad_threshold,
        min_speech_s=voice.min_speech_s,
        end_silence_s=voice.end_silence_s,
        pre_roll_s=voice.pre_roll_s,
        max_utterance_s=voice.max_utterance_s,
    )


def recognizer_options(voice: VoiceSettings, english_only: bool) -> RecognizerOptions:
    """The `[voice]` settings as recognizer options, primed with the command vocabulary."""
    from voice.recognizer import RecognizerOptions

    language = "en" if english_only else voice.language
    return RecognizerOptions(
        language=language,
        beam_size=voice.beam_size,
        temperature=voice.temperature,
        initial_prompt=command_prompt(language),
        device=voice.compute_device,
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
