"""The FastAPI application: the JSON API, the live streams and the page, on one `Conversation`.

Every route talks to the conversation through its public methods and events, exactly as the
console does. Errors are `{"error": "..."}` with a fitting status; nothing a request says is ever
used as a file path (uploads and recordings get server-made names and ids).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from agent import Conversation
from agent.config import WebSettings
from agent.events import Event, FrameRendered
from contracts import CHANNELS, INTENTS, MAX_UTTERANCE_CHARS, Plan
from web.feed import EventFeed, status_json
from web.frames import BOUNDARY, EncodedFrame, FrameHub
from web.limits import BodyLimit
from web.security import RateLimiter, TokenGate
from web.uploads import UploadRefused, check_image, store

log = logging.getLogger("avatar.web")

VIEWER_WAIT_S = 1.0
KEEP_RECORDINGS = 20
PAGE_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
    "/api/docs": ("docs.html", "text/html; charset=utf-8"),
}


class SayRequest(BaseModel):
    """Something to say to the portrait, as typed in the console."""

    text: str = Field(min_length=1, max_length=MAX_UTTERANCE_CHARS, examples=["웃어줘"])


class ApiError(Exception):
    """A request that cannot be served: `status` and a message for `{"error": ...}`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def create_app(conversation: Conversation, settings: WebSettings) -> FastAPI:
    """The web application for a started `conversation`.

    Args:
        conversation: the live conversation (started before the server serves).
        settings: token, limits and CORS origins.
    """
    hub = FrameHub(conversation.latest_frame)
    feed = EventFeed()
    limiter = RateLimiter(settings.commands_per_s, settings.command_burst)
    recordings: OrderedDict[str, Path] = OrderedDict()
    active: dict[str, str] = {}  # "id" of the recording running now, if it is ours
    recording_switch = asyncio.Lock()  # a stop waits for a start still opening its file
    page = {route: _page_file(name) for route, (name, _) in PAGE_FILES.items()}

    def on_event(event: Event) -> None:
        if isinstance(event, FrameRendered):
            hub.frame_delivered()
        feed.on_event(event)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        hub.start(loop)
        feed.start(loop)
        unsubscribe = conversation.subscribe(on_event)
        try:
            yield
        finally:
            unsubscribe()
            hub.stop()

    app = FastAPI(
        title="portrait-agent",
        summary="Drive the talking portrait: say things, play plans, move channels, watch it.",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan,
    )
    app.state.hub = hub
    app.add_middleware(BodyLimit, upload_bytes=int(settings.max_upload_mb * 1_000_000))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(TokenGate, token=settings.token)
    _add_error_handlers(app)

    def command_budget(request: Request) -> None:
        client = request.client.host if request.client is not None else "?"
        wait = limiter.take(client)
        if wait > 0.0:
            raise ApiError(
                429,
                f"too many commands: at most {settings.commands_per_s:g} per second; "
                "wait a moment",
                {"Retry-After": RateLimiter.retry_after(wait)},
            )

    command = [Depends(command_budget)]

    # ------------------------------------------------------------------ the page

    for route, (_, media_type) in PAGE_FILES.items():
        app.add_api_route(
            route, _static(page[route], media_type), methods=["GET"], include_in_schema=False
        )

    # ------------------------------------------------------------------ commands

    @app.post("/api/say", dependencies=command, tags=["commands"])
    async def say(body: SayRequest) -> dict[str, Any]:
        """Say something; the plan (as `avatar plan --json` prints it) plays at once."""
        if not body.text.strip():
            raise ApiError(400, "the text is empty; type what the portrait should do")
        plan = await run_in_threadpool(conversation.submit, body.text, "web")
        if plan is None:
            raise ApiError(500, f"could not make a plan from {body.text[:80]!r}; see the log")
        return {"plan": plan.to_output()}

    @app.post("/api/plan", dependencies=command, tags=["commands"])
    async def play(plan: Plan) -> dict[str, Any]:
        """Play an explicit, validated plan at once (EXPRESSIONS.md vocabulary)."""
        plan_id = await run_in_threadpool(conversation.play, plan)
        return {"plan": plan.to_output(), "plan_id": plan_id}

    @app.post("/api/channels", dependencies=command, tags=["commands"])
    async def set_channels(
        channels: Annotated[dict[str, float], Body(examples=[{"smile": 0.6, "head_yaw": -10}])],
    ) -> dict[str, Any]:
        """Hold channels at these values over everything else (the operator's sliders)."""
        try:
            conversation.set_override(channels)
        except ValueError as exc:
            raise ApiError(422, str(exc)) from None
        ranges = {spec.name: spec for spec in CHANNELS}
        return {"channels": {name: ranges[name].clamp(value) for name, value in channels.items()}}

    @app.delete("/api/channels", dependencies=command, tags=["commands"])
    async def release_channels() -> dict[str, Any]:
        """Release the operator's channels; the plan and idle life move the face again."""
        conversation.set_override(None)
        return {"channels": {}}

    @app.put(
        "/api/portrait", dependencies=command, tags=["commands"],
        openapi_extra={"requestBody": {"content": {
            "image/*": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string", "format": "binary"}},
            }},
        }}},
    )
    async def put_portrait(request: Request) -> dict[str, Any]:
        """A new portrait: the image bytes (JPEG, PNG, WebP) or a multipart form with a file."""
        data = await _upload_bytes(request)
        try:
            kind = check_image(data)
        except UploadRefused as exc:
            raise ApiError(exc.status, exc.message) from None
        path = store(data, kind, conversation.settings.data_dir / "web-uploads")
        try:
            await run_in_threadpool(conversation.set_portrait, path)
        except ValueError as exc:
            path.unlink(missing_ok=True)
            message = str(exc).replace(f"portrait '{path}': ", "").replace(str(path), "upload")
            raise ApiError(422, f"the photo cannot be animated: {message}") from None
        return {"portrait": {"type": kind, "notes": list(conversation.status().notes)}}

    @app.post("/api/recording", dependencies=command, tags=["recording"])
    async def start_recording() -> dict[str, Any]:
        """Start recording the live frames to an mp4; returns its id."""
        recording_id = secrets.token_hex(8)
        folder = conversation.settings.recordings_dir
        path = folder / f"web-{recording_id}.mp4"
        async with recording_switch:
            await run_in_threadpool(conversation.start_recording, path)
            active["id"] = recording_id
            recordings[recording_id] = path
        while len(recordings) > KEEP_RECORDINGS:
            recordings.popitem(last=False)
        return {"id": recording_id, "recording": True}

    @app.delete("/api/recording", dependencies=command, tags=["recording"])
    async def stop_recording() -> dict[str, Any]:
        """Finish the recording; returns the URL to download it from."""
        async with recording_switch:
            recording_id = active.pop("id", None)
            path = await run_in_threadpool(conversation.stop_recording)
        if recording_id is None or path is None:
            raise ApiError(409, "nothing is being recorded; POST /api/recording starts it")
        return {"id": recording_id, "url": f"/api/recordings/{recording_id}.mp4"}

    @app.get("/api/recordings/{name}", tags=["recording"])
    async def download_recording(name: str) -> FileResponse:
        """A finished recording by the id `POST /api/recording` gave (`ID.mp4`)."""
        path = recordings.get(name.removesuffix(".mp4"))
        if path is None or active.get("id") == name.removesuffix(".mp4") or not path.is_file():
            raise ApiError(404, f"no finished recording {name!r}")
        return FileResponse(path, media_type="video/mp4", filename=f"avatar-{path.stem}.mp4")

    # ------------------------------------------------------------------ facts

    @app.get("/api/status", tags=["facts"])
    async def status() -> dict[str, Any]:
        """Engine, frame rate, first-frame latency, window and component (voice, speech,
        LLM) states."""
        return {**status_json(conversation.status()), "viewers": hub.viewers}

    @app.get("/api/intents", tags=["facts"])
    async def intents() -> dict[str, Any]:
        """The vocabulary: intent names and the channels with their ranges."""
        return {
            "intents": list(INTENTS),
            "channels": [
                {"name": s.name, "low": s.low, "high": s.high, "unit": s.unit,
                 "meaning": s.meaning}
                for s in CHANNELS
            ],
        }

    @app.get("/api/frame.jpg", tags=["frames"], response_class=Response)
    async def frame_jpg() -> Response:
        """The newest frame as a JPEG."""
        encoded = await run_in_threadpool(hub.current)
        if encoded is None:
            raise ApiError(503, "no frame yet; try again in a moment")
        headers = {"X-Frame-Seq": str(encoded.seq), "Cache-Control": "no-store"}
        return Response(encoded.jpeg, media_type="image/jpeg", headers=headers)

    @app.get("/api/stream.mjpg", tags=["frames"], response_class=StreamingResponse)
    async def stream() -> StreamingResponse:
        """Live frames as MJPEG (`multipart/x-mixed-replace`); each part names its
        `X-Frame-Seq` and `X-Plan-Id`. A slow viewer gets fewer frames."""
        return StreamingResponse(
            _viewer(hub), media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
            headers={"Cache-Control": "no-store"},
        )

    @app.websocket("/api/events")
    async def events(socket: WebSocket) -> None:
        """JSON messages for every event (utterances, plans, replies, status, errors, component
        states, speech); with `?frames=1` also each frame as a binary JPEG message."""
        await socket.accept()
        queue = feed.connect()
        sender = asyncio.create_task(_send_events(socket, queue))
        tasks = [sender, asyncio.create_task(_drain(socket))]
        if socket.query_params.get("frames") == "1":
            tasks.append(asyncio.create_task(_send_frames(socket, hub)))
        await socket.send_json({"type": "status", "status": status_json(conversation.status())})
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            feed.disconnect(queue)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    return app


