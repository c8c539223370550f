"""Warping module W of LivePortrait (arXiv 2407.03168, §3.1, Fig. 2; implicit-keypoint warping
of face-vid2vid, arXiv 2011.15126, §3.2).

W moves the source appearance volume f_s along the dense flow that `DenseMotionNetwork` derives
from the source and driving keypoints, folds depth back into channels, refines the result with two
2-D convs and dims occluded regions. The decoder G turns its output into the animated image.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from animator.liveportrait.grid_sample import sample_volume
from animator.liveportrait.layers import SameBlock2d
from animator.liveportrait.modeling_dense_motion import DenseMotionNetwork


class WarpingNetwork(nn.Module):
    """(f_s, x_d, x_s) → warped 2-D feature map for the decoder.

    With the official parameters: f_s (B, 32, 16, 64, 64) → out (B, 256, 64, 64).

    Args:
        num_kp: number of keypoints K.
        block_expansion: sets the output width block_expansion · 2**num_down_blocks.
        max_features: channels of the warped volume folded to 2-D (= reshape_channel · depth).
        num_down_blocks: see block_expansion.
        reshape_channel: channels C of the appearance volume.
        estimate_occlusion_map: predict an occlusion map and multiply the output by it.
        dense_motion_params: keyword arguments of `DenseMotionNetwork` (block_expansion,
            max_features, num_blocks, reshape_depth, compress).
    """

    def __init__(
        self,
        num_kp: int = 21,
        block_expansion: int = 64,
        max_features: int = 512,
        num_down_blocks: int = 2,
        reshape_channel: int = 32,
        estimate_occlusion_map: bool = True,
        dense_motion_params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        dense = dense_motion_params or {
            "block_expansion": 32,
            "max_features": 1024,
            "num_blocks": 5,
            "reshape_depth": 16,
            "compress": 4,
        }
        if reshape_channel * dense["reshape_depth"] != max_features:
            raise ValueError(
                f"max_features ({max_features}) must equal reshape_channel × reshape_depth "
                f"({reshape_channel} × {dense['reshape_depth']}): the warped volume is folded "
                "into that many 2-D channels"
            )
        self.dense_motion_network = DenseMotionNetwork(
            num_kp=num_kp,
            feature_channel=reshape_channel,
            estimate_occlusion_map=estimate_occlusion_map,
            **dense,
        )
        out_features = block_expansion * 2**num_down_blocks
        self.third = SameBlock2d(max_features, out_features, kernel_size=3, leaky=True)
        self.fourth = nn.Conv2d(out_features, out_features, kernel_size=1)

    def forward(
        self, feature_3d: torch.Tensor, kp_driving: torch.Tensor, kp_source: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """Warp the source volume to the driving keypoints.

        Args:
            feature_3d: (B, C, D, H, W) appearance volume f_s.
            kp_driving: (B, K, 3) driving keypoints x_d (normalised units).
            kp_source: (B, K, 3) source keypoints x_s.

        Returns:
            {"out": (B, block_expansion·2**num_down_blocks, H, W),
             "occlusion_map": (B, 1, H, W) in (0, 1), absent without the occlusion head,
             "deformation": (B, D, H, W, 3) sampling grid, last axis (x, y, z)}.
        """
        motion = self.dense_motion_network(feature_3d, kp_driving, kp_source)
        deformation = motion["deformation"]
        warped = sample_volume(feature_3d, deformation)
        batch, channels, depth, height, width = warped.shape
        out = self.fourth(self.third(warped.view(batch, channels * depth, height, width)))
        result = {"deformation": deformation}
        if "occlusion_map" in motion:
            out = out * motion["occlusion_map"]
            result["occlusion_map"] = motion["occlusion_map"]
        result["out"] = out
        return result
