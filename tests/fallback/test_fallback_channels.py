"""Every pose channel moves the pixels of its own face region and leaves the others alone.

Regions come from the detected landmarks (see conftest.FaceRegions); "moved" means a mean
absolute difference of several grey levels over the region, "left alone" means bit-identical.
"""

from __future__ import annotations

import numpy as np
import pytest

from animator.fallback import FallbackEngine, FallbackSource
from contracts.pose import Pose
from tests.fallback._helpers import FACE_BY_EYE, FaceRegions, region_diff

MOVED = 5.0  # mean |difference| over a region that must visibly change (grey levels)

EYES = ("left_eye", "right_eye")
BROWS = ("left_brow", "right_brow")
ALL = (*EYES, *BROWS, "mouth")


def _render(engine: FallbackEngine, source: FallbackSource, **channels: float) -> np.ndarray:
    return engine.render(source, [Pose(**channels)])[0]


CASES = [
    # (pose, regions that must change, regions that must stay bit-identical)
    ({"smile": 1.0}, ("mouth",), (*EYES, *BROWS)),
    ({"smile": -1.0}, ("mouth",), (*EYES, *BROWS)),
    ({"mouth_open": 1.0}, ("mouth",), (*EYES, *BROWS)),
    ({"mouth_open": 0.4}, ("mouth",), (*EYES, *BROWS)),
    ({"mouth_wide": 1.0}, ("mouth",), (*EYES, *BROWS)),
    ({"mouth_wide": -1.0}, ("mouth",), (*EYES, *BROWS)),
    ({"mouth_round": 1.0}, ("mouth",), (*EYES, *BROWS)),
    ({"mouth_round": -1.0}, ("mouth",), (*EYES, *BROWS)),
    ({"eye_open": -1.0}, EYES, ("mouth",)),
    ({"eye_open": 1.0}, EYES, ("mouth",)),
    ({"wink": 1.0}, ("right_eye",), ("left_eye", "left_brow", "mouth")),
    ({"gaze_x": 1.0}, EYES, (*BROWS, "mouth")),
    ({"gaze_x": -1.0}, EYES, (*BROWS, "mouth")),
    # looking down/up also lowers/raises the upper lids, whose skin reaches the brows' edge
    ({"gaze_y": -1.0}, EYES, ("mouth",)),
    ({"gaze_y": 1.0}, EYES, ("mouth",)),
    ({"eyebrow": 1.0}, BROWS, ("mouth",)),
    ({"eyebrow": -1.0}, BROWS, (*EYES, "mouth")),
]


@pytest.mark.parametrize(("pose", "moved", "kept"), CASES, ids=[str(c[0]) for c in CASES])
def test_channel_moves_its_region_only(
    engine: FallbackEngine,
    source: FallbackSource,
    portrait: np.ndarray,
    regions: FaceRegions,
    pose: dict[str, float],
    moved: tuple[str, ...],
    kept: tuple[str, ...],
) -> None:
    frame = _render(engine, source, **pose)
    for name in moved:
        assert region_diff(frame, portrait, getattr(regions, name)) > MOVED, name
    for name in kept:
        assert region_diff(frame, portrait, getattr(regions, name)) == 0.0, name


@pytest.mark.parametrize("sign", [-1.0, 1.0])
def test_gaze_x_changes_only_the_inside_of_the_eyes(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, sign: float
) -> None:
    frame = _render(engine, source, gaze_x=sign)
    changed_y, changed_x = np.nonzero(np.any(frame != portrait, axis=2))
    assert changed_x.size > 0
    lm = source.landmarks
    assert lm is not None
    ew, eh = lm.eye_size
    inside = np.zeros(changed_x.shape, bool)
    for ex, ey in (lm.left_eye, lm.right_eye):
        inside |= (np.abs(changed_x - ex) <= 0.65 * ew) & (np.abs(changed_y - ey) <= eh)
    assert inside.all()


def test_gaze_moves_the_iris_toward_the_screen_side(
    engine: FallbackEngine, source: FallbackSource, regions: FaceRegions
) -> None:
    """The darkest part of each eye (the iris) sits further right for gaze_x = +1 than for -1."""

    def iris_x(frame: np.ndarray, box: tuple[int, int, int, int]) -> float:
        y0, y1, x0, x1 = box
        luma = frame[y0:y1, x0:x1].astype(float).mean(axis=2)
        dark = luma <= np.percentile(luma, 15)
        return float(np.nonzero(dark)[1].mean())

    left = _render(engine, source, gaze_x=-1.0)
    right = _render(engine, source, gaze_x=1.0)
    for box in (regions.left_eye, regions.right_eye):
        assert iris_x(right, box) - iris_x(left, box) > 2.0


