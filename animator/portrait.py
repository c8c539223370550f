"""Load any JPEG/PNG/WebP portrait as an upright RGB array, with errors that name the file."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from animator.errors import PortraitError

log = logging.getLogger("avatar.animator")

MAX_SIDE = 4096
MIN_SIDE = 64
DISPLAY_SIDE = 1024  # long side of the frames the app shows and renders unless asked for more


def load_portrait(path: str | Path) -> np.ndarray:
    """Read an image file and return it as (H, W, 3) uint8 RGB.

    EXIF orientation is applied, RGBA is composited on white, greyscale and palette images are
    expanded to RGB, and images larger than 4096 px on a side are scaled down.

    Raises:
        PortraitError: the file is missing, unreadable, not an image, or too small.
    """
    path = Path(path)
    if not path.exists():
        raise PortraitError(f"{path}: file not found. Give the path of a JPEG, PNG or WebP photo.")
    if path.is_dir():
        raise PortraitError(f"{path}: is a folder, not an image file.")
    try:
        with Image.open(path) as img:
            img.load()
            image = _to_rgb(ImageOps.exif_transpose(img))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PortraitError(
            f"{path}: not a readable image ({exc.__class__.__name__}). "
            "Use a JPEG, PNG or WebP photo."
        ) from exc
    return _limit_size(image, path)


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        canvas.alpha_composite(rgba)
        return canvas.convert("RGB")
    if img.mode == "I;16" or img.mode == "I":
        arr = np.asarray(img, dtype=np.float64)
        top = max(float(arr.max()), 1.0)
        return Image.fromarray((arr / top * 255.0).astype(np.uint8)).convert("RGB")
    return img.convert("RGB")


def _limit_size(img: Image.Image, path: Path) -> np.ndarray:
    width, height = img.size
    if min(width, height) < MIN_SIDE:
        raise PortraitError(
            f"{path}: image is {width}x{height}; a portrait needs at least {MIN_SIDE} px per side."
        )
    longest = max(width, height)
    if longest > MAX_SIDE:
        scale = MAX_SIDE / longest
        img = img.resize((round(width * scale), round(height * scale)), Image.Resampling.LANCZOS)
        log.info("%s: scaled %dx%d down to %dx%d", path, width, height, *img.size)
    return np.ascontiguousarray(np.asarray(img, dtype=np.uint8))


def display_scale(width: int, height: int, fit: tuple[int, int] | None = None) -> float:
    """The factor (at most 1) that brings a `width` x `height` photo to display size.

    Display size keeps the long side at most DISPLAY_SIDE, or, when an output of `fit`
    (width, height) asks for more, what filling that output needs; a photo is never scaled up.
    """
    longest = max(width, height)
    wanted = DISPLAY_SIDE
    if fit is not None:
        wanted = max(wanted, math.ceil(longest * min(fit[0] / width, fit[1] / height)))
    return min(1.0, wanted / longest)


def fit_for_display(image: np.ndarray, fit: tuple[int, int] | None = None) -> np.ndarray:
    """`image` ((H, W, 3) uint8) scaled down to display size (see `display_scale`), so engines
    animate, and the window and renders carry, no more pixels than can be shown."""
    height, width = image.shape[:2]
    scale = display_scale(width, height, fit)
    if scale >= 1.0:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    log.info("portrait scaled %dx%d down to %dx%d for display", width, height, *size)
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)
