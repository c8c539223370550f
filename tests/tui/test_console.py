"""The console driven like a user: the real app (pilot), real Conversation, fallback engine."""

from __future__ import annotations

import threading
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

import agent.conversation
from agent import Conversation, Settings, load_settings
from agent.events import (
    ExitRequested,
    FrameRendered,
    PlanStarted,
    PortraitChanged,
    ReplyReady,
    WindowKeyPressed,
    WindowStateChanged,
)
from animator.fallback import FallbackEngine
from animator.portrait import load_portrait
from contracts import Frame, Plan, Step
from intents import Interpreter
from tests.tui._helpers import (
    PORTRAIT,
    TERMINAL_SIZE,
    EventRecorder,
    chat_text,
    enter,
    enter_and_wait,
    squash,
    wait_until,
)
from tui import ConsoleApp
from tui.messages import forward_event
from tui.quick_keys import QUICK_KEYS
from tui.widgets import CommandInput, LogPanel, NoticeBar, PortraitPreview, StatusBar

pytestmark = pytest.mark.asyncio

FACE = (slice(66, 162), slice(177, 273))
"""Rows and columns of the face in assets/portrait.png."""
MOUTH = (slice(115, 152), slice(190, 261))
"""Rows and columns around the mouth, where the fallback engine draws a smile."""


def face_pixels_of(frame: Frame) -> np.ndarray:
    return frame.image[FACE].astype(np.float64)


