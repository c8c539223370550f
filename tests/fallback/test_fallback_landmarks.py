"""The fallback engine's face finder on the real default portrait and on edited copies of it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from animator.errors import NoFaceError
from animator.fallback import FaceLandmarks, FallbackSource, detect_landmarks
from tests.fallback._helpers import FACE_BY_EYE

# Where the astronaut's features are, read off the picture by eye (x, y in pixels).
FACE = FACE_BY_EYE
LEFT_IRIS, RIGHT_IRIS = (203, 101), (246, 103)
MOUTH_CORNERS = ((203, 140), (244, 141))


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def _assert_plausible(lm: FaceLandmarks) -> None:
    """Feature layout every upright frontal face shares."""
    x0, y0, x1, y1 = lm.face_box
    centre_x = (x0 + x1) / 2
    assert lm.left_eye[0] < centre_x < lm.right_eye[0]
    assert lm.mouth_left[0] < lm.mouth_center[0] < lm.mouth_right[0]
    for x, y in (lm.left_eye, lm.right_eye, lm.mouth_center, lm.left_brow, lm.right_brow):
        assert x0 <= x <= x1 and y0 <= y <= y1
    for brow, eye in ((lm.left_brow, lm.left_eye), (lm.right_brow, lm.right_eye)):
        assert brow[1] < eye[1]
    assert max(lm.left_eye[1], lm.right_eye[1]) < lm.mouth_center[1] < lm.chin[1]


def test_finds_the_astronauts_face_eyes_and_mouth(source: FallbackSource) -> None:
    lm = source.landmarks
    assert lm is not None
    assert _iou(lm.face_box, FACE) > 0.8
    assert source.face_box == lm.face_box
    assert lm.eyes_found and lm.mouth_found
    _assert_plausible(lm)
    for found, truth in ((lm.left_eye, LEFT_IRIS), (lm.right_eye, RIGHT_IRIS)):
        assert np.hypot(found[0] - truth[0], found[1] - truth[1]) < 4
    for found, truth in zip((lm.mouth_left, lm.mouth_right), MOUTH_CORNERS, strict=True):
        assert np.hypot(found[0] - truth[0], found[1] - truth[1]) < 5
    # her lips are parted over her upper teeth: the lips part below the teeth (y 141-148)
    assert 146 <= lm.mouth_center[1] <= 151
    assert source.notes == []


def test_blurred_eyes_fall_back_to_facial_proportions(portrait: np.ndarray) -> None:
    """With the eyes too blurry for the eye cascade, proportions (plus iris refinement) still put
    the eyes where they are."""
    blurred = portrait.copy()
    band = (slice(88, 112), slice(185, 268))
    blurred[band] = cv2.GaussianBlur(portrait, (0, 0), 3.0)[band]
    lm, notes = detect_landmarks(blurred, "blurred.png")
    assert not lm.eyes_found
    assert notes == []
    _assert_plausible(lm)
    for found, truth in ((lm.left_eye, LEFT_IRIS), (lm.right_eye, RIGHT_IRIS)):
        assert np.hypot(found[0] - truth[0], found[1] - truth[1]) < 6


def test_mirrored_portrait_mirrors_the_landmarks(
    portrait: np.ndarray, source: FallbackSource
) -> None:
    lm, _ = detect_landmarks(np.ascontiguousarray(portrait[:, ::-1]))
    width = portrait.shape[1] - 1
    assert source.landmarks is not None
    assert abs(lm.left_eye[0] - (width - source.landmarks.right_eye[0])) < 4
    assert abs(lm.right_eye[0] - (width - source.landmarks.left_eye[0])) < 4
    _assert_plausible(lm)


def test_two_faces_animate_the_largest_and_say_so(portrait: np.ndarray) -> None:
    canvas = np.full((480, 640, 3), 200, np.uint8)
    head = portrait[10:230, 120:340]
    canvas[300:454, 420:574] = cv2.resize(head, (154, 154), interpolation=cv2.INTER_AREA)
    canvas[20:240, 40:260] = head  # full size, pasted up-left: the face is at x 97-192, y 76-171
    lm, notes = detect_landmarks(canvas, "pair.png")
    assert _iou(lm.face_box, (97, 76, 192, 171)) > 0.7
    assert len(notes) == 1
    assert "2 faces" in notes[0] and "largest" in notes[0] and "pair.png" in notes[0]


@pytest.mark.parametrize("kind", ["flat", "noise", "blurred noise"])
def test_no_face_raises_with_a_message_naming_the_problem(kind: str) -> None:
    rng = np.random.default_rng(7)
    if kind == "flat":
        image = np.full((300, 400, 3), (90, 140, 200), np.uint8)
    else:
        image = rng.integers(0, 256, (512, 512, 3), dtype=np.uint8)
        if kind == "blurred noise":
            image = cv2.normalize(cv2.GaussianBlur(image, (0, 0), 6), None, 0, 255, cv2.NORM_MINMAX)
    with pytest.raises(NoFaceError) as info:
        detect_landmarks(image, "wall.jpg")
    message = str(info.value)
    assert message.startswith("wall.jpg: no face found.")
    assert "front-facing face" in message
    assert isinstance(info.value, ValueError)
