"""The OpenAI-compatible backend and the router against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from intents.llm import LLMSettings, Router, build_interpreter
from intents.llm.schema import answer_schema
from intents.stream import LLMTrace, PlanReady, ReplySentence
from tests.llm.chat_server import ChatServer, answer_json

REPLY = "안녕하세요! 저는 하루예요. 오늘 기분은 어때요?"
ANSWER = answer_json([("smile", 0.7, 1), ("nod", 0.35, 2)], REPLY)
Start = Callable[..., ChatServer]


def router_for(server: ChatServer, **settings: Any) -> Router:
    states: list[tuple[str, bool]] = []
    values: dict[str, Any] = {"url": server.url, "deadline_s": 2.0, "token_timeout_s": 2.0}
    router = build_interpreter(
        LLMSettings(**{**values, **settings}), on_state=lambda *s: states.append(s), wait=True
    )
    assert isinstance(router, Router)
    router.states = states  # type: ignore[attr-defined]
    return router


def parts_of(router: Router, text: str) -> list[object]:
    return list(router.interpret_stream(text))


def test_normal_stream_plays_the_llm_plan_and_streams_the_reply(chat_server: Start) -> None:
    server = chat_server(ANSWER, chunk=5)
    router = router_for(server)
    parts = parts_of(router, "오늘 기분 어때?")

    kinds = [type(part).__name__ for part in parts]
    assert kinds == ["PlanReady", "PlanReady", "ReplySentence", "ReplySentence",
                     "ReplySentence", "LLMTrace"]
    first, second = parts[0], parts[1]
    assert isinstance(first, PlanReady) and first.plan.intents == ["smile"]
    assert first.plan.source == "llm" and first.plan.reply is None
    assert isinstance(second, PlanReady) and second.plan.intents == ["smile", "nod"]
    assert second.plan.steps[1].repeat == 2 and second.plan.steps[1].intensity == 0.35
    sentences = [part for part in parts if isinstance(part, ReplySentence)]
    assert [s.text for s in sentences] == ["안녕하세요!", "저는 하루예요.", "오늘 기분은 어때요?"]
    assert [s.final for s in sentences] == [False, False, True]
    assert {s.language for s in sentences} == {"ko"}
    trace = parts[-1]
    assert isinstance(trace, LLMTrace) and trace.error is None and trace.raw == ANSWER
    assert trace.plan is not None and trace.plan.reply == REPLY
    assert trace.first_step_ms is not None and trace.first_step_ms <= trace.total_ms
    host = server.url.removeprefix("http://").removesuffix("/v1")
    assert router.states[-1] == (f"{host} · test-model", False)  # type: ignore[attr-defined]


def test_the_request_asks_for_the_plan_schema_and_streaming(chat_server: Start) -> None:
    server = chat_server(ANSWER)
    router = router_for(server, reply_chars=80, max_steps=2, name="Mina")
    router.interpret("tell me about yourself")

    (body,) = server.requests
    assert body["stream"] is True and body["model"] == "test-model"
    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["schema"] == answer_schema(80, 2)
    assert response_format["json_schema"]["strict"] is True
    roles = [message["role"] for message in body["messages"]]
    assert roles == ["system", "user"]
    assert "Mina" in body["messages"][0]["content"]
    assert body["messages"][1]["content"] == "tell me about yourself"


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"mode": "500"}, "HTTP 500"),
        ({"mode": "garbage"}, "did not send a chat-completions stream"),
        ({"mode": "non_json"}, "not JSON"),
        ({"mode": "cut", "cut_at": 30}, "ended before the answer was complete"),
    ],
)
def test_a_failing_server_falls_back_to_the_classifier_and_says_why(
    chat_server: Start, options: dict[str, Any], why: str
) -> None:
    server = chat_server(ANSWER, **options)
    router = router_for(server)
    parts = parts_of(router, "오늘 기분 어때?")

    ready = [part for part in parts if isinstance(part, PlanReady)]
    assert [part.plan.source for part in ready] == ["classifier"]
    assert ready[0].plan.intents == ["chat"] and ready[0].plan.reply  # the canned chat reply
    trace = parts[-1]
    assert isinstance(trace, LLMTrace) and why in (trace.error or "")
    state, problem = router.states[-1]  # type: ignore[attr-defined]
    assert problem and "fell back to the classifier" in state and why in state
    assert router.memory.turns == []  # a failed answer is not remembered


def test_a_stream_cut_after_the_first_step_keeps_the_face_and_ends_the_reply(
    chat_server: Start,
) -> None:
    cut_at = ANSWER.index("저는") + len("저는 하")  # the steps and one and a half sentences
    server = chat_server(ANSWER, mode="cut", cut_at=cut_at, chunk=4)
    router = router_for(server)
    parts = parts_of(router, "오늘 기분 어때?")

    ready = [part for part in parts if isinstance(part, PlanReady)]
    assert [part.plan.source for part in ready] == ["llm", "llm"]  # no classifier plan on top
    sentences = [part for part in parts if isinstance(part, ReplySentence)]
    assert [(s.text, s.final) for s in sentences] == [("안녕하세요!", False), ("저는 하", True)]
    trace = parts[-1]
    assert isinstance(trace, LLMTrace) and trace.raw == ANSWER[:cut_at]
    assert "ended before the answer was complete" in (trace.error or "")


def test_a_hung_server_costs_no_more_than_the_deadline(chat_server: Start) -> None:
    server = chat_server(ANSWER, first_delay_s=30.0)
    router = router_for(server, deadline_s=0.3)
    started = time.monotonic()
    plan = router.interpret("오늘 기분 어때?")
    elapsed = time.monotonic() - started

    assert plan.source == "classifier" and plan.intents == ["chat"]
    assert elapsed < 0.3 + 1.5, f"waited {elapsed:.2f} s for a 0.3 s deadline"
    state, problem = router.states[-1]  # type: ignore[attr-defined]
    assert problem and "no first step within 0.3 s" in state


def test_a_server_that_ignores_the_schema_is_caught(chat_server: Start) -> None:
    server = chat_server(answer_json([("dance", 0.7, 1)], "Let's dance!"))
    router = router_for(server)
    plan = router.interpret("let's have fun")

    assert plan.source == "classifier"
    state, problem = router.states[-1]  # type: ignore[attr-defined]
    assert problem and "bad step" in state


def test_the_model_name_comes_from_the_server_when_not_configured(chat_server: Start) -> None:
    server = chat_server(ANSWER, model="Qwen/Qwen2.5-1.5B-Instruct")
    router = router_for(server, server_model=None)
    router.interpret("안녕?")
    assert server.requests[0]["model"] == "Qwen/Qwen2.5-1.5B-Instruct"


def test_an_unreachable_server_leaves_the_classifier_in_charge() -> None:
    states: list[tuple[str, bool]] = []
    router = build_interpreter(
        LLMSettings(url="http://127.0.0.1:9/v1", deadline_s=0.5),
        on_state=lambda *s: states.append(s),
        wait=True,
    )
    plan = router.interpret("오늘 기분 어때?")
    assert plan.source == "classifier"
    state, problem = states[-1]
    assert problem and state.startswith("unavailable: cannot list the models of")


def test_a_server_that_stalls_after_the_steps_ends_the_turn_with_the_canned_reply(
    chat_server: Start,
) -> None:
    steps_part = ANSWER.index('"reply"')
    server = chat_server(ANSWER, chunk=steps_part, delay_s=30.0)
    router = router_for(server, token_timeout_s=0.3)
    parts = parts_of(router, "오늘 기분 어때?")

    ready = [part for part in parts if isinstance(part, PlanReady)]
    assert [part.plan.intents for part in ready] == [["smile"], ["smile", "nod"]]
    (sentence,) = [part for part in parts if isinstance(part, ReplySentence)]
    fallback = router.classifier.interpret("오늘 기분 어때?")
    assert sentence.text == fallback.reply and sentence.final
    trace = parts[-1]
    assert isinstance(trace, LLMTrace) and trace.error == "no output for 0.3 s"


def test_dropping_the_stream_stops_the_server_stream(chat_server: Start) -> None:
    import gc

    long_reply = " ".join(f"문장 {n}번이에요." for n in range(60))
    server = chat_server(answer_json([("smile", 0.7, 1)], long_reply), chunk=4, delay_s=0.02)
    router = router_for(server)
    stream = router.interpret_stream("긴 이야기 해줘")
    first = next(stream)
    assert isinstance(first, PlanReady) and first.plan.source == "llm"
    del stream
    gc.collect()
    assert server.client_left.wait(5.0), "the client kept reading a dropped answer"
    assert server.sent_chunks < len(long_reply) // 4
