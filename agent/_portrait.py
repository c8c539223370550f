"""Reading a portrait photo and preparing it for an engine, with errors that name the file.

Reading comes first and is cheap, so a mistyped path is reported before any engine (and torch)
is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image

from agent._files import not_a_regular_file
from animator.errors import PortraitError
from animator.portrait import MAX_SIDE, load_portrait
from contracts import Engine, Source


def read_portrait(path: Path) -> np.ndarray:
    """The photo at `path` as (H, W, 3) uint8 RGB.

    Raises:
        PortraitError: "portrait '<path>': <problem and what to do>", also for a FIFO or device
            (refused at once instead of blocking) and an image too large to decode safely.
    """
    problem = not_a_regular_file(path)
    if problem is not None and not path.is_dir():  # the loader words the folder case itself
        raise PortraitError(f"portrait '{path}': {problem}. Give the path of a photo file.")
    with _named(path):
        try:
            return load_portrait(path)
        except Image.DecompressionBombError as exc:
            raise PortraitError(
                f"{path}: the image is too large to decode safely (more than "
                f"{2 * Image.MAX_IMAGE_PIXELS:,} pixels); scale it down to at most "
                f"{MAX_SIDE} pixels a side"
            ) from exc


def prepare_portrait(engine: Engine, image: np.ndarray, path: Path) -> Source:
    """Let `engine` find the face in `image` (read from `path`).

    Raises:
        NoFaceError: "portrait '<path>': no face found. ...".
    """
    with _named(path):
        return engine.prepare(image)


@contextmanager
def _named(path: Path) -> Iterator[None]:
    try:
        yield
    except PortraitError as exc:
        # Loader messages start with the path, engine messages with "image"; say it once.
        detail = str(exc).removeprefix(f"{path}: ").removeprefix("image: ")
        raise type(exc)(f"portrait '{path}': {detail}") from exc
