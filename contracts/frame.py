"""`Frame`: one rendered picture with the pose and the wall-clock time it represents."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.pose import Pose


class Frame(BaseModel):
    """A rendered frame.

    Attributes:
        image: (H, W, 3) uint8 RGB array, C-contiguous.
        seq: sequence number, increasing by one per rendered frame of a session.
        t: the wall-clock (or script) time in seconds the frame represents.
        pose: the pose it was rendered from.
        plan_id: id of the plan that was playing (frames of a preempted plan are dropped).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    image: np.ndarray
    seq: int = Field(ge=0)
    t: float
    pose: Pose = Field(default_factory=Pose)
    plan_id: int = 0

    @field_validator("image")
    @classmethod
    def _rgb_uint8(cls, image: np.ndarray) -> np.ndarray:
        if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
            raise ValueError("frame image must be a uint8 numpy array")
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"frame image must be HxWx3 RGB, got shape {image.shape}")
        return np.ascontiguousarray(image)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])
