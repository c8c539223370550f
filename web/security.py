"""Who may reach the server and how often: loopback by default, a bearer token otherwise, and a
per-client budget for commands.

The token may come as `Authorization: Bearer TOKEN`, as the `token` query parameter or as the
`avatar_token` cookie: an `<img>` showing the MJPEG stream and a browser WebSocket cannot send
headers, so the page stores the token in a same-site cookie once the person typed it.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from web._asgi import send_error

TOKEN_COOKIE = "avatar_token"
OPEN_PATHS = frozenset({"/", "/app.js", "/app.css", "/favicon.ico"})
"""The page and its own assets: they carry no data, and the page asks for the token."""
MAX_CLIENTS = 1024


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach ("127.0.0.1", "::1", "localhost")."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token.

    Raises:
        ValueError: `host` is not loopback and there is no token.
    """
    if token is None and not is_loopback(host):
        raise ValueError(
            f"refusing to serve on {host} without a token: anyone on the network could drive "
            "the portrait. Add --token TOKEN (8+ characters) or use --host 127.0.0.1"
        )


def presented_token(scope: Scope) -> str | None:
    """The token a request carries: bearer header, then `token` query parameter, then cookie."""
    headers = dict(scope.get("headers") or [])
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # a malformed cookie header is just no token
        return None
    morsel = cookie.get(TOKEN_COOKIE)
    return morsel.value if morsel is not None else None


class TokenGate:
    """ASGI middleware: every route but the page needs the token (when one is configured).

    HTTP requests without it get 401 `{"error": ...}`; WebSockets are closed with code 4401
    before the handshake completes.
    """

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self._token = token.encode("utf-8") if token is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self._token is None
            or scope["type"] not in ("http", "websocket")
            or scope["path"] in OPEN_PATHS
        ):
            await self.app(scope, receive, send)
            return
        given = presented_token(scope)
        if given is not None and hmac.compare_digest(given.encode("utf-8"), self._token):
            await self.app(scope, receive, send)
            return
        problem = "a wrong token" if given is not None else "no token"
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401, "reason": f"{problem} given"})
            return
        await send_error(
            send, 401,
            f"{problem} given: send 'Authorization: Bearer TOKEN' (the page asks once)",
            ((b"www-authenticate", b"Bearer"),),
        )


class RateLimiter:
    """A token bucket per client: `rate` commands per second after a burst of `burst`.

    Args:
        rate: sustained commands per second.
        burst: commands allowed at once.
    """

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float | None = None) -> float:
        """Spend one command of `client`; 0.0 when allowed, else seconds until one is."""
        now = time.monotonic() if now is None else now
        with self._lock:
            level, since = self._buckets.pop(client, (self._burst, now))
            level = min(self._burst, level + (now - since) * self._rate)
            if level >= 1.0:
                self._buckets[client] = (level - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (level, now)
                wait = (1.0 - level) / self._rate
            while len(self._buckets) > MAX_CLIENTS:  # forget the longest-quiet clients
                self._buckets.popitem(last=False)
        return wait

    @staticmethod
    def retry_after(wait: float) -> str:
        """`wait` seconds as a Retry-After header value (whole seconds, at least 1)."""
        return str(max(1, math.ceil(wait)))
