"""On the bundled portrait, which grins, the frowning and puckering intents must not smile.

Motion is measured in the rendered pixels, independent of the engine's fields: small patches
of the photo around the mouth corners, the lips and the inner brow ends are found again in the
rendered frame by normalised cross-correlation, with sub-pixel peaks. Head channels are left at
rest, so every displacement is the face's own.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np
import pytest

from animator.fallback import FallbackEngine, FallbackSource
from animator.fallback._rig import UNSMILE_SPAN
from animator.timeline import load_presets
from contracts.pose import Pose

HALF = 6  # patch half-size in pixels (the face box is 95 px wide)
SEARCH = 10  # how far a patch is looked for, in pixels
MIN_MATCH = 0.7  # correlation a tracked patch must keep, else the measurement means nothing
HEAD = ("head_pitch", "head_yaw", "head_roll")

Point = tuple[float, float]


def _peak_offset(row: np.ndarray, at: int) -> float:
    """Sub-pixel position of a correlation peak at `at` along `row` (a parabola through 3)."""
    if not 0 < at < len(row) - 1:
        return 0.0
    left, mid, right = row[at - 1], row[at], row[at + 1]
    denominator = left - 2 * mid + right
    return 0.0 if denominator == 0 else float(0.5 * (left - right) / denominator)


def track(before: np.ndarray, after: np.ndarray, point: Point) -> tuple[float, float]:
    """(dx, dy) in pixels by which the patch of `before` around `point` moved in `after`."""
    x, y = round(point[0]), round(point[1])
    grey_before = cv2.cvtColor(before, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey_after = cv2.cvtColor(after, cv2.COLOR_RGB2GRAY).astype(np.float32)
    patch = grey_before[y - HALF : y + HALF + 1, x - HALF : x + HALF + 1]
    reach = HALF + SEARCH
    window = grey_after[y - reach : y + reach + 1, x - reach : x + reach + 1]
    scores = cv2.matchTemplate(window, patch, cv2.TM_CCOEFF_NORMED)
    _, best, _, (col, row) = cv2.minMaxLoc(scores)
    assert best >= MIN_MATCH, f"the patch at {point} is not found again (match {best:.2f})"
    dx = col - SEARCH + _peak_offset(scores[row], col)
    dy = row - SEARCH + _peak_offset(scores[:, col], row)
    return dx, dy


def intent_pose(intent: str) -> Pose:
    """The intent's targets at intensity 1.0, head channels at rest."""
    targets = load_presets().get(intent).targets
    return Pose(**{name: value for name, value in targets.items() if name not in HEAD})


class Face:
    """Tracking points of the bundled portrait, from its detected landmarks."""

    def __init__(self, source: FallbackSource) -> None:
        lm = source.landmarks
        assert lm is not None
        fh, cx = lm.face_height, lm.mouth_center[0]
        self.left_corner, self.right_corner = lm.mouth_left, lm.mouth_right
        self.upper_lip = (cx, lm.mouth_left[1] - 0.04 * fh)
        self.lower_lip = (cx, lm.mouth_center[1] + 0.08 * fh)
        self.left_brow = (lm.left_brow[0] + 0.3 * lm.brow_width, lm.left_brow[1])
        self.right_brow = (lm.right_brow[0] - 0.3 * lm.brow_width, lm.right_brow[1])


@pytest.fixture(scope="module")
def face(source: FallbackSource) -> Face:
    return Face(source)


def render(engine: FallbackEngine, source: FallbackSource, pose: Pose) -> np.ndarray:
    return engine.render(source, [pose])[0]


def test_the_portrait_grins(source: FallbackSource) -> None:
    """The premise: the mouth corners sit well above the lip line in the photo itself."""
    lm = source.landmarks
    assert lm is not None
    corner_y = (lm.mouth_left[1] + lm.mouth_right[1]) / 2
    assert lm.mouth_center[1] - corner_y > 0.05 * lm.face_height


@pytest.mark.parametrize("intent", ["sad", "angry", "disgust", "kiss"])
def test_the_grin_closes(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, face: Face, intent: str
) -> None:
    """The lower lip comes up to the upper one: the band of teeth between them is gone."""
    frame = render(engine, source, intent_pose(intent))
    _, upper = track(portrait, frame, face.upper_lip)
    _, lower = track(portrait, frame, face.lower_lip)
    assert lower - upper < -3.0


