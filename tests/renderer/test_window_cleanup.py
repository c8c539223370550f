"""What a window leaves behind: nothing after a clean close, nothing for long after SIGKILL.

Real window processes (SDL dummy driver) in real process groups: the shared frame block of a
group killed with SIGKILL is removed by the next start, no named semaphores are used at all,
and the window's log is a private file that is removed and never follows a planted symlink.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from renderer import WindowSink
from renderer.shared_frame import SEGMENT_PREFIX
from tests.e2e._helpers import avatar_env

SHM = Path("/dev/shm")
WAIT_S = 60.0
HOLDER = """
import sys
from renderer import WindowSink
sink = WindowSink()
assert sink.start(timeout=50), sink.reason
print("open", sink._resources.buffer.name, sink.pid, flush=True)
sys.stdin.readline()
sink.close()
print("closed", flush=True)
"""

pytestmark = pytest.mark.skipif(not SHM.is_dir(), reason="needs Linux /dev/shm")


def start_holder() -> tuple[subprocess.Popen[str], str, int]:
    """A process that opens a window and holds it until a line arrives on its stdin."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER], env=avatar_env(), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], WAIT_S)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("open "):
        process.kill()
        pytest.fail(f"the window did not open: {line!r} {process.communicate()[1]}")
    _, segment, child = line.split()
    return process, segment, int(child)


def semaphores_mapped(pid: int) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [line for line in maps.splitlines() if "/dev/shm/sem." in line]


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + WAIT_S
    while Path(f"/proc/{pid}").exists() and "Z" not in _state(pid):
        assert time.monotonic() < deadline, f"process {pid} still runs"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return "Z"


def test_a_block_left_by_a_killed_group_is_removed_by_the_next_start() -> None:
    first, stale, first_child = start_holder()
    assert stale.startswith(f"{SEGMENT_PREFIX}-{first.pid}-")
    assert (SHM / stale).exists()
    assert semaphores_mapped(first.pid) == [] and semaphores_mapped(first_child) == []

    os.killpg(first.pid, signal.SIGKILL)
    first.communicate(timeout=WAIT_S)
    wait_gone(first_child)
    assert (SHM / stale).exists()  # nobody could clean up ...

    second, fresh, _ = start_holder()
    try:
        assert not (SHM / stale).exists()  # ... until the next start
        assert (SHM / fresh).exists()
    finally:
        _, stderr = second.communicate("\n", timeout=WAIT_S)
    assert second.returncode == 0, stderr
    assert not (SHM / fresh).exists()
    assert "resource_tracker" not in stderr and "KeyError" not in stderr, stderr


def test_the_window_log_is_private_removed_and_ignores_a_planted_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    victim = tmp_path / "victim"
    planted = Path(tempfile.gettempdir()) / f"portrait-agent-window-{os.getpid()}.log"
    planted.unlink(missing_ok=True)
    planted.symlink_to(victim)  # what another local user could plant at the old fixed name
    try:
        sink = WindowSink()
        assert sink.start(timeout=50), sink.reason
        log_path = sink.log_path
        assert log_path is not None and log_path != planted
        assert log_path.stat().st_mode & 0o777 == 0o600
        sink.close()
    finally:
        planted.unlink()
    assert not victim.exists()
    assert not log_path.exists()
