"""The HTTP API through a real uvicorn server on 127.0.0.1: every route and its errors."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import numpy as np
import pytest
from PIL import Image

from agent.events import PlanStarted, PortraitChanged
from tests.agent._helpers import PORTRAIT, REPO, EventLog, wait_until
from tests.web._helpers import MjpegReader, Served, client, serving

# EXPRESSIONS.md, "Intents": the 21 names, in the order of the table.
INTENTS = [
    "smile", "laugh", "blink", "wink", "talk", "surprise", "sad", "angry", "fear", "disgust",
    "confused", "close_eyes", "nod", "shake_head", "look_left", "look_right", "look_up",
    "look_down", "kiss", "neutral", "chat",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("web")) as running:
        yield running


@pytest.fixture
def events(served: Served) -> Iterator[EventLog]:
    log = EventLog()
    unsubscribe = served.conversation.subscribe(log)
    yield log
    unsubscribe()


def _png(width: int, height: int, seed: int = 0) -> bytes:
    noise = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")
    return buffer.getvalue()


def _huge_png(side: int) -> bytes:
    """A valid, all-black 1-bit PNG of side×side pixels: a few kilobytes on the wire, gigabytes
    if decoded as RGB (written by hand, so nothing decodes it to make it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])  # 1 bit, greyscale
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


# ---------------------------------------------------------------------- say and plan


def test_say_answers_the_plan_avatar_plan_prints_and_plays_it(
    served: Served, events: EventLog
) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "agent.cli", "plan", "웃어줘", "--json"],
        capture_output=True, text=True, check=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ).stdout
    with client(served.url) as http:
        response = http.post("/api/say", json={"text": "웃어줘"})
    assert response.status_code == 200
    assert response.json() == {"plan": json.loads(printed)}
    wait_until(lambda: events.of(PlanStarted), what="the plan to start")
    started = events.of(PlanStarted)[-1]
    assert started.plan.intents == ["smile"]
    assert started.utterance is not None and started.utterance.source == "web"


def test_plan_validates_and_plays(served: Served, events: EventLog) -> None:
    plan = {"steps": [{"intent": "wink", "intensity": 0.9, "repeat": 2}], "source": "script"}
    with client(served.url) as http:
        response = http.post("/api/plan", json=plan)
    assert response.status_code == 200
    body = response.json()
    assert body["plan"]["steps"] == [{"intent": "wink", "intensity": 0.9, "repeat": 2}]
    wait_until(lambda: events.of(PlanStarted), what="the plan to start")
    assert events.of(PlanStarted)[-1].plan_id == body["plan_id"]


