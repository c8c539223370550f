"""Dense motion network of LivePortrait's warping module W (arXiv 2407.03168, §3.1; the implicit
keypoint warping of face-vid2vid, Wang et al. 2021, arXiv 2011.15126, §3.2).

From K source/driving keypoint pairs it builds K+1 candidate flows (identity for the background,
plus one translation per keypoint), lets a 3-D hourglass look at the source volume moved by each
candidate and at Gaussian keypoint heatmaps, and blends the candidates with a softmax mask into one
dense 3-D flow. A 2-D head predicts an occlusion map from the same hourglass features.

Coordinates follow the official code exactly: the grid spans [-1, 1] with endpoints included
(align_corners=True convention) while `grid_sample` uses align_corners=False. The checkpoint was
trained with this mismatch, so it is reproduced, not fixed.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from animator.liveportrait.grid_sample import sample_volume
from animator.liveportrait.layers import DownBlock3d, UpBlock3d

#: Variance of the keypoint Gaussians, in normalised [-1, 1] units.
KP_VARIANCE = 0.01


def make_coordinate_grid(
    depth: int, height: int, width: int, *, dtype: torch.dtype, device: torch.device
) -> torch.Tensor:
    """Normalised sampling grid (depth, height, width, 3), last axis (x, y, z), each in [-1, 1].

    Each axis is -1 + 2·i/(n-1): the end points are included.
    """

    def axis(n: int) -> torch.Tensor:
        steps = torch.arange(n, dtype=dtype, device=device)
        return 2 * (steps / (n - 1)) - 1

    z, y, x = torch.meshgrid(axis(depth), axis(height), axis(width), indexing="ij")
    return torch.stack([x, y, z], dim=-1)


class Hourglass3d(nn.Module):
    """3-D U-Net: encoder pools H,W only; decoder concatenates every skip, input included.

    Shapes: (B, in_features, D, H, W) → (B, block_expansion + in_features, D, H, W);
    H and W must be divisible by 2**num_blocks.
    """

    def __init__(
        self, block_expansion: int, in_features: int, num_blocks: int, max_features: int
    ) -> None:
        super().__init__()

        def width(level: int) -> int:
            return min(max_features, block_expansion * 2**level)

        self.encoder = nn.Module()
        self.encoder.down_blocks = nn.ModuleList(
            DownBlock3d(in_features if i == 0 else width(i), width(i + 1))
            for i in range(num_blocks)
        )
        self.decoder = nn.Module()
        self.decoder.up_blocks = nn.ModuleList(
            UpBlock3d((1 if i == num_blocks - 1 else 2) * width(i + 1), width(i))
            for i in reversed(range(num_blocks))
        )
        self.out_filters = block_expansion + in_features
        self.decoder.conv = nn.Conv3d(self.out_filters, self.out_filters, kernel_size=3, padding=1)
        self.decoder.norm = nn.BatchNorm3d(self.out_filters, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [x]
        for block in self.encoder.down_blocks:
            skips.append(block(skips[-1]))
        out = skips.pop()
        for block in self.decoder.up_blocks:
            out = torch.cat([block(out), skips.pop()], dim=1)
        return F.relu(self.decoder.norm(self.decoder.conv(out)))


class DenseMotionNetwork(nn.Module):
    """Keypoints + source volume → dense 3-D flow, blending mask and occlusion map.

    Args:
        block_expansion: hourglass base width.
        num_blocks: hourglass levels.
        max_features: hourglass width cap.
        num_kp: number of keypoints K.
        feature_channel: channels C of the source volume.
        reshape_depth: depth D of the volume (occlusion head input is (C_out·D) channels).
        compress: channels the volume is squeezed to before being moved K+1 times.
        estimate_occlusion_map: whether to build the occlusion head.
    """

    def __init__(
        self,
        block_expansion: int,
        num_blocks: int,
        max_features: int,
        num_kp: int,
        feature_channel: int,
        reshape_depth: int,
        compress: int,
        estimate_occlusion_map: bool = True,
    ) -> None:
        super().__init__()
        self.num_kp = num_kp
        # Registration order hourglass, mask, compress, norm, occlusion is the checkpoint's.
        self.hourglass = Hourglass3d(
            block_expansion, (num_kp + 1) * (compress + 1), num_blocks, max_features
        )
        self.mask = nn.Conv3d(self.hourglass.out_filters, num_kp + 1, kernel_size=7, padding=3)
        self.compress = nn.Conv3d(feature_channel, compress, kernel_size=1)
        self.norm = nn.BatchNorm3d(compress, affine=True)
        self.occlusion = (
            nn.Conv2d(self.hourglass.out_filters * reshape_depth, 1, kernel_size=7, padding=3)
            if estimate_occlusion_map
            else None
        )

    def forward(
        self, feature: torch.Tensor, kp_driving: torch.Tensor, kp_source: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """Dense motion from driving to source space.

        Args:
            feature: (B, C, D, H, W) source appearance volume f_s.
            kp_driving: (B, K, 3) driving keypoints x_d, (x, y, z) in normalised units.
            kp_source: (B, K, 3) source keypoints x_s.

        Returns:
            {"mask": (B, K+1, D, H, W) softmax weights over the K+1 candidate flows,
             "deformation": (B, D, H, W, 3) sampling grid into the source volume,
             "occlusion_map": (B, 1, H, W) in (0, 1), only with estimate_occlusion_map}.
        """
        batch, _, depth, height, width = feature.shape
        compressed = F.relu(self.norm(self.compress(feature)))  # (B, compress, D, H, W)
        grid = make_coordinate_grid(
            depth, height, width, dtype=kp_source.dtype, device=kp_source.device
        )
        heatmap = self._heatmap(grid, kp_driving, kp_source)  # (B, K+1, 1, D, H, W)
        motions = self._sparse_motions(grid, kp_driving, kp_source)  # (B, K+1, D, H, W, 3)
        moved = self._move_features(compressed, motions)  # (B, K+1, compress, D, H, W)
        hourglass_input = torch.cat([heatmap, moved], dim=2).view(batch, -1, depth, height, width)
        prediction = self.hourglass(hourglass_input)  # (B, out_filters, D, H, W)
        mask = F.softmax(self.mask(prediction), dim=1)  # (B, K+1, D, H, W)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)  # (B, D, H, W, 3)
        result = {"mask": mask, "deformation": deformation}
        if self.occlusion is not None:
            # Channel index c·D + d, the same flattening as the appearance volume.
            flat = prediction.reshape(batch, -1, height, width)
            result["occlusion_map"] = torch.sigmoid(self.occlusion(flat))
        return result

    @staticmethod
    def _sparse_motions(
        grid: torch.Tensor, kp_driving: torch.Tensor, kp_source: torch.Tensor
    ) -> torch.Tensor:
        """Identity flow, then per keypoint grid - x_d[k] + x_s[k]: (B, K+1, D, H, W, 3)."""
        batch = kp_source.shape[0]
        shift = (kp_source - kp_driving)[:, :, None, None, None, :]  # (B, K, 1, 1, 1, 3)
        per_kp = grid[None, None] + shift
        identity = grid[None, None].expand(batch, 1, *grid.shape)
        return torch.cat([identity, per_kp], dim=1)

    @staticmethod
    def _heatmap(
        grid: torch.Tensor, kp_driving: torch.Tensor, kp_source: torch.Tensor
    ) -> torch.Tensor:
        """Driving minus source Gaussians, zero background slot first: (B, K+1, 1, D, H, W)."""

        def gaussians(kp: torch.Tensor) -> torch.Tensor:
            offset = grid[None, None] - kp[:, :, None, None, None, :]
            return torch.exp(-0.5 * (offset**2).sum(-1) / KP_VARIANCE)  # (B, K, D, H, W)

        heatmap = gaussians(kp_driving) - gaussians(kp_source)
        background = torch.zeros_like(heatmap[:, :1])
        return torch.cat([background, heatmap], dim=1).unsqueeze(2)

    @staticmethod
    def _move_features(compressed: torch.Tensor, motions: torch.Tensor) -> torch.Tensor:
        """Sample the compressed volume along each candidate flow: (B, K+1, c, D, H, W)."""
        batch, slots = motions.shape[:2]
        repeated = compressed.unsqueeze(1).expand(-1, slots, -1, -1, -1, -1).flatten(0, 1)
        sampled = sample_volume(repeated, motions.flatten(0, 1))
        return sampled.view(batch, slots, *sampled.shape[1:])
