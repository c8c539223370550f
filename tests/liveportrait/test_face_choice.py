"""LivePortrait's face detector path honours the face number: the same left-to-right numbering as
the fallback engine, a note naming the animated face, a clear error for a number not there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from animator.errors import PortraitError
from animator.liveportrait.engine import LivePortraitEngine, LivePortraitOptions
from animator.liveportrait.networks import LivePortraitNetworks
from tests.liveportrait.engine_helpers import (
    FACE,
    TINY_INPUT,
    face_analyzer,
    portrait,
    tiny_networks,
)
from tests.liveportrait.face_onnx_models import SyntheticFace

# a smaller face up and to the left of FACE (box 240..400 x 120..320): it is face 1
LEFT = SyntheticFace(cx=100, cy=90, width=70, height=80, score=0.95)
LEFT_BOX = (65, 50, 135, 130)
FACE_BOX = (240, 120, 400, 320)


@pytest.fixture(scope="module")
def networks() -> LivePortraitNetworks:
    return tiny_networks()


@pytest.fixture
def engine(networks: LivePortraitNetworks, tmp_path: Path) -> LivePortraitEngine:
    return LivePortraitEngine(
        networks, face_analyzer(tmp_path, [FACE, LEFT]), device="cpu",
        options=LivePortraitOptions(input_size=TINY_INPUT, disk_cache=False),
    )


def test_faces_are_listed_left_to_right(engine: LivePortraitEngine) -> None:
    assert engine.find_faces(portrait()) == [LEFT_BOX, FACE_BOX]


def test_default_is_the_largest_and_the_note_gives_its_number(engine: LivePortraitEngine) -> None:
    source = engine.prepare(portrait())
    assert source.face_box == FACE_BOX
    assert source.notes == [
        "2 faces found; animating face 2 (the largest clear one); "
        "choose another with --face N (or /face N in the console)."
    ]


def test_face_1_prepares_the_left_face(engine: LivePortraitEngine) -> None:
    image = portrait()
    default = engine.prepare(image)
    chosen = engine.prepare(image, face=1)
    assert chosen.face_box == LEFT_BOX
    assert chosen.notes == ["2 faces found; animating face 1 as asked."]
    # the per-portrait state is the left face's, not the cached default's
    assert not np.allclose(chosen.prepared.landmarks203, default.prepared.landmarks203)
    assert engine.prepare(image, face=2).face_box == FACE_BOX


def test_a_face_number_that_is_not_there_is_refused(engine: LivePortraitEngine) -> None:
    with pytest.raises(PortraitError) as info:
        engine.prepare(portrait(), face=3)
    assert "face 3 was asked for but 2 faces were found; use 1 to 2" in str(info.value)
