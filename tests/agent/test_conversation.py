"""The Conversation with its real parts: interpreter, timeline, fallback engine, transcript."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent import Conversation
from agent.events import (
    ErrorOccurred,
    FrameRendered,
    PlanStarted,
    PortraitChanged,
    ReplyReady,
    StatusChanged,
    UtteranceReceived,
)
from animator.errors import NoFaceError, PortraitError
from animator.fallback import FallbackEngine
from contracts import Plan, Pose, Source, Step
from renderer import read_video_frames
from tests.agent._helpers import PORTRAIT, EventLog, make_settings, wait_until


@pytest.fixture
def conversation(tmp_path: Path) -> Iterator[tuple[Conversation, EventLog]]:
    conv = Conversation(make_settings(tmp_path))
    log = EventLog()
    conv.subscribe(log)
    conv.start()
    yield conv, log
    conv.stop()


def frames_of(log: EventLog, plan_id: int) -> list[FrameRendered]:
    return [event for event in log.of(FrameRendered) if event.plan_id == plan_id]


def test_submit_preempts_and_old_frames_never_follow_new_ones(
    conversation: tuple[Conversation, EventLog],
) -> None:
    conv, log = conversation
    first = conv.submit("웃어줘")
    assert first is not None and first.intents == ["smile"]
    wait_until(lambda: log.of(PlanStarted) and frames_of(log, log.of(PlanStarted)[0].plan_id))
    second = conv.submit("wink at me")
    assert second is not None and second.intents == ["wink"]
    first_id, second_id = (event.plan_id for event in log.of(PlanStarted))
    assert second_id > first_id
    wait_until(lambda: len(frames_of(log, second_id)) >= 3, what="frames of the new plan")

    frames = log.of(FrameRendered)
    first_new = next(i for i, f in enumerate(frames) if f.plan_id == second_id)
    assert all(f.plan_id == second_id for f in frames[first_new:])
    seqs = [f.seq for f in frames]
    assert seqs == sorted(seqs)
    latest = conv.latest_frame()
    assert latest is not None and latest.plan_id == second_id


def test_events_come_in_order_and_chat_gets_a_reply(
    conversation: tuple[Conversation, EventLog],
) -> None:
    conv, log = conversation
    plan = conv.submit("안녕? 이름이 뭐야?")
    assert plan is not None and plan.reply
    wait_until(lambda: log.of(ReplyReady))
    kinds = [
        type(event)
        for event in log.events
        if isinstance(event, UtteranceReceived | PlanStarted | ReplyReady)
    ]
    assert kinds == [UtteranceReceived, PlanStarted, ReplyReady]
    (started,) = log.of(PlanStarted)
    (reply,) = log.of(ReplyReady)
    assert reply.text == plan.reply and reply.plan_id == started.plan_id
    assert started.utterance is not None and started.utterance.text == "안녕? 이름이 뭐야?"
    assert conv.history == ["안녕? 이름이 뭐야?"]


def test_empty_text_does_nothing(conversation: tuple[Conversation, EventLog]) -> None:
    conv, log = conversation
    assert conv.submit("   ") is None
    assert not log.of(UtteranceReceived) and not log.of(PlanStarted)
    assert conv.history == []


def test_transcript_records_utterances_plans_and_replies(tmp_path: Path) -> None:
    conv = Conversation(make_settings(tmp_path))
    conv.start()
    try:
        conv.submit("웃어줘")
        chat = conv.submit("how are you?")
        conv.play(Plan(steps=[Step(intent="nod")], source="script"))
    finally:
        conv.stop()
    assert conv.transcript_path.parent == tmp_path / "data" / "transcripts"
    records = [json.loads(line) for line in conv.transcript_path.read_text().splitlines()]
    kinds = [record["kind"] for record in records]
    assert kinds == [
        "session", "utterance", "plan", "utterance", "plan", "reply", "plan", "session"
    ]
    assert records[1]["text"] == "웃어줘" and records[1]["source"] == "typed"
    assert [s["intent"] for s in records[2]["plan"]["steps"]] == ["smile"]
    assert chat is not None and records[5]["text"] == chat.reply
    assert records[6]["plan"]["source"] == "script"
    times = [record["time"] for record in records]
    assert times == sorted(times)
    plan_ids = [record["plan_id"] for record in records if record["kind"] == "plan"]
    assert plan_ids == [1, 2, 3]


def test_bad_portrait_keeps_the_old_one(
    conversation: tuple[Conversation, EventLog], tmp_path: Path
) -> None:
    conv, log = conversation
    missing = tmp_path / "missing.jpg"
    with pytest.raises(PortraitError, match="file not found"):
        conv.set_portrait(missing)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (256, 256), (128, 128, 128)).save(blank)
    with pytest.raises(NoFaceError):
        conv.set_portrait(blank)

    errors = log.of(ErrorOccurred)
    assert [error.source for error in errors] == ["portrait", "portrait"]
    assert str(missing) in errors[0].message and str(blank) in errors[1].message
    assert not log.of(PortraitChanged)
    assert conv.status().portrait == str(PORTRAIT)
    count = len(log.of(FrameRendered))
    wait_until(lambda: len(log.of(FrameRendered)) > count + 2, what="frames after the errors")
    latest = conv.latest_frame()
    assert latest is not None and latest.size == (512, 512)


def test_new_portrait_goes_live(
    conversation: tuple[Conversation, EventLog], tmp_path: Path
) -> None:
    conv, log = conversation
    closer = tmp_path / "closer.png"
    Image.open(PORTRAIT).crop((64, 0, 384, 320)).save(closer)
    conv.set_portrait(closer)
    assert [event.path for event in log.of(PortraitChanged)] == [str(closer)]
    wait_until(lambda: (f := conv.latest_frame()) is not None and f.size == (320, 320))
    assert conv.status().portrait == str(closer)


class FlakyEngine(FallbackEngine):
    """The real fallback engine that fails on demand (a failing GPU, a driver reset)."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = threading.Event()
        self.failed_calls = 0

    def render(self, source: Source, poses: Sequence[Pose]) -> list[np.ndarray]:
        if self.failing.is_set():
            self.failed_calls += 1
            raise RuntimeError("CUDA error: device lost")
        return super().render(source, poses)


