"""`/face N` in the console: picks another face of the live photo and says which one moves."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from agent import Conversation
from tests.tui._helpers import PORTRAIT, TERMINAL_SIZE, enter_and_wait, squash
from tui import ConsoleApp

pytestmark = pytest.mark.asyncio


def _two_faces(path: Path) -> None:
    """The default portrait's head twice: face 1 small on the left, face 2 large on the right."""
    head = np.asarray(Image.open(PORTRAIT).convert("RGB"))[10:230, 120:340]
    canvas = np.full((400, 900, 3), 200, np.uint8)
    canvas[100:320, 60:280] = head
    canvas[60:380, 520:840] = cv2.resize(head, (320, 320))
    Image.fromarray(canvas).save(path)


async def test_face_command_switches_faces_and_refuses_missing_ones(
    app: ConsoleApp, conversation: Conversation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _two_faces(tmp_path / "two.png")
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        text = await enter_and_wait(pilot, "/portrait two.png", "animating face 2")
        assert squash("2 faces found; animating face 2 (the largest)") in squash(text)
        text = await enter_and_wait(pilot, "/face 1", "animating face 1 as asked")
        assert "2 faces found; animating face 1 as asked." in conversation.status().notes
        text = await enter_and_wait(pilot, "/face 3", "error ›")
        assert squash("face 3 was asked for but 2 faces were found") in squash(text)
        assert "2 faces found; animating face 1 as asked." in conversation.status().notes
        text = await enter_and_wait(pilot, "/face one", "is not a number")
    assert squash("/face: 'one' is not a number from 1: /face N") in squash(text)
    assert conversation.status().portrait == "two.png"
