"""Deterministic stand-in weights for the LivePortrait networks, reproducible with numpy alone.

The shared fixtures (`shared/fixtures/liveportrait/README.md`) hold reference outputs of the
official code for weights made by this scheme, so our networks can be checked without the real
checkpoints; `avatar bench` uses the same weights when the real ones are absent.

Scheme: tensor number i (state-dict order) of the network with module index m is drawn from
`numpy.random.default_rng([2024, m, i]).standard_normal(shape, dtype=float32)`, then shaped by the
first matching rule of `_shaped_value` in float64 and cast to float32 once.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from animator.liveportrait.config import NETWORK_NAMES
from animator.liveportrait.networks import LivePortraitNetworks, ModelParams, build_networks

SEED = 2024
GAIN = 1.0


def module_index(network_name: str) -> int:
    """The scheme's module index of a network (its position in `NETWORK_NAMES`)."""
    if network_name not in NETWORK_NAMES:
        raise ValueError(f"unknown LivePortrait network {network_name!r}; expected {NETWORK_NAMES}")
    return NETWORK_NAMES.index(network_name)


def seeded_state_dict(network_name: str, model: nn.Module) -> dict[str, torch.Tensor]:
    """Seeded weights for every entry of `model.state_dict()`, same keys, order, shapes, dtypes.

    Works for any configuration of the named network (small test configs included): the draws
    depend only on the module index, the tensor's position and its shape.

    Args:
        network_name: one of `NETWORK_NAMES`, selects the module index.
        model: the network (may live on the meta device; only key names, shapes, dtypes are read).

    Returns:
        {key: CPU tensor}, float32 except integer buffers (`num_batches_tracked` = 0).
    """
    index = module_index(network_name)
    entries = [(key, tuple(t.shape), t.dtype) for key, t in model.state_dict().items()]
    values: dict[str, np.ndarray] = {}
    for position, (key, shape, dtype) in enumerate(entries):
        if not key.endswith("weight_u"):
            values[key] = _shaped_value(key, shape, dtype, (SEED, index, position))
    for key, _shape, _dtype in entries:
        if key.endswith("weight_u"):
            layer = key[: -len("weight_u")]
            values[key] = _spectral_u(values[layer + "weight_orig"], values[layer + "weight_v"])
    return {key: torch.from_numpy(values[key]).to(dtype) for key, _shape, dtype in entries}


def _shaped_value(
    key: str, shape: tuple[int, ...], dtype: torch.dtype, seed: tuple[int, int, int]
) -> np.ndarray:
    """Rules 1–4 and 6–8 of the scheme (rule 5, `weight_u`, needs other tensors)."""
    if not dtype.is_floating_point:
        return np.zeros(shape, dtype=np.int64)
    if key.endswith("running_mean"):
        return np.zeros(shape, dtype=np.float32)
    if key.endswith("running_var"):
        return np.ones(shape, dtype=np.float32)
    draw = np.random.default_rng(list(seed)).standard_normal(shape, dtype=np.float32)
    d = draw.astype(np.float64)
    if key.endswith("weight_v"):
        value = d / np.linalg.norm(d)
    elif len(shape) >= 2 and (key.endswith("weight") or key.endswith("weight_orig")):
        value = d * (GAIN / math.sqrt(math.prod(shape[1:])))
    elif key.endswith("weight"):
        value = 1.0 + 0.1 * d
    else:
        value = 0.1 * d
    return value.astype(np.float32)


def _spectral_u(weight_orig: np.ndarray, weight_v: np.ndarray) -> np.ndarray:
    """Rule 5: u = M·v / ‖M·v‖ so that σ = uᵀ M v = ‖M v‖ is a sensible scale (float32 out)."""
    matrix = weight_orig.astype(np.float64).reshape(weight_orig.shape[0], -1)
    product = matrix @ weight_v.astype(np.float64)
    return (product / np.linalg.norm(product)).astype(np.float32)


def load_seeded_weights(network_name: str, model: nn.Module) -> nn.Module:
    """Replace all of `model`'s weights by the seeded ones (strict) and return it in eval mode.

    A model on the meta device receives the new CPU tensors themselves (no copy).
    """
    state = seeded_state_dict(network_name, model)
    on_meta = any(t.is_meta for t in model.state_dict().values())
    model.load_state_dict(state, strict=True, assign=on_meta)
    return model.eval()


def seeded_networks(
    params: ModelParams | None = None, *, device: torch.device | str = "cpu"
) -> LivePortraitNetworks:
    """All seven networks with seeded weights (eval, frozen): a weight-free stand-in model.

    Args:
        params: {network name: constructor kwargs} overrides, as for `build_networks`.
        device: where the weights end up.
    """
    networks = build_networks(params, device="meta")
    for name, network in networks.items():
        load_seeded_weights(name, network)
    return networks.to(device)
