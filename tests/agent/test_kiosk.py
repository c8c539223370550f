"""Kiosk parts: line input from FIFOs and files, the attract loop, and a short kiosk run."""

from __future__ import annotations

import json
import os
import queue
import threading
import tracemalloc
from pathlib import Path

import pytest

from agent.cues import Cue, Schedule
from agent.events import ErrorOccurred
from agent.kiosk import AttractLoop, Kiosk
from agent.lines import MAX_LINE_BYTES, READ_SIZE, LineReader, LineSplitter
from contracts import Plan, Step
from tests.agent._helpers import make_settings, wait_until


def drain(reader: LineReader, count: int, timeout: float = 10.0) -> list[str]:
    lines = []
    for _ in range(count):
        lines.append(reader.lines.get(timeout=timeout))
    return lines


def test_fifo_lines_survive_writers_coming_and_going(tmp_path: Path) -> None:
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    reader = LineReader(str(fifo))
    reader.start()
    try:
        with fifo.open("wb") as writer:
            writer.write("웃어줘\nwink ".encode())
            writer.flush()
            writer.write(b"at me\n\n   \n")
        encoded = "놀란 다음에 웃어\n".encode()
        with fifo.open("wb") as writer:  # a second writer after the first one left
            writer.write(encoded[:4])  # a split inside a multi-byte character
            writer.flush()
            writer.write(encoded[4:])
        assert drain(reader, 3) == ["웃어줘", "wink at me", "놀란 다음에 웃어"]
        assert reader.kind == "fifo"
        with pytest.raises(queue.Empty):
            reader.lines.get(timeout=0.2)  # blank lines are not utterances
    finally:
        reader.stop()


def test_text_file_is_followed_from_its_end(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("old line, already there\n", encoding="utf-8")
    reader = LineReader(str(path))
    reader.start()
    try:
        assert reader.ready.wait(10.0)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("look left\n")
        assert drain(reader, 1) == ["look left"]
        assert reader.kind == "file"
        path.write_text("after truncation\n", encoding="utf-8")
        assert drain(reader, 1) == ["after truncation"]
    finally:
        reader.stop()


def test_a_file_that_appears_later_is_read_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "later.txt"
    reader = LineReader(str(path))
    reader.start()
    try:
        path.write_text("first\nsecond\n", encoding="utf-8")
        assert drain(reader, 2) == ["first", "second"]
    finally:
        reader.stop()


def cue(at: float, intent: str) -> Cue:
    return Cue(at, Plan(steps=[Step(intent=intent)], source="script"), None)  # type: ignore[arg-type]


def test_attract_loop_plays_cues_in_time_and_repeats() -> None:
    loop = AttractLoop(Schedule((cue(0.0, "smile"), cue(1.0, "wink")), duration=2.5))
    assert loop.due(100.0) == []  # not started
    loop.start(10.0)
    assert [c.plan.intents for c in loop.due(10.0)] == [["smile"]]
    assert loop.due(10.9) == []
    assert [c.plan.intents for c in loop.due(11.0)] == [["wink"]]
    assert loop.due(12.4) == []
    assert [c.plan.intents for c in loop.due(12.5)] == [["smile"]]  # next round
    loop.stop()
    assert not loop.active and loop.due(20.0) == []


def intents(cues: list[Cue]) -> list[list[str]]:
    return [c.plan.intents for c in cues]


def test_a_late_poll_does_not_shift_the_next_rounds() -> None:
    """Rounds start at 10, 12.5, 15, ... (start + k * duration), whenever `due` is called."""
    loop = AttractLoop(Schedule((cue(0.0, "smile"), cue(1.0, "wink")), duration=2.5))
    loop.start(10.0)
    assert intents(loop.due(10.0)) == [["smile"]]
    assert intents(loop.due(11.0)) == [["wink"]]
    assert intents(loop.due(12.5625)) == [["smile"]]  # polled 62.5 ms after the round began
    assert loop.due(13.4375) == []
    assert intents(loop.due(13.5)) == [["wink"]]  # 12.5 + 1.0, not 12.5625 + 1.0
    # after a stall the loop resumes inside the round the clock is in (20.0 to 22.5)
    assert intents(loop.due(21.0)) == [["smile"], ["wink"]]
    assert loop.due(22.4375) == []
    assert intents(loop.due(22.5)) == [["smile"]]


def test_quiet_starts_the_loop_and_a_visitor_stops_it_until_quiet_again() -> None:
    loop = AttractLoop(Schedule((cue(0.0, "smile"), cue(1.0, "wink")), duration=2.5), idle_s=5.0)
    loop.reset(100.0)  # the kiosk opens
    assert loop.due(104.9375) == [] and not loop.active
    assert intents(loop.due(105.0)) == [["smile"]]
    loop.reset(105.5)  # a visitor types in the middle of the round
    assert not loop.active
    for now in (106.0, 107.5, 110.4375):  # the round's wink, the next round: none of them
        assert loop.due(now) == [], now
    assert intents(loop.due(110.5)) == [["smile"]]  # from the top, 5 s after the visitor
    assert loop.active


@pytest.fixture(autouse=True)
def _dummy_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")


def test_kiosk_takes_text_plays_attract_and_stops(tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.touch()
    settings = make_settings(
        tmp_path,
        window={"size": [128, 128]},
        kiosk={
            "input": str(feed), "idle_seconds": 0.3, "attract_texts": ["wink at me", "look left"]
        },
    )
    kiosk = Kiosk(settings, announce=lambda line: None)
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(kiosk.run()))
    runner.start()
    try:
        wait_until(lambda: kiosk.conversation.window_state == "open", timeout=30.0)
        path = kiosk.conversation.transcript_path

        def records() -> list[dict[str, object]]:
            return [json.loads(line) for line in path.read_text().splitlines()]

        def said(source: str) -> list[dict[str, object]]:
            return [r for r in records() if r["kind"] == "utterance" and r["source"] == source]

        wait_until(lambda: any(r["kind"] == "plan" for r in records()), what="attract plans")
        wait_until(lambda: said("attract"), what="the attract loop's first line")
        with feed.open("a", encoding="utf-8") as handle:
            handle.write("웃어줘\n고개 끄덕여 두 번\n")
        wait_until(
            lambda: [r["text"] for r in said("file")] == ["웃어줘", "고개 끄덕여 두 번"],
            what="both utterances in the transcript",
        )
        visitor = said("file")[-1]
        wait_until(
            lambda: [r for r in said("attract") if r["time"] > visitor["time"]],  # type: ignore[operator]
            what="the attract loop again after the visitor",
        )
        status = kiosk.conversation.status()
        assert status.window == "open" and status.engine.fallback
    finally:
        kiosk.request_stop("test over")
        runner.join(20.0)
    assert result == [0]
    plans = [r["plan"] for r in records() if r["kind"] == "plan"]
    intents = [[s["intent"] for s in plan["steps"]] for plan in plans]  # type: ignore[index]
    assert ["wink"] in intents and ["smile"] in intents and ["nod"] in intents
    assert records()[-1]["event"] == "stopped"
    # the visitor ended the round: the loop came back from its first line, not from where it was,
    # and only after idle_seconds of quiet (minus the transcript's clock resolution)
    spoken = [r for r in records() if r["kind"] == "utterance"]
    after = spoken[spoken.index(visitor) + 1]
    assert (after["source"], after["text"]) == ("attract", "wink at me")
    assert after["time"] - visitor["time"] >= 0.3 - 0.002  # type: ignore[operator]


def test_fifo_lines_are_logged_and_transcribed_and_the_operator_combination_ends_it(
    tmp_path: Path,
) -> None:
    """One kiosk session: a FIFO line is transcribed as "fifo" and logged at info with its
    control characters escaped; then the operator's key combination ends the kiosk."""
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    settings = make_settings(
        tmp_path, window={"size": [96, 96]}, kiosk={"input": str(fifo), "attract": False}
    )
    kiosk = Kiosk(settings, announce=lambda line: None)
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(kiosk.run()))
    runner.start()
    try:
        wait_until(lambda: kiosk.conversation.window_state == "open", timeout=30.0)
        with fifo.open("wb") as writer:
            writer.write("웃어\x1b]0;owned\x07줘\n".encode())
        path = kiosk.conversation.transcript_path

        def said() -> list[tuple[str, str]]:
            records = [json.loads(line) for line in path.read_text().splitlines()]
            return [(r["source"], r["text"]) for r in records if r["kind"] == "utterance"]

        wait_until(lambda: said(), what="the line in the transcript")
        assert said() == [("fifo", "웃어\x1b]0;owned\x07줘")]
        sink = kiosk.conversation._window.sink  # the real window process, as the operator's
        assert sink is not None  # keyboard would reach it
        sink.post_key("ctrl+shift+q")
        runner.join(20.0)
    finally:
        kiosk.request_stop()
        runner.join(20.0)
    assert result == [0]
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "kiosk stopping: window ctrl+shift+q" in log
    assert "kiosk heard (fifo): 웃어\\x1b]0;owned\\x07줘\n" in log
    assert "\x1b" not in log and "\x07" not in log


