"""A chat-completions server on 127.0.0.1 for the tests: streams a given answer, or misbehaves.

It speaks the OpenAI protocol the way vLLM does (`GET /v1/models`, `POST /v1/chat/completions`
with server-sent events) and records every request body, so tests can check what was sent.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Mode = Literal["normal", "500", "garbage", "non_json", "cut"]


class ChatServer:
    """Serves `answer` as a stream of `chunk`-character deltas.

    Args:
        answer: the assistant text to stream (normally the answer JSON).
        mode: "normal"; "500" (an error status); "garbage" (200 with an HTML page);
            "non_json" (SSE whose data is not JSON); "cut" (the connection closes after
            `cut_at` characters, with no [DONE]).
        first_delay_s: wait before the first delta (a slow or hung server).
        delay_s: wait between deltas.
    """

    def __init__(
        self,
        answer: str = "",
        *,
        mode: Mode = "normal",
        chunk: int = 8,
        first_delay_s: float = 0.0,
        delay_s: float = 0.0,
        cut_at: int = 0,
        model: str = "test-model",
    ) -> None:
        self.answer = answer
        self.mode = mode
        self.chunk = chunk
        self.first_delay_s = first_delay_s
        self.delay_s = delay_s
        self.cut_at = cut_at
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.sent_chunks = 0
        self.client_left = threading.Event()
        self.finished = threading.Event()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The API base, as `llm.url` takes it."""
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    @property
    def chat_requests(self) -> int:
        """How many chat completions were asked for."""
        return len(self.requests)

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                return

            def do_GET(self) -> None:
                if self.path != "/v1/models":
                    self.send_error(404)
                    return
                body = json.dumps({"data": [{"id": server.model, "object": "model"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                server.requests.append(json.loads(self.rfile.read(length)))
                try:
                    server._respond(self)
                except (BrokenPipeError, ConnectionResetError):
                    server.client_left.set()
                finally:
                    server.finished.set()

        return Handler

    def _respond(self, handler: BaseHTTPRequestHandler) -> None:
        if self.mode == "500":
            handler.send_error(500, "model crashed")
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        if self.mode == "garbage":
            handler.wfile.write(b"<html><body>Bad gateway, try later</body></html>\n")
            return
        if self.mode == "non_json":
            handler.wfile.write(b"data: {this is not json\n\n")
            return
        text = self.answer[: self.cut_at] if self.mode == "cut" else self.answer
        self._stop.wait(self.first_delay_s)
        for start in range(0, len(text), self.chunk):
            if start and self.delay_s:
                self._stop.wait(self.delay_s)
            content = text[start : start + self.chunk]
            delta = {"choices": [{"index": 0, "delta": {"content": content}}]}
            handler.wfile.write(f"data: {json.dumps(delta, ensure_ascii=False)}\n\n".encode())
            handler.wfile.flush()
            self.sent_chunks += 1
        if self.mode == "normal":
            handler.wfile.write(b"data: [DONE]\n\n")


def answer_json(steps: list[tuple[str, float, int]], reply: str) -> str:
    """An answer in the format the schema asks for."""
    listed = [{"intent": i, "intensity": v, "repeat": r} for i, v, r in steps]
    return json.dumps({"steps": listed, "reply": reply}, ensure_ascii=False)
