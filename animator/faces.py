"""Which face of a photo with several gets animated: one numbering for every engine and command.

Faces are numbered from 1, left to right by the centre of their boxes (top to bottom where two
share a column), so `--face 2`, `/face 2` and `avatar faces` mean the same face whichever engine
found it. Without a choice the engine's own preference (the largest face) is animated, and a note
says how many faces there were, which one moves and how to pick another.
"""

from __future__ import annotations

from collections.abc import Sequence

from animator.errors import PortraitError

FaceBox = tuple[float, float, float, float]  # (x0, y0, x1, y1) in image pixels

CHOOSE_HINT = "choose another with --face N (or /face N in the console)"


def left_to_right(boxes: Sequence[FaceBox]) -> list[int]:
    """Indices into `boxes` in face-number order: face 1 is `boxes[left_to_right(boxes)[0]]`."""
    return sorted(
        range(len(boxes)),
        key=lambda i: ((boxes[i][0] + boxes[i][2]) / 2, (boxes[i][1] + boxes[i][3]) / 2),
    )


def choose_face(
    boxes: Sequence[FaceBox],
    face: int | None,
    preferred: int,
    name: str | None = None,
    why: str = "the largest",
) -> tuple[int, list[str]]:
    """The index into `boxes` of the face to animate, and the notes for the user.

    Args:
        boxes: every face found (any order).
        face: the face number asked for (1 = leftmost), or None for `preferred`.
        preferred: index into `boxes` of the face the engine animates by default.
        name: how notes and errors name the photo (None: they do not name it).
        why: what makes `preferred` the default, for the note.

    Raises:
        PortraitError: `face` is not one of the numbers of the faces found.
    """
    order = left_to_right(boxes)
    count = len(boxes)
    found_in = f"{count} faces found in {name}" if name else f"{count} faces found"
    prefix = f"{name}: " if name else ""
    if face is None:
        if count == 1:
            return preferred, []
        number = order.index(preferred) + 1
        return preferred, [
            f"{found_in}; animating face {number} ({why}); {CHOOSE_HINT}."
        ]
    if not 1 <= face <= count:
        found = "1 face was" if count == 1 else f"{count} faces were"
        valid = "1" if count == 1 else f"1 to {count}"
        raise PortraitError(
            f"{prefix}face {face} was asked for but {found} found; use {valid} "
            "(`avatar faces PHOTO` lists them)."
        )
    notes = [] if count == 1 else [f"{found_in}; animating face {face} as asked."]
    return order[face - 1], notes
