"""Convolution blocks shared by the LivePortrait networks (arXiv 2407.03168, §3.1 and Appendix).

The appearance extractor F and the warping module W are built from the same few blocks that the
face-vid2vid family uses: conv + BatchNorm + activation, with optional 2-D/3-D pooling or nearest
up-sampling. Attribute names (`conv`, `norm`, `conv1`, ...) are part of the checkpoint format:
renaming one breaks loading of the official weights.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class SameBlock2d(nn.Module):
    """Conv (same spatial size) → BatchNorm2d → ReLU, or LeakyReLU(0.01) when `leaky`.

    Shapes: (B, in_features, H, W) → (B, out_features, H, W).
    """

    def __init__(
        self, in_features: int, out_features: int, kernel_size: int = 3, *, leaky: bool = False
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(
            in_features, out_features, kernel_size=kernel_size, padding=kernel_size // 2
        )
        self.norm = nn.BatchNorm2d(out_features, affine=True)
        self.leaky = leaky

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.norm(self.conv(x))
        return F.leaky_relu(out, 0.01) if self.leaky else F.relu(out)


class DownBlock2d(nn.Module):
    """Conv3×3 → BatchNorm2d → ReLU → 2×2 average pool.

    Shapes: (B, in_features, H, W) → (B, out_features, H/2, W/2).
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size=3, padding=1)
        self.norm = nn.BatchNorm2d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(F.relu(self.norm(self.conv(x))), kernel_size=2)


class ResBlock3d(nn.Module):
    """Pre-activation 3-D residual block: x + conv2(relu(bn2(conv1(relu(bn1(x)))))).

    Shapes: (B, C, D, H, W) → (B, C, D, H, W).
    """

    def __init__(self, features: int) -> None:
        super().__init__()
        # Registration order conv1, conv2, norm1, norm2 is the checkpoint's key order.
        self.conv1 = nn.Conv3d(features, features, kernel_size=3, padding=1)
        self.conv2 = nn.Conv3d(features, features, kernel_size=3, padding=1)
        self.norm1 = nn.BatchNorm3d(features, affine=True)
        self.norm2 = nn.BatchNorm3d(features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(F.relu(self.norm1(x)))
        out = self.conv2(F.relu(self.norm2(out)))
        return x + out


class DownBlock3d(nn.Module):
    """Conv3×3×3 → BatchNorm3d → ReLU → average pool over H and W only (depth is kept).

    Shapes: (B, in_features, D, H, W) → (B, out_features, D, H/2, W/2).
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.conv = nn.Conv3d(in_features, out_features, kernel_size=3, padding=1)
        self.norm = nn.BatchNorm3d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool3d(F.relu(self.norm(self.conv(x))), kernel_size=(1, 2, 2))


class UpBlock3d(nn.Module):
    """Nearest up-sampling of H and W by 2 → Conv3×3×3 → BatchNorm3d → ReLU.

    Shapes: (B, in_features, D, H, W) → (B, out_features, D, 2H, 2W).
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.conv = nn.Conv3d(in_features, out_features, kernel_size=3, padding=1)
        self.norm = nn.BatchNorm3d(out_features, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.interpolate(x, scale_factor=(1.0, 2.0, 2.0), mode="nearest")
        return F.relu(self.norm(self.conv(out)))


class SpectralNormConv2d(nn.Module):
    """2-D convolution whose weight is `weight_orig / σ`, σ = uᵀ·(W·v) from the stored u and v.

    This is the inference half of spectral normalisation (Miyato et al. 2018) as the SPADE
    decoder's checkpoint stores it: parameters `bias` (optional) and `weight_orig`, buffers
    `weight_u` (out,) and `weight_v` (in·k·k,). σ always comes from the stored vectors; there is no
    power iteration, in training mode or not, so a forward never changes the weights.

    Shapes: (B, in_channels, H, W) → (B, out_channels, H', W').
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        *,
        padding: int = 0,
        dilation: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__()
        # Registration order bias → weight_orig → weight_u → weight_v is the checkpoint's key order.
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None
        self.weight_orig = nn.Parameter(
            torch.empty(out_channels, in_channels, kernel_size, kernel_size)
        )
        self.register_buffer("weight_u", torch.empty(out_channels))
        self.register_buffer("weight_v", torch.empty(in_channels * kernel_size * kernel_size))
        self.padding = padding
        self.dilation = dilation
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Random init like `nn.Conv2d`, with unit u and v; real weights overwrite all of it."""
        nn.init.kaiming_uniform_(self.weight_orig, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.weight_v.numel())
            nn.init.uniform_(self.bias, -bound, bound)
        with torch.no_grad():
            self.weight_u.copy_(F.normalize(torch.randn_like(self.weight_u), dim=0))
            self.weight_v.copy_(F.normalize(torch.randn_like(self.weight_v), dim=0))

    def normalized_weight(self) -> torch.Tensor:
        """The effective weight W/σ, shaped like `weight_orig`."""
        matrix = self.weight_orig.reshape(self.weight_orig.shape[0], -1)
        sigma = torch.dot(self.weight_u, torch.mv(matrix, self.weight_v))
        return self.weight_orig / sigma

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(
            x, self.normalized_weight(), self.bias, padding=self.padding, dilation=self.dilation
        )
