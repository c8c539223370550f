"""Sampling helpers shared by the timeline tests."""

from __future__ import annotations

import numpy as np

from animator.timeline import Preset, Presets, Timeline, load_presets
from contracts import Plan, Step
from contracts.pose import CHANNEL_NAMES

FPS = 60
ANGLES = ("head_pitch", "head_yaw", "head_roll")


def ch(name: str) -> int:
    """Column of channel `name` in a pose array."""
    return CHANNEL_NAMES.index(name)  # type: ignore[arg-type]


def sample(timeline: Timeline, start: float, end: float, fps: int = FPS) -> np.ndarray:
    """Poses at start, start + 1/fps, ... up to end: (N, 12) float64."""
    count = round((end - start) * fps) + 1
    return np.array([timeline.pose_at(start + i / fps).to_array() for i in range(count)])


def plan(*steps: Step, reply: str | None = None) -> Plan:
    return Plan(steps=list(steps), reply=reply)


def presets_with(**replacements: Preset) -> Presets:
    """The packaged presets with some intents replaced (round numbers for hand-computed checks)."""
    base = load_presets()
    return base.model_copy(update={"presets": {**base.presets, **replacements}})


def dips(values: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """(first, last) sample index of every run of `values` below `threshold`."""
    below = values < threshold
    runs: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate(below):
        if flag and start is None:
            start = i
        if not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(values) - 1))
    return runs


def local_minima(values: np.ndarray, below: float) -> int:
    """How many strict local minima under `below` the sampled curve has."""
    inner = values[1:-1]
    return int(np.sum((inner < values[:-2]) & (inner <= values[2:]) & (inner < below)))