@pytest.mark.parametrize(
    ("path", "content", "status", "words"),
    [
        ("/api/say", b'{"text": "smile"', 400, "malformed JSON"),
        ("/api/say", b'["smile"]', 400, "JSON object"),
        ("/api/say", b'{"text": ""}', 422, "text"),
        ("/api/say", b'{"text": "   "}', 400, "empty"),
        ("/api/plan", b'{"steps": [{"intent": "dance"}]}', 422, "steps.0.intent"),
        ("/api/plan", b'{"steps": []}', 422, "steps"),
        ("/api/plan", b'{"steps": [{"intent": "smile", "intensity": 3}]}', 422, "intensity"),
        ("/api/channels", b'{"nose": 1}', 422, "unknown channel 'nose'"),
        ("/api/channels", b'{"smile": "lots"}', 422, "smile"),
    ],
)
def test_bad_commands_get_a_status_and_a_reason(
    served: Served, path: str, content: bytes, status: int, words: str
) -> None:
    with client(served.url) as http:
        response = http.post(path, content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == status
        assert words in response.json()["error"]
        assert http.get("/api/status").status_code == 200  # still serving


def test_unknown_routes_and_methods_answer_json_errors(served: Served) -> None:
    with client(served.url) as http:
        missing = http.get("/api/nothing")
        wrong = http.get("/api/say")
    assert (missing.status_code, "error" in missing.json()) == (404, True)
    assert (wrong.status_code, "error" in wrong.json()) == (405, True)


# ---------------------------------------------------------------------- channels


def test_channels_hold_the_face_and_delete_releases_it(served: Served) -> None:
    conversation = served.conversation

    def pose_after(seq: int) -> object:
        frame = conversation.latest_frame()
        return frame.pose if frame is not None and frame.seq > seq else None

    with client(served.url) as http:
        response = http.post("/api/channels", json={"smile": 0.6, "head_yaw": -40})
        assert response.status_code == 200
        assert response.json() == {"channels": {"smile": 0.6, "head_yaw": -25.0}}  # ±25° range
        seq = conversation.latest_frame().seq  # type: ignore[union-attr]
        wait_until(lambda: pose_after(seq + 1), what="a frame after the override")
        pose = conversation.latest_frame().pose  # type: ignore[union-attr]
        assert (pose.smile, pose.head_yaw) == (pytest.approx(0.6), pytest.approx(-25.0))
        assert http.delete("/api/channels").json() == {"channels": {}}
    seq = conversation.latest_frame().seq  # type: ignore[union-attr]
    wait_until(lambda: pose_after(seq + 1), what="a frame after the release")
    pose = conversation.latest_frame().pose  # type: ignore[union-attr]
    assert abs(pose.head_yaw) < 10.0  # idle sway only, no longer held at -25°


# ---------------------------------------------------------------------- portrait


def test_portrait_upload_raw_and_multipart(served: Served, events: EventLog) -> None:
    photo = PORTRAIT.read_bytes()
    with client(served.url) as http:
        raw = http.put("/api/portrait", content=photo)
        assert raw.status_code == 200 and raw.json()["portrait"]["type"] == "png"
        form = http.put("/api/portrait", files={"file": ("../../etc/passwd", photo, "text/x")})
        assert form.status_code == 200
    wait_until(lambda: len(events.of(PortraitChanged)) == 2, what="two portrait changes")
    for changed in events.of(PortraitChanged):
        path = Path(changed.path)
        assert path.parent == served.conversation.settings.data_dir / "web-uploads"
        assert path.name.startswith("upload-") and "passwd" not in path.name


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"", 400, "empty"),
        (b"GIF89a" + b"\x00" * 100, 415, "not a JPEG, PNG or WebP"),
        (Path(__file__).read_bytes(), 415, "not a JPEG, PNG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 400, "cannot be read"),
        ("huge", 413, "megapixels"),
        ("noise", 422, "cannot be animated"),
    ],
)
def test_bad_portraits_are_refused_and_the_old_one_stays(
    served: Served, content: bytes | str, status: int, words: str
) -> None:
    if content == "huge":
        content = _huge_png(20_000)
        assert len(content) < 200_000
    elif content == "noise":
        content = _png(256, 256)  # no face in noise
    before = served.conversation.status().portrait
    with client(served.url) as http:
        response = http.put("/api/portrait", content=content)
        assert response.status_code == status
        assert words in response.json()["error"]
        assert "/" not in response.json()["error"].split("megapixels")[0][-3:]
        assert http.get("/api/status").status_code == 200
    assert served.conversation.status().portrait == before


def test_a_100_mb_upload_is_refused_before_it_is_read(served: Served) -> None:
    with client(served.url) as http:
        declared = http.put("/api/portrait", content=b"\x00" * 100_000_000)
        assert declared.status_code == 413
        assert "over 20 MB" in declared.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(100):
                yield b"\x00" * 1_000_000

        streamed = http.put("/api/portrait", content=chunks())
        assert streamed.status_code == 413
    with client(served.url) as http:
        assert http.get("/api/status").status_code == 200


# ---------------------------------------------------------------------- facts and frames


def test_status_names_the_engine_and_the_components(served: Served) -> None:
    with client(served.url) as http:
        status = http.get("/api/status").json()
    assert status["engine"]["name"] == "fallback"
    assert status["components"]["web"].startswith(served.url + "/")
    assert set(status) >= {"fps", "latency_p50_ms", "latency_p95_ms", "window", "recording"}


def test_intents_lists_the_vocabulary_and_channel_ranges(served: Served) -> None:
    with client(served.url) as http:
        vocabulary = http.get("/api/intents").json()
    assert vocabulary["intents"] == INTENTS
    channels = {c["name"]: (c["low"], c["high"]) for c in vocabulary["channels"]}
    assert len(channels) == 12  # EXPRESSIONS.md, "Channels"
    assert channels["head_yaw"] == (-25.0, 25.0) and channels["mouth_open"] == (0.0, 1.0)


