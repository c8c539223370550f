"""Official LivePortrait architecture hyper-parameters, as data.

These are the `model_params` of the official `src/config/models.yaml` (LivePortrait, arXiv
2407.03168, §3 and Appendix): the real checkpoints only load into networks built with exactly these
values. Smaller values are allowed everywhere (fast tests); the networks derive their channel counts
from them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

#: Network names in checkpoint/manifest order; the index is the seeded-weight `module_index`.
NETWORK_NAMES: tuple[str, ...] = (
    "appearance_feature_extractor",
    "motion_extractor",
    "warping_module",
    "spade_generator",
    "stitching",
    "lip",
    "eye",
)

#: The four convolutional networks, each stored in its own checkpoint file.
BASE_NETWORK_NAMES: tuple[str, ...] = NETWORK_NAMES[:4]

#: The three keypoint MLPs, stored together in one stitching/retargeting file.
RETARGETING_NETWORK_NAMES: tuple[str, ...] = NETWORK_NAMES[4:]

MODEL_PARAMS: Mapping[str, Mapping[str, Any]] = {
    "appearance_feature_extractor": {
        "image_channel": 3,
        "block_expansion": 64,
        "num_down_blocks": 2,
        "max_features": 512,
        "reshape_channel": 32,
        "reshape_depth": 16,
        "num_resblocks": 6,
    },
    "motion_extractor": {"num_kp": 21, "backbone": "convnextv2_tiny"},
    "warping_module": {
        "num_kp": 21,
        "block_expansion": 64,
        "max_features": 512,
        "num_down_blocks": 2,
        "reshape_channel": 32,
        "estimate_occlusion_map": True,
        "dense_motion_params": {
            "block_expansion": 32,
            "max_features": 1024,
            "num_blocks": 5,
            "reshape_depth": 16,
            "compress": 4,
        },
    },
    "spade_generator": {
        "upscale": 2,
        "block_expansion": 64,
        "max_features": 512,
        "num_down_blocks": 2,
    },
    "stitching": {"input_size": 126, "hidden_sizes": [128, 128, 64], "output_size": 65},
    "lip": {"input_size": 65, "hidden_sizes": [128, 128, 64], "output_size": 63},
    "eye": {"input_size": 66, "hidden_sizes": [256, 256, 128, 128, 64], "output_size": 63},
}


def model_params(
    name: str, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Constructor keyword arguments for network `name` (a fresh copy, safe to mutate).

    Args:
        name: one of `NETWORK_NAMES`.
        overrides: optional {network name: full parameter dict}; an entry replaces the official
            parameters of that network as a whole (no per-key merging, so no hidden mixtures).

    Raises:
        ValueError: for an unknown network name.
    """
    if name not in MODEL_PARAMS:
        raise ValueError(f"unknown LivePortrait network {name!r}; expected one of {NETWORK_NAMES}")
    source = overrides[name] if overrides is not None and name in overrides else MODEL_PARAMS[name]
    return copy.deepcopy(dict(source))
