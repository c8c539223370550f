"""Reading a portrait photo and preparing it for an engine, with errors that name the file.

Reading comes first and is cheap, so a mistyped path is reported before any engine (and torch)
is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from agent._files import not_a_regular_file
from animator.errors import PortraitError
from animator.portrait import MAX_SIDE, fit_for_display, load_portrait
from contracts import Engine, Source

Box = tuple[int, int, int, int]


def read_portrait(path: Path, fit: tuple[int, int] | None = None) -> np.ndarray:
    """The photo at `path` as (H, W, 3) uint8 RGB at display size: long side at most
    `animator.portrait.DISPLAY_SIDE`, or what an output of `fit` (width, height) needs.

    Raises:
        PortraitError: "portrait '<path>': <problem and what to do>", also for a FIFO or device
            (refused at once instead of blocking) and an image too large to decode safely.
    """
    with _named(path):
        return fit_for_display(_load(path), fit)


def prepare_portrait(
    engine: Engine, image: np.ndarray, path: Path, face: int | None = None
) -> Source:
    """Let `engine` find the face in `image` (read from `path`): face number `face` (from 1,
    left to right), or the largest when None.

    Raises:
        NoFaceError: "portrait '<path>': no face found. ...".
        PortraitError: "portrait '<path>': face 3 was asked for but 2 faces were found; ...".
    """
    with _named(path):
        return engine.prepare(image, face)


def photo_faces(engine: Engine, path: Path) -> tuple[np.ndarray, list[Box]]:
    """The photo at `path` and its face boxes (x0, y0, x1, y1) in its own pixels, in face-number
    order; faces are looked for at display size, as the live app and renders look for them.

    Raises:
        PortraitError: "portrait '<path>': <problem and what to do>".
    """
    with _named(path):
        photo = _load(path)
        display = fit_for_display(photo)
        boxes = engine.find_faces(display)
    return photo, [_scaled(box, photo.shape[1] / display.shape[1]) for box in boxes]


def _scaled(box: Box, scale: float) -> Box:
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    return x0, y0, x1, y1


def draw_face_boxes(photo: np.ndarray, boxes: list[Box], out: Path) -> None:
    """Write `photo` ((H, W, 3) uint8 RGB) as a PNG at `out` with each box outlined and
    numbered from 1 (the numbers `--face N` takes).

    Raises:
        OSError: `out` cannot be written.
    """
    image = Image.fromarray(photo)
    draw = ImageDraw.Draw(image)
    line = max(2, round(max(photo.shape[:2]) / 300))
    for number, (x0, y0, x1, y1) in enumerate(boxes, start=1):
        size = max(14, round((y1 - y0) / 4))
        font = ImageFont.load_default(size=size)
        draw.rectangle((x0, y0, x1, y1), outline=(255, 220, 0), width=line)
        label_y = max(0, y0 - size - 2 * line)
        draw.rectangle((x0, label_y, x0 + size, label_y + size + line), fill=(255, 220, 0))
        draw.text((x0 + line, label_y), str(number), fill=(0, 0, 0), font=font)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="PNG")


def _load(path: Path) -> np.ndarray:
    """`load_portrait`, refusing a FIFO or device at once (reading one would block) and an
    image too large to decode safely."""
    problem = not_a_regular_file(path)
    if problem is not None and not path.is_dir():  # the loader words the folder case itself
        raise PortraitError(f"{path}: {problem}. Give the path of a photo file.")
    try:
        return load_portrait(path)
    except Image.DecompressionBombError as exc:
        raise PortraitError(
            f"{path}: the image is too large to decode safely (more than "
            f"{2 * Image.MAX_IMAGE_PIXELS:,} pixels); scale it down to at most "
            f"{MAX_SIDE} pixels a side"
        ) from exc


@contextmanager
def _named(path: Path) -> Iterator[None]:
    try:
        yield
    except PortraitError as exc:
        # Loader messages start with the path, engine messages with "image"; say it once.
        detail = str(exc).removeprefix(f"{path}: ").removeprefix("image: ")
        raise type(exc)(f"portrait '{path}': {detail}") from exc
