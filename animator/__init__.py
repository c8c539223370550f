"""Plans to poses to frames: the timeline, the engines (LivePortrait, fallback) and the player.

Names are imported on first use, so code that only needs the timeline or the fallback engine
does not pay for importing PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.lazy import lazy_getattr

if TYPE_CHECKING:
    from animator.engines import create_engine
    from animator.errors import NoFaceError, PortraitError
    from animator.fallback import FallbackEngine
    from animator.player import Player
    from animator.portrait import load_portrait
    from animator.timeline import Timeline, load_presets

_HOMES = {
    "FallbackEngine": "animator.fallback",
    "NoFaceError": "animator.errors",
    "Player": "animator.player",
    "PortraitError": "animator.errors",
    "Timeline": "animator.timeline",
    "create_engine": "animator.engines",
    "load_portrait": "animator.portrait",
    "load_presets": "animator.timeline",
}

__all__ = [
    "FallbackEngine",
    "NoFaceError",
    "Player",
    "PortraitError",
    "Timeline",
    "create_engine",
    "load_portrait",
    "load_presets",
]


__getattr__ = lazy_getattr(__name__, _HOMES)
