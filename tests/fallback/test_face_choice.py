"""A photo with two faces: the fallback engine numbers them left to right, says which one moves,
and animates the one asked for."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from animator.errors import PortraitError
from animator.fallback import FallbackEngine
from contracts.pose import Pose

# the bundled portrait's head pasted twice: small on the left, large on the right
SMALL_AT, SMALL_SIDE = (100, 60), 220
LARGE_AT, LARGE_SIDE = (60, 520), 320


@pytest.fixture(scope="module")
def pair(portrait: np.ndarray) -> np.ndarray:
    canvas = np.full((400, 900, 3), 200, np.uint8)
    head = portrait[10:230, 120:340]
    for (y, x), side in ((SMALL_AT, SMALL_SIDE), (LARGE_AT, LARGE_SIDE)):
        canvas[y : y + side, x : x + side] = cv2.resize(head, (side, side))
    return canvas


def _inside(box: tuple[int, int, int, int], at: tuple[int, int], side: int) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return at[1] < cx < at[1] + side and at[0] < cy < at[0] + side


def test_faces_are_listed_left_to_right(engine: FallbackEngine, pair: np.ndarray) -> None:
    boxes = engine.find_faces(pair)
    assert len(boxes) == 2
    assert _inside(boxes[0], SMALL_AT, SMALL_SIDE)
    assert _inside(boxes[1], LARGE_AT, LARGE_SIDE)


def test_default_animates_the_largest_and_names_its_number(
    engine: FallbackEngine, pair: np.ndarray
) -> None:
    source = engine.prepare(pair, name="pair.png")
    assert _inside(source.face_box, LARGE_AT, LARGE_SIDE)
    assert source.notes == [
        "2 faces found in pair.png; animating face 2 (the largest); "
        "choose another with --face N (or /face N in the console)."
    ]


@pytest.mark.parametrize(
    ("face", "at", "side"), [(1, SMALL_AT, SMALL_SIDE), (2, LARGE_AT, LARGE_SIDE)]
)
def test_the_chosen_face_moves_and_the_other_stays(
    engine: FallbackEngine, pair: np.ndarray, face: int, at: tuple[int, int], side: int
) -> None:
    source = engine.prepare(pair, face=face)
    assert _inside(source.face_box, at, side)
    assert source.notes == [f"2 faces found; animating face {face} as asked."]
    (frame,) = engine.render(source, [Pose(smile=1.0, eyebrow=1.0, mouth_open=0.8)])
    changed = np.abs(frame.astype(np.int16) - pair).max(axis=2) > 0
    other_at, other_side = (LARGE_AT, LARGE_SIDE) if face == 1 else (SMALL_AT, SMALL_SIDE)
    y, x = other_at
    assert not changed[y : y + other_side, x : x + other_side].any()
    y, x = at
    assert changed[y : y + side, x : x + side].sum() > 0.01 * side * side


@pytest.mark.parametrize("face", [0, 3])
def test_a_face_number_that_is_not_there_is_refused(
    engine: FallbackEngine, pair: np.ndarray, face: int
) -> None:
    with pytest.raises(PortraitError) as info:
        engine.prepare(pair, face=face)
    assert f"face {face} was asked for but 2 faces were found; use 1 to 2" in str(info.value)


def test_one_face_photo_takes_face_1_and_refuses_2(
    engine: FallbackEngine, portrait: np.ndarray
) -> None:
    assert engine.prepare(portrait, face=1).notes == []
    with pytest.raises(PortraitError, match="face 2 was asked for but 1 face was found; use 1"):
        engine.prepare(portrait, face=2)
