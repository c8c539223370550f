"""In-terminal preview of the live face: half-blocks, refreshed ~10 times a second.

It shows the face (the status's face box with room around it) filling the whole pane, so a
wink or a laugh is visible in a small terminal; 24-bit colour where the terminal has it
(COLORTERM=truecolor), else the dithered 256-colour palette (tmux, screen).

Works anywhere the console works (SSH, no display): it polls the newest frame instead of being
woken for every rendered frame, and converts only when a new frame or a new size arrived. The
picture is drawn through the line API (`render_line`) from strips made once per frame: handing
Textual a `Text` with a thousand differently coloured cells to lay out on every repaint costs
tens of milliseconds, which starves the event loop and makes typing lag.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from contracts import Frame
from renderer import halfblock
from renderer.terminal import Colors, face_view

PREVIEW_FPS = 10.0


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
        self._shown: tuple[object, ...] | None = None
        self._strips: list[Strip] = []
        self.frame_seq: int | None = None
        """Sequence number of the frame on screen, None before the first one."""
        self.face_box: tuple[int, int, int, int] | None = None
        """Face (x0, y0, x1, y1) in frame pixels; the preview shows it. None: the whole frame."""

    def on_mount(self) -> None:
        """Start polling for frames when live."""
        if self._live:
            self.set_interval(1.0 / self._fps, self.show_latest_frame, name="preview")

    def show_latest_frame(self) -> bool:
        """Draw the newest frame if it or the widget size changed; True when redrawn."""
        frame = self._frame_source()
        size = self.content_size
        console = self.app.console
        colors = self.colors
        shown = (frame.seq if frame else None, size, self.face_box, colors)
        if frame is None or self._shown == shown:
            return False
        if size.width < 1 or size.height < 1:
            return False
        picture = halfblock(self._view(frame, size), size.width, size.height, colors)
        self._strips = [
            Strip(list(line.render(console)), size.width).crop(0, size.width)
            for line in picture.split("\n", allow_blank=True)
        ]
        self._shown = shown
        self.frame_seq = frame.seq
        self.refresh()
        return True

    @property
    def colors(self) -> Colors:
        """"truecolor" when the terminal takes 24-bit colour, else "256"."""
        return "truecolor" if self.app.console.color_system == "truecolor" else "256"

    def _view(self, frame: Frame, size: Size) -> np.ndarray:
        """The part of `frame` to draw: the face, shaped like the pane (the whole frame without
        a face box)."""
        if self.face_box is None:
            return frame.image
        aspect = size.width / (2 * size.height)  # a cell shows two square-ish pixels
        x0, y0, x1, y1 = face_view(frame.size, self.face_box, aspect)
        return frame.image[y0:y1, x0:x1]

    def render_line(self, y: int) -> Strip:
        """Row `y` of the picture; before the first frame, the placeholder's row."""
        if not self._strips:
            return super().render_line(y)
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.content_size.width)

    def render(self) -> Text:
        """The placeholder shown until there is a picture (always, when not live)."""
        if not self._live:
            return Text("preview paused", style="dim italic")
        return Text("waiting for the first frame…", style="dim italic")
