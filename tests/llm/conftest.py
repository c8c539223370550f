"""Fixtures: a tiny random Qwen2 model saved like a real one, and a local chat server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.llm.chat_server import ChatServer


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer Qwen2 LM and a byte-level BPE trained on our corpus, `save_pretrained`
    into one folder (built once per session: it takes a few CPU seconds)."""
    import torch

    from intents.llm.random_model import save_random_model

    torch.set_num_threads(1)  # a model this small only loses time to thread hand-offs
    return save_random_model(tmp_path_factory.mktemp("llm") / "tiny-qwen2")


@pytest.fixture
def chat_server() -> Iterator[Callable[..., ChatServer]]:
    """Start `ChatServer(**options)` servers; all are stopped after the test."""
    servers: list[ChatServer] = []

    def start(answer: str = "", **options: object) -> ChatServer:
        server = ChatServer(answer, **options).start()  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
