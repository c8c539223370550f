"""Stitching and retargeting MLPs of LivePortrait (arXiv 2407.03168, §3.2, Eqs. 4–7).

Three small MLPs predict keypoint offsets on top of the driving keypoints:
- stitching S: (x_s, x_d) → 3K offsets plus a global (tx, ty), so the animated crop pastes back
  onto the original image without a seam at the shoulders;
- eye retargeting R_eyes: (x_s, eye ratios) → 3K offsets that open or close the eyes;
- lip retargeting R_lip: (x_s, lip ratios) → 3K offsets that open or close the mouth.
They share this class and differ only in sizes; `motion.py` builds their inputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch
from torch import nn


class StitchingRetargetingNetwork(nn.Module):
    """Linear → ReLU → … → Linear, Linear layers at `mlp.0, mlp.2, …` (the checkpoint keys).

    Shapes: (B, input_size) → (B, output_size).

    Args:
        input_size: 2·3K for stitching, 3K + 2 for lips, 3K + 3 for eyes.
        hidden_sizes: widths of the hidden layers.
        output_size: 3K + 2 for stitching, 3K for the retargeting MLPs.
    """

    def __init__(self, input_size: int, hidden_sizes: Sequence[int], output_size: int) -> None:
        super().__init__()
        widths = [input_size, *hidden_sizes]
        layers: list[nn.Module] = []
        for fan_in, fan_out in itertools.pairwise(widths):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU(inplace=True)]
        layers.append(nn.Linear(widths[-1], output_size))
        self.mlp = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp(x)
