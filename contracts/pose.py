"""`Pose`: one value per expression channel (EXPRESSIONS.md), clamped into its documented range.

Directions are screen directions as the viewer sees them. Every channel rests at 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

ChannelName = Literal[
    "head_pitch",
    "head_yaw",
    "head_roll",
    "gaze_x",
    "gaze_y",
    "eye_open",
    "wink",
    "eyebrow",
    "smile",
    "mouth_open",
    "mouth_wide",
    "mouth_round",
]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """Range and unit of one channel.

    Attributes:
        name: channel name as in EXPRESSIONS.md.
        low: smallest allowed value.
        high: largest allowed value.
        unit: "deg" for head angles, "" for normalised channels.
        meaning: what the negative and positive ends do, in screen directions.
    """

    name: ChannelName
    low: float
    high: float
    unit: str
    meaning: str

    def clamp(self, value: float) -> float:
        """Return `value` limited to [low, high]; NaN becomes the rest value 0."""
        if value != value:  # NaN never passes on
            return 0.0
        return min(self.high, max(self.low, float(value)))


CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("head_pitch", -20.0, 20.0, "deg", "nod down (-) / up (+)"),
    ChannelSpec("head_yaw", -25.0, 25.0, "deg", "turn to screen left (-) / right (+)"),
    ChannelSpec("head_roll", -20.0, 20.0, "deg", "tilt"),
    ChannelSpec("gaze_x", -1.0, 1.0, "", "eyes to screen left (-) / right (+)"),
    ChannelSpec("gaze_y", -1.0, 1.0, "", "eyes down (-) / up (+)"),
    ChannelSpec("eye_open", -1.0, 1.0, "", "-1 both closed, 0 rest, +1 wide open"),
    ChannelSpec("wink", 0.0, 1.0, "", "the screen-right eye closed"),
    ChannelSpec("eyebrow", -1.0, 1.0, "", "frown/lowered (-) / raised (+)"),
    ChannelSpec("smile", -1.0, 1.0, "", "mouth corners down (-) / smile (+)"),
    ChannelSpec("mouth_open", 0.0, 1.0, "", "jaw/lips open"),
    ChannelSpec("mouth_wide", -1.0, 1.0, "", "lips spread (eee, grin)"),
    ChannelSpec("mouth_round", -1.0, 1.0, "", "lips rounded/pursed (woo, kiss)"),
)
CHANNEL_NAMES: tuple[ChannelName, ...] = get_args(ChannelName)
_SPECS = {spec.name: spec for spec in CHANNELS}
assert tuple(_SPECS) == CHANNEL_NAMES, "CHANNELS must list every ChannelName in order"
LOWS = np.array([spec.low for spec in CHANNELS], dtype=np.float64)
HIGHS = np.array([spec.high for spec in CHANNELS], dtype=np.float64)


class Pose(BaseModel):
    """One value per channel; out-of-range values are clamped on construction, never passed on.

    `Pose.from_array`/`to_array` convert to a float64 vector of length 12 in `CHANNELS` order,
    which is what the timeline and the engines compute with.
    """

    model_config = ConfigDict(frozen=True)

    head_pitch: float = 0.0
    head_yaw: float = 0.0
    head_roll: float = 0.0
    gaze_x: float = 0.0
    gaze_y: float = 0.0
    eye_open: float = 0.0
    wink: float = 0.0
    eyebrow: float = 0.0
    smile: float = 0.0
    mouth_open: float = 0.0
    mouth_wide: float = 0.0
    mouth_round: float = 0.0

    @field_validator("*", mode="before")
    @classmethod
    def _clamp(cls, value: object, info: object) -> float:
        name = info.field_name  # type: ignore[attr-defined]
        return _SPECS[name].clamp(float(value))  # type: ignore[arg-type]

    @classmethod
    def spec(cls, name: ChannelName) -> ChannelSpec:
        """The range and unit of channel `name`."""
        return _SPECS[name]

    @classmethod
    def from_array(cls, values: np.ndarray) -> Pose:
        """Build a pose from a length-12 vector in `CHANNELS` order (values are clamped)."""
        vec = np.asarray(values, dtype=np.float64).reshape(-1)
        if vec.shape != (len(CHANNELS),):
            raise ValueError(f"a pose vector has {len(CHANNELS)} values, got {vec.shape}")
        vec = np.clip(np.nan_to_num(vec, nan=0.0), LOWS, HIGHS)
        return cls.model_construct(**dict(zip(CHANNEL_NAMES, vec.tolist(), strict=True)))

    def to_array(self) -> np.ndarray:
        """The pose as a float64 vector of length 12 in `CHANNELS` order."""
        return np.array([getattr(self, name) for name in CHANNEL_NAMES], dtype=np.float64)

    def is_rest(self, tol: float = 1e-6) -> bool:
        """True when every channel is within `tol` of its rest value 0."""
        return bool(np.all(np.abs(self.to_array()) <= tol))
