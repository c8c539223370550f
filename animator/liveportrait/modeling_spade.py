"""SPADE decoder G of LivePortrait (arXiv 2407.03168, §3.1 "Network upgrades").

G replaces face-vid2vid's generator with a SPADE decoder (Park et al. 2019, arXiv 1903.07291):
every residual block re-normalises its activations with a scale and shift predicted from the
warped feature map itself, and a final PixelShuffle doubles the resolution to 512². All residual
convs are spectrally normalised (`SpectralNormConv2d`, stored as weight_orig/_u/_v).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from animator.liveportrait.layers import SpectralNormConv2d

_SPADE_HIDDEN = 128
_LEAKY_SLOPE = 0.2


class SPADE(nn.Module):
    """Spatially-adaptive normalisation: IN(x)·(1 + γ(seg)) + β(seg).

    Shapes: x (B, norm_channels, H, W), segmap (B, label_channels, h, w) resized (nearest) to
    H×W → (B, norm_channels, H, W).
    """

    def __init__(self, norm_channels: int, label_channels: int) -> None:
        super().__init__()
        self.param_free_norm = nn.InstanceNorm2d(norm_channels, affine=False)
        self.mlp_shared = nn.Sequential(
            nn.Conv2d(label_channels, _SPADE_HIDDEN, kernel_size=3, padding=1), nn.ReLU()
        )
        self.mlp_gamma = nn.Conv2d(_SPADE_HIDDEN, norm_channels, kernel_size=3, padding=1)
        self.mlp_beta = nn.Conv2d(_SPADE_HIDDEN, norm_channels, kernel_size=3, padding=1)

    def forward(self, x: torch.Tensor, segmap: torch.Tensor) -> torch.Tensor:
        normalized = self.param_free_norm(x)
        segmap = F.interpolate(segmap, size=x.shape[2:], mode="nearest")
        hidden = self.mlp_shared(segmap)
        return normalized * (1 + self.mlp_gamma(hidden)) + self.mlp_beta(hidden)


class SPADEResnetBlock(nn.Module):
    """Two SPADE → LeakyReLU(0.2) → spectral conv steps plus a shortcut.

    The shortcut is the identity when fin == fout, otherwise SPADE → 1×1 spectral conv (no bias,
    no activation). Shapes: (B, fin, H, W), segmap (B, label_channels, h, w) → (B, fout, H, W).
    """

    def __init__(self, fin: int, fout: int, label_channels: int) -> None:
        super().__init__()
        self.learned_shortcut = fin != fout
        middle = min(fin, fout)
        # Registration order conv_0, conv_1, conv_s, norm_0, norm_1, norm_s is the checkpoint's.
        self.conv_0 = SpectralNormConv2d(fin, middle, kernel_size=3, padding=1)
        self.conv_1 = SpectralNormConv2d(middle, fout, kernel_size=3, padding=1)
        if self.learned_shortcut:
            self.conv_s = SpectralNormConv2d(fin, fout, kernel_size=1, bias=False)
        self.norm_0 = SPADE(fin, label_channels)
        self.norm_1 = SPADE(middle, label_channels)
        if self.learned_shortcut:
            self.norm_s = SPADE(fin, label_channels)

    def forward(self, x: torch.Tensor, segmap: torch.Tensor) -> torch.Tensor:
        shortcut = self.conv_s(self.norm_s(x, segmap)) if self.learned_shortcut else x
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, segmap), _LEAKY_SLOPE))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, segmap), _LEAKY_SLOPE))
        return shortcut + dx


class SPADEDecoder(nn.Module):
    """Warped feature map → RGB image.

    With the official parameters: (B, 256, 64, 64) → (B, 3, 512, 512) in (0, 1).
    In general the input has min(max_features, block_expansion·2**num_down_blocks) channels and
    the output is 4·upscale times the input size.

    Args:
        upscale: PixelShuffle factor of the last layer (1 disables it).
        block_expansion: sets the input width together with num_down_blocks and max_features.
        max_features: width cap.
        num_down_blocks: see block_expansion.
        out_channels: channels of the last residual block.
        num_middle_blocks: residual blocks at the input resolution.
    """

    def __init__(
        self,
        upscale: int = 2,
        block_expansion: int = 64,
        max_features: int = 512,
        num_down_blocks: int = 2,
        out_channels: int = 64,
        num_middle_blocks: int = 6,
    ) -> None:
        super().__init__()
        channels = min(max_features, block_expansion * 2**num_down_blocks)
        self.fc = nn.Conv2d(channels, 2 * channels, kernel_size=3, padding=1)
        self.num_middle_blocks = num_middle_blocks
        for i in range(num_middle_blocks):
            self.add_module(f"G_middle_{i}", SPADEResnetBlock(2 * channels, 2 * channels, channels))
        self.up_0 = SPADEResnetBlock(2 * channels, channels, channels)
        self.up_1 = SPADEResnetBlock(channels, out_channels, channels)
        if upscale > 1:
            self.conv_img = nn.Sequential(
                nn.Conv2d(out_channels, 3 * upscale**2, kernel_size=3, padding=1),
                nn.PixelShuffle(upscale),
            )
        else:
            self.conv_img = nn.Conv2d(out_channels, 3, kernel_size=3, padding=1)

    def forward(self, feature: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) warping-module output → (B, 3, 4·upscale·H, 4·upscale·W) RGB in (0, 1)."""
        segmap = feature  # the input also conditions every SPADE normalisation
        x = self.fc(feature)
        for i in range(self.num_middle_blocks):
            x = getattr(self, f"G_middle_{i}")(x, segmap)
        x = self.up_0(F.interpolate(x, scale_factor=2.0, mode="nearest"), segmap)
        x = self.up_1(F.interpolate(x, scale_factor=2.0, mode="nearest"), segmap)
        return torch.sigmoid(self.conv_img(F.leaky_relu(x, _LEAKY_SLOPE)))
