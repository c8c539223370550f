"""Widgets on their own: intent chips, the status bar, degraded-state notices, the log panel."""

from __future__ import annotations

import logging
import threading

import pytest
from textual.app import App, ComposeResult

from agent.events import Status
from contracts import INTENTS, EngineInfo, Plan, Step
from tests.tui._helpers import wait_until
from tui.widgets import ChatLog, LogPanel, NoticeBar, StatusBar
from tui.widgets.chat_log import chip_label, intent_family, plan_chips
from tui.widgets.status_bar import degraded_notices

FALLBACK = EngineInfo(name="fallback", fallback=True)
REAL = EngineInfo(name="liveportrait", device="cuda:0", dtype="float16", real_weights=True)


@pytest.mark.parametrize(
    ("step", "label"),
    [
        (Step(intent="smile", intensity=1.0), "[smile 1.0]"),
        (Step(intent="wink", intensity=0.7, repeat=2), "[wink 0.7 ×2]"),
        (Step(intent="nod", intensity=0.35, repeat=3), "[nod 0.35 ×3]"),
        (Step(intent="chat", text="안녕하세요"), "[chat]"),
        (Step(intent="neutral", intensity=0.0), "[neutral 0.0]"),
    ],
)
def test_chip_label_shows_intensity_and_repeat(step: Step, label: str) -> None:
    assert chip_label(step) == label


def test_plan_chips_join_steps_with_arrows_and_colour_by_family() -> None:
    plan = Plan(steps=[Step(intent="smile", intensity=1.0), Step(intent="sad", repeat=2)])
    chips = plan_chips(plan)
    assert chips.plain == "[smile 1.0] → [sad 0.7 ×2]"
    styles = {chips.plain[span.start:span.end]: str(span.style) for span in chips.spans}
    assert styles["[smile 1.0]"] != styles["[sad 0.7 ×2]"]


def test_every_intent_has_a_colour_family() -> None:
    families = {intent: intent_family(intent) for intent in INTENTS}
    assert families["smile"] == families["laugh"] == "joy"
    assert families["sad"] == families["angry"] == "gloom"
    assert len(set(families.values())) == 7


def test_degraded_notices_one_line_per_state() -> None:
    degraded = Status(engine=FALLBACK, window="unavailable", notes=("long agent note",))
    assert degraded_notices(degraded) == [
        "FALLBACK engine — run `avatar models download` to get the LivePortrait weights",
        "window unavailable — using the terminal preview",
    ]
    assert degraded_notices(Status(engine=REAL, window="open")) == []
    assert degraded_notices(Status(engine=REAL, window="crashed")) == [
        "window crashed — using the terminal preview; /window reopens it"
    ]


class _StatusApp(App[None]):
    def __init__(self, live_metrics: bool) -> None:
        super().__init__()
        self.live_metrics = live_metrics

    def compose(self) -> ComposeResult:
        yield NoticeBar()
        yield StatusBar(live_metrics=self.live_metrics)


def _visible(app: App[None], widget: type) -> str:
    return "".join(segment.text for segment in app.query_one(widget).render_line(0))


@pytest.mark.asyncio
async def test_status_bar_shows_engine_speed_queue_window_and_recording() -> None:
    app = _StatusApp(live_metrics=True)
    async with app.run_test(size=(160, 6)) as pilot:
        app.query_one(StatusBar).status = Status(
            engine=FALLBACK, fps=24.5, latency_p50_ms=41.2, latency_p95_ms=87.9, queue_depth=1,
            window="disabled", portrait="/photos/me.png", recording="/rec/avatar-1.mp4",
        )
        await pilot.pause()
        line = _visible(app, StatusBar)
        tooltip = str(app.query_one(StatusBar).tooltip)
    assert " FALLBACK  cpu · float32 · no weights" in line
    assert "24.5 fps · p50 41 ms · p95 88 ms" in line
    assert "│ 1 frame waiting │" in line and "window disabled" in line
    assert "frames sent to the window that it has not drawn yet" in tooltip
    assert "me.png" in line and "● REC avatar-1.mp4" in line


