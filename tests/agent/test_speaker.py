"""The speech component in a real conversation: replies heard in order, barge-in, mute, faults."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import sounddevice

from agent import Conversation
from agent.components import Assembly, standard_components
from agent.events import (
    ComponentStateChanged,
    ErrorOccurred,
    Event,
    FrameRendered,
    ReplyReady,
    SpeakingChanged,
    SpeechAudio,
    SpeechMuted,
)
from agent.speaker import Speaker
from contracts import Plan, Step
from tests.agent._helpers import EventLog, make_settings, wait_until
from tests.voice.paced_stream import PacedStream
from voice.tts import Language, Synthesis, synthesize
from voice.tts.espeak import EspeakVoice

LONG = "오늘은 날씨가 정말 좋네요. 산책하기 좋은 날이에요. 같이 나가 볼까요? " * 3


def talk(reply: str | None) -> Plan:
    return Plan(steps=[Step(intent="talk")], reply=reply, source="script")


def mouth_open(conversation: Conversation) -> float:
    frame = conversation.latest_frame()
    return frame.pose.mouth_open if frame is not None else 0.0


def speaking_states(log: EventLog) -> list[bool]:
    return [event.speaking for event in log.of(SpeakingChanged)]


def start(tmp_path: Path, **speech: object) -> tuple[Conversation, Assembly, EventLog]:
    settings = make_settings(tmp_path, speech=speech)
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    assembly = Assembly(conversation, [Speaker(settings, stream_factory=PacedStream)])
    assembly.start()
    return conversation, assembly, log


def test_a_reply_is_heard_and_the_mouth_follows_it(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path)
    try:
        stream = PacedStream.instances[-1]
        assert conversation.status().component("speech") == "eSpeak NG"
        conversation.play(talk("안녕하세요, 만나서 반가워요."))
        wait_until(lambda: speaking_states(log) == [True, False], timeout=15, what="the line")
        heard = stream.heard()
        expected = synthesize("안녕하세요, 만나서 반가워요.").duration
        loud = np.flatnonzero(np.abs(heard) > 1e-3)
        assert (loud[-1] - loud[0]) / 22050 == pytest.approx(expected, abs=0.15)
    finally:
        assembly.stop()


def test_a_streamed_reply_is_spoken_in_order(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path)
    try:
        stream = PacedStream.instances[-1]
        plan_id = conversation.play(talk(None))
        sentences = ["Hello there.", "반가워요.", "How are you?"]
        for index, sentence in enumerate(sentences):
            conversation.publish(ReplyReady(sentence, plan_id, final=index == 2))
        wait_until(lambda: speaking_states(log)[-1:] == [False] and len(speaking_states(log)) >= 2
                   and stream.last_sound_at() is not None
                   and time.monotonic() > stream.last_sound_at() + 0.05,
                   timeout=20, what="all sentences")
        heard = np.flatnonzero(np.abs(stream.heard()) > 1e-3)
        total = sum(synthesize(s).duration for s in sentences)
        default = synthesize("안녕하세요, 만나서 반가워요.").duration
        span = (heard[-1] - heard[0]) / 22050
        assert total - 0.2 < span < total + default, "every sentence, once, in one utterance"
    finally:
        assembly.stop()


def test_barge_in_cuts_the_sound_within_100_ms_and_closes_the_mouth(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path)
    try:
        stream = PacedStream.instances[-1]
        conversation.play(talk(LONG))
        wait_until(lambda: stream.last_sound_at() is not None, timeout=10, what="sound")
        wait_until(lambda: mouth_open(conversation) > 0.2, what="a moving mouth")
        cut_at = time.monotonic() + stream.latency  # the stream's DAC clock at the barge-in
        conversation.interrupt("typed")
        count = len(stream.blocks)
        wait_until(lambda: len(stream.blocks) > count + 12, what="blocks after the barge-in")
        last = stream.last_sound_at()
        assert last is not None and last - cut_at <= 0.100
        # The speaker thread publishes the silence after the stream stopped: wait for the event.
        wait_until(lambda: speaking_states(log)[-1] is False, what="SpeakingChanged(False)")
        shown_after = time.monotonic() + 0.15
        wait_until(lambda: conversation.latest_frame().t > shown_after, what="later frames")
        assert mouth_open(conversation) < 0.05
    finally:
        assembly.stop()


def test_a_newer_plan_stops_the_old_line(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path)
    try:
        first = conversation.play(talk(LONG))
        wait_until(lambda: speaking_states(log) == [True], what="speaking")
        second = conversation.play(Plan(steps=[Step(intent="smile")], source="script"))
        wait_until(lambda: speaking_states(log) == [True, False], what="silence")
        assert [e.plan_id for e in log.of(SpeakingChanged)] == [first, first]
        assert second > first
    finally:
        assembly.stop()


def test_mute_keeps_the_mouth_moving_without_sound(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path)
    try:
        stream = PacedStream.instances[-1]
        conversation.publish(SpeechMuted(True))
        assert conversation.status().component("speech") == "muted · eSpeak NG"
        conversation.play(talk("Hello, nice to meet you."))
        wait_until(lambda: speaking_states(log) == [True], what="speaking")
        wait_until(lambda: mouth_open(conversation) > 0.2, what="mouth")
        assert stream.last_sound_at() is None
    finally:
        assembly.stop()


def test_faulty_replies_give_one_note_and_the_expression_plays(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path)
    try:
        emoji = conversation.play(talk("😀😀🎉"))
        wait_until(lambda: log.of(ErrorOccurred), what="a note")
        (note,) = log.of(ErrorOccurred)
        assert note.source == "speech" and "only emoji" in note.message
        conversation.publish(ReplyReady("Bonjour", emoji + 1, language="fr"))
        conversation.play(talk(None))
        wait_until(lambda: len(log.of(ErrorOccurred)) == 2, what="a second note")
        assert "Korean (ko) and English (en)" in log.of(ErrorOccurred)[1].message
        assert conversation.status().engine.name  # the conversation runs on
    finally:
        assembly.stop()


def _has_output_device() -> bool:
    return any(device["max_output_channels"] > 0 for device in sounddevice.query_devices())


@pytest.mark.skipif(_has_output_device(), reason="this machine has a sound card")
def test_no_audio_device_speaks_silently_and_says_so(tmp_path: Path) -> None:
    """Without a sound card the real sounddevice path finds none."""
    settings = make_settings(tmp_path)
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    speakers = [c for c in standard_components(settings, "console") if c.name == "speech"]
    assert len(speakers) == 1
    with Assembly(conversation, speakers):
        state = [e for e in log.of(ComponentStateChanged) if e.component == "speech"][-1]
        assert state.state == "no audio device · eSpeak NG" and state.problem
        conversation.play(talk("Hello, nice to meet you."))
        wait_until(lambda: speaking_states(log) == [True, False], timeout=15, what="the line")
        assert conversation.latest_frame() is not None


def test_console_mute_command_toggles_the_voice(tmp_path: Path) -> None:
    from tui.command_runner import run_command
    from tui.commands import parse_command

    conversation, assembly, _ = start(tmp_path)
    try:
        outcome = run_command(conversation, parse_command("/mute"))
        assert outcome.error is None and "muted" in outcome.notes[0]
        wait_until(lambda: conversation.status().component("speech") == "muted · eSpeak NG",
                   what="the muted state")
        run_command(conversation, parse_command("/mute off"))
        wait_until(lambda: conversation.status().component("speech") == "eSpeak NG",
                   what="the voice back")
    finally:
        assembly.stop()


class OnceVoice:
    """eSpeak NG, but each text is synthesised once: eSpeak keeps phase state between calls,
    so two syntheses of one text differ slightly and could not be compared sample by sample."""

    def __init__(self) -> None:
        self._voice = EspeakVoice()
        self.name, self.sample_rate = self._voice.name, self._voice.sample_rate
        self._said: dict[tuple[str, str], Synthesis] = {}

    def speak(self, text: str, language: Language) -> Synthesis:
        key = (text, language)
        if key not in self._said:
            self._said[key] = self._voice.speak(text, language)
        return self._said[key]


VOICE = OnceVoice()


def loudest_sample(tmp_path: Path, volume: float) -> float:
    settings = make_settings(tmp_path, speech={"volume": volume})
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    assembly = Assembly(conversation, [Speaker(settings, stream_factory=PacedStream, voice=VOICE)])
    assembly.start()
    try:
        stream = PacedStream.instances[-1]
        conversation.play(talk("Hello."))
        wait_until(lambda: speaking_states(log) == [True, False], timeout=15, what="the line")
        return float(np.abs(stream.heard()).max())
    finally:
        assembly.stop()


def test_kiosk_volume_scales_the_sound(tmp_path: Path) -> None:
    full = loudest_sample(tmp_path / "full", 1.0)
    quarter = loudest_sample(tmp_path / "quarter", 0.25)
    assert quarter == pytest.approx(0.25 * full, rel=0.02)


def test_recording_keeps_the_speech_in_sync(tmp_path: Path) -> None:
    import av

    conversation, assembly, log = start(tmp_path)
    out = tmp_path / "session.mp4"
    try:
        wait_until(lambda: conversation.latest_frame() is not None, what="frames")
        conversation.start_recording(out)
        before = len(log.of(FrameRendered))
        wait_until(lambda: len(log.of(FrameRendered)) > before + 5, what="recorded frames")
        first_recorded = log.of(FrameRendered)[before].t
        conversation.play(talk("Hello, nice to meet you."))
        wait_until(lambda: speaking_states(log) == [True, False], timeout=15, what="the line")
        finished = time.monotonic()
        wait_until(lambda: time.monotonic() > finished + 0.3, what="a little silence")
        conversation.stop_recording()
    finally:
        assembly.stop()
    with av.open(str(out)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        video_s = float(video.duration * video.time_base)
        assert abs(float(audio.duration * audio.time_base) - video_s) <= 0.05
        rate = audio.codec_context.sample_rate
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    spoken = (loud[-1] - loud[0]) / rate
    assert spoken == pytest.approx(synthesize("Hello, nice to meet you.").duration, abs=0.2)
    heard_at = log.of(SpeechAudio)[0].at - first_recorded
    assert loud[0] / rate == pytest.approx(heard_at, abs=0.08), "the line starts when it was heard"


def test_live_mouth_matches_the_sound_on_the_output_clock(tmp_path: Path) -> None:
    """Frames' mouth_open against the loudness the sound card plays at the frames' times."""
    conversation, assembly, log = start(tmp_path)
    shown: list[tuple[float, float]] = []

    def keep(event: Event) -> None:
        if isinstance(event, FrameRendered):
            frame = conversation.latest_frame()
            if frame is not None:
                shown.append((frame.t, frame.pose.mouth_open))

    try:
        stream = PacedStream.instances[-1]
        stream.latency = 0.12  # a slow device: the mouth must wait for the sound
        conversation.subscribe(keep)
        quiet_blocks = int(0.6 * stream.samplerate / stream.blocksize)
        wait_until(lambda: len(stream.blocks) > quiet_blocks, what="silence before")
        conversation.play(talk("안녕하세요, 만나서 반가워요. Hello, nice to meet you."))
        wait_until(lambda: speaking_states(log) == [True, False], timeout=20, what="the line")
        done = len(stream.blocks)
        wait_until(lambda: len(stream.blocks) > done + quiet_blocks, what="silence after")
    finally:
        assembly.stop()
    with stream.lock:
        starts = np.array([start for start, _ in stream.blocks])
        samples = np.concatenate([block for _, block in stream.blocks])
    rate = stream.samplerate
    inside = [(t, m) for t, m in shown if starts[0] + 0.25 <= t <= starts[-1] - 0.25]
    times, opening = np.array([t for t, _ in inside]), np.array([m for _, m in inside])

    def loudness(at: np.ndarray) -> np.ndarray:
        index = np.searchsorted(starts, at, side="right") - 1
        centre = index * stream.blocksize + ((at - starts[index]) * rate).astype(int)
        half = rate // 30
        windows = [samples[max(0, c - half) : c + half] for c in centre]
        return np.array([np.sqrt(np.mean(window**2)) for window in windows])

    lags = np.arange(-0.2, 0.201, 0.01)
    r = [float(np.corrcoef(loudness(times - lag), opening)[0, 1]) for lag in lags]
    best = int(np.argmax(r))
    assert abs(lags[best]) <= 0.040, f"mouth {lags[best] * 1000:+.0f} ms from the sound"
    assert r[best] >= 0.5, r[best]


def test_a_5000_character_reply_starts_at_once_and_is_capped(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path, max_chars=60)
    try:
        plan_id = conversation.play(Plan(steps=[Step(intent="smile")], source="script"))
        text = ("이것은 아주 긴 대답입니다. " * 400)[:5000]
        conversation.publish(ReplyReady(text, plan_id))
        wait_until(lambda: speaking_states(log) == [True], what="speech to start")
        (note,) = log.of(ErrorOccurred)
        assert "speech.max_chars" in note.message and "60" in note.message
        stream = PacedStream.instances[-1]
        wait_until(lambda: speaking_states(log) == [True, False], timeout=30, what="the end")
        heard = np.flatnonzero(np.abs(stream.heard()) > 1e-3)
        capped = synthesize(text[:60].rsplit(".", 1)[0] + ".").duration
        assert (heard[-1] - heard[0]) / 22050 == pytest.approx(capped, rel=0.1)
    finally:
        assembly.stop()


def test_late_sentences_of_a_preempted_reply_are_not_spoken(tmp_path: Path) -> None:
    conversation, assembly, log = start(tmp_path)
    try:
        stream = PacedStream.instances[-1]
        old = conversation.play(Plan(steps=[Step(intent="smile")], source="script"))
        conversation.play(Plan(steps=[Step(intent="nod")], source="script"))
        conversation.publish(ReplyReady("A late sentence of the old reply.", old))
        conversation.play(talk("Now."))
        wait_until(lambda: speaking_states(log) == [True, False], timeout=15, what="the line")
        heard = np.flatnonzero(np.abs(stream.heard()) > 1e-3)
        assert (heard[-1] - heard[0]) / 22050 < synthesize("Now.").duration + 0.1
    finally:
        assembly.stop()


def test_a_barge_in_during_a_sentence_start_still_ends_the_speech(tmp_path: Path) -> None:
    """The interrupt lands on the speaker's own thread between its check and the mouth: the
    race that once left the speech state stuck on "speaking" with the mouth open."""
    conversation, assembly, log = start(tmp_path)
    interrupted: list[float] = []

    def barge_in(event: Event) -> None:
        if isinstance(event, SpeechAudio) and not interrupted:
            interrupted.append(time.monotonic())
            conversation.interrupt("voice")

    try:
        conversation.subscribe(barge_in)
        conversation.play(talk(LONG))
        wait_until(lambda: interrupted, what="the first sound and the barge-in")
        shown_after = time.monotonic() + 0.15
        wait_until(lambda: (frame := conversation.latest_frame()) is not None
                   and frame.t > shown_after, what="later frames")
        assert speaking_states(log) == [], "a line cut before it was heard never speaks"
        assert mouth_open(conversation) < 0.05
        stream = PacedStream.instances[-1]
        last = stream.last_sound_at()
        assert last is None or last - (interrupted[0] + stream.latency) <= 0.100
    finally:
        assembly.stop()


def test_sentences_of_an_interrupted_reply_that_arrive_late_are_not_spoken(
    tmp_path: Path,
) -> None:
    """An LLM stream notices a barge-in on its next poll: a sentence it finished meanwhile still
    arrives for the interrupted plan, and must stay unsaid."""
    conversation, assembly, log = start(tmp_path)
    try:
        stream = PacedStream.instances[-1]
        plan_id = conversation.play(Plan(steps=[Step(intent="smile")], source="script"))
        conversation.publish(ReplyReady(LONG, plan_id))
        wait_until(lambda: speaking_states(log) == [True], what="speaking")
        conversation.interrupt("typed")
        cut_at = time.monotonic() + stream.latency
        conversation.publish(ReplyReady("A sentence that came too late.", plan_id, final=True))
        count = len(stream.blocks)
        second = int(stream.samplerate / stream.blocksize)
        wait_until(lambda: len(stream.blocks) > count + 2 * second, what="two seconds of output")
        assert speaking_states(log) == [True, False]
        last = stream.last_sound_at()  # None: the cut came before the first sound block
        assert last is None or last - cut_at <= 0.100
    finally:
        assembly.stop()
