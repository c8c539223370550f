"""A Conversation with an LLM server: the plan starts at its first step, the reply streams sentence
by sentence, a barge-in stops the stream, the transcript keeps the raw output, /reset forgets."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import agent.conversation
from agent import Conversation
from agent.events import ComponentStateChanged, Interrupted, PlanStarted, ReplyReady
from contracts import Plan, Step, Utterance
from intents import Interpreter
from intents.stream import PlanPart, PlanReady, PlanStream, ReplySentence
from tests.agent._helpers import EventLog, make_settings, wait_until
from tests.llm.chat_server import ChatServer, answer_json

REPLY = "좋아요! 오늘은 날씨가 맑아요. 같이 산책할래요?"
ANSWER = answer_json([("smile", 1.0, 1), ("nod", 0.7, 1)], REPLY)


@pytest.fixture
def servers() -> Iterator[list[ChatServer]]:
    started: list[ChatServer] = []
    yield started
    for server in started:
        server.stop()


def conversation_with(tmp_path: Path, server: ChatServer) -> tuple[Conversation, EventLog]:
    settings = make_settings(tmp_path, llm={"url": server.url, "deadline_s": 5.0})
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    conversation.start()
    wait_until(
        lambda: any(e.state.endswith("test-model") for e in log.of(ComponentStateChanged)),
        what="the LLM to connect",
    )
    return conversation, log


def records(conversation: Conversation) -> list[dict[str, object]]:
    lines = conversation.transcript_path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_chat_streams_plans_and_reply_sentences(tmp_path: Path, servers: list[ChatServer]) -> None:
    servers.append(server := ChatServer(ANSWER, chunk=6).start())
    conversation, log = conversation_with(tmp_path, server)
    try:
        plan = conversation.submit("오늘 날씨 어때?")
        assert plan is not None and plan.source == "llm" and plan.intents == ["smile"]
        assert conversation.wait_reply(10.0)
        started = log.of(PlanStarted)
        assert [p.plan.intents for p in started] == [["smile"], ["smile", "nod"]]
        replies = log.of(ReplyReady)
        assert [(r.text, r.final) for r in replies] == [
            ("좋아요!", False), ("오늘은 날씨가 맑아요.", False), ("같이 산책할래요?", True)
        ]
        assert {r.plan_id for r in replies} == {started[-1].plan_id}
        assert {r.language for r in replies} == {"ko"}
    finally:
        conversation.stop()
    kinds = [record["kind"] for record in records(conversation)]
    assert kinds == ["session", "utterance", "plan", "plan", "reply", "reply", "reply", "llm",
                     "session"]
    llm = records(conversation)[-2]
    assert llm["raw"] == ANSWER and llm["model"].endswith("test-model")  # type: ignore[union-attr]
    assert llm["first_step_ms"] <= llm["total_ms"]  # type: ignore[operator]


def test_a_command_plays_without_asking_the_llm(tmp_path: Path, servers: list[ChatServer]) -> None:
    servers.append(server := ChatServer(ANSWER).start())
    conversation, log = conversation_with(tmp_path, server)
    try:
        plan = conversation.submit("활짝 웃다가 윙크해줘")
        assert plan is not None and plan.source == "classifier"
        assert plan.intents == ["smile", "wink"]
    finally:
        conversation.stop()
    assert server.chat_requests == 0
    assert log.of(ReplyReady) == []


@pytest.mark.parametrize("barge_in", ["voice", "typed"])
def test_a_barge_in_stops_the_streaming_reply(
    tmp_path: Path, servers: list[ChatServer], barge_in: str
) -> None:
    long_reply = " ".join(f"문장 {n}번이에요." for n in range(40))
    servers.append(
        server := ChatServer(answer_json([("smile", 0.7, 1)], long_reply), chunk=4,
                             delay_s=0.05).start()
    )
    conversation, log = conversation_with(tmp_path, server)
    try:
        conversation.submit("긴 이야기 해줘")
        wait_until(lambda: len(log.of(ReplyReady)) >= 2, what="the reply to start streaming")
        if barge_in == "voice":
            conversation.interrupt("voice")
        else:
            second = conversation.submit("웃어줘")
            assert second is not None and second.intents == ["smile"]
        assert conversation.wait_reply(5.0)
        wait_until(server.client_left.is_set, what="the client to drop the server stream")
    finally:
        conversation.stop()
    replies = log.of(ReplyReady)
    assert not any(reply.final for reply in replies)
    assert len(replies) < 40
    assert server.sent_chunks < len(long_reply) // 4
    traces = [r for r in records(conversation) if r["kind"] == "llm"]
    assert [trace["error"] for trace in traces] == ["interrupted"]
    assert traces[0]["raw"].startswith('{"steps": [{"intent": "smile"')  # type: ignore[union-attr]


def test_reset_forgets_earlier_turns(tmp_path: Path, servers: list[ChatServer]) -> None:
    servers.append(server := ChatServer(ANSWER).start())
    conversation, _ = conversation_with(tmp_path, server)
    try:
        for text in ("안녕?", "넌 누구야?"):
            conversation.submit(text)
            assert conversation.wait_reply(10.0)
        assert len(server.requests[-1]["messages"]) == 4  # system, user, assistant, user
        conversation.forget()
        conversation.submit("처음 뵙겠습니다")
        assert conversation.wait_reply(10.0)
    finally:
        conversation.stop()
    assert [m["role"] for m in server.requests[-1]["messages"]] == ["system", "user"]
    assert {"kind": "session", "event": "reset"}.items() <= next(
        r for r in records(conversation) if r.get("event") == "reset"
    ).items()


def test_a_dead_server_leaves_the_conversation_as_it_was(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, llm={"url": "http://127.0.0.1:9/v1", "deadline_s": 0.5})
    conversation = Conversation(settings)
    log = EventLog()
    conversation.subscribe(log)
    conversation.start()
    try:
        wait_until(lambda: any(e.problem for e in log.of(ComponentStateChanged)),
                   what="the LLM to report its problem")
        plan = conversation.submit("오늘 기분 어때?")
        assert plan is not None and plan.source == "classifier" and plan.reply
        (reply,) = log.of(ReplyReady)
        assert reply.text == plan.reply and reply.final
        state = conversation.status().component("llm")
        assert state is not None and state.startswith("unavailable: cannot list the models")
    finally:
        conversation.stop()


class OneSentenceTooLate(Interpreter):
    """A decoder that finishes one more sentence after it was cancelled, as the router's stream
    may (it notices a barge-in on its next poll)."""

    def interpret(self, text: str) -> Plan:
        return Plan(steps=[Step(intent="smile")], source="llm", text=text)

    def interpret_stream(self, text: str) -> PlanStream:
        cancelled = threading.Event()

        def parts() -> Iterator[PlanPart]:
            yield PlanReady(plan=self.interpret(text))
            yield ReplySentence(text="첫 문장이에요.", final=False)
            cancelled.wait(10)
            yield ReplySentence(text="늦은 문장이에요.", final=True)

        return PlanStream(parts(), on_cancel=cancelled.set)


def test_a_sentence_decoded_after_the_barge_in_is_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent.conversation, "build_interpreter",
                        lambda *args, **kwargs: OneSentenceTooLate())
    conversation = Conversation(make_settings(tmp_path))
    log = EventLog()
    conversation.subscribe(log)
    conversation.start()
    try:
        conversation.submit("이야기 해줘")
        wait_until(lambda: log.of(ReplyReady), what="the first sentence")
        conversation.interrupt("voice")
        assert conversation.wait_reply(5.0)
    finally:
        conversation.stop()
    assert [reply.text for reply in log.of(ReplyReady)] == ["첫 문장이에요."]
    assert len(log.of(Interrupted)) == 2  # the submit's own barge-in, then the voice's


class WaitsForItsBargeIn(Interpreter):
    """A reply that streams until it is cancelled; keeps every stream it made."""

    def __init__(self) -> None:
        self.streams: dict[str, PlanStream] = {}

    def interpret(self, text: str) -> Plan:
        return Plan(steps=[Step(intent="nod")], source="llm", text=text)

    def interpret_stream(self, text: str) -> PlanStream:
        cancelled = threading.Event()

        def parts() -> Iterator[PlanPart]:
            yield PlanReady(plan=self.interpret(text))
            cancelled.wait(10)

        stream = PlanStream(parts(), on_cancel=cancelled.set)
        self.streams[text] = stream
        return stream


def test_of_two_submits_at_once_the_later_cancels_the_earlier_reply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second utterance barges in between the first one's barge-in and the moment the
    first one notes it: the first reply must still count as interrupted."""
    interpreter = WaitsForItsBargeIn()
    monkeypatch.setattr(agent.conversation, "build_interpreter", lambda *a, **k: interpreter)
    conversation = Conversation(make_settings(tmp_path))
    second_barged_in = threading.Event()
    second: list[threading.Thread] = []

    def second_utterance_now(event: object) -> None:
        if isinstance(event, Interrupted) and event.reason == "web":
            second_barged_in.set()
        elif isinstance(event, Interrupted) and not second:
            utterance = Utterance(text="두 번째", source="web")
            second.append(threading.Thread(target=conversation.submit, args=(utterance,)))
            second[0].start()
            second_barged_in.wait(0.5)  # as long as it may take, unless the first holds it off

    conversation.start()
    try:
        conversation.subscribe(second_utterance_now)
        conversation.submit("첫 번째")
        second[0].join(10)
        streams = interpreter.streams
        assert streams["첫 번째"].cancelled and not streams["두 번째"].cancelled
    finally:
        conversation.stop()