def test_engine_failure_is_reported_once_and_the_loop_goes_on(tmp_path: Path) -> None:
    engine = FlakyEngine()
    conv = Conversation(make_settings(tmp_path), engine=engine)
    log = EventLog()
    conv.subscribe(log)
    conv.start()
    try:
        wait_until(lambda: len(log.of(FrameRendered)) >= 2)
        engine.failing.set()
        wait_until(lambda: engine.failed_calls >= 10, what="failing render calls")
        last_good = conv.latest_frame()
        count = len(log.of(FrameRendered))
        conv.submit("웃어줘")  # input is still taken while the engine fails
        wait_until(lambda: engine.failed_calls >= 20)
        assert conv.latest_frame() is last_good
        assert len(log.of(FrameRendered)) == count
        engine.failing.clear()
        wait_until(lambda: len(log.of(FrameRendered)) > count + 3, what="frames after recovery")
    finally:
        conv.stop()
    errors = log.of(ErrorOccurred)
    assert len(errors) == 1 and errors[0].source == "engine"
    assert "device lost" in errors[0].message and not errors[0].fatal
    latest = conv.latest_frame()
    assert latest is not None and last_good is not None and latest.seq > last_good.seq


def test_status_reports_engine_fps_and_latency(
    conversation: tuple[Conversation, EventLog],
) -> None:
    conv, log = conversation
    plan_ids = []
    for text in ("웃어줘", "wink at me", "look left"):
        conv.submit(text)
        plan_ids.append(log.of(PlanStarted)[-1].plan_id)
        wait_until(lambda pid=plan_ids[-1]: frames_of(log, pid))
    wait_until(lambda: conv.status().fps > 0)
    status = conv.status()
    assert status.engine.fallback and status.engine.name == "fallback"
    assert 0 < status.latency_p50_ms <= status.latency_p95_ms
    assert status.window == "disabled"
    assert log.of(StatusChanged)


def test_status_changes_are_published_at_most_four_times_a_second(
    conversation: tuple[Conversation, EventLog],
) -> None:
    _, log = conversation
    wait_until(lambda: len(log.of(FrameRendered)) >= 45, what="1.5 s of frames")
    frames = log.of(FrameRendered)
    statuses = [e for e in log.events if isinstance(e, StatusChanged)]
    span_s = frames[-1].t - frames[0].t
    assert 1 <= len(statuses) <= span_s * 4 + 2  # +2: the start and its first periodic update


