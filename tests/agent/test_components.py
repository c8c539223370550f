"""The composition seam: components attach to a real Conversation; barge-in and their states."""

from __future__ import annotations

from pathlib import Path

from agent import Conversation
from agent.components import Assembly
from agent.events import ComponentStateChanged, ErrorOccurred, Interrupted, StatusChanged
from tests.agent._helpers import EventLog, make_settings, wait_until


class Recorder:
    """A component that notes its calls in a shared list, and can fail to start."""

    def __init__(self, name: str, calls: list[str], *, fail: bool = False) -> None:
        self.name = name
        self._calls = calls
        self._fail = fail

    def start(self, conversation: Conversation) -> None:
        self._calls.append(f"start {self.name}")
        if self._fail:
            raise OSError("no such device")
        conversation.publish(ComponentStateChanged(self.name, "running"))

    def stop(self) -> None:
        self._calls.append(f"stop {self.name}")


def test_components_start_in_order_stop_in_reverse_and_a_failure_degrades_only_itself(
    tmp_path: Path,
) -> None:
    calls: list[str] = []
    conversation = Conversation(make_settings(tmp_path))
    log = EventLog()
    conversation.subscribe(log)
    parts = [Recorder("speech", calls), Recorder("voice", calls, fail=True), Recorder("web", calls)]
    with Assembly(conversation, parts):
        plan = conversation.submit("웃어줘")
        assert plan is not None and plan.intents == ["smile"]
        wait_until(
            lambda: any(e.status.component("voice") for e in log.of(StatusChanged)),
            what="the status to carry the component states",
        )
        status = conversation.status()
        assert status.component("speech") == "running"
        assert status.component("web") == "running"
        assert status.component("voice") == "unavailable (no such device)"
        assert status.component("llm").startswith("off")  # no model or server configured
        assert status.component("camera") is None  # never reported
    assert calls == ["start speech", "start voice", "start web", "stop web", "stop speech"]
    (error,) = log.of(ErrorOccurred)
    assert error.source == "voice" and "no such device" in error.message


def test_typed_text_and_explicit_interrupts_publish_barge_in(tmp_path: Path) -> None:
    conversation = Conversation(make_settings(tmp_path))
    log = EventLog()
    conversation.subscribe(log)
    with Assembly(conversation):
        conversation.submit("안녕?")
        conversation.interrupt("voice")
        assert conversation.submit("  ") is None  # nothing said: nobody is interrupted
    assert [event.reason for event in log.of(Interrupted)] == ["typed", "voice"]
