"""SCRFD decoding, output binding, NMS, and the face analyzer on test-built ONNX models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from animator.errors import NoFaceError
from animator.liveportrait import scrfd
from animator.liveportrait.face import FaceAnalyzer, FaceModelError
from tests.liveportrait.face_onnx_models import (
    SyntheticFace,
    build_detector,
    build_face_models,
    detector_outputs,
)

FACE = SyntheticFace(cx=320, cy=220, width=160, height=200)
IMAGE = np.full((480, 640, 3), 128, np.uint8)
SCALE = 0.8  # 640×480 letterboxed into 512: 512×384


def _raw_outputs(size: int = 512) -> list[np.ndarray]:
    outs = []
    for width in (1, 4, 10):
        for stride in scrfd.STRIDES:
            outs.append(np.zeros(((size // stride) ** 2 * 2, width), np.float32))
    return outs


def test_decode_places_box_and_keypoints_from_one_anchor() -> None:
    outs = _raw_outputs()
    # stride 16, cell row 5 col 7, second anchor: index (5*32 + 7)*2 + 1 = 335, centre (112, 80)
    outs[1][335, 0] = 0.8
    outs[4][335] = [2.0, 1.0, 3.0, 4.0]
    outs[7][335] = np.arange(10) / 10.0

    boxes, scores, kps = scrfd.decode(scrfd.bind_outputs(outs, 512), 512, threshold=0.5)

    np.testing.assert_array_equal(boxes, [[112 - 32, 80 - 16, 112 + 48, 80 + 64]])
    np.testing.assert_array_equal(scores, np.float32([0.8]))
    expected_kps = np.array([[112, 80]] * 5) + (np.arange(10) / 10.0).reshape(5, 2) * 16
    np.testing.assert_allclose(kps[0], expected_kps, atol=1e-5)


def test_decode_drops_scores_below_threshold() -> None:
    outs = _raw_outputs()
    outs[0][0, 0] = 0.49  # stride 8
    outs[2][3, 0] = 0.5  # stride 32: anchor 3 is cell (0, 1), second anchor → centre (32, 0)

    boxes, scores, _ = scrfd.decode(scrfd.bind_outputs(outs, 512), 512, threshold=0.5)

    np.testing.assert_array_equal(scores, np.float32([0.5]))
    np.testing.assert_array_equal(boxes, [[32, 0, 32, 0]])


def test_binding_uses_shapes_not_positions() -> None:
    outs = _raw_outputs()
    outs[1][10, 0] = 0.7
    shuffled = [outs[i][None] for i in (7, 1, 4, 0, 3, 6, 2, 5, 8)]  # batched and reordered

    bound = scrfd.bind_outputs(shuffled, 512)

    assert bound[16]["score"][10] == np.float32(0.7)
    assert bound[8]["kps"].shape == (8192, 10)
    assert bound[32]["box"].shape == (512, 4)


def test_binding_rejects_foreign_outputs_with_their_shapes() -> None:
    outs = [*_raw_outputs()[:-1], np.zeros((77, 10), np.float32)]

    with pytest.raises(ValueError, match=r"\(77, 10\)"):
        scrfd.bind_outputs(outs, 512)


def test_nms_suppresses_overlapping_weaker_box() -> None:
    boxes = np.array([[0, 0, 100, 100], [10, 10, 110, 110], [200, 200, 260, 260],
                      [50, 0, 150, 100]], np.float32)
    scores = np.array([0.9, 0.8, 0.7, 0.95], np.float32)

    keep = scrfd.nms(boxes, scores, iou_threshold=0.4)

    # box 1 overlaps box 0 by IoU 0.68 → dropped; box 0 overlaps box 3 by 0.33 → kept
    assert keep.tolist() == [3, 0, 2]


def test_letterbox_keeps_aspect_and_normalises() -> None:
    image = np.zeros((480, 640, 3), np.uint8)
    image[:, :, 0] = 255

    blob, scale = scrfd.letterbox(image, 512)

    assert blob.shape == (1, 3, 512, 512)
    assert scale == pytest.approx(0.8)
    assert blob[0, 0, 383, 511] == pytest.approx((255 - 127.5) / 128)
    assert blob[0, 1, 0, 0] == pytest.approx(-127.5 / 128)
    assert blob[0, 0, 384, 0] == pytest.approx(-127.5 / 128)  # padding below the image


@pytest.fixture
def analyzer(tmp_path: Path) -> FaceAnalyzer:
    return FaceAnalyzer.from_models_dir(build_face_models(tmp_path, [FACE], SCALE))


def test_detects_the_fixed_face_in_original_pixels(analyzer: FaceAnalyzer) -> None:
    faces = analyzer.detect(IMAGE)

    assert len(faces) == 1
    np.testing.assert_allclose(faces[0].box, FACE.box, atol=1e-3)
    assert faces[0].score == pytest.approx(0.9)
    np.testing.assert_allclose(faces[0].kps[0], FACE._eye(-1), atol=1e-3)


def test_landmarks_come_back_in_original_pixels(analyzer: FaceAnalyzer) -> None:
    result = analyzer.analyze(IMAGE)

    np.testing.assert_allclose(result.landmarks106, FACE.landmarks106(), atol=1e-3)
    np.testing.assert_allclose(result.landmarks203, FACE.landmarks203(), atol=1e-3)
    assert result.notes == ()
    assert result.face_count == 1


def test_several_faces_animate_the_largest_and_say_so(tmp_path: Path) -> None:
    small = SyntheticFace(cx=96, cy=96, width=64, height=80, score=0.95)
    analyzer = FaceAnalyzer.from_models_dir(build_face_models(tmp_path, [FACE, small], SCALE))

    result = analyzer.analyze(IMAGE)

    np.testing.assert_allclose(result.detection.box, FACE.box, atol=1e-3)
    assert result.face_count == 2
    # faces are numbered left to right: the small one at x 96 is face 1
    assert result.notes == (
        "2 faces found; animating face 2 (the largest clear one); "
        "choose another with --face N (or /face N in the console).",
    )


def test_confident_face_beats_a_larger_doubtful_one(tmp_path: Path) -> None:
    doubtful = SyntheticFace(cx=320, cy=220, width=240, height=300, score=0.3)
    small = SyntheticFace(cx=96, cy=96, width=64, height=80, score=0.95)
    models = build_face_models(tmp_path, [small, doubtful], SCALE)

    faces = FaceAnalyzer.from_models_dir(models).detect(IMAGE)

    assert [round(f.score, 2) for f in faces] == [0.95, 0.3]


def test_no_face_raises_a_clear_error(tmp_path: Path) -> None:
    models = build_face_models(tmp_path, [FACE], SCALE)
    build_detector(models / "insightface/models/buffalo_l/det_10g.onnx", [], SCALE)

    with pytest.raises(NoFaceError, match="no face found in the 640x480 portrait"):
        FaceAnalyzer.from_models_dir(models).analyze(IMAGE)


def test_batched_detector_outputs_are_understood(tmp_path: Path) -> None:
    models = build_face_models(tmp_path, [FACE], SCALE)
    build_detector(models / "insightface/models/buffalo_l/det_10g.onnx", [FACE], SCALE,
                   batched=True)

    faces = FaceAnalyzer.from_models_dir(models).detect(IMAGE)

    np.testing.assert_allclose(faces[0].box, FACE.box, atol=1e-3)


def test_unreadable_model_file_is_named(tmp_path: Path) -> None:
    models = build_face_models(tmp_path, [FACE], SCALE)
    broken = models / "liveportrait/landmark.onnx"
    broken.write_bytes(b"not an onnx model")

    with pytest.raises(FaceModelError, match=r"landmark\.onnx: cannot load the ONNX model"):
        FaceAnalyzer.from_models_dir(models)


def test_detector_outputs_helper_is_consistent_with_the_face() -> None:
    """Guards the test helper itself: its anchor encoding decodes to the face box."""
    outs = [values for _name, values in detector_outputs([FACE], SCALE)]
    boxes, _, _ = scrfd.decode(scrfd.bind_outputs(outs, 512), 512, 0.5)
    np.testing.assert_allclose(boxes[0] / SCALE, FACE.box, atol=1e-3)
