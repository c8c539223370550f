"""`avatar kiosk --serve`: the web server beside the kiosk, through the real command."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.agent._helpers import REPO, wait_until
from tests.web._helpers import client


def test_kiosk_serve_takes_commands_from_the_web(tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.touch()
    env = {
        **os.environ, "PYTHONPATH": str(REPO), "AVATAR_DATA_DIR": str(tmp_path / "data"),
        "AVATAR_VOICE__ENABLED": "false", "AVATAR_SPEECH__ENABLED": "false",
        "AVATAR_MODELS_DIR": str(tmp_path / "none"), "AVATAR_KIOSK__ATTRACT": "false",
        "AVATAR_WINDOW__SIZE": "[96, 96]", "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
    }
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "kiosk", "--serve", "--port", "0",
         "--engine", "fallback", "--input", str(feed)],
        stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    try:
        assert kiosk.stderr is not None
        lines = []
        for line in kiosk.stderr:
            lines.append(line)
            match = re.search(r"^avatar: web: (http://127\.0\.0\.1:\d+)/", line)
            if match:
                break
        assert match, lines
        with client(match.group(1)) as http:
            said = http.post("/api/say", json={"text": "wink at me"})
            assert said.json()["plan"]["steps"][0]["intent"] == "wink"
            assert http.get("/api/status").json()["window"] == "open"
        transcripts = tmp_path / "data" / "transcripts"

        def heard() -> list[tuple[str, str]]:
            records = [
                json.loads(line) for path in transcripts.glob("*.jsonl")
                for line in path.read_text().splitlines()
            ]
            return [(r["source"], r["text"]) for r in records if r["kind"] == "utterance"]

        wait_until(heard, what="the web line in the kiosk's transcript")
        assert heard() == [("web", "wink at me")]
    finally:
        kiosk.send_signal(signal.SIGTERM)
        code = kiosk.wait(timeout=30)
    assert code == 0


def test_kiosk_serve_on_an_exposed_host_needs_a_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent.cli", "kiosk", "--serve", "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=60, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "AVATAR_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("avatar: refusing to serve on 0.0.0.0 without a token")
    assert len(result.stderr.strip().splitlines()) == 1