def test_closed_eyes_are_lid_coloured_not_dark(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray, regions: FaceRegions
) -> None:
    """Closing covers the dark iris with lid skin: the eye region gets brighter and smoother."""
    closed = _render(engine, source, eye_open=-1.0)
    for box in (regions.left_eye, regions.right_eye):
        y0, y1, x0, x1 = box
        before = portrait[y0:y1, x0:x1].astype(float).mean(axis=2)
        after = closed[y0:y1, x0:x1].astype(float).mean(axis=2)
        assert after.mean() > before.mean() + 15
        assert np.percentile(after, 10) > np.percentile(before, 10) + 20


def test_open_mouth_shows_a_dark_interior(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray
) -> None:
    lm = source.landmarks
    assert lm is not None
    x, y = round(lm.mouth_center[0]), round(lm.mouth_center[1])
    column = slice(x - 3, x + 4)
    rows = slice(y, y + round(0.08 * lm.face_height))
    before = portrait[rows, column].astype(float).mean()
    after = _render(engine, source, mouth_open=1.0)[rows, column].astype(float).mean()
    assert after < 0.5 * before


def test_smile_lifts_the_mouth_corners(engine: FallbackEngine, source: FallbackSource) -> None:
    """The mouth's dark outline near the corners is higher with smile +1 than with -1."""
    lm = source.landmarks
    assert lm is not None

    def dark_rows(frame: np.ndarray, x: float) -> float:
        ys = slice(round(lm.mouth_left[1] - 12), round(lm.mouth_left[1] + 12))
        luma = frame[ys, round(x) - 2 : round(x) + 3].astype(float).mean(axis=(1, 2))
        return float(np.argmin(luma))

    happy = _render(engine, source, smile=1.0)
    sad = _render(engine, source, smile=-1.0)
    inset = 0.15 * lm.mouth_width
    for x in (lm.mouth_left[0] + inset, lm.mouth_right[0] - inset):
        assert dark_rows(happy, x) < dark_rows(sad, x)


@pytest.mark.parametrize(
    "pose",
    [
        {"head_yaw": 25.0},
        {"head_yaw": -25.0},
        {"head_pitch": 20.0},
        {"head_pitch": -20.0},
        {"head_roll": 20.0},
        {"head_roll": -20.0},
    ],
    ids=str,
)
def test_head_angles_move_the_head_not_the_background(
    engine: FallbackEngine,
    source: FallbackSource,
    portrait: np.ndarray,
    regions: FaceRegions,
    pose: dict[str, float],
) -> None:
    frame = _render(engine, source, **pose)
    assert region_diff(frame, portrait, regions.face) > 3 * MOVED
    for name in ALL:
        assert region_diff(frame, portrait, getattr(regions, name)) > MOVED, name
    _assert_background_untouched(frame, portrait, source)


def test_head_turns_toward_the_named_screen_side(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray
) -> None:
    """yaw + moves the face right, pitch + moves it up, roll + tilts the top to the right."""
    lm = source.landmarks
    assert lm is not None

    def shift(frame: np.ndarray, box: tuple[int, int, int, int]) -> tuple[float, float]:
        """Best integer (dx, dy) aligning the portrait patch `box` with the frame."""
        y0, y1, x0, x1 = box
        patch = portrait[y0:y1, x0:x1].astype(np.float32)
        best = (np.inf, 0, 0)
        for dy in range(-20, 21):
            for dx in range(-20, 21):
                moved = frame[y0 + dy : y1 + dy, x0 + dx : x1 + dx].astype(np.float32)
                best = min(best, (float(np.abs(moved - patch).mean()), dx, dy))
        return best[1], best[2]

    nose = (round(lm.left_eye[1]) + 8, round(lm.mouth_center[1]) - 8, 205, 245)
    assert shift(_render(engine, source, head_yaw=25.0), nose)[0] >= 4
    assert shift(_render(engine, source, head_yaw=-25.0), nose)[0] <= -4
    assert shift(_render(engine, source, head_pitch=20.0), nose)[1] <= -4
    assert shift(_render(engine, source, head_pitch=-20.0), nose)[1] >= 4
    hair = (30, 50, 200, 250)
    assert shift(_render(engine, source, head_roll=20.0), hair)[0] >= 4
    assert shift(_render(engine, source, head_roll=-20.0), hair)[0] <= -4


