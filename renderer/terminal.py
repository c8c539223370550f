"""In-terminal preview: an RGB image as truecolor half-block characters.

Each text cell shows two pixels stacked: "▀" with the foreground set to the upper pixel and the
background to the lower one, so a cell row is two pixel rows and pixels come out roughly square.
Pure text, so it works over SSH and without any display. Runs of equal cells share one style,
which keeps both building and printing cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

UPPER_HALF = "▀"


_STYLE_CACHE: dict[int, Style] = {}
_STYLE_CACHE_LIMIT = 20_000  # about three 80x40 previews of distinct cells; ~10 MB at most


@dataclass(frozen=True, slots=True)
class _Cells:
    """The image fitted to the cell grid, as runs of identical cells.

    Attributes:
        rows, cols: size of the image area in cells.
        left, right: blank columns before/after the image area; `above`, `below`: blank rows.
        run_row, run_col, run_len: (runs,) int64 arrays; per run of identical adjacent cells
            within a row, its row and column inside the image area and its length in cells
            (row-major order).
        run_key: per run, (upper pixel 0xRRGGBB) << 24 | (lower pixel 0xRRGGBB).
    """

    rows: int
    cols: int
    left: int
    right: int
    above: int
    below: int
    run_row: np.ndarray
    run_col: np.ndarray
    run_len: np.ndarray
    run_key: list[int]


def _cells(image: np.ndarray, width: int, height: int) -> _Cells:
    """Fit `image` into `width` x `height` cells (2*height pixel rows), aspect preserved."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 \
            or image.shape[2] != 3 or image.shape[0] < 1 or image.shape[1] < 1:
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise ValueError(f"expected an (H, W, 3) uint8 RGB image, got shape {shape} {dtype}")
    if width < 1 or height < 1:
        raise ValueError(f"preview size must be at least 1x1 cells, got {width}x{height}")
    ih, iw = image.shape[:2]
    scale = min(width / iw, 2 * height / ih)
    cols = min(width, max(1, round(iw * scale)))
    rows = min(height, max(1, round(ih * scale / 2)))
    if (cols, 2 * rows) == (iw, ih):
        pixels = image
    else:
        pixels = np.asarray(Image.fromarray(image).resize((cols, 2 * rows), Image.Resampling.BOX))
    key = _pack(pixels[0::2]) << 24 | _pack(pixels[1::2])
    starts = np.ones(key.shape, dtype=bool)
    starts[:, 1:] = key[:, 1:] != key[:, :-1]
    flat = np.flatnonzero(starts)
    # Every row's first cell starts a run, so the next start (or the end) closes each run.
    lengths = np.diff(flat, append=rows * cols)
    left, above = (width - cols) // 2, (height - rows) // 2
    return _Cells(
        rows, cols, left, width - cols - left, above, height - rows - above,
        flat // cols, flat % cols, lengths, key.reshape(-1)[flat].tolist(),
    )


def _pack(pixels: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 → (...) int64 0xRRGGBB."""
    p = pixels.astype(np.int64)
    return p[..., 0] << 16 | p[..., 1] << 8 | p[..., 2]


def _color(rgb: int) -> Color:
    triplet = ColorTriplet(rgb >> 16, rgb >> 8 & 0xFF, rgb & 0xFF)
    return Color(f"#{rgb:06x}", ColorType.TRUECOLOR, None, triplet)


def _style(key: int) -> Style:
    """The cached style for a run key; the cache pays off across the frames of a live preview."""
    style = _STYLE_CACHE.get(key)
    if style is None:
        if len(_STYLE_CACHE) >= _STYLE_CACHE_LIMIT:
            _STYLE_CACHE.clear()
        style = _STYLE_CACHE[key] = Style.from_color(_color(key >> 24), _color(key & 0xFFFFFF))
    return style


def halfblock(image: np.ndarray, width: int, height: int) -> Text:
    """Render `image` as a rich `Text` of exactly `height` lines of `width` cells.

    Args:
        image: (H, W, 3) uint8 RGB.
        width: columns of the preview.
        height: text rows of the preview; each shows two pixel rows.

    Returns:
        Text whose image cells are "▀" styled with fg = upper pixel and bg = lower pixel, resized
        with area averaging to fit, centred; the margins are unstyled spaces.

    Raises:
        ValueError: not an (H, W, 3) uint8 image, or a size below 1x1.
    """
    cells = _cells(image, width, height)
    image_line = " " * cells.left + UPPER_HALF * cells.cols + " " * cells.right
    blank_line = " " * width
    lines = [blank_line] * cells.above + [image_line] * cells.rows + [blank_line] * cells.below
    line_stride = width + 1  # the "\n" between lines
    base = cells.above * line_stride + cells.left
    starts = base + cells.run_row * line_stride + cells.run_col
    ends = starts + cells.run_len
    spans = list(map(Span, starts.tolist(), ends.tolist(), map(_style, cells.run_key)))
    return Text("\n".join(lines), spans=spans, no_wrap=True, overflow="crop")


def halfblock_segments(image: np.ndarray, width: int, height: int) -> list[list[Segment]]:
    """Like `halfblock`, as lines of rich `Segment`s (no newlines), ready for Textual `Strip`s.

    Rendering a many-span `Text` costs rich far more than building it; a widget that draws
    these lines directly (`render_line` → `Strip(line, width)`) skips that work.
    """
    cells = _cells(image, width, height)
    lines: list[list[Segment]] = [[Segment(" " * cells.left)] for _ in range(cells.rows)]
    runs = zip(cells.run_row.tolist(), cells.run_len.tolist(), cells.run_key, strict=True)
    for row, length, key in runs:
        lines[row].append(Segment(UPPER_HALF * length, _style(key)))
    for line in lines:
        line.append(Segment(" " * cells.right))
    blank = [Segment(" " * width)]
    return [blank] * cells.above + lines + [blank] * cells.below


def halfblock_ansi(image: np.ndarray, width: int, height: int) -> str:
    """Like `halfblock`, as a plain string with 24-bit ANSI colour escapes (for `print`).

    Each line ends with a reset ("\\x1b[0m"); lines are joined with "\\n", no trailing newline.
    """
    cells = _cells(image, width, height)
    rows: list[list[str]] = [[" " * cells.left] for _ in range(cells.rows)]
    runs = zip(cells.run_row.tolist(), cells.run_len.tolist(), cells.run_key, strict=True)
    for row, length, key in runs:
        fg, bg = key >> 24, key & 0xFFFFFF
        rows[row].append(
            f"\x1b[38;2;{fg >> 16};{fg >> 8 & 0xFF};{fg & 0xFF};"
            f"48;2;{bg >> 16};{bg >> 8 & 0xFF};{bg & 0xFF}m{UPPER_HALF * length}"
        )
    tail = "\x1b[0m" + " " * cells.right
    blank = [" " * width]
    lines = blank * cells.above + ["".join(parts) + tail for parts in rows] + blank * cells.below
    return "\n".join(lines)
