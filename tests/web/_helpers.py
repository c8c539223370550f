"""Shared helpers of the web tests: a real conversation with a real uvicorn server on loopback,
and a reader for the MJPEG stream."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from agent import Conversation
from agent.components import Assembly
from tests.agent._helpers import make_settings
from web import WebServer

TOKEN = "correct-horse-battery"


@dataclass
class Served:
    """A running server: its conversation, the component and the base URL."""

    conversation: Conversation
    server: WebServer
    url: str


@contextlib.contextmanager
def serving(tmp_path: Path, **web: Any) -> Iterator[Served]:
    """A started conversation (fallback engine, no window, no voice, no speech) with the web
    server on 127.0.0.1 and a free port; `web` overrides the [web] settings."""
    settings = make_settings(
        tmp_path, web={"port": 0, **web}, speech={"enabled": False}, models_dir=tmp_path / "m"
    )
    conversation = Conversation(settings)
    server = WebServer(settings.web)
    with Assembly(conversation, [server]):
        assert server.running, conversation.status().component("web")
        yield Served(conversation, server, f"http://127.0.0.1:{server.port}")


@dataclass(frozen=True)
class Part:
    """One MJPEG part: its headers (lower-case names) and the JPEG bytes."""

    headers: dict[str, str]
    jpeg: bytes

    @property
    def seq(self) -> int:
        return int(self.headers["x-frame-seq"])

    @property
    def plan_id(self) -> int:
        return int(self.headers["x-plan-id"])


class MjpegReader:
    """Parses `multipart/x-mixed-replace` parts from a byte iterator (independent of the
    server's own framing code: it finds each part by its Content-Length)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def _fill(self) -> None:
        self._buffer += next(self._chunks)

    def next_part(self) -> Part:
        while b"\r\n\r\n" not in self._buffer:
            self._fill()
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        lines = head.decode("ascii").strip().split("\r\n")
        assert lines[0] == "--frame", lines[0]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        self._buffer = rest
        while len(self._buffer) < length + 2:
            self._fill()
        jpeg, self._buffer = self._buffer[:length], self._buffer[length + 2:]
        return Part(headers, jpeg)


def client(url: str, **kwargs: Any) -> httpx.Client:
    """An httpx client for `url` that never uses a proxy."""
    return httpx.Client(base_url=url, trust_env=False, timeout=30.0, **kwargs)
