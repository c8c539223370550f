"""Small ONNX face models with the real models' input names and output layouts, built by the tests.

Each graph returns fixed detections/landmarks (constants plus a zero-weighted mean of the input, so
the input is genuinely consumed) for a synthetic face whose geometry is known here, independently of
the code under test:

* `det_10g`: input `input.1` (1, 3, 512, 512); 9 outputs, score/box/kps for strides 8, 16, 32.
* `2d106det`: input `data` (1, 3, 192, 192); one (1, 212) output in [−1, 1] of its crop.
* `landmark`: input `input` (1, 3, 224, 224); three outputs, the third (1, 406) in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DET_SIZE = 512
STRIDES = (8, 16, 32)


@dataclass(frozen=True)
class SyntheticFace:
    """An upright face: centre, width and height in original pixels, and its detector score."""

    cx: float
    cy: float
    width: float
    height: float
    score: float = 0.9

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.cx - self.width / 2, self.cy - self.height / 2,
                self.cx + self.width / 2, self.cy + self.height / 2)

    def _eye(self, side: int) -> tuple[float, float]:
        return self.cx + side * 0.2 * self.width, self.cy - 0.1 * self.height

    def _fill(self, count: int, special: dict[int, tuple[float, float]]) -> np.ndarray:
        """`special` points at their indices; the rest on the face outline ellipse."""
        free = [i for i in range(count) if i not in special]
        on_ellipse = len(free) - len(free) % 4  # a multiple of 4 hits the ellipse's extremes
        angles = 2 * np.pi * np.arange(on_ellipse) / on_ellipse
        points = np.empty((count, 2))
        for index, (x, y) in special.items():
            points[index] = (x, y)
        for slot, index in enumerate(free):
            if slot < on_ellipse:
                points[index] = (self.cx + 0.5 * self.width * np.cos(angles[slot]),
                                 self.cy + 0.5 * self.height * np.sin(angles[slot]))
            else:
                points[index] = (self.cx, self.cy)
        return points

    def eye_points(self, side: int) -> dict[str, tuple[float, float]]:
        ex, ey = self._eye(side)
        dx, dy = 0.08 * self.width, 0.03 * self.height
        return {"outer": (ex - side * dx, ey), "inner": (ex + side * dx, ey),
                "top": (ex, ey - dy), "bottom": (ex, ey + dy)}

    def landmarks106(self) -> np.ndarray:
        """(106, 2): eyes at 33/35/40/39 and 87/89/94/93, lips at 52 and 61."""
        special: dict[int, tuple[float, float]] = {}
        for side, idx in ((-1, (33, 35, 40, 39)), (1, (87, 89, 94, 93))):
            eye = self.eye_points(side)
            special.update(zip(idx, (eye["outer"], eye["top"], eye["inner"], eye["bottom"]),
                               strict=True))
        special[52] = (self.cx, self.cy + 0.22 * self.height)
        special[61] = (self.cx, self.cy + 0.28 * self.height)
        return self._fill(106, special)

    def landmarks203(self) -> np.ndarray:
        """(203, 2): eye corners 0/12 and 24/36, lids 6/18 and 30/42, mouth 48/66, lips 90/102."""
        special: dict[int, tuple[float, float]] = {}
        for side, idx in ((-1, (0, 6, 12, 18)), (1, (24, 30, 36, 42))):
            eye = self.eye_points(side)
            special.update(zip(idx, (eye["outer"], eye["top"], eye["inner"], eye["bottom"]),
                               strict=True))
        special[48] = (self.cx - 0.15 * self.width, self.cy + 0.25 * self.height)
        special[66] = (self.cx + 0.15 * self.width, self.cy + 0.25 * self.height)
        special[90] = (self.cx, self.cy + 0.22 * self.height)
        special[102] = (self.cx, self.cy + 0.28 * self.height)
        return self._fill(203, special)


def _const_plus_zero_input(
    name: str, values: np.ndarray, input_name: str, nodes: list, inits: list
) -> None:
    """Output `name` = values + 0·mean(input)."""
    inits.append(numpy_helper.from_array(values.astype(np.float32), f"{name}_const"))
    nodes.append(helper.make_node("Add", [f"{name}_const", "zero_of_input"], [name]))


def _save(
    path: Path, input_name: str, input_shape: list[int], outputs: dict[str, np.ndarray]
) -> Path:
    nodes = [
        helper.make_node("ReduceMean", [input_name], ["input_mean"], keepdims=0),
        helper.make_node("Mul", ["input_mean", "zero"], ["zero_of_input"]),
    ]
    inits = [numpy_helper.from_array(np.zeros((), np.float32), "zero")]
    for name, values in outputs.items():
        _const_plus_zero_input(name, values, input_name, nodes, inits)
    graph = helper.make_graph(
        nodes, path.stem,
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(v.shape))
         for n, v in outputs.items()],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def detector_outputs(
    faces: list[SyntheticFace], det_scale: float, *, batched: bool = False
) -> list[tuple[str, np.ndarray]]:
    """The 9 raw SCRFD outputs placing each face at the stride-16 anchor nearest its centre."""
    raw: dict[tuple[str, int], np.ndarray] = {}
    for stride in STRIDES:
        cells = (DET_SIZE // stride) ** 2 * 2
        raw["score", stride] = np.zeros((cells, 1))
        raw["bbox", stride] = np.zeros((cells, 4))
        raw["kps", stride] = np.zeros((cells, 10))
    for face in faces:
        x0, y0, x1, y1 = (v * det_scale for v in face.box)
        col = round((x0 + x1) / 2 / 16)
        row = round((y0 + y1) / 2 / 16)
        anchor = (row * (DET_SIZE // 16) + col) * 2
        ax, ay = col * 16.0, row * 16.0
        raw["score", 16][anchor] = face.score
        raw["bbox", 16][anchor] = np.array([ax - x0, ay - y0, x1 - ax, y1 - ay]) / 16
        kps = [face._eye(-1), face._eye(1), (face.cx, face.cy + 0.05 * face.height),
               (face.cx - 0.15 * face.width, face.cy + 0.25 * face.height),
               (face.cx + 0.15 * face.width, face.cy + 0.25 * face.height)]
        offsets = (np.array(kps) * det_scale - (ax, ay)) / 16
        raw["kps", 16][anchor] = offsets.reshape(-1)
    order = [(kind, s) for kind in ("score", "bbox", "kps") for s in STRIDES]
    return [(f"{kind}_{s}", raw[kind, s][None] if batched else raw[kind, s]) for kind, s in order]


def build_detector(
    path: Path, faces: list[SyntheticFace], det_scale: float, *, batched: bool = False
) -> Path:
    """det_10g-shaped graph reporting `faces` for an image letterboxed with `det_scale`."""
    outputs = dict(detector_outputs(faces, det_scale, batched=batched))
    return _save(path, "input.1", [1, 3, DET_SIZE, DET_SIZE], outputs)


def build_landmark106(path: Path, face: SyntheticFace) -> Path:
    """2d106det-shaped graph returning `face.landmarks106()` for the detector-box crop."""
    x0, y0, x1, y1 = face.box
    side = 1.5 * max(x1 - x0, y1 - y0)
    in_crop = (face.landmarks106() - (face.cx, face.cy)) * (192 / side) + 96
    return _save(path, "data", [1, 3, 192, 192], {"fc1": (in_crop / 96 - 1).reshape(1, 212)})


def build_landmark203(path: Path, face: SyntheticFace) -> Path:
    """landmark.onnx-shaped graph returning `face.landmarks203()` for the 106-point crop.

    The 106 points are upright, so that crop is axis-aligned: side 1.5× their extent, centred on
    their bounding box and moved up by 0.1 side.
    """
    lmk106 = face.landmarks106()
    low, high = lmk106.min(0), lmk106.max(0)
    side = 1.5 * (high - low).max()
    center = (low + high) / 2 - (0, 0.1 * side)
    in_crop = ((face.landmarks203() - center) / side + 0.5).reshape(1, 406)
    outputs = {"heatmaps": np.zeros((1, 8)), "pts_coarse": np.zeros((1, 406)), "pts": in_crop}
    return _save(path, "input", [1, 3, 224, 224], outputs)


def build_face_models(
    models_dir: Path, faces: list[SyntheticFace], det_scale: float
) -> Path:
    """All three models in the hub layout under `models_dir`; landmarks follow `faces[0]`."""
    build_detector(models_dir / "insightface/models/buffalo_l/det_10g.onnx", faces, det_scale)
    build_landmark106(models_dir / "insightface/models/buffalo_l/2d106det.onnx", faces[0])
    build_landmark203(models_dir / "liveportrait/landmark.onnx", faces[0])
    return models_dir
