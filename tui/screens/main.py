"""The console's main screen: chat log, live preview, log panel, input line and status bar.

It only orchestrates: the Conversation does the work, `tui.commands`/`tui.command_runner` hold the
slash-command rules, the widgets draw. Conversation events arrive as `tui.messages` messages.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from agent.events import Status
from agent.listener import CUE_RELEASE, LISTENING_CUE
from contracts import INTENTS, Plan
from tui import messages
from tui.command_runner import CommandOutcome, run_command
from tui.commands import CommandError, ParsedCommand, is_command, parse_command
from tui.palette import ConsoleCommands
from tui.quick_keys import QUICK_KEYS, intent_plan
from tui.widgets.chat_log import ChatLog
from tui.widgets.command_input import CommandInput
from tui.widgets.log_panel import LogPanel
from tui.widgets.preview import PortraitPreview
from tui.widgets.status_bar import WINDOW_NOTICES, NoticeBar, StatusBar, degraded_notices
from tui.widgets.voice_bar import VoiceBar

if TYPE_CHECKING:
    from agent import Conversation
    from agent.listener import VoiceListener

log = logging.getLogger("avatar.tui")

ERROR_REPEAT_S = 3.0
"""The same error text within this many seconds is shown once."""
WELCOME = "Say what the portrait should do (웃어줘, wink at me, 놀란 다음에 웃어) or type /help."
VOICE_POLL_S = 0.1
"""How often the voice line reads the microphone level and listening state."""


class MainScreen(Screen[None]):
    """Chat with the portrait and watch it.

    Args:
        conversation: the started Conversation to drive.
        live: False freezes the machine-dependent parts (preview, fps, latency, queue depth) so
            snapshots of the screen are deterministic.
    """

    CSS_PATH = "main.tcss"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ConsoleCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        *(quick.binding() for quick in QUICK_KEYS),
        Binding("f9", "toggle_log", "log", id="console.toggle_log",
                tooltip="Show or hide the log panel (avatar.* logging records)."),
        Binding("f12", "push_to_talk", "talk", id="voice.push_to_talk", show=False,
                tooltip="Push-to-talk: listen for one spoken command (press again to cancel)."),
    ]

    @dataclass
    class CommandFinished(Message):
        """A slash command finished in its worker thread."""

        name: str
        outcome: CommandOutcome

    def __init__(
        self, conversation: Conversation, *, live: bool = True, voice: VoiceListener | None = None
    ) -> None:
        super().__init__()
        self.conversation = conversation
        self.live = live
        self.voice = voice
        self._unsubscribe: Callable[[], None] | None = None
        self._recent_errors: deque[tuple[float, str]] = deque()
        self._notes_logged: set[str] = set()

    def compose(self) -> ComposeResult:
        """Notices on top, chat and preview side by side, then log, input, status, footer."""
        yield NoticeBar(id="notices")
        with Horizontal(id="body"):
            yield ChatLog(id="chat")
            yield PortraitPreview(self.conversation.latest_frame, live=self.live, id="preview")
        yield LogPanel(id="log")
        yield CommandInput(self.conversation.history, id="input")
        if self.voice is not None:
            yield VoiceBar(id="voice")
        yield StatusBar(live_metrics=self.live, id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Subscribe to the Conversation, show its state and where the transcript goes."""
        self._unsubscribe = self.conversation.subscribe(partial(messages.forward_event, self))
        self._show_status(self.conversation.status())
        self.query_one(ChatLog).add_note(WELCOME)
        log.info("transcript: %s", self.conversation.transcript_path)
        self.query_one(CommandInput).focus()
        if self.voice is not None:
            self._poll_voice()
            self.set_interval(VOICE_POLL_S, self._poll_voice)

    def on_unmount(self) -> None:
        """Stop receiving events."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def on_command_input_line_entered(self, message: CommandInput.LineEntered) -> None:
        """What was typed runs."""
        self.run_line(message.text)

    def run_line(self, text: str) -> None:
        """A slash command runs; anything else is said to the portrait (typed or palette)."""
        if is_command(text):
            self._start_command(text)
            return
        # A worker thread: with an LLM the plan may take up to its deadline to start.
        self.run_worker(partial(self._say, text), thread=True, group="say")

    def _say(self, text: str) -> None:
        """Worker thread: say `text` to the portrait."""
        try:
            self.conversation.submit(text)
        except ValueError as exc:
            self.app.call_from_thread(self._show_error, "interpreter", str(exc))

    def prefill(self, text: str) -> None:
        """Put `text` on the input line, ready to be completed (a command's argument)."""
        line = self.query_one(CommandInput)
        line.value = text
        line.cursor_position = len(text)
        line.focus()

    def action_quick(self, intent: str) -> None:
        """Play a quick-key expression now."""
        self.play_intent(intent)

    def play_intent(self, intent: str) -> None:
        """Play one expression of the vocabulary now, at its default intensity."""
        if intent in INTENTS:
            self._play(intent_plan(intent))  # type: ignore[arg-type]

    def _play(self, plan: Plan) -> None:
        """Play `plan` from a worker: `play` waits while a typed line is still being understood
        (an LLM may think for seconds), and the console must not freeze meanwhile."""
        self.run_worker(partial(self.conversation.play, plan), thread=True, group="play",
                        name="play")

    def action_push_to_talk(self) -> None:
        """Listen for one spoken command (a worker: the first press may open the microphone)."""
        if self.voice is None:
            self.query_one(ChatLog).add_note("voice input is off ([voice] enabled = false)")
            return
        self.run_worker(self.voice.push_to_talk, thread=True, group="voice", name="talk")

    def _poll_voice(self) -> None:
        assert self.voice is not None
        bar = self.query_one(VoiceBar)
        bar.meter = self.voice.meter()
        if bar.meter.phase not in ("hearing", "recognizing"):
            bar.partial = ""

    def on_transcript_partial(self, message: messages.TranscriptPartial) -> None:
        """Show what is being said while it is said."""
        if self.voice is not None:
            self.query_one(VoiceBar).partial = message.event.text

    def action_toggle_log(self) -> None:
        """Show or hide the log panel."""
        self.query_one(LogPanel).toggle()

    def _start_command(self, line: str) -> None:
        chat = self.query_one(ChatLog)
        chat.add_note(f"› {line}")
        try:
            parsed = parse_command(line)
        except CommandError as exc:
            chat.add_error(str(exc))
            self.notify(str(exc), title="command", severity="warning")
            return
        # Not exclusive: a thread cannot be interrupted mid-call, and every command's outcome
        # (a saved recording, a failed engine switch) must be shown, so each one runs to the end.
        self.run_worker(
            partial(self._run_command, parsed), thread=True, group="command",
            name=f"/{parsed.command.name}",
        )

    def _run_command(self, parsed: ParsedCommand) -> None:
        """Worker thread: run the command and post its outcome back to the screen."""
        try:
            outcome = run_command(self.conversation, parsed, self.voice)
        except Exception as exc:  # a bug in a command must not take the console down
            log.exception("/%s failed", parsed.command.name)
            outcome = CommandOutcome(error=f"/{parsed.command.name} failed: {exc!r}")
        self.post_message(self.CommandFinished(parsed.command.name, outcome))

    def on_main_screen_command_finished(self, message: CommandFinished) -> None:
        """Show what a command did; /quit exits."""
        chat = self.query_one(ChatLog)
        for note in message.outcome.notes:
            chat.add_note(note)
        if message.outcome.table:
            chat.add_table(message.outcome.table)
        if message.outcome.error:
            self._show_error(message.name, message.outcome.error)
        if message.outcome.quit:
            self.app.exit(0)

    def on_utterance_received(self, message: messages.UtteranceReceived) -> None:
        """Show what was said."""
        utterance = message.event.utterance
        self.query_one(ChatLog).add_user(utterance.text, utterance.source, utterance.confidence)

    def on_plan_started(self, message: messages.PlanStarted) -> None:
        """Show the plan as intent chips (the listening cue shows on the voice line instead)."""
        if message.event.plan is LISTENING_CUE or message.event.plan is CUE_RELEASE:
            return
        label = "plan" if message.event.utterance is not None else "play"
        self.query_one(ChatLog).add_plan(message.event.plan, label=label)

    def on_reply_ready(self, message: messages.ReplyReady) -> None:
        """Show the avatar's answer."""
        self.query_one(ChatLog).add_reply(message.event.text)

    def on_status_changed(self, message: messages.StatusChanged) -> None:
        """Update the status bar and the notices."""
        self._show_status(message.event.status)

    def on_portrait_changed(self, message: messages.PortraitChanged) -> None:
        """Say which portrait is live now, with the face-detection notes."""
        chat = self.query_one(ChatLog)
        chat.add_note(f"portrait is now {message.event.path}")
        for note in message.event.notes:
            chat.add_note(note)

    def on_window_state_changed(self, message: messages.WindowStateChanged) -> None:
        """Say what happened to the window."""
        event = message.event
        line = WINDOW_NOTICES.get(event.state, f"window {event.state}")
        self.query_one(ChatLog).add_note(f"{line} ({event.reason})" if event.reason else line)

    def on_error_occurred(self, message: messages.ErrorOccurred) -> None:
        """Toast and chat line; the console keeps running."""
        self._show_error(message.event.source, message.event.message)

    def on_window_key_pressed(self, message: messages.WindowKeyPressed) -> None:
        """Quick keys work in the pygame window too (with their default keys, F1..F8)."""
        quick = next((q for q in QUICK_KEYS if q.key == message.event.key), None)
        if quick is not None:
            self._play(quick.plan())

    def on_exit_requested(self, message: messages.ExitRequested) -> None:
        """The operator's exit combination or a signal ends the console."""
        log.info("exit requested by %s %s", message.event.source, message.event.detail)
        self.app.exit(0)

    def _show_status(self, status: Status) -> None:
        self.query_one(StatusBar).status = status
        self.query_one(PortraitPreview).face_box = status.face_box
        self.query_one(NoticeBar).notices = tuple(degraded_notices(status))
        for note in status.notes:
            if note not in self._notes_logged:
                self._notes_logged.add(note)
                log.warning("%s", note)

    def _show_error(self, source: str, text: str) -> None:
        """Chat line and toast, once: a command's error repeats the event the Conversation
        already published for the same failure, so text seen in the last seconds is skipped."""
        now = time.monotonic()
        while self._recent_errors and self._recent_errors[0][0] < now - ERROR_REPEAT_S:
            self._recent_errors.popleft()
        if any(text in seen or seen in text for _, seen in self._recent_errors):
            return
        self._recent_errors.append((now, text))
        self.query_one(ChatLog).add_error(text)
        self.notify(text, title=f"{source} error", severity="error", timeout=8)
