"""Frame sinks: the pygame window (its own process), the terminal preview, video/PNG writers.

`renderer` imports nothing above it; frames arrive as `contracts.Frame` or plain RGB arrays.
"""

from renderer.terminal import halfblock, halfblock_ansi, halfblock_segments
from renderer.video import FrameWriter, open_writer, read_video_frames
from renderer.window import WindowSink
from renderer.window_types import WindowEvent, WindowOptions, WindowState, WindowStats

__all__ = [
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