def test_recording_writes_real_time_video(
    conversation: tuple[Conversation, EventLog], tmp_path: Path
) -> None:
    conv, log = conversation
    path = conv.start_recording(tmp_path / "rec" / "session.mp4")
    assert conv.status().recording == str(path)
    start = len(log.of(FrameRendered))
    conv.submit("웃어줘")
    wait_until(lambda: len(log.of(FrameRendered)) >= start + 20)
    assert conv.stop_recording() == path
    assert conv.status().recording is None and conv.stop_recording() is None
    frames = list(read_video_frames(path))
    assert len(frames) >= 18
    assert frames[0].shape == (512, 512, 3)


def test_default_recording_path_is_under_data_dir(
    conversation: tuple[Conversation, EventLog], tmp_path: Path
) -> None:
    conv, _ = conversation
    path = conv.start_recording()
    conv.stop_recording()
    assert path.parent == tmp_path / "data" / "recordings" and path.suffix == ".mp4"



def test_a_stop_during_a_slow_start_finishes_that_recording(
    conversation: tuple[Conversation, EventLog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/record stop` (or quitting) while `/record start` still opens its mp4 on a slow disk."""
    import agent._pump
    from agent.recording import Recorder

    conv, _ = conversation
    opening, opened = threading.Event(), threading.Event()

    class SlowRecorder(Recorder):
        def __init__(self, *args: object, **kwargs: object) -> None:
            opening.set()
            opened.wait(10)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(agent._pump, "Recorder", SlowRecorder)
    target = tmp_path / "slow.mp4"
    start = threading.Thread(target=conv.start_recording, args=(target,))
    start.start()
    assert opening.wait(10)
    stopped: list[Path | None] = []
    stop = threading.Thread(target=lambda: stopped.append(conv.stop_recording()))
    stop.start()
    stop.join(1.0)  # done by now only if it did not wait for the start
    opened.set()
    start.join(10)
    stop.join(10)
    assert stopped == [target]
    assert conv.status().recording is None

def test_set_engine(conversation: tuple[Conversation, EventLog], tmp_path: Path) -> None:
    conv, _ = conversation
    assert conv.engine_names() == ["auto", "liveportrait", "fallback"]
    info = conv.set_engine("fallback")
    assert info.fallback
    with pytest.raises(ValueError, match="unknown engine"):
        conv.set_engine("dall-e")


def test_calls_before_start_say_so(tmp_path: Path) -> None:
    conv = Conversation(make_settings(tmp_path))
    with pytest.raises(RuntimeError, match="call start"):
        conv.submit("웃어줘")


def test_supervised_conversation_replaces_a_failing_engine(tmp_path: Path) -> None:
    engine = FlakyEngine()
    engine.failing.set()  # broken from the first frame on
    settings = make_settings(
        tmp_path, kiosk={"engine_error_limit": 5, "engine_error_window_s": 30.0}
    )
    conv = Conversation(settings, supervised=True, engine=engine)
    log = EventLog()
    conv.subscribe(log)
    conv.start()
    try:
        wait_until(lambda: log.of(FrameRendered), what="frames from the re-created engine")
    finally:
        conv.stop()
    assert engine.failed_calls >= 5
    assert conv.status().engine.fallback
    assert [e.source for e in log.of(ErrorOccurred)] == ["engine"]


def test_utterances_from_two_threads_keep_their_records_together(tmp_path: Path) -> None:
    conv = Conversation(make_settings(tmp_path))
    conv.start()
    texts = {"a": [f"웃어줘 {i}" for i in range(30)], "b": [f"wink at me {i}" for i in range(30)]}
    try:
        threads = [
            threading.Thread(target=lambda batch=batch: [conv.submit(t) for t in batch])
            for batch in texts.values()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        conv.stop()
    records = [json.loads(line) for line in conv.transcript_path.read_text().splitlines()]
    body = records[1:-1]
    assert [r["kind"] for r in body] == ["utterance", "plan"] * 60
    for said, planned in zip(body[::2], body[1::2], strict=True):
        assert planned["plan"]["text"] == said["text"]
    assert sorted(conv.history) == sorted(texts["a"] + texts["b"])