async def test_utterance_shows_chips_and_changes_the_rendered_face(
    app: ConsoleApp, conversation: Conversation, recorder: EventRecorder
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await wait_until(pilot, lambda: conversation.latest_frame() is not None, "a first frame")
        before = conversation.latest_frame()
        text = await enter_and_wait(pilot, "활짝 웃다가 윙크해줘", "[wink")
        assert "you › 활짝 웃다가 윙크해줘" in text
        assert "[smile 1.0] → [wink 0.7]" in text
        started = recorder.of_type(PlanStarted)[-1]
        assert started.plan.intents == ["smile", "wink"]

        def smiling() -> bool:
            frame = conversation.latest_frame()
            return frame is not None and frame.plan_id == started.plan_id and frame.pose.smile > 0.5

        await wait_until(pilot, smiling, "a frame of the new plan with a visible smile")
        after = conversation.latest_frame()
    assert before is not None and after is not None
    assert after.plan_id != before.plan_id
    change = np.abs(face_pixels_of(after) - face_pixels_of(before)).mean()
    assert change > 1.0, f"the face barely changed (mean abs difference {change:.2f})"
    # Idle life (sway, breathing) moves the face as well, so also check that the smile itself is
    # in the pixels: the same pose rendered without the smile differs around the mouth.
    engine = FallbackEngine()
    (unsmiling,) = engine.render(
        engine.prepare(load_portrait(PORTRAIT)), [after.pose.model_copy(update={"smile": 0.0})]
    )
    mouth = np.abs(after.image[MOUTH].astype(np.float64) - unsmiling[MOUTH]).mean()
    assert mouth > 3.0, f"the smile barely shows (mean abs difference {mouth:.2f})"


async def test_chat_utterance_shows_the_reply(
    app: ConsoleApp, recorder: EventRecorder
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await enter(pilot, "안녕?")
        await wait_until(pilot, lambda: recorder.of_type(ReplyReady), "a ReplyReady event")
        reply = recorder.of_type(ReplyReady)[-1].text
        await wait_until(pilot, lambda: f"avatar › {reply}" in chat_text(app), "the reply line")
        assert "[chat]" in chat_text(app)
    assert reply.strip()


async def test_quick_keys_play_their_expressions(
    app: ConsoleApp, recorder: EventRecorder
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        for quick in QUICK_KEYS:
            await pilot.press(quick.key)
            await wait_until(
                pilot,
                lambda q=quick: [e.plan.intents for e in recorder.of_type(PlanStarted)][-1:]
                == [[q.intent]],
                f"{quick.key} to play {quick.intent}",
            )
            await wait_until(pilot, lambda q=quick: f"play › [{q.intent} 0.7]" in chat_text(app),
                             f"the {quick.intent} chip")
        footer_keys = {active.binding.id for active in app.screen.active_bindings.values()}
    assert {quick.binding_id for quick in QUICK_KEYS} <= footer_keys


async def test_quick_keys_follow_the_keymap(
    conversation: Conversation, recorder: EventRecorder
) -> None:
    app = ConsoleApp(conversation, keymap={"quick.smile": "ctrl+s"})
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await pilot.press("ctrl+s", "f1", "f2")  # f1 no longer plays anything; f2 still laughs
        await wait_until(pilot, lambda: len(recorder.of_type(PlanStarted)) >= 2, "two plans")
    assert [e.plan.intents for e in recorder.of_type(PlanStarted)] == [["smile"], ["laugh"]]


async def test_keymap_from_the_config_file_reaches_the_console(
    tmp_path: Path, conversation: Conversation, recorder: EventRecorder
) -> None:
    config = tmp_path / "avatar.toml"
    config.write_text('[console.keymap]\n"quick.wink" = "f11"\n', encoding="utf-8")
    keymap = load_settings(config).console.keymap
    app = ConsoleApp(conversation, keymap=keymap)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await pilot.press("f11")
        await wait_until(pilot, lambda: recorder.of_type(PlanStarted), "f11 to play")
    assert recorder.of_type(PlanStarted)[0].plan.intents == ["wink"]


@pytest.mark.parametrize(
    ("keymap", "problem"),
    [({"quick.smle": "f1"}, "unknown binding id 'quick.smle'; use one of"),
     ({"quick.smile": " "}, "the key for 'quick.smile' is empty")],
)
async def test_a_keymap_that_would_do_nothing_is_refused(
    conversation: Conversation, keymap: dict[str, str], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        ConsoleApp(conversation, keymap=keymap)
    if "unknown" in problem:
        assert "quick.smile" in str(caught.value) and "console.toggle_log" in str(caught.value)


async def test_window_keys_and_exit_requests_reach_the_console(
    app: ConsoleApp, recorder: EventRecorder
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        forward_event(app.screen, WindowKeyPressed(key="f2"))
        await wait_until(pilot, lambda: recorder.of_type(PlanStarted), "f2 in the window")
        forward_event(app.screen, ExitRequested(source="signal", detail="SIGTERM"))
        await wait_until(pilot, lambda: app.return_value is not None, "the app to exit")
    assert recorder.of_type(PlanStarted)[0].plan.intents == ["laugh"]
    assert app.return_code == 0


async def test_history_restores_previous_inputs(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        line = app.screen.query_one(CommandInput)
        await enter_and_wait(pilot, "웃어줘", "you › 웃어줘")
        await enter_and_wait(pilot, "/help", "F8")
        await pilot.press(*"draft")
        await pilot.press("up")
        assert line.value == "/help"
        await pilot.press("up")
        assert line.value == "웃어줘"
        await pilot.press("down")
        assert line.value == "/help"
        await pilot.press("down")
        assert line.value == "draft"


async def test_help_lists_commands_and_quick_keys(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        text = await enter_and_wait(pilot, "/help", "F8")
    for usage in ("/portrait PATH", "/engine [auto|liveportrait|fallback]", "/record start|stop",
                  "/window", "/help", "/quit"):
        assert usage in text
    lines = [line.split() for line in text.splitlines()]
    assert ["F1", "smile"] in lines and ["F8", "neutral"] in lines


async def test_missing_portrait_is_an_error_and_the_old_one_stays(
    app: ConsoleApp, conversation: Conversation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=TERMINAL_SIZE, notifications=True) as pilot:
        text = await enter_and_wait(pilot, "/portrait nobody-here.png", "error ›")
        await wait_until(pilot, lambda: "nobody-here.png" in toasts(app), "an error toast")
        seq = conversation.latest_frame().seq
        await wait_until(pilot, lambda: conversation.latest_frame().seq > seq, "frames go on")
    assert squash("nobody-here.png': file not found") in squash(text)
    assert Path(conversation.status().portrait) == PORTRAIT
    assert text.count("error ›") == 1  # the command's error and the event are shown once


async def test_photo_without_a_face_is_refused(
    app: ConsoleApp, conversation: Conversation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Image.fromarray(np.full((256, 256, 3), 128, np.uint8)).save("grey.png")
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        text = await enter_and_wait(pilot, "/portrait grey.png", "error ›")
    assert "noface" in squash(text).lower() and "grey.png" in squash(text)
    assert Path(conversation.status().portrait) == PORTRAIT


async def test_valid_portrait_switches(
    app: ConsoleApp, recorder: EventRecorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    mirrored = Path("mirrored.png")
    Image.open(PORTRAIT).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        text = await enter_and_wait(pilot, "/portrait mirrored.png", "portrait is now")
        status = app.screen.query_one(StatusBar)
        await wait_until(pilot, lambda: "mirrored.png" in str(status.render()), "the status bar")
    assert [e.path for e in recorder.of_type(PortraitChanged)] == [str(mirrored)]
    assert text.count("portrait is now mirrored.png") == 1  # announced once, by the event
    assert "error ›" not in text


async def test_engine_commands(app: ConsoleApp, conversation: Conversation) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await enter_and_wait(pilot, "/engine", "engines: auto, liveportrait, fallback")
        await enter_and_wait(pilot, "/engine fallback", "engine → FALLBACK engine (cpu")
        text = await enter_and_wait(pilot, "/engine liveportrait", "error ›", within_s=60)
        await enter_and_wait(pilot, "/help", "F8")  # still running
    error = squash(text[text.index("error ›"):])
    assert squash("avatar models download") in error
    assert conversation.status().engine.fallback


async def test_record_start_stop_writes_an_mp4(
    app: ConsoleApp, conversation: Conversation, recorder: EventRecorder, settings: Settings
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await enter_and_wait(pilot, "/record start", "recording to ")
        await wait_until(pilot, lambda: "● REC" in str(app.screen.query_one(StatusBar).render()),
                         "the REC mark")
        seen = len(recorder.of_type(FrameRendered))
        await wait_until(pilot, lambda: len(recorder.of_type(FrameRendered)) >= seen + 5,
                         "frames recorded")
        text = await enter_and_wait(pilot, "/record stop", "recording saved: ")
    (saved,) = recordings(settings)
    assert squash(f"recording saved: {saved}") in squash(text)
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(saved))
    assert frames > 0


def recordings(settings: Settings) -> list[Path]:
    return sorted(settings.recordings_dir.glob("*.mp4"))


async def test_window_command_reports_the_state(
    app: ConsoleApp, conversation: Conversation, recorder: EventRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await enter(pilot, "/window")
        await wait_until(pilot, lambda: window_lines(app), "a window state line", within_s=60)
        shown = window_lines(app)[0].split()[1]
        text = chat_text(app)
    states = {e.state for e in recorder.of_type(WindowStateChanged)} | {conversation.window_state}
    assert "error ›" not in text
    assert shown in states - {"disabled"}


def window_lines(app: ConsoleApp) -> list[str]:
    """Chat lines after the /window command that state the window's state."""
    text = chat_text(app)
    after = text[text.index("› /window"):] if "› /window" in text else ""
    return [line for line in after.splitlines() if line.startswith("window ")]


async def test_reset_forgets_the_conversation(
    app: ConsoleApp, conversation: Conversation
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await enter_and_wait(pilot, "/reset", "conversation forgotten")
    lines = conversation.transcript_path.read_text(encoding="utf-8").splitlines()
    assert any('"event": "reset"' in line for line in lines)


async def test_quit_exits(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await enter(pilot, "/quit")
        await wait_until(pilot, lambda: app.return_value is not None, "the app to exit")
    assert app.return_code == 0


async def test_unknown_command_suggests_the_right_one(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        text = await enter_and_wait(pilot, "/portrat x.png", "error ›")
    assert squash("Unknown command /portrat. Did you mean /portrait PATH?") in squash(text)


async def test_tab_completes_commands_arguments_and_paths(
    app: ConsoleApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "face-photo.png").write_bytes(b"")
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        line = app.screen.query_one(CommandInput)
        for typed, completed in [
            ("/po", "/portrait "),
            ("/engine f", "/engine fallback"),
            ("/portrait ph", "/portrait photos/"),
            ("/portrait photos/f", "/portrait photos/face-photo.png"),
        ]:
            line.value = typed[:-1]  # typing is covered elsewhere; the last key asks for it
            line.cursor_position = len(line.value)
            await pilot.press(typed[-1])
            await wait_until(pilot, lambda c=completed: shown(line).startswith(c),
                             f"{typed!r} to show the completion {completed!r}")
            await pilot.press("tab")
            assert line.value == completed


def shown(line: CommandInput) -> str:
    """The input line as drawn: the typed text followed by the greyed-out suggestion."""
    return "".join(segment.text for segment in line.render_line(0))


def toasts(app: ConsoleApp) -> str:
    """The text of the notification toasts on screen."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def test_startup_shows_degraded_states_and_the_transcript_path(
    app: ConsoleApp, conversation: Conversation
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        notices = str(app.screen.query_one(NoticeBar).render())
        await pilot.press("f9")
        panel = app.screen.query_one(LogPanel)
        transcript = str(conversation.transcript_path)
        await wait_until(pilot, lambda: transcript in "".join(s.text for s in panel.lines),
                         "the transcript path in the log panel")
        assert panel.display
        await pilot.press("f9")
        assert not panel.display
    assert "FALLBACK engine — run `avatar models download`" in notices


async def test_preview_draws_live_frames(app: ConsoleApp) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        preview = app.screen.query_one(PortraitPreview)
        await wait_until(pilot, lambda: preview.frame_seq is not None, "a first preview frame")
        first = preview.frame_seq
        await wait_until(pilot, lambda: preview.frame_seq != first, "the preview to refresh")
        width, height = preview.content_size
        rows = ["".join(s.text for s in preview.render_line(y)) for y in range(height)]
    assert {len(row) for row in rows} == {width}
    assert sum("▀" in row for row in rows) >= height // 2


class Thinking(Interpreter):
    """An LLM still thinking about a typed line: it answers when the test says so (or gives up
    after 10 s, which the test notices)."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.answer = threading.Event()
        self.gave_up = False

    def interpret(self, text: str) -> Plan:
        self.asked.set()
        self.gave_up = not self.answer.wait(10)
        return Plan(steps=[Step(intent="nod")], source="llm", text=text)


async def test_a_quick_key_while_the_llm_thinks_leaves_the_console_responsive(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    thinking = Thinking()
    monkeypatch.setattr(agent.conversation, "build_interpreter", lambda *a, **k: thinking)
    conversation = Conversation(settings, window=False)
    recorder = EventRecorder()
    conversation.subscribe(recorder)
    conversation.start()
    try:
        app = ConsoleApp(conversation)
        async with app.run_test(size=TERMINAL_SIZE) as pilot:
            await enter(pilot, "오늘 뭐 했어?")
            await wait_until(pilot, thinking.asked.is_set, "the typed line to reach the LLM")
            await pilot.press("f1", "x")
            await wait_until(pilot, lambda: app.screen.query_one(CommandInput).value == "x",
                             "typing while the LLM thinks")
            thinking.answer.set()
            await wait_until(
                pilot, lambda: [e.plan.intents for e in recorder.of_type(PlanStarted)]
                == [["nod"], ["smile"]], "the answer, then the quick key's smile",
            )
        assert not thinking.gave_up, "the console froze until the LLM gave up"
    finally:
        conversation.stop()
