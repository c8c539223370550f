"""`avatar bench --engine web`: command-to-screen latency and stream rate over loopback.

A real server (fallback engine) on 127.0.0.1. Latency: `POST /api/say` until the first MJPEG
part of the new plan arrives at a viewer (each part names its plan in `X-Plan-Id`). Rate: parts
per second each viewer receives with 1, 10 and 50 viewers watching at once.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from agent import Conversation, load_settings
from agent.components import Assembly
from web.server import WebServer

TEXTS = ("웃어줘", "wink at me", "놀란 표정", "nod twice", "슬퍼", "look left")
VIEWER_COUNTS = (1, 10, 50)


async def _parts(response: httpx.Response) -> Any:
    """(arrival time, plan id) of each MJPEG part."""
    buffer = b""
    async for chunk in response.aiter_raw():
        buffer += chunk
        while True:
            head_end = buffer.find(b"\r\n\r\n")
            if head_end < 0:
                break
            head = buffer[:head_end].decode("ascii")
            fields = dict(
                line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line
            )
            end = head_end + 4 + int(fields["Content-Length"]) + 2
            if len(buffer) < end:
                break
            buffer = buffer[end:]
            yield time.perf_counter(), int(fields["X-Plan-Id"])


async def _latency(url: str, requests: int) -> list[float]:
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=30) as http, \
            http.stream("GET", "/api/stream.mjpg") as stream:
        parts = _parts(stream)
        _, plan_id = await anext(parts)
        for index in range(requests):
            sent = time.perf_counter()
            await http.post("/api/say", json={"text": TEXTS[index % len(TEXTS)]})
            async for arrived, plan in parts:
                if plan > plan_id:
                    latencies.append((arrived - sent) * 1000.0)
                    plan_id = plan
                    break
            await asyncio.sleep(0.2)
    return latencies


def watch(url: str, viewers: int, seconds: float, warm_up_s: float = 0.0) -> list[float]:
    """Frames per second each of `viewers` concurrent MJPEG viewers of `url` receives over
    `seconds`, after `warm_up_s` of watching that is not counted. Raises on any viewer error."""
    return asyncio.run(_rates(url, viewers, seconds, warm_up_s))


async def _rates(url: str, viewers: int, seconds: float, warm_up_s: float = 0.0) -> list[float]:
    async def watch(http: httpx.AsyncClient) -> int:
        count = 0
        start = time.perf_counter() + warm_up_s
        deadline = start + seconds
        async with http.stream("GET", "/api/stream.mjpg") as stream:
            async for arrived, _ in _parts(stream):
                if arrived >= deadline:
                    break
                count += arrived >= start
        return count

    limits = httpx.Limits(max_connections=viewers + 5)
    async with httpx.AsyncClient(
        base_url=url, trust_env=False, timeout=30, limits=limits
    ) as http:
        counts = await asyncio.gather(*(watch(http) for _ in range(viewers)))
    return [count / seconds for count in counts]


def run_bench(requests: int = 30, seconds: float = 5.0) -> dict[str, Any]:
    """Latency p50/p95 over `requests` commands, and per-viewer fps over `seconds`."""
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            None, engine="fallback", data_dir=Path(folder), models_dir=Path(folder) / "none",
            window={"enabled": False}, voice={"enabled": False}, speech={"enabled": False},
            web={"port": 0, "commands_per_s": 1000.0, "command_burst": 1000},
        )
        conversation = Conversation(settings)
        server = WebServer(settings.web)
        with Assembly(conversation, [server]):
            if not server.running:
                raise RuntimeError(f"the web server is {conversation.status().component('web')}")
            url = f"http://127.0.0.1:{server.port}"
            latencies = asyncio.run(_latency(url, requests))
            rates = {n: watch(url, n, seconds) for n in VIEWER_COUNTS}
            render_fps = conversation.status().fps
    return {
        "engine": "fallback",
        "say_to_first_frame_ms": {
            "p50": float(np.percentile(latencies, 50)),
            "p95": float(np.percentile(latencies, 95)),
            "requests": len(latencies),
        },
        "render_fps": render_fps,
        "fps_per_viewer": {
            f"{n}_viewers": {"mean": float(np.mean(r)), "min": float(np.min(r))}
            for n, r in rates.items()
        },
    }
