"""The terminal preview's face view and its 256-colour fallback."""

from __future__ import annotations

import numpy as np
import pytest

from renderer.terminal import _CUBE, _GRAYS, _palette_256, face_view, halfblock


def palette_rgb(index: np.ndarray) -> np.ndarray:
    """xterm palette index (16..255) → RGB, from the palette's definition."""
    cube = index - 16
    rgb = np.stack([_CUBE[cube // 36 % 6], _CUBE[cube // 6 % 6], _CUBE[cube % 6]], axis=-1)
    gray = np.repeat(_GRAYS[np.clip(index - 232, 0, 23)][..., None], 3, axis=-1)
    return np.where((index >= 232)[..., None], gray, rgb)


def test_face_view_frames_the_face_with_room_around_it() -> None:
    x0, y0, x1, y1 = face_view((512, 512), (200, 150, 300, 250), aspect=1.0)
    assert (x1 - x0, y1 - y0) == (190, 190)  # 1.9 x the face
    assert x0 < 200 and y0 < 150 and x1 > 300 and y1 > 250  # the face is inside, centred
    assert (x0 + x1) / 2 == 250 and (y0 + y1) / 2 == 200


def test_face_view_takes_the_shape_of_the_pane() -> None:
    x0, y0, x1, y1 = face_view((512, 512), (200, 150, 300, 250), aspect=2.0)
    assert (x1 - x0) == 2 * (y1 - y0) == 380


def test_face_view_stays_inside_the_image() -> None:
    x0, y0, x1, y1 = face_view((300, 200), (0, 0, 80, 80), aspect=1.0)
    assert (x0, y0) == (0, 0) and (x1, y1) == (152, 152)
    whole = face_view((120, 100), (10, 10, 110, 90), aspect=1.0)  # the view would not fit
    assert whole[0] >= 0 and whole[1] >= 0 and whole[2] <= 120 and whole[3] <= 100
    assert whole[3] - whole[1] == 100


@pytest.mark.parametrize("colour", [(100, 150, 200), (222, 180, 160), (60, 40, 30)])
def test_256_colours_keep_the_average_colour_of_a_flat_area(colour: tuple[int, int, int]) -> None:
    patch = np.full((32, 32, 3), colour, dtype=np.uint8)
    shown = palette_rgb(_palette_256(patch)).reshape(-1, 3)
    assert np.abs(shown.mean(axis=0) - colour).max() < 8
    assert len({tuple(p) for p in shown}) > 1  # dithered, not one flat nearest colour


def test_greys_use_the_grey_ramp() -> None:
    patch = np.full((8, 8, 3), 128, dtype=np.uint8)
    assert (_palette_256(patch) >= 232).all()


def test_halfblock_in_256_colours_uses_palette_styles_only() -> None:
    image = np.random.default_rng(1).integers(0, 256, (40, 40, 3), dtype=np.uint8)
    text = halfblock(image, 20, 10, colors="256")
    styles = [span.style for span in text.spans]
    assert styles and all(
        style.color.number is not None and style.bgcolor.number is not None  # type: ignore[union-attr]
        and style.color.triplet is None  # type: ignore[union-attr]
        for style in styles
    )
