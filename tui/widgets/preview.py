"""In-terminal preview of the live portrait: truecolor half-blocks, refreshed ~12 times a second.

Works anywhere the console works (SSH, no display): it polls the newest frame instead of being
woken for every rendered frame, and converts only when a new frame or a new size arrived.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from contracts import Frame
from renderer import halfblock

PREVIEW_FPS = 12.0


class PortraitPreview(Widget):
    """The live portrait drawn with half-block characters; its size follows the widget.

    Args:
        frame_source: returns the newest frame or None (`Conversation.latest_frame`).
        live: refresh on a timer; False shows a fixed placeholder (deterministic snapshots).
        fps: refresh rate of the timer.
    """

    DEFAULT_CSS = """
    PortraitPreview {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        border: round $primary-darken-2;
        border-title-color: $text-muted;
    }
    """

    def __init__(
        self,
        frame_source: Callable[[], Frame | None],
        *,
        live: bool = True,
        fps: float = PREVIEW_FPS,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.border_title = "preview"
        self._frame_source = frame_source
        self._live = live
        self._fps = fps
        self._shown: tuple[int, Size] | None = None
        self._picture: Text | None = None
        self.frame_seq: int | None = None
        """Sequence number of the frame on screen, None before the first one."""

    def on_mount(self) -> None:
        """Start polling for frames when live."""
        if self._live:
            self.set_interval(1.0 / self._fps, self.show_latest_frame, name="preview")

    def show_latest_frame(self) -> bool:
        """Draw the newest frame if it or the widget size changed; True when redrawn."""
        frame = self._frame_source()
        size = self.content_size
        if frame is None or self._shown == (frame.seq, size):
            return False
        if size.width < 1 or size.height < 1:
            return False
        self._picture = halfblock(frame.image, size.width, size.height)  # keeps the aspect
        self._shown = (frame.seq, size)
        self.frame_seq = frame.seq
        self.refresh()
        return True

    def render(self) -> Text:
        """The picture, or a short line saying why there is none."""
        if not self._live:
            return Text("preview paused", style="dim italic")
        if self._picture is None:
            return Text("waiting for the first frame…", style="dim italic")
        return self._picture
