"""The seven LivePortrait networks as one typed bundle, built from `config.MODEL_PARAMS`.

Construction is the only place that maps a network name to its class; loading (`checkpoint.py`)
and seeded weights (`seeded.py`) both go through `build_network`, so a configuration change can
never build one thing and load another.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

import torch
from torch import nn

from animator.liveportrait.config import NETWORK_NAMES, model_params
from animator.liveportrait.modeling_appearance import AppearanceFeatureExtractor
from animator.liveportrait.modeling_motion import MotionExtractor
from animator.liveportrait.modeling_spade import SPADEDecoder
from animator.liveportrait.modeling_stitching import StitchingRetargetingNetwork
from animator.liveportrait.modeling_warping import WarpingNetwork

NETWORK_CLASSES: Mapping[str, type[nn.Module]] = {
    "appearance_feature_extractor": AppearanceFeatureExtractor,
    "motion_extractor": MotionExtractor,
    "warping_module": WarpingNetwork,
    "spade_generator": SPADEDecoder,
    "stitching": StitchingRetargetingNetwork,
    "lip": StitchingRetargetingNetwork,
    "eye": StitchingRetargetingNetwork,
}

ModelParams = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class LivePortraitNetworks:
    """All networks of one LivePortrait model, in eval mode with frozen parameters.

    Attributes:
        appearance_feature_extractor: F, image → appearance volume.
        motion_extractor: M, image → raw motion heads.
        warping_module: W, volume + keypoints → warped features.
        spade_generator: G, warped features → image.
        stitching: S, (x_s, x_d) → keypoint offsets + global shift.
        lip: R_lip, (x_s, lip ratios) → keypoint offsets.
        eye: R_eyes, (x_s, eye ratios) → keypoint offsets.
    """

    appearance_feature_extractor: AppearanceFeatureExtractor
    motion_extractor: MotionExtractor
    warping_module: WarpingNetwork
    spade_generator: SPADEDecoder
    stitching: StitchingRetargetingNetwork
    lip: StitchingRetargetingNetwork
    eye: StitchingRetargetingNetwork

    def items(self) -> Iterator[tuple[str, nn.Module]]:
        """(name, network) pairs in `NETWORK_NAMES` order."""
        for field in fields(self):
            yield field.name, getattr(self, field.name)

    def to(self, device: torch.device | str) -> LivePortraitNetworks:
        """Move every network to `device` (in place) and return self."""
        for _name, network in self.items():
            network.to(device)
        return self


def build_network(
    name: str, params: Mapping[str, Any] | None = None, *, device: torch.device | str = "cpu"
) -> nn.Module:
    """One network with freshly initialised (random) weights, eval mode, frozen.

    Args:
        name: one of `NETWORK_NAMES`.
        params: constructor keyword arguments; default: the official ones.
        device: where to allocate; "meta" allocates nothing (load real tensors with
            `load_state_dict(..., assign=True)` afterwards).

    Raises:
        ValueError: unknown name or unusable parameters.
    """
    kwargs = dict(params) if params is not None else model_params(name)
    with torch.device(device):
        try:
            network = NETWORK_CLASSES[name](**kwargs)
        except TypeError as exc:
            raise ValueError(f"bad parameters for LivePortrait network {name!r}: {exc}") from exc
    network.requires_grad_(False)
    return network.eval()


def build_networks(
    params: ModelParams | None = None, *, device: torch.device | str = "cpu"
) -> LivePortraitNetworks:
    """All seven networks with random weights (eval, frozen).

    Args:
        params: {network name: constructor kwargs}; a listed network replaces the official
            parameters as a whole, unlisted networks keep the official ones.
        device: see `build_network`.

    Raises:
        ValueError: a key of `params` is not a network name, or its parameters are unusable.
    """
    unknown = sorted(set(params or {}) - set(NETWORK_NAMES))
    if unknown:
        raise ValueError(
            f"unknown LivePortrait networks {unknown}; expected some of {NETWORK_NAMES}"
        )
    return LivePortraitNetworks(
        **{
            name: build_network(name, model_params(name, params), device=device)
            for name in NETWORK_NAMES
        }
    )
