"""Fixtures of the fallback-engine tests: the real default portrait, prepared once."""

from __future__ import annotations

import numpy as np
import pytest

from animator.fallback import FallbackEngine, FallbackSource
from animator.portrait import load_portrait
from tests.fallback._helpers import PORTRAIT, FaceRegions


@pytest.fixture(scope="session")
def portrait() -> np.ndarray:
    """The default portrait, (512, 512, 3) uint8 RGB."""
    return load_portrait(PORTRAIT)


@pytest.fixture(scope="session")
def engine() -> FallbackEngine:
    return FallbackEngine()


@pytest.fixture(scope="session")
def source(engine: FallbackEngine, portrait: np.ndarray) -> FallbackSource:
    return engine.prepare(portrait, name="portrait.png")


@pytest.fixture(scope="session")
def regions(source: FallbackSource) -> FaceRegions:
    assert source.landmarks is not None
    return FaceRegions.of(source.landmarks)
