"""The terminal preview shows the face filling the pane, in 24-bit or 256 colours."""

from __future__ import annotations

import numpy as np
import pytest
from rich.color import ColorType
from rich.console import Console
from textual.app import App, ComposeResult

from agent import Conversation
from contracts import Frame
from tests.tui._helpers import TERMINAL_SIZE, wait_until
from tui import ConsoleApp
from tui.widgets import PortraitPreview

pytestmark = pytest.mark.asyncio

RED = (220, 30, 30)
FACE = (150, 150, 250, 250)


def face_frame() -> Frame:
    """A white 400x400 frame whose 'face' is a red square at `FACE`."""
    image = np.full((400, 400, 3), 255, dtype=np.uint8)
    x0, y0, x1, y1 = FACE
    image[y0:y1, x0:x1] = RED
    return Frame(image=image, seq=1, t=0.0)


class _PreviewApp(App[None]):
    def compose(self) -> ComposeResult:
        frame = face_frame()
        yield PortraitPreview(lambda: frame)


def cells(preview: PortraitPreview) -> list:  # type: ignore[type-arg]
    height = preview.content_size.height
    return [seg for y in range(height) for seg in preview.render_line(y) if seg.text.strip()]


def red_share(preview: PortraitPreview) -> float:
    """Share of drawn cells whose upper pixel is the red face."""
    drawn = cells(preview)
    total = sum(len(seg.text) for seg in drawn)
    red = sum(
        len(seg.text) for seg in drawn
        if seg.style.color.get_truecolor().red > 150 and seg.style.color.get_truecolor().green < 120
    )
    return red / total


async def test_the_face_fills_the_pane() -> None:
    app = _PreviewApp()
    async with app.run_test(size=(40, 20)) as pilot:
        preview = app.query_one(PortraitPreview)
        await wait_until(pilot, lambda: preview.frame_seq == 1, "the whole frame")
        whole = red_share(preview)
        preview.face_box = FACE
        await wait_until(pilot, lambda: red_share(preview) > whole, "the face view")
        width, height = preview.content_size
        rows = ["".join(seg.text for seg in preview.render_line(y)) for y in range(height)]
        face = red_share(preview)
    assert whole < 0.1  # the face is a small part of the photo
    assert face > 0.2 and face > 3 * whole  # ... and a large part of the face view
    assert all(row == "▀" * width for row in rows)  # the picture fills the pane: no margins


async def test_without_truecolor_the_preview_uses_the_256_colour_palette() -> None:
    app = _PreviewApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.console = Console(color_system="256", force_terminal=True)  # tmux without COLORTERM
        preview = app.query_one(PortraitPreview)
        preview.face_box = FACE
        await wait_until(pilot, lambda: preview.colors == "256" and preview.frame_seq == 1,
                         "a 256-colour picture")
        await wait_until(pilot, lambda: cells(preview) and all(
            seg.style.color.type == ColorType.EIGHT_BIT for seg in cells(preview)
        ), "palette colours only")


async def test_the_console_preview_follows_the_animated_face(
    app: ConsoleApp, conversation: Conversation
) -> None:
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        preview = app.screen.query_one(PortraitPreview)
        await wait_until(pilot, lambda: preview.face_box is not None, "the face box")
        assert preview.face_box == conversation.status().face_box
        await wait_until(pilot, lambda: preview.frame_seq is not None, "a preview frame")
        width, height = preview.content_size
        rows = ["".join(seg.text for seg in preview.render_line(y)) for y in range(height)]
    assert all(row == "▀" * width for row in rows)
