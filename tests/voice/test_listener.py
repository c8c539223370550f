"""The listening loop's modes on real audio through the real VAD and the packaged tiny.en:
hands-free hears everything, push-to-talk one utterance per key press, off and muted nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from agent.listener import command_prompt
from models.whisper import EMBEDDED_WHISPER, usable_whisper_dir
from tests.voice._speech import compose, say
from voice.listener import Listener
from voice.listener_events import Heard, ListenerEvents, Mode, Phase
from voice.recognizer import RecognizerOptions, WhisperRecognizer
from voice.sources import FileSource
from voice.vad import Segmenter, SileroVad
from voice.wake import strip_wake_name

DONE_S = 120.0  # generous bound for two decodes on a busy 2-core machine


class Collected(ListenerEvents):
    """Everything the listener reported, in order."""

    def __init__(self) -> None:
        self.log: list[tuple[str, object]] = []
        self.heard: list[Heard] = []
        self.phases: list[Phase] = []
        self.levels: list[float] = []
        self.changed = threading.Event()

    def on_phase(self, phase: Phase) -> None:
        self.phases.append(phase)

    def on_level(self, level: float, overflows: int) -> None:
        self.levels.append(level)

    def on_speech_started(self, at: float) -> None:
        self.log.append(("start", at))

    def on_speech_ended(self, at: float, duration_s: float) -> None:
        self.log.append(("end", duration_s))

    def on_heard(self, heard: Heard) -> None:
        self.heard.append(heard)
        self.log.append(("heard", heard.transcript.text))

    def on_rejected(self, reason: str) -> None:
        self.log.append(("rejected", reason))

    def on_error(self, message: str) -> None:
        self.log.append(("error", message))


@pytest.fixture(scope="module")
def recognizer() -> WhisperRecognizer:
    folder = usable_whisper_dir(EMBEDDED_WHISPER, "/nonexistent-models")
    options = RecognizerOptions(language="en", initial_prompt=command_prompt("en"))
    return WhisperRecognizer(folder, EMBEDDED_WHISPER, options)


@pytest.fixture(scope="module")
def two_commands(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    folder = tmp_path_factory.mktemp("two")
    parts = [0.5, say("Smile.", folder), 1.5, say("Nod your head.", folder), 1.0]
    return compose(parts, folder).samples


def listen(samples: np.ndarray, recognizer: WhisperRecognizer, mode: Mode,
           before_start: object = None) -> tuple[Listener, Collected]:
    events = Collected()
    listener = Listener(
        FileSource(samples=samples), Segmenter(SileroVad()), recognizer, events, mode=mode,
        partial_interval_s=0.0,
    )
    if callable(before_start):
        before_start(listener)
    listener.start()
    try:
        assert listener.wait_until_done(DONE_S)
    finally:
        listener.stop()
    return listener, events


def test_hands_free_hears_both_utterances_in_order(
    two_commands: np.ndarray, recognizer: WhisperRecognizer
) -> None:
    _, events = listen(two_commands, recognizer, Mode.HANDS_FREE)
    kinds = [kind for kind, _ in events.log]
    assert kinds == ["start", "end", "start", "end", "heard", "heard"] or kinds == [
        "start", "end", "heard", "start", "end", "heard"
    ]
    assert [h.transcript.text.lower() for h in events.heard] == ["smile", "nod your head"]
    first, second = events.heard
    assert first.end < second.start and first.started_at < first.ended_at <= second.started_at
    assert Phase.HEARING in events.phases and Phase.RECOGNIZING in events.phases
    assert max(events.levels) > 0.3 and min(events.levels) == 0.0  # speech vs. digital silence


def test_push_to_talk_takes_one_utterance_per_key_press(
    two_commands: np.ndarray, recognizer: WhisperRecognizer
) -> None:
    listener, events = listen(
        two_commands, recognizer, Mode.PUSH_TO_TALK, before_start=lambda lis: lis.push_to_talk()
    )
    assert [h.transcript.text.lower() for h in events.heard] == ["smile"]
    assert not listener.armed  # it ended by itself at the end of speech
    assert events.phases[-1] is Phase.IDLE


def test_push_to_talk_without_the_key_and_off_hear_nothing(
    two_commands: np.ndarray, recognizer: WhisperRecognizer
) -> None:
    for mode in (Mode.PUSH_TO_TALK, Mode.OFF):
        _, events = listen(two_commands, recognizer, mode)
        assert events.log == []


def test_a_muted_listener_ignores_speech(
    two_commands: np.ndarray, recognizer: WhisperRecognizer
) -> None:
    _, events = listen(two_commands, recognizer, Mode.HANDS_FREE,
                       before_start=lambda lis: lis.mute(True))
    assert events.log == []
    assert Phase.MUTED in events.phases


def test_the_push_to_talk_key_toggles_and_times_out() -> None:
    class Nothing:  # never called: the file is silent
        name, english_only = "none", True

        def transcribe(self, audio: np.ndarray, *, speech_ratio: float = 1.0) -> None:
            raise AssertionError("silence must not be decoded")

    events = Collected()
    source = FileSource(samples=np.zeros(16_000, dtype=np.float32), paced=True)
    listener = Listener(source, Segmenter(SileroVad()), Nothing(), events,  # type: ignore[arg-type]
                        mode=Mode.PUSH_TO_TALK, ptt_timeout_s=0.2)
    assert listener.push_to_talk() is True
    assert listener.push_to_talk() is False  # pressed again: cancelled
    assert listener.push_to_talk() is True
    listener.start()
    try:
        assert listener.wait_until_done(10.0)
    finally:
        listener.stop()
    assert not listener.armed  # a second of silence: the 0.2 s timeout disarmed it
    assert events.phases[-1] is Phase.IDLE


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("하나야, 웃어줘", "하나", "웃어줘"),
        ("하나 윙크해줘", "하나", "윙크해줘"),
        ("Hana, wink twice.", "hana", "wink twice."),
        ("ＨＡＮＡ smile", "Hana", "smile"),
        ("웃어줘", "하나", None),
        ("Hanako, smile", "Hana", None),
        ("Hana", "Hana", None),
    ],
)
def test_the_wake_name_gate(text: str, name: str, expected: str | None) -> None:
    assert strip_wake_name(text, name) == expected


def test_a_missing_file_fails_at_start(tmp_path: Path, recognizer: WhisperRecognizer) -> None:
    from voice.audio import AudioFileError

    listener = Listener(FileSource(tmp_path / "nope.wav"), Segmenter(SileroVad()), recognizer,
                        Collected())
    with pytest.raises(AudioFileError, match="no such audio file"):
        listener.start()


def test_the_decode_started_in_the_end_silence_is_the_final_one(
    two_commands: np.ndarray, recognizer: WhisperRecognizer
) -> None:
    """Each utterance is decoded once: speculatively, 0.2 s into the end-of-speech silence."""

    class Counting:
        name, english_only = recognizer.name, recognizer.english_only

        def __init__(self) -> None:
            self.calls = 0

        def transcribe(self, audio: np.ndarray, *, speech_ratio: float = 1.0) -> object:
            self.calls += 1
            return recognizer.transcribe(audio, speech_ratio=speech_ratio)

    counting = Counting()
    _, events = listen(two_commands, counting, Mode.HANDS_FREE)  # type: ignore[arg-type]
    assert [h.transcript.text.lower() for h in events.heard] == ["smile", "nod your head"]
    assert counting.calls == 2


def test_partial_transcripts_arrive_while_a_long_utterance_is_spoken(
    recognizer: WhisperRecognizer, tmp_path: Path
) -> None:
    text = "Please smile for me, and then wink twice, and then nod your head."
    samples = compose([0.3, say(text, tmp_path), 1.0], tmp_path).samples
    partials: list[tuple[str, int]] = []  # (text, how many finals had arrived)

    class Partials(Collected):
        def on_partial(self, partial: str) -> None:
            partials.append((partial, len(self.heard)))

    events = Partials()
    listener = Listener(FileSource(samples=samples, paced=True), Segmenter(SileroVad()),
                        recognizer, events, mode=Mode.HANDS_FREE, partial_interval_s=0.7)
    listener.start()
    try:
        assert listener.wait_until_done(DONE_S)
    finally:
        listener.stop()
    [final] = events.heard
    assert final.transcript.text.lower().startswith("please smile")
    assert partials, "no partial transcript during 4 s of speech"
    assert all(count == 0 for _, count in partials)  # all of them before the final one
    assert partials[0][0].lower().startswith("please")


def test_the_avatar_starting_to_speak_mid_utterance_mutes_without_waiting(
    two_commands: np.ndarray, recognizer: WhisperRecognizer
) -> None:
    """The speech state changes on the speaker's thread, which may itself wait on what the
    capture thread's callback started (a barge-in): `mute` must not wait for the capture thread,
    and the speech heard so far is dropped."""

    class MutedMeanwhile(Collected):
        def __init__(self) -> None:
            super().__init__()
            self.mute_returned: list[bool] = []

        def on_speech_started(self, at: float) -> None:
            super().on_speech_started(at)
            if not self.mute_returned:
                other = threading.Thread(target=listener.mute, args=(True,))
                other.start()
                other.join(5.0)
                self.mute_returned.append(not other.is_alive())

    events = MutedMeanwhile()
    listener = Listener(FileSource(samples=two_commands), Segmenter(SileroVad()), recognizer,
                        events, mode=Mode.HANDS_FREE, partial_interval_s=0.0)
    listener.start()
    try:
        assert listener.wait_until_done(DONE_S)
    finally:
        listener.stop()
    assert events.mute_returned == [True]
    assert [kind for kind, _ in events.log] == ["start"] and events.heard == []
    assert events.phases[-1] is Phase.MUTED


def test_a_listener_stopped_while_its_model_loads_reports_nothing_afterwards() -> None:
    release = threading.Event()

    def slow_model() -> object:  # a large model still loading when the user turns voice off
        release.wait(30)
        return object()

    events = Collected()
    source = FileSource(samples=np.zeros(16_000, dtype=np.float32), paced=True)
    listener = Listener(source, Segmenter(SileroVad()), slow_model, events,  # type: ignore[arg-type]
                        mode=Mode.HANDS_FREE)
    listener.start()
    wait_for(lambda: events.phases == [Phase.LOADING])
    listener.stop()  # the loading thread outlives the stop's join
    release.set()
    wait_for(lambda: not [t for t in threading.enumerate() if t.name == "voice-recognize"])
    assert listener.recognizer is not None  # it loaded, after the stop
    assert events.phases == [Phase.LOADING]
    assert events.log == []


def wait_for(condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)
