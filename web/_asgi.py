"""A JSON error answered straight from ASGI middleware, before the app sees the request."""

from __future__ import annotations

import json

from starlette.types import Send


async def send_error(
    send: Send, status: int, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    """Answer `{"error": message}` with `status` and the extra `headers`."""
    body = json.dumps({"error": message}).encode("utf-8")
    await send({
        "type": "http.response.start", "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
    })
    await send({"type": "http.response.body", "body": body})
