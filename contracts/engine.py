"""The engine interface: `prepare(image) -> Source` once per portrait, `render(source, poses)`."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, ConfigDict

from contracts.pose import Pose


class EngineInfo(BaseModel):
    """What an engine tells the status line about itself.

    Attributes:
        name: short engine name ("liveportrait", "fallback").
        device: "cpu", "cuda:0", ...
        dtype: compute precision ("float32", "float16").
        backend: what executes the model ("torch", "onnxruntime/CUDA", ...); empty when the
            engine has no such choice.
        cache: the frame cache's state ("frame cache 62% hits, 120 MB"), empty when unused.
        real_weights: True when it runs the real model weights.
        fallback: True for the weight-free fallback engine, which says so in every status line.
        note: a short line for the user (e.g. how to get the real weights).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    device: str = "cpu"
    dtype: str = "float32"
    backend: str = ""
    cache: str = ""
    real_weights: bool = False
    fallback: bool = False
    note: str = ""

    def status_line(self) -> str:
        """One line for status bars and CLI output, e.g. 'fallback engine (cpu, no weights)'."""
        weights = "real weights" if self.real_weights else "no weights"
        kind = "FALLBACK engine" if self.fallback else f"{self.name} engine"
        runtime = f"{self.backend}, " if self.backend else ""
        cache = f", {self.cache}" if self.cache else ""
        return f"{kind} ({self.device}, {self.dtype}, {runtime}{weights}{cache})"


@dataclass(eq=False)
class Source:
    """Per-portrait state an engine computes once in `prepare` and reuses for every frame.

    Attributes:
        image: the original portrait, (H, W, 3) uint8 RGB.
        image_hash: SHA-256 of the pixels, the key of on-disk caches.
        face_box: (x0, y0, x1, y1) of the animated face in original-image pixels.
        notes: messages for the user (e.g. "3 faces found, animating the largest").
    """

    image: np.ndarray
    face_box: tuple[int, int, int, int]
    image_hash: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.image_hash:
            self.image_hash = hash_image(self.image)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the output frames."""
        return int(self.image.shape[1]), int(self.image.shape[0])


def hash_image(image: np.ndarray) -> str:
    """SHA-256 hex digest of an image's shape and pixels."""
    digest = hashlib.sha256(str(image.shape).encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    return digest.hexdigest()


class Engine(ABC):
    """Turns poses into frames of one portrait. Subclasses: LivePortrait, fallback."""

    @property
    @abstractmethod
    def info(self) -> EngineInfo:
        """Name, device, dtype and whether real weights run."""

    @abstractmethod
    def prepare(self, image: np.ndarray, face: int | None = None) -> Source:
        """Find the face and precompute per-portrait state.

        Args:
            image: (H, W, 3) uint8 RGB portrait.
            face: which face to animate when there are several, numbered from 1 left to right
                (as `find_faces` lists them); None: the engine's choice (the largest).

        Raises:
            animator.NoFaceError (a ValueError) when no face is visible; animator.PortraitError
            when there is no face number `face`.
        """

    @abstractmethod
    def find_faces(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Every face box (x0, y0, x1, y1) in `image`, in face-number order (face N is item
        N - 1); empty when there is none."""

    @abstractmethod
    def render(self, source: Source, poses: Sequence[Pose]) -> list[np.ndarray]:
        """Render one frame per pose: each (H, W, 3) uint8 RGB at the source's full size."""