def test_frame_jpg_is_the_live_frame(served: Served) -> None:
    with client(served.url) as http:
        response = http.get("/api/frame.jpg")
    assert response.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("JPEG", (512, 512))


def test_mjpeg_stream_sends_newer_frames_encoded_once_for_all_viewers(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    encodings: list[int] = []
    save = Image.Image.save

    def counting_save(
        image: Image.Image, fp: object, format: str | None = None, **kw: object
    ) -> None:
        if (format or "").upper() == "JPEG":
            encodings.append(1)
        save(image, fp, format, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, "save", counting_save)  # every JPEG made in the process
    with client(served.url) as http, contextlib.ExitStack() as stack:
        readers = []
        for _ in range(3):
            response = stack.enter_context(http.stream("GET", "/api/stream.mjpg"))
            assert response.headers["content-type"].startswith("multipart/x-mixed-replace")
            readers.append(MjpegReader(response.iter_raw()))
        first = [reader.next_part() for reader in readers]
        encoded_before = len(encodings)
        seen = [[reader.next_part() for _ in range(10)] for reader in readers]
        encoded = len(encodings) - encoded_before
    for start, parts in zip(first, seen, strict=True):
        seqs = [start.seq] + [part.seq for part in parts]
        assert seqs == sorted(set(seqs))  # strictly newer frames
        assert Image.open(io.BytesIO(parts[-1].jpeg)).size == (512, 512)
    distinct = {part.seq for parts in seen for part in parts}
    # one encoding per frame: three viewers of the same ~10 frames need ~10, not ~30
    assert encoded <= len(distinct) + 3


# ---------------------------------------------------------------------- recording


def test_record_then_download_the_mp4_by_its_id(served: Served) -> None:
    with client(served.url) as http:
        started = http.post("/api/recording").json()
        assert http.get(f"/api/recordings/{started['id']}.mp4").status_code == 404  # running
        seq = served.conversation.latest_frame().seq  # type: ignore[union-attr]
        wait_until(
            lambda: served.conversation.latest_frame().seq >= seq + 10,  # type: ignore[union-attr]
            what="ten frames recorded",
        )
        stopped = http.delete("/api/recording").json()
        assert stopped == {"id": started["id"], "url": f"/api/recordings/{started['id']}.mp4"}
        video = http.get(stopped["url"])
        assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
        with av.open(io.BytesIO(video.content)) as container:
            frames = sum(1 for _ in container.decode(video=0))
        assert frames >= 10
        assert http.delete("/api/recording").status_code == 409
        for name in ("nope.mp4", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"):
            response = http.get(f"/api/recordings/{name}")
            assert response.status_code == 404 and "error" in response.json()



def test_a_stop_sent_while_the_start_still_opens_its_file_stops_that_recording(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = served.conversation
    entered, release = threading.Event(), threading.Event()
    real_start = conversation.start_recording

    def slow_start(path: Path) -> None:  # a slow disk: the mp4 takes a while to open
        entered.set()
        release.wait(10)
        real_start(path)

    monkeypatch.setattr(conversation, "start_recording", slow_start)
    answers: dict[str, httpx.Response] = {}

    def send(method: str) -> None:
        with client(served.url) as http:
            answers[method] = http.request(method, "/api/recording")

    start = threading.Thread(target=send, args=("POST",))
    start.start()
    assert entered.wait(10)
    stop = threading.Thread(target=send, args=("DELETE",))
    stop.start()
    stop.join(1.0)  # answered at once only if it did not wait for the start
    release.set()
    start.join(10)
    stop.join(10)
    assert answers["POST"].status_code == 200 and answers["DELETE"].status_code == 200
    assert answers["DELETE"].json()["id"] == answers["POST"].json()["id"]
    assert conversation.status().recording is None

def test_openapi_and_the_offline_docs(served: Served) -> None:
    with client(served.url) as http:
        spec = http.get("/api/openapi.json").json()
        docs = http.get("/api/docs")
    assert set(spec["paths"]) >= {
        "/api/say", "/api/plan", "/api/channels", "/api/portrait", "/api/status",
        "/api/intents", "/api/frame.jpg", "/api/stream.mjpg", "/api/recording",
    }
    assert set(spec["paths"]["/api/channels"]) == {"post", "delete"}
    assert docs.headers["content-type"].startswith("text/html")
    assert "/api/openapi.json" in docs.text and "cdn" not in docs.text.lower()
