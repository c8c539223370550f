"""Who may reach the server: loopback by default, the token, the exposure refusal, the command
rate limit and CORS; through a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from agent.config import WebSettings
from tests.agent._helpers import REPO
from tests.web._helpers import TOKEN, client, serving
from web import WebServer


def test_a_non_loopback_host_without_a_token_refuses_to_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent.cli", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True, text=True, timeout=60, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "AVATAR_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("avatar: refusing to serve on 0.0.0.0")
    assert "--token" in lines[0]
    assert not (tmp_path / "transcripts").exists()  # refused before the conversation started


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_every_exposed_host_needs_a_token(host: str) -> None:
    with pytest.raises(ValueError, match="without a token"):
        WebServer(WebSettings(host=host))
    WebServer(WebSettings(host=host, token=TOKEN))  # with one it may


def test_loopback_hosts_need_no_token() -> None:
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        WebServer(WebSettings(host=host))


def test_a_busy_port_is_one_clear_error(tmp_path: Path) -> None:
    with serving(tmp_path / "a") as first:
        result = subprocess.run(
            [sys.executable, "-m", "agent.cli", "serve", "--engine", "fallback",
             "--port", str(first.server.port)],
            capture_output=True, text=True, timeout=120, cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), "AVATAR_DATA_DIR": str(tmp_path / "b"),
                 "AVATAR_VOICE__ENABLED": "false", "AVATAR_SPEECH__ENABLED": "false"},
        )
        assert client(first.url).get("/api/status").status_code == 200
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("avatar: the web server is")
    assert f"cannot listen on 127.0.0.1:{first.server.port}" in result.stderr


def test_with_a_token_every_route_but_the_page_needs_it(tmp_path: Path) -> None:
    with serving(tmp_path, token=TOKEN) as served:
        with client(served.url) as http:
            assert http.get("/").status_code == 200
            assert http.get("/app.js").status_code == 200
            for method, path in [
                ("GET", "/api/status"), ("GET", "/api/intents"), ("GET", "/api/frame.jpg"),
                ("GET", "/api/openapi.json"), ("GET", "/api/docs"), ("POST", "/api/say"),
                ("PUT", "/api/portrait"), ("DELETE", "/api/channels"),
            ]:
                missing = http.request(method, path)
                assert missing.status_code == 401, path
                assert missing.json()["error"].startswith("no token given")
                assert missing.headers["www-authenticate"] == "Bearer"
            wrong = http.get("/api/status", headers={"Authorization": "Bearer nope-nope-nope"})
            assert wrong.status_code == 401
            assert wrong.json()["error"].startswith("a wrong token given")
            bearer = {"Authorization": f"Bearer {TOKEN}"}
            assert http.get("/api/status", headers=bearer).status_code == 200
            said = http.post("/api/say", json={"text": "wink"}, headers=bearer)
            assert said.json()["plan"]["steps"][0]["intent"] == "wink"
            assert http.get(f"/api/status?token={TOKEN}").status_code == 200
            cookie = {"Cookie": f"avatar_token={TOKEN}"}
            assert http.get("/api/frame.jpg", headers=cookie).status_code == 200
        ws = served.url.replace("http", "ws") + "/api/events"
        with pytest.raises(InvalidStatus):
            connect(ws, open_timeout=10).close()
        with pytest.raises(InvalidStatus):
            connect(ws + "?token=wrong-token", open_timeout=10).close()
        with connect(f"{ws}?token={TOKEN}", open_timeout=10) as socket:
            assert json.loads(socket.recv(timeout=10))["type"] == "status"


def test_commands_over_the_rate_get_429_and_reads_stay_free(tmp_path: Path) -> None:
    with serving(tmp_path, commands_per_s=0.5, command_burst=2) as served, \
            client(served.url) as http:
        codes = [http.post("/api/say", json={"text": "blink"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        refused = http.post("/api/plan", json={"steps": [{"intent": "nod"}]})
        assert refused.status_code == 429
        assert "at most 0.5 per second" in refused.json()["error"]
        assert int(refused.headers["retry-after"]) >= 1
        assert http.get("/api/status").status_code == 200  # reading is not a command


def test_cors_is_closed_unless_configured(tmp_path: Path) -> None:
    asked = {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    with serving(tmp_path / "closed") as served, client(served.url) as http:
        response = http.get("/api/status", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-origin" not in http.options("/api/say", headers=asked).headers
    origin = "http://back-office.example"
    with serving(tmp_path / "open", cors_origins=[origin]) as served, client(served.url) as http:
        allowed = http.options("/api/say", headers={**asked, "Origin": origin})
        assert allowed.headers["access-control-allow-origin"] == origin
        other = http.options("/api/say", headers=asked)
        assert other.headers.get("access-control-allow-origin") != "http://evil.example"
