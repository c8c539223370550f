"""Reading a portrait photo and preparing it for an engine, with errors that name the file.

Reading comes first and is cheap, so a mistyped path is reported before any engine (and torch)
is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from animator.errors import PortraitError
from animator.portrait import load_portrait
from contracts import Engine, Source


def read_portrait(path: Path) -> np.ndarray:
    """The photo at `path` as (H, W, 3) uint8 RGB.

    Raises:
        PortraitError: "portrait '<path>': <problem and what to do>".
    """
    with _named(path):
        return load_portrait(path)


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
