"""Conversation events as JSON messages for WebSocket clients, converted once per event.

Events arrive on the render thread; they are handed to the event loop, turned into one JSON text
and put into every client's bounded queue. A client that does not read loses its oldest messages
(it is told how many), never the server's memory.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from agent.events import (
    Event,
    FrameRendered,
    PortraitChanged,
    Status,
    WindowKeyPressed,
)
from contracts import Plan, Utterance

CLIENT_QUEUE = 256
_SKIPPED = (FrameRendered, WindowKeyPressed)  # frames go through the FrameHub; keys stay local


def status_json(status: Status) -> dict[str, Any]:
    """The status snapshot as sent by `GET /api/status` and in "status" messages."""
    return {
        "engine": status.engine.model_dump(mode="json"),
        "fps": status.fps,
        "latency_p50_ms": status.latency_p50_ms,
        "latency_p95_ms": status.latency_p95_ms,
        "window": status.window,
        "portrait": Path(status.portrait).name,
        "recording": status.recording is not None,
        "notes": list(status.notes),
        "components": dict(status.components),
    }


def event_message(event: Event) -> dict[str, Any] | None:
    """`event` as a JSON-ready dict with its kind in "type" ("plan_started", "reply_ready", …);
    None for events that stay on the server (frames, window keys)."""
    if isinstance(event, _SKIPPED):
        return None
    message: dict[str, Any] = {"type": _snake(type(event).__name__)}
    for field in dataclasses.fields(event):
        message[field.name] = _value(getattr(event, field.name))
    if isinstance(event, PortraitChanged):
        message["path"] = Path(event.path).name  # the server's folders are nobody's business
    return message


def _value(value: object) -> object:
    if isinstance(value, Plan):
        return value.to_output()
    if isinstance(value, Utterance):
        return {"text": value.text, "source": value.source, "language": value.language}
    if isinstance(value, Status):
        return status_json(value)
    if isinstance(value, tuple):
        return [_value(item) for item in value]
    return value


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class EventFeed:
    """Fans conversation events out to the connected WebSocket clients."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clients: set[asyncio.Queue[str]] = set()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver on `loop` from now on."""
        self._loop = loop

    def on_event(self, event: Event) -> None:
        """Conversation subscriber (render thread): hand the event to the loop, never block."""
        loop = self._loop
        if loop is None or isinstance(event, _SKIPPED) or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._fan_out, event)
        except RuntimeError:  # the loop closed meanwhile
            return

    def connect(self) -> asyncio.Queue[str]:
        """A new client's queue (call on the loop)."""
        queue: asyncio.Queue[str] = asyncio.Queue(CLIENT_QUEUE)
        self._clients.add(queue)
        return queue

    def disconnect(self, queue: asyncio.Queue[str]) -> None:
        """Forget a client's queue."""
        self._clients.discard(queue)

    def _fan_out(self, event: Event) -> None:
        message = event_message(event)
        if message is None or not self._clients:
            return
        text = json.dumps(message, ensure_ascii=False)
        for queue in self._clients:
            if queue.full():
                queue.get_nowait()  # a client that does not read loses its oldest message
            queue.put_nowait(text)
