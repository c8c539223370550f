"""The WebSocket event feed and the frame fan-out under slow viewers, on a real server."""

from __future__ import annotations

import io
import itertools
import json
import socket
import time
from pathlib import Path

from PIL import Image
from websockets.sync.client import connect

from tests.web._helpers import MjpegReader, client, serving


def _messages_until(ws: object, kind: str, limit: int = 200) -> list[dict[str, object]]:
    seen = []
    for _ in range(limit):
        message = json.loads(ws.recv(timeout=10))  # type: ignore[attr-defined]
        seen.append(message)
        if message["type"] == kind:
            return seen
    raise AssertionError(f"no {kind} message in {limit}: {[m['type'] for m in seen]}")


def test_events_carry_utterances_plans_and_status(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        url = served.url.replace("http", "ws") + "/api/events"
        with connect(url, open_timeout=10) as ws, client(served.url) as http:
            first = json.loads(ws.recv(timeout=10))
            assert first["type"] == "status" and first["status"]["engine"]["name"] == "fallback"
            http.post("/api/say", json={"text": "웃어줘"})
            seen = _messages_until(ws, "plan_started")
            said = [m for m in seen if m["type"] == "utterance_received"]
            assert said[-1]["utterance"] == {"text": "웃어줘", "source": "web", "language": None}
            plan = seen[-1]
            assert plan["plan"]["steps"][0]["intent"] == "smile"  # type: ignore[index]
            assert all(m["type"] != "frame_rendered" for m in seen)
            http.put("/api/portrait", content=b"not an image")
            http.post("/api/recording")
            for _ in range(50):  # fps updates may come first
                status = _messages_until(ws, "status_changed")[-1]
                if status["status"]["recording"]:  # type: ignore[index]
                    break
            else:
                raise AssertionError("no status with the recording on")
            http.delete("/api/recording")


def test_events_with_frames_send_binary_jpegs(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        url = served.url.replace("http", "ws") + "/api/events?frames=1"
        with connect(url, open_timeout=10) as ws:
            for _ in range(50):
                message = ws.recv(timeout=10)
                if isinstance(message, bytes):
                    break
            else:
                raise AssertionError("no binary frame in 50 messages")
        assert Image.open(io.BytesIO(message)).format == "JPEG"


def test_a_stalled_viewer_delays_nobody_and_later_skips_ahead(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)  # a small window
        stalled.connect(("127.0.0.1", served.server.port))
        stalled.sendall(b"GET /api/stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n")
        with client(served.url) as http, http.stream("GET", "/api/stream.mjpg") as response:
            reader = MjpegReader(response.iter_raw())
            parts = [reader.next_part() for _ in range(200)]  # while the other one reads nothing
        seqs = [part.seq for part in parts]
        assert seqs == sorted(set(seqs))
        rendered = served.conversation.latest_frame().seq  # type: ignore[union-attr]
        stalled.settimeout(10)
        received = b""
        seen: list[int] = []
        deadline = time.monotonic() + 20
        while (not seen or seen[-1] < rendered) and time.monotonic() < deadline:
            received += stalled.recv(1 << 20)
            seen = [int(s.split(b"\r\n")[0]) for s in received.split(b"X-Frame-Seq: ")[1:]]
        stalled.close()
        assert seen and seen[-1] >= rendered, "the stalled viewer caught up with the newest frame"
        # it skipped ahead: after the few old frames the socket buffers held, the next frame it
        # got was a new one; the frames in between were never queued for it
        assert max(b - a for a, b in itertools.pairwise(seen)) >= 20
