"""Half-block terminal preview: exact colours per cell, fitted size, runs, plain-ANSI output."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from rich.console import Console
from rich.style import Style

from renderer import halfblock, halfblock_ansi, halfblock_segments

TL, TR, BL, BR = (255, 0, 0), (0, 255, 0), (0, 0, 255), (250, 251, 252)
TWO_BY_TWO = np.array([[TL, TR], [BL, BR]], dtype=np.uint8)


def _rgb(style: Style | str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    assert isinstance(style, Style)
    assert style.color is not None and style.bgcolor is not None
    fg, bg = style.color.triplet, style.bgcolor.triplet
    assert fg is not None and bg is not None
    return tuple(fg), tuple(bg)  # type: ignore[return-value]


def test_two_by_two_maps_to_upper_and_lower_pixel_colours() -> None:
    text = halfblock(TWO_BY_TWO, 2, 1)
    assert text.plain == "▀▀"
    cells = {span.start: _rgb(span.style) for span in text.spans}
    assert cells == {0: (TL, BL), 1: (TR, BR)}
    assert all(span.end - span.start == 1 for span in text.spans)


def test_equal_neighbouring_cells_share_one_span() -> None:
    image = np.zeros((2, 6, 3), np.uint8)
    image[0] = (10, 20, 30)
    image[1] = (40, 50, 60)
    image[:, 4:] = (1, 2, 3)
    text = halfblock(image, 6, 1)
    runs = [(span.start, span.end, _rgb(span.style)) for span in text.spans]
    assert runs == [
        (0, 4, ((10, 20, 30), (40, 50, 60))),
        (4, 6, ((1, 2, 3), (1, 2, 3))),
    ]


def test_output_has_exactly_the_requested_rows_and_columns_with_centred_image() -> None:
    wide = np.full((50, 100, 3), 128, np.uint8)  # 2:1 → 40x20 pixels → 40 cols x 10 rows
    lines = halfblock(wide, 40, 20).plain.split("\n")
    assert len(lines) == 20 and all(len(line) == 40 for line in lines)
    image_rows = [i for i, line in enumerate(lines) if "▀" in line]
    assert image_rows == list(range(5, 15))
    assert all(line == "▀" * 40 for line in lines[5:15])

    tall = np.full((100, 50, 3), 128, np.uint8)  # 1:2 → 20 cols x 40 pixel rows = 20 rows
    lines = halfblock(tall, 40, 20).plain.split("\n")
    assert len(lines) == 20
    assert all(line == " " * 10 + "▀" * 20 + " " * 10 for line in lines)


def test_spans_point_at_the_image_cells_not_the_margins() -> None:
    wide = np.full((2, 8, 3), 77, np.uint8)  # 4:1 into 6x3 cells → 6 cols x 1 row, centred
    text = halfblock(wide, 6, 3)
    assert text.plain.split("\n") == ["      ", "▀▀▀▀▀▀", "      "]
    (span,) = text.spans
    assert (span.start, span.end) == (7, 13)  # the second line starts after 6 cells + "\n"

    tall = np.full((4, 2, 3), 77, np.uint8)  # 1:2 into 6x1 cells → 1 col x 1 row, centred
    text = halfblock(tall, 6, 1)
    assert text.plain == "  ▀   "
    (span,) = text.spans
    assert (span.start, span.end) == (2, 3)


def test_downscaling_averages_areas() -> None:
    image = np.zeros((4, 2, 3), np.uint8)  # top half: one black and one 200-grey pixel row
    image[1] = 200
    image[2:] = (90, 60, 30)
    text = halfblock(image, 1, 1)  # 1x2 pixels: top = mean of rows 0-1, bottom = rows 2-3
    (span,) = text.spans
    assert _rgb(span.style) == ((100, 100, 100), (90, 60, 30))


def test_segments_and_ansi_carry_the_same_colours() -> None:
    lines = halfblock_segments(TWO_BY_TWO, 4, 1)
    (line,) = lines
    assert "".join(segment.text for segment in line) == " ▀▀ "
    coloured = [segment for segment in line if segment.style is not None]
    assert [_rgb(segment.style) for segment in coloured] == [(TL, BL), (TR, BR)]

    ansi = halfblock_ansi(TWO_BY_TWO, 4, 1)
    codes = re.findall(r"\x1b\[38;2;(\d+);(\d+);(\d+);48;2;(\d+);(\d+);(\d+)m▀", ansi)
    assert [tuple(map(int, code)) for code in codes] == [(*TL, *BL), (*TR, *BR)]
    assert re.sub(r"\x1b\[[0-9;]*m", "", ansi) == " ▀▀ "
    assert ansi.endswith("\x1b[0m ")


def test_rich_prints_truecolor_escapes() -> None:
    out = io.StringIO()
    Console(file=out, color_system="truecolor", width=10, force_terminal=True).print(
        halfblock(TWO_BY_TWO, 2, 1)
    )
    assert "38;2;255;0;0" in out.getvalue() and "48;2;0;0;255" in out.getvalue()


@pytest.mark.parametrize(
    ("image", "width", "height", "match"),
    [
        (np.zeros((4, 4), np.uint8), 4, 2, r"\(H, W, 3\) uint8"),
        (np.zeros((4, 4, 3), np.float32), 4, 2, "float32"),
        (np.zeros((0, 4, 3), np.uint8), 4, 2, "shape"),
        (np.zeros((4, 4, 3), np.uint8), 0, 2, "at least 1x1"),
    ],
)
def test_bad_input_is_rejected_clearly(
    image: np.ndarray, width: int, height: int, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        halfblock(image, width, height)
