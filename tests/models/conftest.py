"""Fixtures: a tiny model set and a local hub that serves it (see `hub_server.py`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import numpy as np
import pytest

from models import ModelFile, ModelSet
from tests.models.hub_server import HubServer

REPO = "test-org/tiny-portrait-models"


def _payloads() -> dict[str, bytes]:
    rng = np.random.default_rng(7)
    return {
        "base/appearance.pth": rng.bytes(3000),
        "base/motion.pth": rng.bytes(5000),
        "detector/det.onnx": rng.bytes(1234),
    }


def _model_set(payloads: dict[str, bytes]) -> ModelSet:
    files = tuple(
        ModelFile(path=path, size=len(data), sha256=hashlib.sha256(data).hexdigest())
        for path, data in payloads.items()
    )
    return ModelSet(name="tiny", repo_id=REPO, files=files)


@pytest.fixture
def payloads() -> dict[str, bytes]:
    return _payloads()


@pytest.fixture
def model_set(payloads: dict[str, bytes]) -> ModelSet:
    return _model_set(payloads)


@pytest.fixture
def hub(payloads: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    server = HubServer(REPO, payloads).start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    yield server
    server.stop()
