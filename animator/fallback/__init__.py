"""The weight-free CPU fallback engine: Haar-cascade landmarks plus smooth local image warps.

It runs whenever the LivePortrait weights are missing and says so in its `info`.
"""

from animator.fallback.engine import FallbackEngine, FallbackSource
from animator.fallback.landmarks import FaceLandmarks, detect_landmarks

__all__ = ["FaceLandmarks", "FallbackEngine", "FallbackSource", "detect_landmarks"]
