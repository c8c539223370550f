"""Frame sinks: the pygame window (its own process), the terminal preview, video/PNG writers.

`renderer` imports nothing above it; frames arrive as `contracts.Frame` or plain RGB arrays.
Names are imported on first use, so the spawned window process (which imports this package on
its way to `renderer._window_process`) does not pay for rich, Pillow or the video code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.lazy import lazy_getattr

if TYPE_CHECKING:
    from renderer.terminal import halfblock, halfblock_ansi, halfblock_segments
    from renderer.video import SPEECH_WAV, FrameWriter, open_writer, read_video_frames
    from renderer.window import WindowSink
    from renderer.window_types import WindowEvent, WindowOptions, WindowState, WindowStats

_HOMES = {
    "SPEECH_WAV": "renderer.video",
    "FrameWriter": "renderer.video",
    "WindowEvent": "renderer.window_types",
    "WindowOptions": "renderer.window_types",
    "WindowSink": "renderer.window",
    "WindowState": "renderer.window_types",
    "WindowStats": "renderer.window_types",
    "halfblock": "renderer.terminal",
    "halfblock_ansi": "renderer.terminal",
    "halfblock_segments": "renderer.terminal",
    "open_writer": "renderer.video",
    "read_video_frames": "renderer.video",
}

__all__ = [
    "SPEECH_WAV",
    "FrameWriter",
    "WindowEvent",
    "WindowOptions",
    "WindowSink",
    "WindowState",
    "WindowStats",
    "halfblock",
    "halfblock_ansi",
    "halfblock_segments",
    "open_writer",
    "read_video_frames",
]


__getattr__ = lazy_getattr(__name__, _HOMES)


def __dir__() -> list[str]:
    return __all__
