"""The web server as a component beside the conversation, and the `avatar serve` command.

`WebServer` binds its socket in `start` (so a busy port is one clear error, not a dead thread),
then runs uvicorn on its own thread and event loop; the conversation keeps rendering whatever the
viewers do. It attaches through `Assembly` like the listener and the speaker, so `avatar serve`,
`avatar serve --window` and `avatar kiosk --serve` differ only in what runs beside it.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType

import uvicorn

from agent import Conversation, Settings
from agent.components import Assembly, standard_components
from agent.config import WebSettings
from agent.events import ComponentStateChanged
from web.app import create_app
from web.frames import FrameHub
from web.security import check_exposure

log = logging.getLogger("avatar.web")

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 5.0


class WebServer:
    """The HTTP/WebSocket API and page for a conversation (a `Component` named "web").

    Args:
        settings: host, port, token and limits; a non-loopback host without a token is refused.
    """

    name = "web"

    def __init__(self, settings: WebSettings) -> None:
        check_exposure(settings.host, settings.token)
        self.settings = settings
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int = settings.port
        """The port listened on (the real one once started, also for port 0)."""
        self.hub: FrameHub | None = None
        """The shared frame encoder once started."""

    @property
    def url(self) -> str:
        """The page's address."""
        host = self.settings.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}/"

    @property
    def running(self) -> bool:
        """True between a successful `start` and `stop`."""
        server = self._server
        return server is not None and server.started and not server.should_exit

    def start(self, conversation: Conversation) -> None:
        """Bind the socket and serve on a thread until `stop`.

        Raises:
            OSError: the address is taken or cannot be bound.
            RuntimeError: the server did not come up in time.
        """
        sock = _bind(self.settings.host, self.settings.port)
        self.port = sock.getsockname()[1]
        app = create_app(conversation, self.settings)
        self.hub = app.state.hub
        config = uvicorn.Config(
            app, log_level="warning", access_log=False,
            timeout_graceful_shutdown=2, ws_ping_interval=20.0, lifespan="on",
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="web-server", daemon=True
        )
        self._thread.start()
        deadline = threading.Event()
        for _ in range(int(START_TIMEOUT_S / 0.01)):
            if server.started or not self._thread.is_alive():
                break
            deadline.wait(0.01)
        if not server.started:
            self.stop()
            raise RuntimeError(f"the web server did not start on {self.url}")
        auth = "token required" if self.settings.token else "no token (this machine only)"
        conversation.publish(ComponentStateChanged(self.name, f"{self.url} · {auth}"))

    def stop(self) -> None:
        """Close every connection and end the server thread."""
        server, thread = self._server, self._thread
        if self.hub is not None:
            self.hub.stop()  # viewers waiting for a frame end now, not at the shutdown timeout
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=STOP_TIMEOUT_S + 3.0)
        self._server = self._thread = None


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(
            f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run_serve(settings: Settings, *, window: bool, announce: Callable[[str], None]) -> int:
    """`avatar serve`: the conversation, its standard components and the web server, until
    SIGINT/SIGTERM. Returns 0."""
    server = WebServer(settings.web)
    conversation = Conversation(settings, window=window)
    components = [*standard_components(settings, "serve"), server]
    stop = threading.Event()
    restore = _stop_on_signals(stop)
    assembly = Assembly(conversation, components)
    try:
        assembly.start()
        if not server.running:
            state = conversation.status().component("web") or "unavailable"
            raise OSError(f"the web server is {state}")
        status = conversation.status()
        for note in status.notes:
            announce(note)
        announce(f"serving the portrait on {server.url} with the {status.engine.status_line()}"
                 "; stop with Ctrl+C")
        stop.wait()
    finally:
        assembly.stop()
        restore()
    return 0


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handle(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
