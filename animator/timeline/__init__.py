"""Plans → poses over wall-clock time: presets, easing, envelopes, idle life, speech, layers."""

from __future__ import annotations

from animator.timeline.easing import EASINGS, cosine, smootherstep, smoothstep
from animator.timeline.layers import BLEND_RULES
from animator.timeline.presets import Preset, PresetError, Presets, load_presets
from animator.timeline.timeline import Timeline

__all__ = [
    "BLEND_RULES",
    "EASINGS",
    "Preset",
    "PresetError",
    "Presets",
    "Timeline",
    "cosine",
    "load_presets",
    "smootherstep",
    "smoothstep",
]
