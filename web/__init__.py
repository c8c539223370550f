"""`avatar serve`: the portrait on the web — an HTTP/WebSocket API and a browser page.

A front-end beside `tui/`: it talks to `agent` only through `Conversation`'s public methods and
its events. `WebServer` is a component the `Assembly` starts after the conversation, so it runs
alone (`avatar serve`), beside the window (`--window`) or in the kiosk (`avatar kiosk --serve`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.lazy import lazy_getattr

if TYPE_CHECKING:
    from web.app import create_app
    from web.server import WebServer, run_serve

_HOMES = {"WebServer": "web.server", "create_app": "web.app", "run_serve": "web.server"}

__all__ = ["WebServer", "create_app", "run_serve"]

__getattr__ = lazy_getattr(__name__, _HOMES)
