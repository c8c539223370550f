"""The voice component on a real Conversation: spoken audio (eSpeak NG) through the real VAD and
tiny.en becomes the same plans as typed text, with barge-in, the listening cue and muting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent import Conversation
from agent.components import Assembly, standard_components
from agent.events import (
    ComponentStateChanged,
    ErrorOccurred,
    Interrupted,
    PlanStarted,
    SpeakingChanged,
    SpeechEnded,
    SpeechStarted,
    UtteranceReceived,
    WindowKeyPressed,
)
from agent.listener import CUE_RELEASE, LISTENING_CUE, VoiceListener
from tests.agent._helpers import EventLog, make_settings, wait_until
from tests.voice._speech import compose, say
from voice.sources import AudioDeviceError, FileSource, list_input_devices

DECODE_S = 120.0


@pytest.fixture(scope="module")
def smile_audio(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    folder = tmp_path_factory.mktemp("smile")
    return compose([0.6, say("Please smile and then wink twice.", folder), 1.0], folder).samples


def voice_settings(tmp_path: Path, **voice: Any) -> Any:
    (tmp_path / "models").mkdir(parents=True, exist_ok=True)
    return make_settings(
        tmp_path, models_dir=tmp_path / "models", voice={"enabled": True, **voice}
    )


def run_voice(
    tmp_path: Path, samples: np.ndarray, *, paced: bool = False, before: Any = None, **voice: Any
) -> tuple[EventLog, VoiceListener, Conversation]:
    settings = voice_settings(tmp_path, **voice)
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    listener = VoiceListener(
        settings, "kiosk", source_factory=lambda: FileSource(samples=samples, paced=paced)
    )
    with Assembly(conversation, []):
        if before is not None:
            before(conversation)
        listener.start(conversation)
        try:
            assert listener.wait_until_done(DECODE_S)
        finally:
            listener.stop()
    return log, listener, conversation


def test_speech_barges_in_shows_the_cue_and_its_plan_preempts_like_typed_text(
    tmp_path: Path, smile_audio: np.ndarray
) -> None:
    log, listener, _ = run_voice(
        tmp_path, smile_audio, before=lambda conv: conv.submit("laugh three times")
    )
    kinds = [type(e).__name__ for e in log.events if isinstance(
        e, Interrupted | PlanStarted | SpeechStarted | SpeechEnded | UtteranceReceived)]
    # typed laugh; then speech: barge-in, the cue, the speech facts, the voice utterance, its plan
    assert kinds == [
        "Interrupted", "UtteranceReceived", "PlanStarted",
        "Interrupted", "PlanStarted", "SpeechStarted", "SpeechEnded",
        "Interrupted", "UtteranceReceived", "PlanStarted",
    ]
    plans = log.of(PlanStarted)
    assert plans[0].plan.intents == ["laugh"]
    assert plans[1].plan is LISTENING_CUE
    assert plans[2].plan.intents == ["smile", "wink"] and plans[2].plan.steps[1].repeat == 2
    assert [e.reason for e in log.of(Interrupted)] == ["typed", "voice", "voice"]
    heard = log.of(UtteranceReceived)[-1].utterance
    assert heard.source == "voice" and heard.language == "en"
    assert heard.confidence is not None and 0.0 < heard.confidence <= 1.0
    assert heard.started_at is not None and heard.started_at < heard.ended_at
    [ended] = log.of(SpeechEnded)
    assert 1.5 < ended.duration_s < 3.5
    assert log.of(SpeechStarted)[0].at < ended.at
    assert len(listener.heard) == 1


def test_the_cue_changes_the_face_brows_up_mouth_closed(tmp_path: Path) -> None:
    settings = voice_settings(tmp_path)
    conversation = Conversation(settings)
    with Assembly(conversation, []):
        conversation.submit("laugh")
        plan_id = conversation.play(LISTENING_CUE)
        wait_until(
            lambda: (frame := conversation.latest_frame()) is not None
            and frame.plan_id == plan_id and frame.pose.eyebrow > 0.2
            and frame.pose.mouth_open < 0.05,
            what="a frame with the listening cue",
        )


@pytest.mark.parametrize("opened", ["before", "while"])
def test_nothing_is_heard_while_the_avatar_speaks(
    tmp_path: Path, smile_audio: np.ndarray, opened: str
) -> None:
    """The same audio that barges in above is ignored while `SpeakingChanged(True)` holds, also
    by a microphone opened after the avatar began to speak (`/voice on`, `/mic use`)."""
    log = EventLog()
    settings = voice_settings(tmp_path, mode="handsfree" if opened == "before" else "off")
    conversation = Conversation(settings)
    conversation.subscribe(log)
    quiet = VoiceListener(settings, "kiosk",
                          source_factory=lambda: FileSource(samples=smile_audio, paced=True))
    with Assembly(conversation, []):
        quiet.start(conversation)
        assert quiet.mode.value == ("handsfree" if opened == "before" else "off")
        # the speaker says it is talking before the speech (0.6 s into the paced file) begins
        conversation.publish(SpeakingChanged(speaking=True, plan_id=1))
        if opened == "while":
            quiet.set_mode("handsfree")
        try:
            assert quiet.wait_until_done(DECODE_S)
        finally:
            quiet.stop()
    assert log.of(SpeechStarted) == [] and log.of(UtteranceReceived) == []
    assert any("muted" in e.state for e in log.of(ComponentStateChanged))


def test_without_the_wake_name_speech_is_ignored_and_the_cue_released(
    tmp_path: Path, smile_audio: np.ndarray
) -> None:
    log, _, _ = run_voice(tmp_path, smile_audio, wake_name="computer")
    assert log.of(SpeechStarted)
    assert [e for e in log.of(UtteranceReceived) if e.utterance.source == "voice"] == []
    assert [p.plan for p in log.of(PlanStarted)] == [LISTENING_CUE, CUE_RELEASE]


def test_korean_on_the_english_only_model_is_a_status_note_not_a_crash(
    tmp_path: Path, smile_audio: np.ndarray
) -> None:
    log, _, _ = run_voice(tmp_path, smile_audio, language="ko")
    [state] = [e for e in log.of(ComponentStateChanged) if e.component == "voice"]
    assert state.problem and "Korean speech needs a multilingual model" in state.state
    assert "avatar models download whisper-small" in state.state
    assert log.of(SpeechStarted) == []


def test_no_microphone_is_one_status_line_and_typing_still_works(tmp_path: Path) -> None:
    try:
        if list_input_devices():
            pytest.skip("this machine has a microphone")
    except AudioDeviceError:
        pass  # no PortAudio at all: the same degraded state
    settings = voice_settings(tmp_path)
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    with Assembly(conversation, standard_components(settings, "kiosk")) as assembly:
        [voice] = [c for c in assembly.components if c.name == "voice"]
        assert isinstance(voice, VoiceListener)
        plan = conversation.submit("웃어줘")
        assert plan is not None and plan.intents == ["smile"]
        status = conversation.status().component("voice")
        assert status is not None
        assert "no microphone" in status or "PortAudio" in status
        assert voice.meter().problem
    assert log.of(ErrorOccurred) == []  # no toast for a machine without a microphone


def test_standard_components_listen_in_the_console_and_kiosk_only(tmp_path: Path) -> None:
    settings = voice_settings(tmp_path)

    def voices(front_end: str, chosen: Any = settings) -> list[Any]:
        return [c for c in standard_components(chosen, front_end) if c.name == "voice"]

    [console], [kiosk] = voices("console"), voices("kiosk")
    assert console.initial_mode().value == "ptt"
    assert kiosk.initial_mode().value == "handsfree"
    assert voices("play") == [] and voices("serve") == []
    assert voices("console", voice_settings(tmp_path, enabled=False)) == []


def test_the_window_talk_key_arms_push_to_talk(tmp_path: Path, smile_audio: np.ndarray) -> None:
    settings = voice_settings(tmp_path, mode="ptt")
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    listener = VoiceListener(
        settings, "kiosk", source_factory=lambda: FileSource(samples=smile_audio, paced=True)
    )
    with Assembly(conversation, []):
        listener.start(conversation)
        try:
            assert listener.mode.value == "ptt" and not listener.meter().problem
            conversation.publish(WindowKeyPressed(key="space"))  # before the speech at 0.6 s
            wait_until(
                lambda: [e for e in log.of(UtteranceReceived) if e.utterance.source == "voice"],
                timeout=DECODE_S, what="the spoken command after the talk key",
            )
        finally:
            listener.stop()
    assert log.of(PlanStarted)[-1].plan.intents == ["smile", "wink"]
