"""SCRFD face detection (InsightFace `det_10g.onnx`): pre-processing, output binding, decoding, NMS.

The network predicts, for each of 2 anchors per cell on stride-8/16/32 grids, a face score, the
distances from the anchor centre to the box sides, and 5 keypoint offsets, all in units of the
stride (Guo et al., "Sample and Computation Redistribution for Efficient Face Detection", 2021).
Outputs are bound by shape, not position, because exported graphs differ in output order.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

STRIDES: tuple[int, ...] = (8, 16, 32)
NUM_ANCHORS = 2
_WIDTH_TO_KIND = {1: "score", 4: "box", 10: "kps"}


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected face in original-image pixels.

    Attributes:
        box: (4,) float32 x0, y0, x1, y1.
        score: detector confidence in [0, 1].
        kps: (5, 2) float32 keypoints: eye, eye, nose, mouth corner, mouth corner.
    """

    box: np.ndarray
    score: float
    kps: np.ndarray

    @property
    def area(self) -> float:
        """Box area in square pixels."""
        return float(max(self.box[2] - self.box[0], 0.0) * max(self.box[3] - self.box[1], 0.0))


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """Resize keeping the aspect ratio into the top-left of a size×size canvas; normalise.

    Args:
        image: (H, W, 3) uint8 RGB.
        size: canvas side in pixels (512 for LivePortrait).

    Returns:
        (blob, scale): blob (1, 3, size, size) float32 RGB as (x - 127.5) / 128, and the factor
        that maps original pixels to canvas pixels.
    """
    height, width = image.shape[:2]
    scale = size / max(height, width)
    new_w = min(size, max(1, round(width * scale)))
    new_h = min(size, max(1, round(height * scale)))
    canvas = np.zeros((size, size, 3), dtype=np.float32)
    canvas[:new_h, :new_w] = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    blob = ((canvas - 127.5) / 128.0).transpose(2, 0, 1)[None]
    return np.ascontiguousarray(blob, dtype=np.float32), new_h / height


def bind_outputs(
    outputs: list[np.ndarray], size: int
) -> dict[int, dict[str, np.ndarray]]:
    """Group raw outputs by stride and kind from their shapes.

    Args:
        outputs: the 9 arrays, each (N, C) or (1, N, C) with C 1 (score), 4 (box) or 10 (kps),
            N = (size / stride)² · 2.
        size: the network input side.

    Returns:
        {stride: {"score": (N,), "box": (N, 4), "kps": (N, 10)}}.

    Raises:
        ValueError: an output fits no stride/kind, or one is missing (names what was found).
    """
    cells = {(size // stride) ** 2 * NUM_ANCHORS: stride for stride in STRIDES}
    bound: dict[int, dict[str, np.ndarray]] = {stride: {} for stride in STRIDES}
    for array in outputs:
        flat = array.reshape(array.shape[-2], array.shape[-1]) if array.ndim == 3 else array
        kind = _WIDTH_TO_KIND.get(flat.shape[-1]) if flat.ndim == 2 else None
        stride = cells.get(flat.shape[0]) if flat.ndim == 2 else None
        if kind is None or stride is None or kind in bound[stride]:
            raise ValueError(_binding_message(outputs, size))
        bound[stride][kind] = flat[:, 0] if kind == "score" else flat
    if any(len(kinds) != len(_WIDTH_TO_KIND) for kinds in bound.values()):
        raise ValueError(_binding_message(outputs, size))
    return bound


def _binding_message(outputs: list[np.ndarray], size: int) -> str:
    shapes = ", ".join(str(tuple(o.shape)) for o in outputs)
    return (
        f"face detector outputs do not look like SCRFD at input size {size}: got shapes {shapes}; "
        "expected score/box/kps outputs (N×1, N×4, N×10) for strides 8, 16 and 32. "
        "Check the detector file with `avatar models verify`."
    )


def anchor_centers(size: int, stride: int) -> np.ndarray:
    """(N, 2) float32 anchor centres (x, y) in canvas pixels, row-major, each cell twice."""
    cells = size // stride
    ys, xs = np.mgrid[:cells, :cells]
    centers = np.stack([xs, ys], axis=-1).reshape(-1, 2).astype(np.float32) * stride
    return np.repeat(centers, NUM_ANCHORS, axis=0)


def decode(
    bound: dict[int, dict[str, np.ndarray]], size: int, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn bound outputs into candidate boxes in canvas pixels (before NMS).

    Returns:
        boxes (M, 4) float32, scores (M,) float32, kps (M, 5, 2) float32, for every anchor whose
        score is at least `threshold`.
    """
    boxes, scores, kps = [], [], []
    for stride, out in bound.items():
        keep = out["score"] >= threshold
        centers = anchor_centers(size, stride)[keep]
        dist = out["box"][keep] * stride
        boxes.append(np.concatenate([centers - dist[:, :2], centers + dist[:, 2:]], axis=1))
        kps.append(centers[:, None, :] + out["kps"][keep].reshape(-1, 5, 2) * stride)
        scores.append(out["score"][keep])
    return (
        np.concatenate(boxes).astype(np.float32),
        np.concatenate(scores).astype(np.float32),
        np.concatenate(kps).astype(np.float32),
    )


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression; returns kept indices, best score first.

    Args:
        boxes: (M, 4) x0, y0, x1, y1.
        scores: (M,).
        iou_threshold: a box overlapping a kept one by more than this is dropped.
    """
    order = np.argsort(-scores, kind="stable")
    widths = np.clip(boxes[:, 2] - boxes[:, 0], 0, None)
    areas = widths * np.clip(boxes[:, 3] - boxes[:, 1], 0, None)
    keep = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(int(best))
        x0 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y0 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x1 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y1 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
        iou = inter / np.maximum(areas[best] + areas[rest] - inter, 1e-9)
        order = rest[iou <= iou_threshold]
    return np.asarray(keep, dtype=np.int64)


def detections(
    outputs: list[np.ndarray], size: int, scale: float, threshold: float, iou: float
) -> list[Detection]:
    """Bind, decode, suppress and map back to original pixels (divide by `scale`)."""
    boxes, scores, kps = decode(bind_outputs(outputs, size), size, threshold)
    return [
        Detection(box=boxes[i] / scale, score=float(scores[i]), kps=kps[i] / scale)
        for i in nms(boxes, scores, iou)
    ]
