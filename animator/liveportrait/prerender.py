"""`avatar prerender`: render a portrait's preset expressions once, for CPU-only machines.

Every expression intent is played on a timeline without idle life and sampled at `fps` from its
start to its end (held intents for `HOLD_SECONDS`); the generated crops are stored with the
engine's frame cache and saved beside it. A CPU engine that later prepares the same portrait with
the same weights loads them and answers every pose from them: the prerendered expressions
exactly, anything else (idle blinks and sway, other intensities, talking) with the nearest
prerendered pose. Slow on the CPU (seconds per frame), seconds on a GPU.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from animator.liveportrait.engine import LivePortraitEngine, LivePortraitSource
from animator.liveportrait.frame_cache import pose_key
from animator.timeline import Timeline
from contracts import INTENTS, Plan, Step

#: Intents that are not one expression: chat/talk follow speech, neutral is the rest pose.
SKIPPED = frozenset({"chat", "talk", "neutral"})
HOLD_SECONDS = 2.0
DEFAULT_FPS = 8.0


def preset_poses(
    intents: Sequence[str] | None = None, intensity: float = 0.7, fps: float = DEFAULT_FPS
) -> np.ndarray:
    """(N, 12) pose vectors: the rest pose, then each intent's timeline sampled at `fps`.

    Poses that quantise to the same cache entry are kept once.
    """
    chosen = [name for name in (intents or INTENTS) if name not in SKIPPED]
    vectors = [np.zeros(12)]
    for intent in chosen:
        timeline = Timeline(idle=False)
        step = Step(intent=intent, intensity=intensity)  # type: ignore[arg-type]
        timeline.play(Plan(steps=[step]), 0.0)
        end = timeline.busy_until()
        end = HOLD_SECONDS if math.isinf(end) else end
        times = np.arange(0.0, end + 1e-9, 1.0 / fps)
        vectors.extend(timeline.pose_at(float(t)).to_array() for t in times)
    unique: dict[bytes, np.ndarray] = {}
    for vector in vectors:
        unique.setdefault(pose_key(vector), vector)
    return np.stack(list(unique.values()))


def prerender(
    engine: LivePortraitEngine,
    source: LivePortraitSource,
    poses: np.ndarray,
    on_progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Render `poses` of `source` into the engine's frame cache and save them; returns the file.

    Raises:
        ValueError: the engine's frame cache is off.
    """
    step = max(1, engine.options.max_batch)
    for start in range(0, len(poses), step):
        engine.cache_crops(source, poses[start : start + step])
        if on_progress is not None:
            on_progress(min(start + step, len(poses)), len(poses))
    return engine.save_prerendered(source)
