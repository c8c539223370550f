"""App-wide Textual messages: the Conversation's events, carried onto the console's event loop.

The Conversation publishes `agent.events` on its render thread (or on the caller's thread).
`forward_event` wraps each one in the matching message below and posts it to a widget; Textual's
`post_message` is thread-safe and never blocks, so the render thread is never held up by the UI.
`FrameRendered` is not forwarded: the preview polls `latest_frame()` at its own rate instead of
waking the UI for every frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.message_pump import MessagePump

from agent import events


@dataclass
class UtteranceReceived(Message):
    """Someone said something (typed, voice or script)."""

    event: events.UtteranceReceived


@dataclass
class PlanStarted(Message):
    """A plan started playing."""

    event: events.PlanStarted


@dataclass
class ReplyReady(Message):
    """The avatar answered."""

    event: events.ReplyReady


@dataclass
class StatusChanged(Message):
    """A new status snapshot arrived."""

    event: events.StatusChanged


@dataclass
class PortraitChanged(Message):
    """A new portrait is live."""

    event: events.PortraitChanged


@dataclass
class WindowStateChanged(Message):
    """The pygame window changed state."""

    event: events.WindowStateChanged


@dataclass
class ErrorOccurred(Message):
    """Something failed; the console shows it and keeps running."""

    event: events.ErrorOccurred


@dataclass
class WindowKeyPressed(Message):
    """A key was pressed in the pygame window."""

    event: events.WindowKeyPressed


@dataclass
class ExitRequested(Message):
    """Someone asked the app to end (operator key combination, signal)."""

    event: events.ExitRequested


@dataclass
class TranscriptPartial(Message):
    """A partial transcript while someone speaks."""

    event: events.TranscriptPartial


_MESSAGE_FOR: dict[type, type[Message]] = {
    events.UtteranceReceived: UtteranceReceived,
    events.PlanStarted: PlanStarted,
    events.ReplyReady: ReplyReady,
    events.StatusChanged: StatusChanged,
    events.PortraitChanged: PortraitChanged,
    events.WindowStateChanged: WindowStateChanged,
    events.ErrorOccurred: ErrorOccurred,
    events.WindowKeyPressed: WindowKeyPressed,
    events.ExitRequested: ExitRequested,
    events.TranscriptPartial: TranscriptPartial,
}


def forward_event(target: MessagePump, event: events.Event) -> bool:
    """Post the message for `event` to `target`; safe from any thread, never blocks.

    Returns:
        True when a message was queued; False for events the console does not show
        (`FrameRendered`) or when `target` is already closed.
    """
    message_type = _MESSAGE_FOR.get(type(event))
    if message_type is None:
        return False
    return target.post_message(message_type(event))  # type: ignore[call-arg]
