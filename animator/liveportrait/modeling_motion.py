"""Motion extractor M of LivePortrait (arXiv 2407.03168, §3.1 "Network upgrades", Eq. 1).

One ConvNeXt-V2 backbone (Woo et al. 2023, arXiv 2301.00808) regresses everything implicit-keypoint
animation needs from a 256² face crop: canonical keypoints x_c, head pose as 66 angle bins per axis,
expression deformation δ, scale s and translation t. The heads are plain linear layers; decoding
(bin softmax → degrees, reshape to keypoints) lives in `motion.py`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

#: Backbone presets: (blocks per stage, channels per stage).
BACKBONES: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "convnextv2_tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
}

#: Head names in the checkpoint's key order, and the order of `MotionExtractor.forward`'s dict.
_HEAD_ORDER = ("kp", "scale", "pitch", "yaw", "roll", "t", "exp")
_OUTPUT_ORDER = ("pitch", "yaw", "roll", "t", "exp", "scale", "kp")

_LAYER_NORM_EPS = 1e-6


class ChannelsFirstLayerNorm(nn.Module):
    """LayerNorm over the channel axis of an NCHW map (biased variance, eps 1e-6).

    Shapes: (B, C, H, W) → (B, C, H, W).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean = x.mean(1, keepdim=True)
        variance = (x - mean).pow(2).mean(1, keepdim=True)
        normalized = (x - mean) / torch.sqrt(variance + _LAYER_NORM_EPS)
        return self.weight[:, None, None] * normalized + self.bias[:, None, None]


class GlobalResponseNorm(nn.Module):
    """ConvNeXt-V2 GRN: x + γ·(x·N) + β with N = ‖x‖₂ over H,W divided by its channel mean.

    Shapes: (B, H, W, C) channels-last → same.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, channels))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        spatial_norm = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
        relative = spatial_norm / (spatial_norm.mean(dim=-1, keepdim=True) + 1e-6)
        return self.gamma * (x * relative) + self.beta + x


class ConvNeXtBlock(nn.Module):
    """Depthwise 7×7 conv → LayerNorm → Linear ×4 → GELU → GRN → Linear, plus the input.

    Shapes: (B, C, H, W) → (B, C, H, W).
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=_LAYER_NORM_EPS)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.grn = GlobalResponseNorm(4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.dwconv(x).permute(0, 2, 3, 1)  # (B, H, W, C)
        out = self.pwconv1(self.norm(out))
        out = self.grn(F.gelu(out))
        out = self.pwconv2(out).permute(0, 3, 1, 2)  # (B, C, H, W)
        return x + out


class ConvNeXtV2(nn.Module):
    """ConvNeXt-V2 backbone with LivePortrait's seven linear heads (the checkpoint's `detector`).

    Shapes: (B, 3, H, W) → pooled (B, dims[-1]) → heads (see `MotionExtractor.forward`).
    """

    def __init__(
        self, depths: tuple[int, ...], dims: tuple[int, ...], num_kp: int, num_bins: int
    ) -> None:
        super().__init__()
        stem = nn.Sequential(nn.Conv2d(3, dims[0], kernel_size=4, stride=4))
        stem.append(ChannelsFirstLayerNorm(dims[0]))
        self.downsample_layers = nn.ModuleList([stem])
        for i in range(len(dims) - 1):
            self.downsample_layers.append(
                nn.Sequential(
                    ChannelsFirstLayerNorm(dims[i]),
                    nn.Conv2d(dims[i], dims[i + 1], kernel_size=2, stride=2),
                )
            )
        self.stages = nn.ModuleList(
            nn.Sequential(*(ConvNeXtBlock(dim) for _ in range(depth)))
            for depth, dim in zip(depths, dims, strict=True)
        )
        self.norm = nn.LayerNorm(dims[-1], eps=_LAYER_NORM_EPS)
        head_sizes = {"kp": 3 * num_kp, "scale": 1, "pitch": num_bins, "yaw": num_bins,
                      "roll": num_bins, "t": 3, "exp": 3 * num_kp}
        for name in _HEAD_ORDER:
            self.add_module(f"fc_{name}", nn.Linear(dims[-1], head_sizes[name]))

    def forward(self, image: torch.Tensor) -> dict[str, torch.Tensor]:
        x = image
        for downsample, stage in zip(self.downsample_layers, self.stages, strict=True):
            x = stage(downsample(x))
        pooled = self.norm(x.mean(dim=(-2, -1)))  # (B, dims[-1])
        return {name: getattr(self, f"fc_{name}")(pooled) for name in _OUTPUT_ORDER}


class MotionExtractor(nn.Module):
    """Face crop → raw motion heads (undecoded; see `motion.parse_motion`).

    Args:
        num_kp: number of implicit keypoints K (21).
        backbone: a `BACKBONES` preset name.
        num_bins: head-pose bins per angle (66 bins of 3°).
        depths: blocks per stage, overriding the preset (small test configs).
        dims: channels per stage, overriding the preset.
    """

    def __init__(
        self,
        num_kp: int = 21,
        backbone: str = "convnextv2_tiny",
        num_bins: int = 66,
        depths: tuple[int, ...] | list[int] | None = None,
        dims: tuple[int, ...] | list[int] | None = None,
    ) -> None:
        super().__init__()
        if backbone not in BACKBONES:
            raise ValueError(f"unknown backbone {backbone!r}; expected one of {sorted(BACKBONES)}")
        preset_depths, preset_dims = BACKBONES[backbone]
        depths = tuple(depths) if depths is not None else preset_depths
        dims = tuple(dims) if dims is not None else preset_dims
        if len(depths) != len(dims):
            raise ValueError(f"depths {depths} and dims {dims} must have the same length")
        self.detector = ConvNeXtV2(depths, dims, num_kp=num_kp, num_bins=num_bins)

    def forward(self, image: torch.Tensor) -> dict[str, torch.Tensor]:
        """Raw heads of a face crop.

        Args:
            image: (B, 3, 256, 256) float32 RGB in [0, 1], no mean/std normalisation.

        Returns:
            {"pitch", "yaw", "roll": (B, num_bins) bin logits, "t": (B, 3), "exp": (B, 3K),
             "scale": (B, 1) used as is, "kp": (B, 3K) canonical keypoints}, in that order.
        """
        return self.detector(image)
