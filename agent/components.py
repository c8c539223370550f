"""Composition in one place: a `Conversation` plus the components that feed and consume it.

A component (the voice listener, the speaker, the web server) attaches to a started conversation
and talks to it only through `submit`/`interrupt`/`publish` and events. `Assembly` starts them in
one order and stops them in the reverse order; a component that fails to start degrades its own
capability (an `ErrorOccurred` and a `ComponentStateChanged` say so) and never the conversation.
The CLI commands (`avatar`, `kiosk`, `serve`, `play`) differ only in which components they ask for.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, Protocol

from agent.events import ComponentStateChanged, ErrorOccurred

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.conversation import Conversation

log = logging.getLogger("avatar.agent")
FrontEnd = Literal["console", "kiosk", "play", "serve"]


class Component(Protocol):
    """Something that runs beside the conversation with its own threads and failure handling."""

    name: str
    """Short name shown in the status ("voice", "speech", "web")."""

    def start(self, conversation: Conversation) -> None:
        """Attach to a started conversation (subscribe, open devices, start threads)."""

    def stop(self) -> None:
        """Detach and release everything; safe to call after a failed or no start."""


class Assembly:
    """A conversation and its components with one start/stop order.

    Args:
        conversation: the (not yet started) conversation.
        components: started after the conversation in this order, stopped in reverse.
    """

    def __init__(self, conversation: Conversation, components: Iterable[Component] = ()) -> None:
        self.conversation = conversation
        self.components = list(components)
        self._started: list[Component] = []

    def start(self) -> None:
        """Start the conversation (its errors propagate), then every component (theirs do not)."""
        self.conversation.start()
        for component in self.components:
            try:
                component.start(self.conversation)
            except Exception as exc:
                log.debug("component %s failed to start", component.name, exc_info=True)
                message = f"{component.name} unavailable: {exc}"
                self.conversation.publish(ErrorOccurred(source=component.name, message=message))
                self.conversation.publish(
                    ComponentStateChanged(component.name, f"unavailable ({exc})", problem=True)
                )
                continue
            self._started.append(component)

    def stop(self) -> None:
        """Stop the started components in reverse order, then the conversation."""
        while self._started:
            component = self._started.pop()
            try:
                component.stop()
            except Exception:
                log.exception("component %s failed to stop", component.name)
        self.conversation.stop()

    def __enter__(self) -> Assembly:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def standard_components(settings: Settings, front_end: FrontEnd) -> list[Component]:
    """The components a front-end runs with these settings, in start order.

    Args:
        settings: the loaded settings (what is enabled, which devices).
        front_end: "console", "kiosk", "play" or "serve"; e.g. the kiosk listens hands-free.
    """
    components: list[Component] = []
    if front_end in ("console", "kiosk") and settings.voice.enabled:
        from agent.listener import VoiceListener  # loads no model until started

        components.append(VoiceListener(settings, front_end))
    if settings.speech.enabled:
        from agent.speaker import Speaker  # opens no device until started

        components.append(Speaker(settings))
    return components
