"""Shared fixtures for the LivePortrait tests: fixture files, seeded networks, small configs.

The reference data lives in `shared/fixtures/liveportrait/` next to the repository (see its
README): the official state-dict manifest, statistics of the seeded weights and golden outputs of
the official code for those weights. Big networks are built once per session: their golden
forwards take seconds each on CPU.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from animator.liveportrait.networks import LivePortraitNetworks, build_network
from animator.liveportrait.seeded import load_seeded_weights
from tests.liveportrait.engine_helpers import face_analyzer, tiny_networks

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "liveportrait"

#: A tiny but complete configuration (K = 5 keypoints, 64² images) for fast round trips.
SMALL_PARAMS: dict[str, dict[str, Any]] = {
    "appearance_feature_extractor": {
        "image_channel": 3,
        "block_expansion": 8,
        "num_down_blocks": 2,
        "max_features": 32,
        "reshape_channel": 4,
        "reshape_depth": 8,
        "num_resblocks": 2,
    },
    "motion_extractor": {"num_kp": 5, "depths": [1, 1, 2, 1], "dims": [8, 16, 24, 32]},
    "warping_module": {
        "num_kp": 5,
        "block_expansion": 8,
        "max_features": 32,
        "num_down_blocks": 2,
        "reshape_channel": 4,
        "estimate_occlusion_map": True,
        "dense_motion_params": {
            "block_expansion": 8,
            "max_features": 32,
            "num_blocks": 3,
            "reshape_depth": 8,
            "compress": 2,
        },
    },
    "spade_generator": {
        "upscale": 2,
        "block_expansion": 8,
        "max_features": 32,
        "num_down_blocks": 2,
        "out_channels": 8,
    },
    "stitching": {"input_size": 30, "hidden_sizes": [16], "output_size": 17},
    "lip": {"input_size": 17, "hidden_sizes": [16], "output_size": 15},
    "eye": {"input_size": 18, "hidden_sizes": [16, 16], "output_size": 15},
}


@pytest.fixture(scope="session", autouse=True)
def _two_threads() -> None:
    """The CI machine is shared: never use more than two threads."""
    torch.set_num_threads(min(2, torch.get_num_threads()))


@pytest.fixture(scope="session")
def manifest() -> dict[str, Any]:
    return json.loads((FIXTURES / "manifest.json").read_text())


@pytest.fixture(scope="session")
def weights_stats() -> dict[str, Any]:
    return json.loads((FIXTURES / "weights_stats.json").read_text())


@pytest.fixture(scope="session")
def golden() -> dict[str, np.ndarray]:
    """All golden arrays (float32), loaded once."""
    with np.load(FIXTURES / "golden.npz") as archive:
        return {key: archive[key] for key in archive.files}


@pytest.fixture(scope="session")
def seeded_network() -> Callable[[str], nn.Module]:
    """`seeded_network(name)`: the official-size network with seeded weights, built once."""
    cache: dict[str, nn.Module] = {}

    def get(name: str) -> nn.Module:
        if name not in cache:
            cache[name] = load_seeded_weights(name, build_network(name, device="meta"))
        return cache[name]

    return get


@pytest.fixture(scope="session")
def small_params() -> dict[str, dict[str, Any]]:
    return copy.deepcopy(SMALL_PARAMS)


@pytest.fixture(scope="module")
def networks() -> LivePortraitNetworks:
    """The tiny seeded networks of `engine_helpers` (21 keypoints, 64 px input), per module;
    modules that need others define their own `networks`."""
    return tiny_networks()


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder with test-built face models that find `engine_helpers.FACE`."""
    path = tmp_path_factory.mktemp("face-models")
    face_analyzer(path)
    return path
