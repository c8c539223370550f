"""`avatar plan --llm/--llm-url`, `avatar chat` and `avatar models … llm`, as real subprocesses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.llm.chat_server import ChatServer, answer_json

REPO = Path(__file__).resolve().parents[2]
ANSWER = answer_json([("surprise", 1.0, 1), ("smile", 0.7, 1)], "와, 정말요? 축하해요!")
Start = Callable[..., ChatServer]


def run(module: str, *args: str, stdin: str = "", env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", module, *args], input=stdin, capture_output=True, text=True,
        cwd=REPO, env=environment, timeout=timeout, check=False,
    )


def test_plan_through_a_server_marks_what_the_llm_answered(chat_server: Start) -> None:
    server = chat_server(ANSWER)
    result = run("intents.cli", "plan", "--llm-url", server.url, "--llm-model", "m", "--json",
                 stdin="웃어줘\n나 시험 합격했어!\n")
    assert result.returncode == 0, result.stderr
    command, chat = (json.loads(line) for line in result.stdout.splitlines())
    assert command["source"] == "classifier" and command["steps"][0]["intent"] == "smile"
    assert chat["source"] == "llm" and chat["text"] == "나 시험 합격했어!"
    assert [step["intent"] for step in chat["steps"]] == ["surprise", "smile"]
    assert chat["reply"] == "와, 정말요? 축하해요!"
    assert server.requests[0]["model"] == "m"


def test_plan_through_a_model_folder(tiny_model: Path) -> None:
    result = run("intents.cli", "plan", "--llm", str(tiny_model), "--json", "오늘 기분 어때?",
                 env={"OMP_NUM_THREADS": "1"})  # a 2-layer model loses time to threads
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["source"] == "llm" and 1 <= len(record["steps"]) <= 3
    assert isinstance(record["reply"], str) and record["reply"]


def test_plan_with_a_broken_model_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    result = run("intents.cli", "plan", "--llm", str(tmp_path), "안녕?")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"avatar plan: the LLM is unavailable: {tmp_path}: the tokenizer is missing (no "
        "tokenizer.json); copy the tokenizer files next to the weights or run "
        "`avatar models download llm`"
    )



def test_plan_with_an_unreachable_server_says_why_once() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("intents.cli", "plan", "--llm-url", f"http://127.0.0.1:{port}", "smile")
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("avatar plan: the LLM is unavailable: cannot list the models of ")
    assert "--llm-model" in line


def test_chat_refuses_an_over_long_line_once_and_goes_on(tmp_path: Path) -> None:
    env = {"AVATAR_DATA_DIR": str(tmp_path / "data"), "AVATAR_MODELS_DIR": str(tmp_path),
           "AVATAR_ENGINE": "fallback"}
    result = run("agent.cli", "chat", env=env, stdin="a" * 20_001 + "\n웃어줘\n")
    assert result.returncode == 0, result.stderr
    refusals = [line for line in result.stderr.splitlines() if "was refused" in line]
    assert refusals == ["input: a typed line of 20,001 characters was refused (at most 20,000); "
                        "send shorter lines"]
    assert result.stdout.splitlines() == ["  (smile)"]


def test_chat_holds_a_line_mode_conversation(chat_server: Start, tmp_path: Path) -> None:
    server = chat_server(ANSWER)
    env = {"AVATAR_DATA_DIR": str(tmp_path / "data"), "AVATAR_MODELS_DIR": str(tmp_path),
           "AVATAR_ENGINE": "fallback", "AVATAR_LLM__NAME": "Mina"}
    result = run("agent.cli", "chat", "--llm-url", server.url, env=env,
                 stdin="나 시험 합격했어!\n/reset\n웃어줘\n/quit\n뒤는 읽지 않아요\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "  (surprise)",
        "  (surprise → smile)",
        "Mina: 와, 정말요?",
        "Mina: 축하해요!",
        "(conversation forgotten)",
        "  (smile)",
    ]
    assert server.chat_requests == 1


def test_models_list_llm_names_the_default_model(tmp_path: Path) -> None:
    result = run("models.cli", "models", "list", "llm", "--models-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "llm: Qwen/Qwen2.5-0.5B-Instruct@7ae557604adf67be50417f59c2c2f167def9a775 -> "
        f"{tmp_path / 'llm-Qwen2.5-0.5B-Instruct'}"
    )
    assert "988.1 MB  model.safetensors" in result.stdout
    assert "Apache License 2.0" in lines[-1]


def test_auto_uses_the_downloaded_model_only_when_it_is_complete(tmp_path: Path) -> None:
    from intents.llm import default_model_folder
    from models.registry import llm_files

    folder = tmp_path / "llm-Qwen2.5-0.5B-Instruct"
    folder.mkdir()
    assert default_model_folder(tmp_path) is None
    for entry in llm_files().files:
        with (folder / entry.path).open("wb") as handle:
            handle.truncate(entry.size)  # sparse: the size check is what `auto` looks at
    assert default_model_folder(tmp_path) == folder
    (folder / "tokenizer.json").unlink()
    assert default_model_folder(tmp_path) is None
