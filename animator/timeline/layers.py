"""How the four layers combine, per channel: the rule table, as data.

Layers are applied bottom to top in `LAYERS` order, starting from rest (0). On each channel a
layer either **sets** it, a weighted override `value = (1 - weight) * below + weight * layer`, or
**adds** to it, `value = below + weight * layer`, or leaves it alone (None). Idle life adds to the
head and eyes so an expression's gaze or head turn still breathes and drifts; the expression sets
the face channels; speech sets only the three mouth channels, so a smile survives talking, and
adds a touch of brow and head emphasis on stressed syllables; the operator override can set
anything.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

import numpy as np

from contracts.pose import CHANNEL_NAMES, ChannelName

Mode = Literal["set", "add"]
LayerName = Literal["idle", "expression", "speech", "override"]
LAYERS: tuple[LayerName, ...] = ("idle", "expression", "speech", "override")

BLEND_RULES: MappingProxyType[ChannelName, tuple[Mode | None, ...]] = MappingProxyType({
    # channel        idle    expression  speech  override
    "head_pitch":   ("add",  "add",      "add",  "set"),  # a dip on stressed syllables
    "head_yaw":     ("add",  "add",      None,   "set"),
    "head_roll":    ("add",  "add",      None,   "set"),
    "gaze_x":       ("add",  "add",      None,   "set"),
    "gaze_y":       ("add",  "add",      None,   "set"),
    "eye_open":     ("add",  "add",      None,   "set"),  # idle blinks dip from any expression
    "wink":         (None,   "set",      None,   "set"),
    "eyebrow":      (None,   "set",      "add",  "set"),  # a lift on stressed syllables
    "smile":        (None,   "set",      None,   "set"),
    "mouth_open":   (None,   "set",      "set",  "set"),
    "mouth_wide":   (None,   "set",      "set",  "set"),
    "mouth_round":  (None,   "set",      "set",  "set"),
})  # fmt: skip
assert tuple(BLEND_RULES) == CHANNEL_NAMES, "BLEND_RULES must list every channel in order"


def _masks(mode: Mode) -> dict[LayerName, np.ndarray]:
    return {
        layer: np.array([float(BLEND_RULES[c][i] == mode) for c in CHANNEL_NAMES])
        for i, layer in enumerate(LAYERS)
    }


_SET = _masks("set")
_ADD = _masks("add")


def apply_layer(
    below: np.ndarray, layer: LayerName, value: np.ndarray, weight: float | np.ndarray = 1.0
) -> np.ndarray:
    """Put one layer on top of `below` following `BLEND_RULES`.

    Args:
        below: (12,) float64 pose vector from the layers under this one (CHANNELS order).
        layer: which layer `value` belongs to; its channels marked None are ignored.
        value: (12,) float64 the layer's channel values.
        weight: scalar or (12,) weights in [0, 1].

    Returns:
        (12,) float64, the new pose vector (not clamped).
    """
    set_weight = _SET[layer] * weight
    add_weight = _ADD[layer] * weight
    return below * (1.0 - set_weight) + (set_weight + add_weight) * value
