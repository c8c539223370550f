"""Easing curves: progress u in [0, 1] → weight in [0, 1], flat at both ends.

Every curve here has zero slope at u = 0 and u = 1 (C1 or better), so an envelope built from them
never starts or stops with a kink. Inputs outside [0, 1] are clamped, so callers may pass raw
`elapsed / duration` ratios. Each function takes a float or an ndarray (any shape, float64) and
returns the same kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar, get_args

import numpy as np

EasingName = Literal["smoothstep", "smootherstep", "cosine"]
EASING_NAMES: tuple[EasingName, ...] = get_args(EasingName)

Value = TypeVar("Value", float, np.ndarray)


def smoothstep(u: Value) -> Value:
    """Cubic 3u² − 2u³: C1, slope at most 1.5 (at u = 0.5)."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def smootherstep(u: Value) -> Value:
    """Quintic 6u⁵ − 15u⁴ + 10u³: C2 (no jerk at the ends), slope at most 1.875."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * u * (u * (6.0 * u - 15.0) + 10.0)


def cosine(u: Value) -> Value:
    """Half cosine (1 − cos πu) / 2: C1, slope at most π/2."""
    u = np.clip(u, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


EASINGS: dict[EasingName, Callable[[Value], Value]] = {
    "smoothstep": smoothstep,
    "smootherstep": smootherstep,
    "cosine": cosine,
}
assert tuple(EASINGS) == EASING_NAMES, "every EasingName needs a function"