@pytest.mark.parametrize("intent", ["sad", "angry", "disgust"])
def test_mouth_corners_go_down(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, face: Face, intent: str
) -> None:
    frame = render(engine, source, intent_pose(intent))
    _, lower = track(portrait, frame, face.lower_lip)
    for corner in (face.left_corner, face.right_corner):
        _, dy = track(portrait, frame, corner)
        assert dy > 2.0, f"{intent}: corner at {corner} moved {dy:+.1f} px"
        assert dy - lower > 6.0  # ... and well down against the middle of the lips


def test_smile_still_lifts_the_corners(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, face: Face
) -> None:
    frame = render(engine, source, intent_pose("smile"))
    for corner in (face.left_corner, face.right_corner):
        assert track(portrait, frame, corner)[1] < -2.0


def test_kiss_draws_the_corners_together(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, face: Face
) -> None:
    frame = render(engine, source, intent_pose("kiss"))
    left_dx, _ = track(portrait, frame, face.left_corner)
    right_dx, _ = track(portrait, frame, face.right_corner)
    assert left_dx > 3.0 and right_dx < -3.0


@pytest.mark.parametrize(("intent", "down", "inward"), [("angry", 2.0, 2.0), ("disgust", 1.0, 0.8)])
def test_frowns_furrow_the_brows(
    engine: FallbackEngine,
    source: FallbackSource,
    portrait: np.ndarray,
    face: Face,
    intent: str,
    down: float,
    inward: float,
) -> None:
    """The inner ends of the brows come down and toward the nose."""
    frame = render(engine, source, intent_pose(intent))
    left_dx, left_dy = track(portrait, frame, face.left_brow)
    right_dx, right_dy = track(portrait, frame, face.right_brow)
    assert left_dy > down and right_dy > down
    assert left_dx > inward and right_dx < -inward


def test_sad_lifts_the_inner_brows(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, face: Face
) -> None:
    frame = render(engine, source, intent_pose("sad"))
    assert track(portrait, frame, face.left_brow)[1] < -0.5
    assert track(portrait, frame, face.right_brow)[1] < -0.5


def test_taking_the_smile_back_grows_with_the_frown(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, face: Face
) -> None:
    """The corners descend further the stronger the frown: no jump, no reversal."""
    drops = [
        track(portrait, render(engine, source, Pose(smile=-value)), face.left_corner)[1]
        for value in (0.1, 0.2, 0.3, 0.6, 1.0)
    ]
    assert all(b > a for a, b in pairwise(drops)), drops


FOLD_CASES = [
    *(Pose(**load_presets().get(intent).targets) for intent in ("sad", "angry", "disgust", "kiss")),
    # half-taken-back smiles blend the photo's mouth fields with the closed mouth's
    Pose(smile=-0.1, mouth_open=0.6, mouth_round=0.3),
    Pose(smile=-0.1, mouth_wide=1.0, mouth_round=-1.0, mouth_open=1.0),
    Pose(smile=1.0, mouth_round=0.35, mouth_open=1.0, head_yaw=25.0),
    Pose(smile=-1.0, mouth_round=1.0, mouth_wide=-1.0, mouth_open=1.0, eyebrow=-1.0),
    Pose(smile=-1.0, mouth_wide=1.0, head_pitch=-20.0, head_roll=20.0, eyebrow=-1.0),
]


@pytest.mark.parametrize("pose", FOLD_CASES, ids=lambda pose: str(pose.to_array().round(2)))
def test_taking_the_smile_back_never_folds(source: FallbackSource, pose: Pose) -> None:
    """The Jacobian determinant of the backward map stays positive (no torn, mirrored pixels)."""
    assert source.rig is not None
    map_x, map_y = source.rig.sampling_maps(pose.to_array())
    assert map_x is not None and map_y is not None
    determinant = np.gradient(map_x, axis=1) * np.gradient(map_y, axis=0) - np.gradient(
        map_x, axis=0
    ) * np.gradient(map_y, axis=1)
    assert determinant.min() > 0.02


def test_a_photo_with_level_closed_lips_is_not_taken_back(
    engine: FallbackEngine, source: FallbackSource
) -> None:
    """The bundled portrait with its smile taken back, as a photo of its own: nothing to take
    back there, so a frown only brings the corners down; the lips do not move together."""
    level = render(engine, source, Pose(smile=-UNSMILE_SPAN))
    closed = engine.prepare(level)
    assert closed.rig is not None and closed.rig.closed is None
    face = Face(closed)
    frame = render(engine, closed, intent_pose("sad"))
    _, upper = track(level, frame, face.upper_lip)
    _, lower = track(level, frame, face.lower_lip)
    assert abs(lower - upper) < 1.5
    for corner in (face.left_corner, face.right_corner):
        assert track(level, frame, corner)[1] > 1.5
