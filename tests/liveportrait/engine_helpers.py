"""A tiny LivePortrait (21 keypoints, 64 px input, seeded weights) plus test-built face models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np

from animator.liveportrait.face import FaceAnalyzer
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.seeded import seeded_networks
from tests.liveportrait.face_onnx_models import SyntheticFace, build_face_models

#: Official keypoint count and layer structure, tiny widths: a full render takes ~0.1 s on CPU.
TINY_PARAMS: dict[str, dict[str, Any]] = {
    "appearance_feature_extractor": {
        "image_channel": 3, "block_expansion": 8, "num_down_blocks": 2, "max_features": 32,
        "reshape_channel": 4, "reshape_depth": 8, "num_resblocks": 2,
    },
    "motion_extractor": {"num_kp": 21, "depths": [1, 1, 2, 1], "dims": [8, 16, 24, 32]},
    "warping_module": {
        "num_kp": 21, "block_expansion": 8, "max_features": 32, "num_down_blocks": 2,
        "reshape_channel": 4, "estimate_occlusion_map": True,
        "dense_motion_params": {
            "block_expansion": 8, "max_features": 32, "num_blocks": 3, "reshape_depth": 8,
            "compress": 2,
        },
    },
    "spade_generator": {
        "upscale": 2, "block_expansion": 8, "max_features": 32, "num_down_blocks": 2,
        "out_channels": 8,
    },
    "stitching": {"input_size": 126, "hidden_sizes": [16], "output_size": 65},
    "lip": {"input_size": 65, "hidden_sizes": [16], "output_size": 63},
    "eye": {"input_size": 66, "hidden_sizes": [16], "output_size": 63},
}
TINY_INPUT = 64

FACE = SyntheticFace(cx=320, cy=220, width=160, height=200)
IMAGE_SIZE = (640, 480)  # width, height: letterboxed into 512 with scale 0.8
DET_SCALE = 0.8


def tiny_networks() -> LivePortraitNetworks:
    return seeded_networks(TINY_PARAMS)


def face_analyzer(models_dir: Path, faces: list[SyntheticFace] | None = None) -> FaceAnalyzer:
    return FaceAnalyzer.from_models_dir(build_face_models(models_dir, faces or [FACE], DET_SCALE))


def portrait(seed: int = 0) -> np.ndarray:
    """(480, 640, 3) uint8: a textured background with a face-like ellipse where FACE is."""
    rng = np.random.default_rng(seed)
    width, height = IMAGE_SIZE
    image = rng.integers(40, 90, (height, width, 3), dtype=np.uint8)
    center = (int(FACE.cx), int(FACE.cy))
    axes = (int(FACE.width / 2), int(FACE.height / 2))
    cv2.ellipse(image, center, axes, 0, 0, 360, (205, 160, 130), -1)
    for side in (-1, 1):
        eye = (int(FACE.cx + side * 0.2 * FACE.width), int(FACE.cy - 0.1 * FACE.height))
        cv2.circle(image, eye, 8, (40, 30, 20), -1)
    mouth = (int(FACE.cx), int(FACE.cy + 0.25 * FACE.height))
    cv2.ellipse(image, mouth, (24, 8), 0, 0, 360, (150, 60, 60), -1)
    return image
