"""Find the face in a portrait and its landmarks with the ONNX models shipped with the weights.

Pipeline (as LivePortrait's cropper does it): SCRFD `det_10g` boxes → InsightFace `2d106det`
landmarks in an axis-aligned 192 px crop → LivePortrait's own 203-point `landmark.onnx` in a
rotated 224 px crop. The 203 points define the source crop and the eye/lip openness ratios.
When several faces are found the largest confident one is animated unless a face number is
asked for (`animator.faces`), and the result says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from animator.errors import NoFaceError
from animator.faces import FaceBox, choose_face, left_to_right
from animator.liveportrait import scrfd
from animator.liveportrait.crop import CropTransform, apply_affine, crop_transform, warp_crop
from models.onnx_runtime import inference_session, ort

ort_state = ort.capi.onnxruntime_pybind11_state

log = logging.getLogger("avatar.animator")

#: Model files inside the models folder (hub layout).
DETECTOR_FILE = "insightface/models/buffalo_l/det_10g.onnx"
LANDMARK106_FILE = "insightface/models/buffalo_l/2d106det.onnx"
LANDMARK203_FILE = "liveportrait/landmark.onnx"

_LMK106_SIZE = 192
_LMK203_SIZE = 224
_LMK203_OUTPUT_INDEX = 2  # LivePortrait reads the third output of landmark.onnx
_ORT_ERRORS = (
    OSError, ort_state.Fail, ort_state.InvalidProtobuf, ort_state.NoSuchFile,
    ort_state.InvalidGraph, ort_state.InvalidArgument,
)


class FaceModelError(RuntimeError):
    """A face model file cannot be loaded or gives outputs of an unexpected shape."""


@dataclass(frozen=True, slots=True)
class FaceOptions:
    """Knobs of face finding (defaults are LivePortrait's).

    Attributes:
        det_size: detector input side in pixels.
        det_threshold: lowest detector score kept (LivePortrait's CLI uses 0.15, which also finds
            painted and stylised faces).
        confident_score: faces at or above this score are preferred over weaker, larger ones.
        nms_iou: overlap above which the weaker of two boxes is dropped.
    """

    det_size: int = 512
    det_threshold: float = 0.15
    confident_score: float = 0.5
    nms_iou: float = 0.4


@dataclass(frozen=True, slots=True)
class FaceAnalysis:
    """The animated face of one portrait.

    Attributes:
        detection: the chosen detection (box, score, 5 keypoints) in original pixels.
        landmarks106: (106, 2) float32 InsightFace landmarks in original pixels.
        landmarks203: (203, 2) float32 LivePortrait landmarks in original pixels.
        face_count: how many faces the detector kept.
        notes: user-facing remarks (e.g. several faces found).
    """

    detection: scrfd.Detection
    landmarks106: np.ndarray
    landmarks203: np.ndarray
    face_count: int
    notes: tuple[str, ...] = ()


def providers_for(device: str) -> list[str]:
    """ONNX Runtime providers: CUDA first when the device is CUDA and the provider exists."""
    available = ort.get_available_providers()
    if device.startswith("cuda") and "CUDAExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def load_session(path: Path, device: str = "cpu") -> ort.InferenceSession:
    """Open an ONNX model; raises FaceModelError naming the file when it cannot be loaded."""
    try:
        return inference_session(path, providers=providers_for(device))
    except _ORT_ERRORS as exc:
        raise FaceModelError(
            f"{path}: cannot load the ONNX model ({exc}). Check it with `avatar models verify`."
        ) from exc


class FaceAnalyzer:
    """Detection plus 106- and 203-point landmarks with three ONNX Runtime sessions."""

    def __init__(
        self,
        detector: Path,
        landmark106: Path,
        landmark203: Path,
        *,
        device: str = "cpu",
        options: FaceOptions | None = None,
    ):
        self.options = options or FaceOptions()
        self._detector = load_session(detector, device)
        self._lmk106 = load_session(landmark106, device)
        self._lmk203 = load_session(landmark203, device)
        self.model_files = (detector, landmark106, landmark203)

    @classmethod
    def from_models_dir(cls, models_dir: Path, *, device: str = "cpu") -> FaceAnalyzer:
        """The analyzer for a models folder in the hub layout."""
        return cls(
            models_dir / DETECTOR_FILE, models_dir / LANDMARK106_FILE,
            models_dir / LANDMARK203_FILE, device=device,
        )

    def detect(self, image: np.ndarray) -> list[scrfd.Detection]:
        """All faces, largest confident first, then the weaker ones by size.

        Args:
            image: (H, W, 3) uint8 RGB.
        """
        opts = self.options
        blob, scale = scrfd.letterbox(image, opts.det_size)
        feed = {self._detector.get_inputs()[0].name: blob}
        outputs = self._detector.run(None, feed)
        try:
            faces = scrfd.detections(
                outputs, opts.det_size, scale, opts.det_threshold, opts.nms_iou
            )
        except ValueError as exc:
            raise FaceModelError(f"{self.model_files[0]}: {exc}") from exc
        return sorted(faces, key=lambda f: (f.score < opts.confident_score, -f.area))

    def landmarks106(self, image: np.ndarray, detection: scrfd.Detection) -> np.ndarray:
        """(106, 2) float32 landmarks in original pixels for one detection.

        The crop is axis-aligned, centred on the box, 1.5× its longer side, 192 px; the model
        takes raw 0–255 RGB (it normalises internally) and predicts points in [−1, 1].
        """
        x0, y0, x1, y1 = (float(v) for v in detection.box)
        side = 1.5 * max(x1 - x0, y1 - y0)
        transform = CropTransform(((x0 + x1) / 2, (y0 + y1) / 2), side, 0.0, _LMK106_SIZE)
        crop = warp_crop(image, transform).astype(np.float32)
        feed = {self._lmk106.get_inputs()[0].name: crop.transpose(2, 0, 1)[None]}
        raw = self._pick_output(self._lmk106.run(None, feed), 212, None, self.model_files[1])
        points = (raw.reshape(106, 2) + 1.0) * (_LMK106_SIZE / 2)
        return apply_affine(transform.c2o, points).astype(np.float32)

    def landmarks203(self, image: np.ndarray, landmarks106: np.ndarray) -> np.ndarray:
        """(203, 2) float32 LivePortrait landmarks in original pixels.

        The crop follows the 106 points (scale 1.5, shifted up by 0.1 side, rotated upright,
        224 px); the model takes RGB/255 and predicts points in [0, 1] of the crop.
        """
        transform = crop_transform(landmarks106, dsize=_LMK203_SIZE, scale=1.5, vy_ratio=-0.1)
        crop = warp_crop(image, transform).astype(np.float32) / 255.0
        feed = {self._lmk203.get_inputs()[0].name: crop.transpose(2, 0, 1)[None]}
        outputs = self._lmk203.run(None, feed)
        raw = self._pick_output(outputs, 406, _LMK203_OUTPUT_INDEX, self.model_files[2])
        points = raw.reshape(203, 2) * _LMK203_SIZE
        return apply_affine(transform.c2o, points).astype(np.float32)

    def analyze(self, image: np.ndarray, face: int | None = None) -> FaceAnalysis:
        """Find the face to animate and its landmarks.

        Args:
            image: (H, W, 3) uint8 RGB.
            face: the face number (1 = leftmost, as `animator.faces` numbers them); None: the
                largest confident face.

        Raises:
            NoFaceError: no face scored above the detection threshold.
            PortraitError: there is no face number `face`.
        """
        faces = self.detect(image)
        if not faces:
            height, width = image.shape[:2]
            raise NoFaceError(
                f"no face found in the {width}x{height} portrait. Use a photo where one face is "
                "clearly visible, roughly frontal, and at least about 64 px tall."
            )
        boxes = [_box(detection) for detection in faces]
        index, notes = choose_face(boxes, face, 0, why="the largest clear one")
        chosen = faces[index]
        if len(faces) > 1:
            log.info("%d faces found; animating the one at %s", len(faces), chosen.box.round())
        lmk106 = self.landmarks106(image, chosen)
        lmk203 = self.landmarks203(image, lmk106)
        return FaceAnalysis(chosen, lmk106, lmk203, len(faces), tuple(notes))

    def face_boxes(self, image: np.ndarray) -> list[FaceBox]:
        """Every face box (x0, y0, x1, y1) in face-number order (face N is item N - 1)."""
        boxes = [_box(detection) for detection in self.detect(image)]
        return [boxes[i] for i in left_to_right(boxes)]

    @staticmethod
    def _pick_output(
        outputs: list[np.ndarray], values: int, index: int | None, path: Path
    ) -> np.ndarray:
        """The output with `values` numbers: at `index` if that one fits, else the only fit."""
        if index is not None and index < len(outputs) and outputs[index].size == values:
            return outputs[index].reshape(-1)
        fits = [out for out in outputs if out.size == values]
        if len(fits) != 1:
            shapes = ", ".join(str(out.shape) for out in outputs)
            raise FaceModelError(
                f"{path}: expected one output with {values} values, got shapes {shapes}. "
                "Check the file with `avatar models verify`."
            )
        return fits[0].reshape(-1)


def _box(detection: scrfd.Detection) -> FaceBox:
    x0, y0, x1, y1 = (float(v) for v in detection.box)
    return x0, y0, x1, y1