HEAD_REACH_X = 1.25  # face widths either side of the face-box centre: the head and its hair
HEAD_REACH_BELOW = 0.6  # face heights below the face box: the neck, not the collar
HEAD_REACH = 1.5  # face widths from the face-box centre in any direction


def _outside_the_head(shape: tuple[int, ...]) -> np.ndarray:
    """Pixels no head movement may touch, stated from the face box read off the portrait by eye
    (not from the engine's detection or mask): beyond `HEAD_REACH_X` face widths left or right of
    the face-box centre, more than `HEAD_REACH_BELOW` face heights below the face box, or beyond
    `HEAD_REACH` face widths of its centre. On the bundled portrait: the flag, the shuttle, the
    suit and the collar ring."""
    x0, y0, x1, y1 = FACE_BY_EYE
    fw, fh = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]]
    return (
        (np.abs(xx - cx) > HEAD_REACH_X * fw)
        | (yy > y1 + HEAD_REACH_BELOW * fh)
        | (np.hypot(xx - cx, yy - cy) > HEAD_REACH * fw)
    )


def _assert_background_untouched(
    frame: np.ndarray, portrait: np.ndarray, source: FallbackSource
) -> None:
    """Corners, everything beyond 2.2 face widths of the face centre, the region outside the head
    stated from the face box read by eye, and everything the engine's own head mask excludes, are
    bit-identical to the portrait."""
    h, w = portrait.shape[:2]
    for ys, xs in ((slice(0, 60), slice(0, 60)), (slice(0, 60), slice(w - 60, w))):
        assert np.array_equal(frame[ys, xs], portrait[ys, xs])
    assert np.array_equal(frame[h - 60 :], portrait[h - 60 :])
    x0, y0, x1, y1 = source.face_box
    yy, xx = np.mgrid[0:h, 0:w]
    far = np.hypot(xx - (x0 + x1) / 2, yy - (y0 + y1) / 2) > 2.2 * (x1 - x0)
    assert np.array_equal(frame[far], portrait[far])
    beyond = _outside_the_head(portrait.shape)
    assert beyond.sum() > 0.75 * h * w
    moved = np.any(frame[beyond] != portrait[beyond], axis=-1)
    assert not moved.any(), f"{int(moved.sum())} background pixels moved"
    rig = source.rig
    assert rig is not None
    ry0, ry1, rx0, rx1 = rig.roi
    outside = np.ones((h, w), bool)
    outside[ry0:ry1, rx0:rx1] = rig.head.mask == 0
    assert outside.sum() > 0.5 * h * w
    assert np.array_equal(frame[outside], portrait[outside])


def test_every_pose_keeps_the_background(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray
) -> None:
    """All channels at their extremes at once still leave the background alone."""
    extreme = Pose.from_array(np.array([20, -25, 20, 1, -1, -1, 1, 1, 1, 1, 1, 1], dtype=float))
    _assert_background_untouched(engine.render(source, [extreme])[0], portrait, source)


def test_rest_pose_is_the_original_image(
    engine: FallbackEngine, source: FallbackSource, portrait: np.ndarray
) -> None:
    frame = engine.render(source, [Pose()])[0]
    assert frame.dtype == np.uint8 and frame.shape == portrait.shape
    assert np.array_equal(frame, portrait)
    assert frame is not portrait


@pytest.mark.parametrize(
    ("channel", "full"),
    [("smile", 1.0), ("mouth_open", 1.0), ("eye_open", -1.0), ("eyebrow", 1.0), ("head_yaw", 25.0)],
)
def test_change_grows_smoothly_with_the_value(
    engine: FallbackEngine,
    source: FallbackSource,
    portrait: np.ndarray,
    regions: FaceRegions,
    channel: str,
    full: float,
) -> None:
    """No jumps: a small value changes a little, and more of the channel changes more."""
    diffs = [
        region_diff(_render(engine, source, **{channel: share * full}), portrait, regions.face)
        for share in (0.05, 0.3, 0.6, 1.0)
    ]
    assert diffs == sorted(diffs)
    assert 0.0 < diffs[0] < 0.2 * diffs[-1]


def test_render_is_deterministic(engine: FallbackEngine, source: FallbackSource) -> None:
    pose = Pose(head_yaw=12, head_roll=-7, smile=0.6, wink=0.8, mouth_open=0.5, gaze_x=0.3)
    first = engine.render(source, [pose, Pose(), pose])
    again = FallbackEngine().render(source, [pose])
    assert first[0].tobytes() == first[2].tobytes() == again[0].tobytes()