@pytest.mark.asyncio
async def test_status_bar_says_when_there_is_no_latency_yet() -> None:
    app = _StatusApp(live_metrics=True)
    async with app.run_test(size=(160, 6)) as pilot:
        app.query_one(StatusBar).status = Status(engine=FALLBACK, fps=30.0)
        await pilot.pause()
        line = _visible(app, StatusBar)
    assert "30.0 fps · p50 -- ms · p95 -- ms" in line


@pytest.mark.asyncio
async def test_frozen_status_bar_hides_machine_dependent_numbers() -> None:
    app = _StatusApp(live_metrics=False)
    async with app.run_test(size=(160, 6)) as pilot:
        app.query_one(StatusBar).status = Status(
            engine=REAL, fps=24.5, latency_p50_ms=41.2, latency_p95_ms=87.9, queue_depth=1
        )
        await pilot.pause()
        line = _visible(app, StatusBar)
    assert "liveportrait cuda:0 · float16 · real weights" in line
    assert "-- fps · p50 -- ms · p95 -- ms" in line and "-- frames waiting" in line
    assert "24.5" not in line and "1 frame waiting" not in line


@pytest.mark.asyncio
async def test_notice_bar_appears_only_when_degraded() -> None:
    app = _StatusApp(live_metrics=True)
    async with app.run_test(size=(120, 6)) as pilot:
        notices = app.query_one(NoticeBar)
        assert not notices.display
        notices.notices = tuple(degraded_notices(Status(engine=FALLBACK, window="unavailable")))
        await pilot.pause()
        assert notices.display and notices.size.height == 2
        text = _visible(app, NoticeBar)
        notices.notices = ()
        await pilot.pause()
        assert not notices.display
    assert "FALLBACK engine — run `avatar models download`" in text


class _LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogPanel()


@pytest.mark.asyncio
async def test_log_panel_shows_avatar_records_from_other_threads() -> None:
    app = _LogApp()
    handlers_before = list(logging.getLogger("avatar").handlers)
    async with app.run_test(size=(120, 20)) as pilot:
        panel = app.query_one(LogPanel)
        assert panel.toggle() is True
        worker = threading.Thread(
            target=lambda: logging.getLogger("avatar.test").info("hello from %s", "a thread")
        )
        worker.start()
        worker.join()
        logging.getLogger("other.package").warning("not for the panel")
        logging.getLogger("avatar.test").info("last record")
        await wait_until(pilot, lambda: "last record" in panel_text(panel), "the last record")
        text = panel_text(panel)
    assert "INFO    avatar.test  hello from a thread" in text
    assert "not for the panel" not in text
    assert logging.getLogger("avatar").handlers == handlers_before  # removed on unmount


@pytest.mark.asyncio
async def test_log_panel_escapes_control_characters_in_messages() -> None:
    app = _LogApp()
    async with app.run_test(size=(120, 20)) as pilot:
        panel = app.query_one(LogPanel)
        panel.toggle()
        logging.getLogger("avatar.test").warning("heard %r", "\x1b]0;t\x07")
        logging.getLogger("avatar.test").warning("said %s", "\x1b[31mred")
        await wait_until(pilot, lambda: "said" in panel_text(panel), "the second record")
        text = panel_text(panel)
    assert "\x1b" not in text and "said \\x1b[31mred" in text


def panel_text(panel: LogPanel) -> str:
    return "\n".join(line.text for line in panel.lines)


class _ChatApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatLog()


@pytest.mark.asyncio
async def test_chat_log_shows_control_characters_escaped() -> None:
    app = _ChatApp()
    async with app.run_test(size=(120, 20)) as pilot:
        chat = app.query_one(ChatLog)
        chat.add_user("\x1b]0;pwned\x07hi \x1b[2J\x9b31m")
        chat.add_reply("ok\rfake")
        chat.add_note("› \x1b[5mblink\nsecond line")
        chat.add_error("bad \x07 input")
        await pilot.pause()
        text = "\n".join(line.text for line in chat.lines)
    assert not any(char in text for char in "\x1b\x07\x9b\r")
    assert "you › \\x1b]0;pwned\\x07hi \\x1b[2J\\x9b31m" in text
    assert "avatar › ok\\rfake" in text
    assert "› \\x1b[5mblink\nsecond line" in text  # a note keeps its own line breaks
    assert "error › bad \\x07 input" in text