async def _watch(hub: FrameHub) -> AsyncIterator[EncodedFrame]:
    """Each newly encoded frame, for one viewer (stale ones are skipped, never queued)."""
    hub.viewers += 1
    hub.frame_delivered()  # encode the current frame now: a new viewer sees it at once
    try:
        seq = -1
        while not hub.closed:
            encoded = await hub.next_after(seq, VIEWER_WAIT_S)
            if encoded is not None:
                seq = encoded.seq
                yield encoded
    finally:
        hub.viewers -= 1


async def _viewer(hub: FrameHub) -> AsyncIterator[bytes]:
    async for encoded in _watch(hub):
        yield encoded.part


async def _send_events(socket: WebSocket, queue: asyncio.Queue[str]) -> None:
    while True:
        await socket.send_text(await queue.get())


async def _send_frames(socket: WebSocket, hub: FrameHub) -> None:
    async for encoded in _watch(hub):
        await socket.send_bytes(encoded.jpeg)


async def _drain(socket: WebSocket) -> None:
    """Read (and ignore) what the client sends, so a closed socket ends the session."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.receive_text()


async def _upload_bytes(request: Request) -> bytes:
    """The image bytes of a raw or multipart upload (bounded by `BodyLimit`)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=4)
        files = [value for value in form.values() if isinstance(value, UploadFile)]
        if not files:
            raise ApiError(400, "the form has no file; send the photo as the 'file' field")
        return await files[0].read()
    return await request.body()


def _page_file(name: str) -> bytes:
    return (resources.files("web") / "static" / name).read_bytes()


def _static(body: bytes, media_type: str) -> Any:
    async def serve() -> Response:
        return Response(body, media_type=media_type, headers={"Cache-Control": "no-cache"})

    return serve


def _add_error_handlers(app: FastAPI) -> None:
    """Every error as `{"error": "..."}`: malformed JSON 400, invalid fields 422."""

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, exc.status, headers=exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(error.get("type") == "json_invalid" for error in errors):
            return JSONResponse({"error": "malformed JSON in the request body"}, 400)
        if any(tuple(error.get("loc", ())) == ("body",) for error in errors):
            return JSONResponse({"error": "the body must be a JSON object"}, 400)
        return JSONResponse({"error": "; ".join(_describe(error) for error in errors[:5])}, 422)

    @app.exception_handler(Exception)
    async def failed(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed")
        return JSONResponse({"error": f"internal error ({type(exc).__name__}); see the log"}, 500)


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where or 'body'}: {error.get('msg', 'invalid')}"
