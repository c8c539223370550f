"""In-terminal preview: an RGB image as truecolor half-block characters.

Each text cell shows two pixels stacked: "▀" with the foreground set to the upper pixel and the
background to the lower one, so a cell row is two pixel rows and pixels come out roughly square.
Pure text, so it works over SSH and without any display. Runs of equal cells share one style,
which keeps both building and printing cheap.

A terminal pane holds few pixels, so the live preview shows the face, not the whole photo
(`face_view`), and fills the pane. Terminals without 24-bit colour (tmux and screen unless
COLORTERM says otherwise) get the 256-colour palette with ordered dithering (`colors="256"`):
the terminal's own rounding to that palette flattens skin tones into blotches and hides small
motions such as a wink.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Literal

import numpy as np
from PIL import Image
from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

UPPER_HALF = "▀"
Colors = Literal["truecolor", "256"]
FACE_MARGIN = 1.9
"""The face view's side as a multiple of the detected face box: hair, ears and chin fit."""
_CUBE = np.array([0, 95, 135, 175, 215, 255])
_GRAYS = np.arange(24) * 10 + 8
_BAYER = (np.array(
    [[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.float64
) + 0.5) / 16.0
_NEUTRAL_SPREAD = 16  # channels closer than this: a grey, drawn on the finer grey ramp


_STYLE_CACHES: dict[str, dict[int, Style]] = {"truecolor": {}, "256": {}}
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


def _cells(image: np.ndarray, width: int, height: int, colors: Colors = "truecolor") -> _Cells:
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
    codes = _pack(pixels) if colors == "truecolor" else _palette_256(pixels)
    key = codes[0::2] << 24 | codes[1::2]
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


def _palette_256(pixels: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 → (H, W) int64 indices into the xterm 256-colour palette (16..255),
    ordered-dithered so that flat areas keep their average colour: near-neutral pixels on the
    fine grey ramp, the others on the 6x6x6 colour cube."""
    h, w = pixels.shape[:2]
    threshold = np.tile(_BAYER, (h // 4 + 1, w // 4 + 1))[:h, :w]
    rgb = pixels.astype(np.float64)
    level = _dither(rgb, _CUBE, threshold[..., None])  # (H, W, 3) cube level per channel
    cube = 16 + 36 * level[..., 0] + 6 * level[..., 1] + level[..., 2]
    gray = 232 + _dither(rgb.mean(axis=-1), _GRAYS, threshold)
    neutral = rgb.max(axis=-1) - rgb.min(axis=-1) < _NEUTRAL_SPREAD
    return np.where(neutral, gray, cube).astype(np.int64)


def _dither(values: np.ndarray, levels: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Index into the ascending `levels` per value: the level below or above it, the one above
    as often as the value is close to it (ordered by `threshold` in [0, 1))."""
    below = np.clip(np.searchsorted(levels, values, side="right") - 1, 0, len(levels) - 2)
    low, high = levels[below], levels[below + 1]
    fraction = np.clip((values - low) / (high - low), 0.0, 1.0)
    return below + (fraction > threshold)


def _color(code: int, colors: Colors) -> Color:
    """The colour of a cell code: 0xRRGGBB, or a palette index for "256"."""
    if colors == "256":
        return Color.from_ansi(code)
    triplet = ColorTriplet(code >> 16, code >> 8 & 0xFF, code & 0xFF)
    return Color(f"#{code:06x}", ColorType.TRUECOLOR, None, triplet)


def face_view(
    size: tuple[int, int], face_box: tuple[int, int, int, int], aspect: float,
    margin: float = FACE_MARGIN,
) -> tuple[int, int, int, int]:
    """The part of an image to preview: the face with room around it, shaped to fill the pane.

    Args:
        size: (width, height) of the image.
        face_box: (x0, y0, x1, y1) of the face in the image.
        aspect: width / height of the pane in pixels (columns / (2 * rows) for half-blocks).
        margin: the view's shorter side as a multiple of the face box's longer side.

    Returns:
        (x0, y0, x1, y1) inside the image, with the pane's aspect unless the image is smaller.
    """
    width, height = size
    x0, y0, x1, y1 = face_box
    side = max(x1 - x0, y1 - y0, 1) * margin
    view_w, view_h = (side * aspect, side) if aspect >= 1 else (side, side / aspect)
    shrink = min(1.0, width / view_w, height / view_h)
    view_w, view_h = max(1.0, view_w * shrink), max(1.0, view_h * shrink)
    left = min(max((x0 + x1 - view_w) / 2, 0.0), width - view_w)
    top = min(max((y0 + y1 - view_h) / 2, 0.0), height - view_h)
    return round(left), round(top), round(left + view_w), round(top + view_h)


def _style(key: int, colors: Colors = "truecolor") -> Style:
    """The cached style for a run key; the cache pays off across the frames of a live preview."""
    cache = _STYLE_CACHES[colors]
    style = cache.get(key)
    if style is None:
        if len(cache) >= _STYLE_CACHE_LIMIT:
            cache.clear()
        upper, lower = _color(key >> 24, colors), _color(key & 0xFFFFFF, colors)
        style = cache[key] = Style.from_color(upper, lower)
    return style


def halfblock(
    image: np.ndarray, width: int, height: int, colors: Colors = "truecolor"
) -> Text:
    """Render `image` as a rich `Text` of exactly `height` lines of `width` cells.

    Args:
        image: (H, W, 3) uint8 RGB.
        width: columns of the preview.
        height: text rows of the preview; each shows two pixel rows.
        colors: "truecolor" (24-bit styles) or "256" (dithered palette indices).

    Returns:
        Text whose image cells are "▀" styled with fg = upper pixel and bg = lower pixel, resized
        with area averaging to fit, centred; the margins are unstyled spaces.

    Raises:
        ValueError: not an (H, W, 3) uint8 image, or a size below 1x1.
    """
    cells = _cells(image, width, height, colors)
    image_line = " " * cells.left + UPPER_HALF * cells.cols + " " * cells.right
    blank_line = " " * width
    lines = [blank_line] * cells.above + [image_line] * cells.rows + [blank_line] * cells.below
    line_stride = width + 1  # the "\n" between lines
    base = cells.above * line_stride + cells.left
    starts = base + cells.run_row * line_stride + cells.run_col
    ends = starts + cells.run_len
    styles = map(partial(_style, colors=colors), cells.run_key)
    spans = list(map(Span, starts.tolist(), ends.tolist(), styles))
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
