"""Request bodies are bounded before anything reads them: a portrait upload up to the configured
size, everything else up to `MAX_COMMAND_BYTES`."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web._asgi import send_error

MAX_COMMAND_BYTES = 1_000_000
UPLOAD_PATH = "/api/portrait"


class BodyLimit:
    """ASGI middleware answering 413 to bodies over the limit, by Content-Length at once or by
    counting a chunked body as it arrives (nothing over the limit is ever held)."""

    def __init__(self, app: ASGIApp, upload_bytes: int) -> None:
        self.app = app
        self._upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"] == UPLOAD_PATH
        limit = self._upload_bytes if upload else MAX_COMMAND_BYTES
        what = "an upload" if upload else "a request body"
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, what, limit)
            return
        received = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not refused and not started:
                    refused = True
                    await _refuse(send, what, limit)
                    return {"type": "http.disconnect"}  # the app stops reading here
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 went out instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not refused:
                raise


async def _refuse(send: Send, what: str, limit: int) -> None:
    size = f"{limit / 1_000_000:g} MB"
    await send_error(
        send, 413, f"{what} over {size} was refused; send a smaller one",
        ((b"connection", b"close"),),
    )
