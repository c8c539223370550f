"""`avatar kiosk` for a few minutes: text through a FIFO, a window crash, flat memory, no loss.

The kiosk runs as a user would start it (a subprocess with a TOML config, the fallback engine and
a real pygame window on SDL's dummy driver). The test feeds utterances through a FIFO at uneven
intervals, kills the window process half-way, and at the end checks that memory did not grow,
that every utterance reached the transcript with a plan, and that SIGTERM ends it cleanly.
A short companion test feeds the default input, stdin.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.e2e._helpers import AVATAR, avatar_env

UTTERANCES = (
    "웃어줘", "wink at me", "놀란 다음에 웃어", "고개 끄덕여 두 번", "look left", "슬퍼해봐",
    "눈 감아", "shake your head", "뽀뽀해줘", "화내봐", "원래대로", "안녕? 이름이 뭐야?",
    "smile then wink", "look up", "how are you?",
)
WARM_UP_S = 40.0
SOAK_S = 140.0


def wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def open_writer(fifo: Path, timeout: float = 60.0) -> int:
    """Open the FIFO for writing once the kiosk has opened it (ENXIO until then)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def window_children(pid: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(pid).children():
        try:
            if any("spawn_main" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


@pytest.mark.slow
def test_kiosk_soak(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'engine = "fallback"\ndata_dir = "{data}"\n'
        "[window]\nsize = [256, 256]\n"
        f'[kiosk]\ninput = "{fifo}"\nidle_seconds = 6.0\nrestart_backoff_s = 0.5\n',
        encoding="utf-8",
    )
    log_file = (tmp_path / "kiosk.stderr").open("w")
    kiosk = subprocess.Popen(
        [*AVATAR, "kiosk", "--config", str(config)],
        cwd=tmp_path, env=avatar_env(), stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
    )
    fed: list[str] = []
    try:
        writer = open_writer(fifo)
        wait_for(lambda: window_children(kiosk.pid), 60.0, "the kiosk window")
        rng = random.Random(0)
        process = psutil.Process(kiosk.pid)

        def feed_for(seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                text = rng.choice(UTTERANCES)
                os.write(writer, (text + "\n").encode())
                fed.append(text)
                pause = rng.choice((0.2, 0.5, 0.9, 1.5)) if rng.random() > 0.05 else 8.0
                time.sleep(pause)  # uneven typing, with a few idle gaps for the attract loop

        feed_for(WARM_UP_S)
        rss_warm = process.memory_info().rss
        feed_for(SOAK_S / 2)
        (window,) = window_children(kiosk.pid)
        window.kill()
        feed_for(SOAK_S / 2)
        rss_end = process.memory_info().rss
        os.close(writer)
        assert kiosk.poll() is None, "the kiosk died"
        assert window_children(kiosk.pid), "the window was not reopened"
        kiosk.send_signal(signal.SIGTERM)
        assert kiosk.wait(30) == 0
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
        log_file.close()

    growth = (rss_end - rss_warm) / rss_warm
    print(f"kiosk RSS after warm-up {rss_warm / 1e6:.1f} MB, at the end {rss_end / 1e6:.1f} MB "
          f"({growth:+.1%}); {len(fed)} utterances fed")
    assert growth < 0.05

    (transcript,) = (data / "transcripts").glob("*.jsonl")
    records = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()]
    said = [r for r in records if r["kind"] == "utterance" and r["source"] != "attract"]
    assert [r["text"] for r in said] == fed  # nothing dropped, nothing reordered
    assert {r["source"] for r in said} == {"fifo"}
    for index, record in enumerate(records):
        if record["kind"] == "utterance":
            assert records[index + 1]["kind"] == "plan", record  # each one got its plan
    assert records[-1] == {**records[-1], "kind": "session", "event": "stopped"}
    kiosk_log = (data / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "reopening" in kiosk_log


def test_kiosk_reads_stdin_and_stops_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'engine = "fallback"\ndata_dir = "{data}"\n[window]\nsize = [96, 96]\n'
        "[kiosk]\nattract = false\n",
        encoding="utf-8",
    )
    kiosk = subprocess.Popen(
        [*AVATAR, "kiosk", "--config", str(config), "--log-level", "info"], cwd=tmp_path,
        env=avatar_env(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        assert kiosk.stdin is not None
        kiosk.stdin.write("웃어줘\nlook left\n".encode())
        kiosk.stdin.close()  # end of input does not end the kiosk

        def said() -> list[str]:
            found = list((data / "transcripts").glob("*.jsonl"))
            if not found:
                return []
            lines = found[0].read_text(encoding="utf-8").splitlines()
            return [
                (r["source"], r["text"]) for r in map(json.loads, lines) if r["kind"] == "utterance"
            ]

        wait_for(
            lambda: said() == [("stdin", "웃어줘"), ("stdin", "look left")], 60.0,
            "both lines in the transcript, from stdin",
        )
        assert kiosk.poll() is None
        kiosk.send_signal(signal.SIGTERM)
        assert kiosk.wait(30) == 0
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
    assert kiosk.stderr is not None
    announced = kiosk.stderr.read().decode()
    assert "kiosk running with the FALLBACK engine" in announced
    assert "exit with ctrl+shift+q, SIGTERM or SIGINT" in announced
    assert "kiosk heard (stdin): 웃어줘\n" in announced
    assert "kiosk heard (stdin): look left\n" in announced
