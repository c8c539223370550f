"""LivePortrait in plain PyTorch (Guo et al. 2024, arXiv 2407.03168), our own clean-room code.

The networks load the official checkpoints unchanged (`checkpoint.py`); `motion.py` holds the
keypoint math that connects them; `seeded.py` makes deterministic stand-in weights.
"""

from __future__ import annotations

from animator.liveportrait.checkpoint import CheckpointError, load_networks
from animator.liveportrait.modeling_appearance import AppearanceFeatureExtractor
from animator.liveportrait.modeling_motion import MotionExtractor
from animator.liveportrait.modeling_spade import SPADEDecoder
from animator.liveportrait.modeling_stitching import StitchingRetargetingNetwork
from animator.liveportrait.modeling_warping import WarpingNetwork
from animator.liveportrait.motion import KeypointInfo
from animator.liveportrait.networks import LivePortraitNetworks, build_networks

__all__ = [
    "AppearanceFeatureExtractor",
    "CheckpointError",
    "KeypointInfo",
    "LivePortraitNetworks",
    "MotionExtractor",
    "SPADEDecoder",
    "StitchingRetargetingNetwork",
    "WarpingNetwork",
    "build_networks",
    "load_networks",
]
