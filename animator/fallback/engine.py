"""`FallbackEngine`: renders every `Pose` channel on any one-face portrait, on CPU, without weights.

It is what runs until the LivePortrait weights are downloaded, and it says so in its `info`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from animator.errors import PortraitError
from animator.fallback._rig import FaceRig
from animator.fallback.landmarks import FaceLandmarks, detect_landmarks, find_face_boxes
from animator.portrait import load_portrait
from contracts.engine import Engine, EngineInfo, Source
from contracts.pose import Pose

log = logging.getLogger("avatar.animator")

RIG_CACHE_SIZE = 4  # portraits whose rigs a FallbackEngine keeps for plain `Source`s

INFO = EngineInfo(
    name="fallback",
    device="cpu",
    dtype="float32",
    real_weights=False,
    fallback=True,
    note="LivePortrait weights not found: run `avatar models download` for photoreal animation",
)


@dataclass(eq=False)
class FallbackSource(Source):
    """A `Source` carrying the fallback engine's precomputed rig.

    Attributes:
        landmarks: the animated face's landmarks in image pixels.
        rig: fields, masks and paints computed once in `prepare`.
    """

    landmarks: FaceLandmarks | None = None
    rig: FaceRig | None = field(default=None, repr=False)


class FallbackEngine(Engine):
    """Weight-free engine: Haar-cascade landmarks and smooth local warps of the head region."""

    def __init__(self) -> None:
        self._rigs: dict[str, FaceRig] = {}

    @property
    def info(self) -> EngineInfo:
        """Announces itself as the fallback (no weights, CPU)."""
        return INFO

    def prepare(
        self, image: np.ndarray, face: int | None = None, name: str = "image"
    ) -> FallbackSource:
        """Find the face and precompute everything `render` needs.

        Args:
            image: (H, W, 3) uint8 RGB portrait.
            face: which face to animate, numbered from 1 left to right; None: the largest.
            name: how error messages and notes name the portrait (a file name, or "image").

        Raises:
            PortraitError: `image` is not an (H, W, 3) uint8 array, or has no face `face`.
            NoFaceError: no face is visible.
        """
        _check_image(image, name)
        image = image.copy()  # the rig keeps it: later edits by the caller must not leak in
        landmarks, notes = detect_landmarks(image, name, face)
        rig = FaceRig.build(image, landmarks)
        log.info("%s: face %s, ROI %s", name, landmarks.face_box, rig.roi)
        source = FallbackSource(
            image=image, face_box=landmarks.face_box, notes=notes, landmarks=landmarks, rig=rig
        )
        self._remember(source.image_hash, rig)
        return source

    def prepare_path(self, path: str | Path, face: int | None = None) -> FallbackSource:
        """`prepare` the portrait file at `path` (errors name the file).

        Raises:
            PortraitError: the file is missing, unreadable or not an image.
            NoFaceError: no face is visible.
        """
        return self.prepare(load_portrait(path), face, name=str(path))

    def find_faces(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Every face box (x0, y0, x1, y1) in face-number order (face N is item N - 1)."""
        _check_image(image, "image")
        return find_face_boxes(image)

    def render(self, source: Source, poses: Sequence[Pose]) -> list[np.ndarray]:
        """One (H, W, 3) uint8 RGB frame per pose at the source's full size.

        A `Source` prepared by another engine is accepted too: its rig is built on first use.
        """
        rig = self._rig(source)
        return [rig.render(pose.to_array()) for pose in poses]

    def _remember(self, image_hash: str, rig: FaceRig) -> None:
        """Keep the rigs of the last few portraits, for sources that do not carry their own."""
        self._rigs.pop(image_hash, None)
        self._rigs[image_hash] = rig
        while len(self._rigs) > RIG_CACHE_SIZE:
            del self._rigs[next(iter(self._rigs))]

    def _rig(self, source: Source) -> FaceRig:
        if isinstance(source, FallbackSource) and source.rig is not None:
            return source.rig
        rig = self._rigs.get(source.image_hash)
        if rig is None:
            rig = self.prepare(source.image).rig
            assert rig is not None, "prepare always builds a rig"
        return rig


def _check_image(image: object, name: str) -> None:
    if (
        not isinstance(image, np.ndarray)
        or image.dtype != np.uint8
        or image.ndim != 3
        or image.shape[2] != 3
    ):
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise PortraitError(
            f"{name}: expected an (H, W, 3) uint8 RGB array, got shape {shape} and dtype {dtype}. "
            "Load files with animator.portrait.load_portrait."
        )