def test_an_over_long_line_is_refused_and_the_kiosk_goes_on(tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.touch()
    settings = make_settings(
        tmp_path, window={"size": [96, 96]}, kiosk={"input": str(feed), "attract": False}
    )
    kiosk = Kiosk(settings, announce=lambda line: None)
    errors: list[str] = []
    kiosk.conversation.subscribe(
        lambda event: errors.append(event.message) if isinstance(event, ErrorOccurred) else None
    )
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(kiosk.run()))
    runner.start()
    try:
        wait_until(kiosk._reader.ready.is_set, timeout=30.0, what="the input positioned")
        path = kiosk.conversation.transcript_path
        with feed.open("a", encoding="utf-8") as handle:
            handle.write("웃" * 25_000 + "\n" + "x" * 500_000 + "\n웃어줘\n")

        def utterances() -> list[object]:
            records = [json.loads(line) for line in path.read_text().splitlines()]
            return [r["text"] for r in records if r["kind"] == "utterance"]

        wait_until(lambda: utterances() == ["웃어줘"], timeout=20.0, what="the next line played")
        assert runner.is_alive()
        assert any("25,000 characters was refused" in message for message in errors)
    finally:
        kiosk.request_stop("test over")
        runner.join(20.0)
    assert result == [0]
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "a line longer than 80000 bytes was skipped" in log


def test_a_line_without_end_costs_bounded_memory() -> None:
    splitter = LineSplitter("test")
    chunk = b"y" * READ_SIZE
    tracemalloc.start()
    try:
        for _ in range(100_000_000 // READ_SIZE):  # 100 MB without a newline
            assert splitter.feed(chunk) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MAX_LINE_BYTES  # the old reader held all 100 MB (and copied it each read)
    assert splitter.feed(b"tail\nwink at me\n") == [b"wink at me"]
    assert splitter.skipped == 1


def test_line_splitter_keeps_lines_up_to_the_limit_and_the_unterminated_last_one() -> None:
    splitter = LineSplitter("test", limit=10)
    assert splitter.feed(b"0123456789\n01234") == [b"0123456789"]
    assert splitter.feed(b"56789A\nok") == []  # 11 bytes: skipped
    assert splitter.finish() == [b"ok"]
    assert splitter.skipped == 1
