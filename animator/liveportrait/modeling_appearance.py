"""Appearance feature extractor F of LivePortrait (arXiv 2407.03168, §3.1, Fig. 2).

F lifts the source portrait into a 3-D feature volume f_s once per portrait; the warping module
later moves that volume along the keypoint motion. Architecture: a 2-D conv encoder, a reshape of
channels into (channel, depth), then pre-activation 3-D residual blocks.
"""

from __future__ import annotations

import torch
from torch import nn

from animator.liveportrait.layers import DownBlock2d, ResBlock3d, SameBlock2d


class AppearanceFeatureExtractor(nn.Module):
    """Source image → appearance feature volume f_s.

    With the official parameters: (B, 3, 256, 256) → (B, 32, 16, 64, 64).
    In general: (B, image_channel, H, W) →
    (B, reshape_channel, reshape_depth, H / 2**num_down_blocks, W / 2**num_down_blocks).

    Args:
        image_channel: input channels (3 for RGB).
        block_expansion: channels after the first conv; doubled by each down block.
        num_down_blocks: number of conv + pool stages halving H and W.
        max_features: channels of the 2-D map before the reshape; must equal
            reshape_channel · reshape_depth.
        reshape_channel: channels C of the 3-D volume.
        reshape_depth: depth D of the 3-D volume.
        num_resblocks: number of 3-D residual blocks.
    """

    def __init__(
        self,
        image_channel: int = 3,
        block_expansion: int = 64,
        num_down_blocks: int = 2,
        max_features: int = 512,
        reshape_channel: int = 32,
        reshape_depth: int = 16,
        num_resblocks: int = 6,
    ) -> None:
        super().__init__()
        if reshape_channel * reshape_depth != max_features:
            raise ValueError(
                f"max_features ({max_features}) must equal reshape_channel × reshape_depth "
                f"({reshape_channel} × {reshape_depth})"
            )
        self.reshape_channel = reshape_channel
        self.reshape_depth = reshape_depth
        self.first = SameBlock2d(image_channel, block_expansion, kernel_size=3)
        widths = [min(max_features, block_expansion * 2**i) for i in range(num_down_blocks + 1)]
        self.down_blocks = nn.ModuleList(
            DownBlock2d(widths[i], widths[i + 1]) for i in range(num_down_blocks)
        )
        self.second = nn.Conv2d(widths[-1], max_features, kernel_size=1)
        self.resblocks_3d = nn.Sequential()
        for i in range(num_resblocks):
            self.resblocks_3d.add_module(f"3dr{i}", ResBlock3d(reshape_channel))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) float32 RGB in [0, 1], no mean/std normalisation → (B, C, D, H', W')."""
        out = self.first(image)
        for block in self.down_blocks:
            out = block(out)
        out = self.second(out)
        batch, _, height, width = out.shape
        # Channel index c·D + d becomes volume channel c at depth d.
        volume = out.view(batch, self.reshape_channel, self.reshape_depth, height, width)
        return self.resblocks_3d(volume)
