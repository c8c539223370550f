"""Loading a portrait photo and preparing it for an engine, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from animator.errors import PortraitError
from animator.portrait import load_portrait
from contracts import Engine, Source


def prepare_portrait(engine: Engine, path: Path) -> tuple[np.ndarray, Source]:
    """Read the photo at `path` and let `engine` find the face in it.

    Returns:
        (image, source): the (H, W, 3) uint8 RGB photo and the engine's prepared source.

    Raises:
        PortraitError / NoFaceError: "portrait '<path>': <problem and what to do>".
    """
    try:
        image = load_portrait(path)
        return image, engine.prepare(image)
    except PortraitError as exc:
        # Loader messages start with the path, engine messages with "image"; say it once.
        detail = str(exc).removeprefix(f"{path}: ").removeprefix("image: ")
        raise type(exc)(f"portrait '{path}': {detail}") from exc
