"""Seeded stand-in weights: reproduce the fixture's `weights_stats.json` exactly."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn

from animator.liveportrait.config import NETWORK_NAMES
from animator.liveportrait.networks import build_network
from animator.liveportrait.seeded import seeded_networks, seeded_state_dict


def float64_sums(value: torch.Tensor) -> tuple[float, float]:
    values = value.detach().to(torch.float64)
    return float(values.sum()), float((values * values).sum())


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_network_totals_match_weights_stats(
    name: str, seeded_network: Callable[[str], nn.Module], weights_stats: dict[str, Any]
) -> None:
    state = seeded_network(name).state_dict()
    expected = weights_stats[name]
    sums = [float64_sums(value) for value in state.values()]
    assert len(state) == expected["num_tensors"]
    assert sum(value.numel() for value in state.values()) == expected["num_values"]
    assert math.isclose(sum(s for s, _ in sums), expected["sum"], rel_tol=1e-6)
    assert math.isclose(sum(q for _, q in sums), expected["sum_sq"], rel_tol=1e-6)


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_every_tensor_matches_weights_stats(
    name: str, seeded_network: Callable[[str], nn.Module], weights_stats: dict[str, Any]
) -> None:
    """Per tensor: first three values exact, sum and sum of squares to float64 rounding."""
    state = seeded_network(name).state_dict()
    per_tensor = weights_stats[name]["per_tensor"]
    assert list(state) == list(per_tensor)
    for key, value in state.items():
        expected = per_tensor[key]
        first = value.flatten()[:3].to(torch.float64).tolist()
        assert first == expected["first_values"], key
        total, total_sq = float64_sums(value)
        assert math.isclose(total, expected["sum"], rel_tol=1e-6, abs_tol=1e-9), key
        assert math.isclose(total_sq, expected["sum_sq"], rel_tol=1e-6, abs_tol=1e-9), key


def test_spectral_u_is_the_normalised_image_of_v(
    seeded_network: Callable[[str], nn.Module],
) -> None:
    """Rule 5: u ∥ W·v, so σ = uᵀWv equals ‖Wv‖ (the README's reason for the rule)."""
    conv = seeded_network("spade_generator").G_middle_0.conv_0
    matrix = conv.weight_orig.reshape(conv.weight_orig.shape[0], -1).double()
    image = matrix @ conv.weight_v.double()
    sigma = float(conv.weight_u.double() @ image)
    assert math.isclose(sigma, float(image.norm()), rel_tol=1e-6)
    assert math.isclose(float(conv.weight_u.double().norm()), 1.0, rel_tol=1e-6)
    assert math.isclose(float(conv.weight_v.double().norm()), 1.0, rel_tol=1e-6)


def test_small_configuration_draws_the_same_stream_per_position(
    small_params: dict[str, Any], weights_stats: dict[str, Any]
) -> None:
    """Tensor i of a small config starts with the same draws as tensor i of the official one.

    first.conv.weight keeps its fan-in (3·3·3), so its values equal the official ones.
    """
    network = build_network(
        "appearance_feature_extractor", small_params["appearance_feature_extractor"], device="meta"
    )
    state = seeded_state_dict("appearance_feature_extractor", network)
    official_first = weights_stats["appearance_feature_extractor"]["per_tensor"]
    assert state["first.conv.weight"].shape == (8, 3, 3, 3)
    assert (
        state["first.conv.weight"].flatten()[:3].double().tolist()
        == official_first["first.conv.weight"]["first_values"]
    )
    assert state["first.norm.num_batches_tracked"].dtype == torch.int64
    assert torch.equal(state["first.norm.running_var"], torch.ones(8))


def test_seeded_networks_are_deterministic_eval_and_frozen(small_params: dict[str, Any]) -> None:
    first, second = seeded_networks(small_params), seeded_networks(small_params)
    for (name, a), (_, b) in zip(first.items(), second.items(), strict=True):
        assert not a.training
        assert not any(p.requires_grad for p in a.parameters())
        for key, value in a.state_dict().items():
            assert not value.is_meta, (name, key)
            assert torch.equal(value, b.state_dict()[key]), (name, key)


def test_unknown_network_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="expected"):
        seeded_state_dict("decoder", nn.Linear(2, 2))
