"""`avatar chat`: a plain line-mode conversation without the console (SSH, scripts, pipes).

One utterance per input line; the portrait's answer is printed sentence by sentence as it
streams, with the expressions it plays. `/reset` forgets the conversation, `/quit` (or the end
of the input) leaves. Each line waits for the previous answer to finish, so a piped script gets
every answer in full.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TextIO

from agent._bus import REPORTED
from agent.components import Assembly, standard_components
from agent.config import Settings
from agent.conversation import Conversation
from agent.events import ComponentStateChanged, ErrorOccurred, Event, PlanStarted, ReplyReady

REPLY_WAIT_S = 120.0
LOAD_WAIT_S = 300.0
HELP = "commands: /reset (forget the conversation), /quit"


class LineChat:
    """Prints a conversation's answers as lines on `out`, notes on `err`."""

    def __init__(self, settings: Settings, out: TextIO, err: TextIO) -> None:
        self.name = settings.llm.name
        self.out = out
        self.err = err
        self.llm_settled = threading.Event()
        """Set once the LLM is ready, off or unavailable (not while it loads)."""

    def on_event(self, event: Event) -> None:
        """Conversation callback: replies and plans to `out`, problems to `err`."""
        if isinstance(event, ReplyReady):
            self._line(self.out, f"{self.name}: {event.text}")
        elif isinstance(event, PlanStarted):
            steps = " → ".join(_step(step.intent, step.repeat) for step in event.plan.steps)
            self._line(self.out, f"  ({steps})")
        elif isinstance(event, ComponentStateChanged) and event.component == "llm":
            self._line(self.err, f"llm: {event.state}")
            if not event.state.startswith("loading"):
                self.llm_settled.set()
        elif isinstance(event, ErrorOccurred):
            self._line(self.err, f"{event.source}: {event.message}")

    @staticmethod
    def _line(stream: TextIO, text: str) -> None:
        print(text, file=stream, flush=True)


def _step(intent: str, repeat: int) -> str:
    return f"{intent}×{repeat}" if repeat > 1 else intent


def run_chat(
    settings: Settings, *, window: bool = False, stdin: TextIO | None = None,
    stdout: TextIO | None = None, stderr: TextIO | None = None,
) -> int:
    """Hold the conversation until /quit or the end of `stdin`; returns the exit code (0)."""
    source = stdin if stdin is not None else sys.stdin
    chat = LineChat(settings, stdout or sys.stdout, stderr or sys.stderr)
    conversation = Conversation(settings, window=window)
    conversation.subscribe(chat.on_event)
    # Like `play`: the speaker says the replies, no microphone (line mode reads its input).
    assembly = Assembly(conversation, standard_components(settings, "play"))
    level = REPORTED.level
    REPORTED.setLevel(logging.CRITICAL + 1)  # `chat.on_event` prints every reported problem
    assembly.start()
    try:
        chat.llm_settled.wait(LOAD_WAIT_S)  # a script's first line should meet the LLM
        interactive = source.isatty()
        while True:
            if interactive:
                print("you> ", end="", file=chat.out, flush=True)
            line = source.readline()
            if not line:
                break
            text = line.strip()
            if text in ("/quit", "/exit"):
                break
            if text == "/reset":
                conversation.forget()
                print("(conversation forgotten)", file=chat.out, flush=True)
            elif text.startswith("/"):
                print(HELP, file=chat.err, flush=True)
            elif text:
                conversation.submit(text)
                conversation.wait_reply(REPLY_WAIT_S)
    finally:
        assembly.stop()
        REPORTED.setLevel(level)
    return 0