class CheckedJustBeforeABargeIn(PlanStream):
    """A stream whose next cancel check, on the reply thread, is followed at once by `hook` (a
    barge-in): the check says "go on", then the barge-in happens before the plan starts."""

    hook: Callable[[], None] | None = None

    @property
    def cancelled(self) -> bool:
        value = super().cancelled
        if self.hook is not None and threading.current_thread().name == "avatar-reply":
            hook, self.hook = self.hook, None
            hook()
        return value


def test_a_plan_played_after_a_barge_in_is_not_replaced_by_a_late_llm_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kiosk's attract loop plays a cue while an LLM reply is about to start its full plan."""
    first = Plan(steps=[Step(intent="nod")], source="llm", text="안녕")
    full = Plan(steps=[Step(intent="nod"), Step(intent="smile")], source="llm", text="안녕")
    cue = Plan(steps=[Step(intent="wink")], source="script")
    conversation = Conversation(make_settings(tmp_path))
    log = EventLog()
    conversation.subscribe(log)
    attract: list[threading.Thread] = []

    def attract_cue_now() -> None:
        utterance = Utterance(text="어서 오세요", source="attract")
        attract.append(threading.Thread(target=conversation.play, args=(cue, utterance)))
        attract[0].start()
        attract[0].join(1.0)  # it plays at once unless it waits for the reply's plan

    class Streaming(Interpreter):
        def interpret(self, text: str) -> Plan:
            return first

        def interpret_stream(self, text: str) -> PlanStream:
            def parts() -> Iterator[PlanPart]:
                yield PlanReady(plan=first)
                stream.hook = attract_cue_now
                yield PlanReady(plan=full)

            stream = CheckedJustBeforeABargeIn(parts())
            return stream

    monkeypatch.setattr(agent.conversation, "build_interpreter", lambda *a, **k: Streaming())
    conversation.start()
    try:
        conversation.submit("안녕")
        assert conversation.wait_reply(10.0)
        attract[0].join(10)
    finally:
        conversation.stop()
    assert log.of(PlanStarted)[-1].plan is cue
