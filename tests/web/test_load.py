"""Bounded load on loopback: 50 MJPEG viewers plus 20 commands/s against `avatar serve`.

The server is the real command in its own process, so its memory is measured alone. The default
suite runs 10 s; `AVATAR_WEB_LOAD_S=60` runs the full minute and prints the figures the README
states.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.agent._helpers import REPO

VIEWERS = 50
COMMANDS_PER_S = 20
SECONDS = float(os.environ.get("AVATAR_WEB_LOAD_S", "10"))
WARM_UP_S = min(5.0, SECONDS / 4)
COMMANDS = (
    ("POST", "/api/say", {"text": "웃어줘"}),
    ("POST", "/api/plan", {"steps": [{"intent": "wink"}]}),
    ("POST", "/api/channels", {"smile": 0.4, "head_yaw": 5}),
    ("DELETE", "/api/channels", None),
    ("POST", "/api/say", {"text": "nod twice"}),
)


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1))  # type: ignore[union-attr]


async def _load(url: str, pid: int) -> dict[str, object]:
    stop = asyncio.Event()
    frames = [0] * VIEWERS
    errors: list[str] = []
    latencies: list[float] = []

    async def view(index: int, http: httpx.AsyncClient) -> None:
        try:
            async with http.stream("GET", "/api/stream.mjpg") as stream:
                async for chunk in stream.aiter_raw():
                    frames[index] += chunk.count(b"--frame\r\n")
                    if stop.is_set():
                        return
        except Exception as exc:  # any failure of a viewer is a test failure
            errors.append(f"viewer {index}: {exc!r}")

    async def one(http: httpx.AsyncClient, method: str, path: str, body: object) -> None:
        started = time.perf_counter()
        response = await http.request(method, path, json=body)
        latencies.append((time.perf_counter() - started) * 1000.0)
        if response.status_code != 200:
            errors.append(f"{method} {path}: {response.status_code} {response.text}")

    async def command(http: httpx.AsyncClient) -> None:
        """20 commands a second on a fixed schedule, each in its own task (a slow answer does
        not hold back the next command)."""
        period = 1.0 / COMMANDS_PER_S
        next_at = time.perf_counter()
        sent: list[asyncio.Task[None]] = []
        while not stop.is_set():
            method, path, body = COMMANDS[len(sent) % len(COMMANDS)]
            sent.append(asyncio.create_task(one(http, method, path, body)))
            next_at += period
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        await asyncio.gather(*sent)

    limits = httpx.Limits(max_connections=VIEWERS + 10)
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=30, limits=limits) as http:
        tasks = [asyncio.create_task(view(i, http)) for i in range(VIEWERS)]
        tasks.append(asyncio.create_task(command(http)))
        await asyncio.sleep(WARM_UP_S)
        rss_warm, cpu_warm = _rss_kb(pid), _cpu_s(pid)
        counted_from = list(frames)
        await asyncio.sleep(SECONDS - WARM_UP_S)
        rss_end, cpu_end = _rss_kb(pid), _cpu_s(pid)
        measured_s = SECONDS - WARM_UP_S
        per_viewer = [(n - c) / measured_s for n, c in zip(frames, counted_from, strict=True)]
        stop.set()
        await asyncio.wait(tasks, timeout=10)
        status = (await http.get("/api/status")).json()
    return {
        "seconds": SECONDS,
        "viewers": VIEWERS,
        "commands": len(latencies),
        "command_p50_ms": float(np.percentile(latencies, 50)),
        "command_p95_ms": float(np.percentile(latencies, 95)),
        "rss_warm_mb": rss_warm / 1024,
        "rss_growth_pct": (rss_end - rss_warm) / rss_warm * 100.0,
        "fps_per_viewer_mean": float(np.mean(per_viewer)),
        "fps_per_viewer_min": float(np.min(per_viewer)),
        "render_fps": status["fps"],
        "server_cpu_pct": (cpu_end - cpu_warm) / measured_s * 100.0,
        "errors": errors,
    }


@pytest.mark.slow
def test_fifty_viewers_and_twenty_commands_per_second(tmp_path: Path) -> None:
    env = {
        **os.environ, "PYTHONPATH": str(REPO), "AVATAR_DATA_DIR": str(tmp_path),
        "AVATAR_VOICE__ENABLED": "false", "AVATAR_SPEECH__ENABLED": "false",
        "AVATAR_MODELS_DIR": str(tmp_path / "none"), "AVATAR_WEB__COMMANDS_PER_S": "100",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "serve", "--engine", "fallback", "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    try:
        assert server.stderr is not None
        line = server.stderr.readline()  # "avatar: serving the portrait on http://…/ with …"
        match = re.search(r"serving the portrait on (http://127\.0\.0\.1:\d+)/", line)
        assert match, line
        figures = asyncio.run(_load(match.group(1), server.pid))
    finally:
        server.terminate()
        code = server.wait(timeout=30)
    print("web load:", json.dumps(figures))
    assert figures["errors"] == []
    assert figures["commands"] >= COMMANDS_PER_S * SECONDS * 0.9  # every scheduled command
    assert figures["rss_growth_pct"] < 5.0
    assert figures["fps_per_viewer_min"] > 0.0  # every viewer kept getting frames
    assert code == 0  # SIGTERM ends `avatar serve` cleanly
