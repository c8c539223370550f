"""Plain data the window parent and its child process exchange: options, events, stats, commands.

Everything here is picklable and imports neither pygame nor the process machinery, so the parent
(the agent) and the spawned child can both import it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

WindowState = Literal["open", "closed", "crashed", "unavailable", "disabled"]

MODIFIERS: tuple[str, ...] = ("ctrl", "alt", "shift", "meta")
"""Modifier names in the order `key_chord` writes them."""


NAMED_KEYS: frozenset[str] = frozenset({
    *(f"f{number}" for number in range(1, 16)),
    *(f"[{key}]" for key in "0123456789*+-./"),
    "backspace", "tab", "return", "enter", "escape", "space", "delete", "insert", "home", "end",
    "page up", "page down", "up", "down", "left", "right", "print screen", "scroll lock",
    "break", "menu", "help", "clear", "caps lock", "numlock", "sys req", "power", "equals",
    "euro", "ac back", "alt gr",
})
"""Key names (as pygame reports them, lower case) besides single ASCII characters."""


def key_chord(key: str, modifiers: set[str] | frozenset[str]) -> str:
    """Canonical key-press name: modifiers in `MODIFIERS` order, then the key ("ctrl+shift+q")."""
    parts = [name for name in MODIFIERS if name in modifiers]
    return "+".join([*parts, key.lower()])


def parse_chord(chord: str) -> str:
    """Normalise a user-written chord ("Shift+Ctrl+Q") to `key_chord` form ("ctrl+shift+q").

    Raises:
        ValueError: empty parts, an unknown modifier or key, or no key after the modifiers.
    """
    parts = [part.strip().lower() for part in chord.split("+")]
    if any(not part for part in parts):
        raise ValueError(
            f"key combination {chord!r} has an empty part; write it like 'ctrl+shift+q'"
        )
    *mods, key = parts
    unknown = [mod for mod in mods if mod not in MODIFIERS]
    if unknown:
        raise ValueError(
            f"key combination {chord!r}: unknown modifier(s) {unknown}; use {list(MODIFIERS)}"
        )
    if key in MODIFIERS:
        raise ValueError(f"key combination {chord!r} needs a key after the modifiers")
    if not ((len(key) == 1 and key.isascii() and key.isprintable()) or key in NAMED_KEYS):
        raise ValueError(
            f"key combination {chord!r}: unknown key {key!r}; use a letter, a digit or a key "
            "name such as f1, escape, space, delete, page up"
        )
    return key_chord(key, set(mods))


class WindowOptions(BaseModel):
    """How the avatar window looks and behaves.

    Attributes:
        title: window caption.
        size: initial window size (width, height) in pixels when not fullscreen.
        fullscreen: start fullscreen (F11 toggles).
        target_fps: the window shows at most this many frames per second; newer frames replace
            older ones that were not shown yet.
        show_overlay: start with the FPS/latency overlay on (F3 toggles).
        hide_cursor: hide the mouse cursor over the window (kiosk).
        exit_combo: key combination reported to the parent as an `exit_requested` event, e.g.
            "ctrl+shift+q". A window with an exit combination is a kiosk window: Esc does nothing.
            Without one, Esc leaves fullscreen.
        max_frame_size: largest frame (width, height) the shared buffer holds; bigger frames are
            shown downscaled by an integer stride.
        driver: SDL video driver for the child (SDL_VIDEODRIVER), e.g. "dummy" for tests. None
            keeps the environment's choice.
        heartbeat_timeout: seconds without a heartbeat from a live child before it counts as hung
            ("crashed").
    """

    model_config = ConfigDict(frozen=True)

    title: str = "portrait-agent"
    size: tuple[int, int] = (720, 720)
    fullscreen: bool = False
    target_fps: float = Field(default=30.0, gt=0, le=240)
    show_overlay: bool = False
    hide_cursor: bool = False
    exit_combo: str | None = None
    max_frame_size: tuple[int, int] = (2048, 2048)
    driver: str | None = None
    heartbeat_timeout: float = Field(default=3.0, gt=0)

    @field_validator("size", "max_frame_size")
    @classmethod
    def _positive_size(cls, size: tuple[int, int]) -> tuple[int, int]:
        if size[0] < 1 or size[1] < 1:
            raise ValueError(f"sizes are (width, height) in pixels, both >= 1; got {size}")
        return size

    @field_validator("exit_combo")
    @classmethod
    def _normalised_combo(cls, combo: str | None) -> str | None:
        return None if combo is None else parse_chord(combo)


WindowEventKind = Literal[
    "opened",
    "key_pressed",
    "exit_requested",
    "fullscreen_changed",
    "overlay_changed",
    "resized",
    "screenshot_saved",
    "closed",
]


@dataclass(frozen=True, slots=True)
class WindowEvent:
    """Something happened in the window process.

    Attributes:
        kind: what happened. "key_pressed" comes for every key press (F11 and F3 too);
            "exit_requested" additionally for the configured exit combination; "closed" when the
            user closed the window (close button or window manager).
        key: the key chord for key events ("f11", "ctrl+shift+q", "1"), else "".
        size: the window size (width, height) after the event.
        fullscreen: whether the window is fullscreen after the event.
        path: the written file for "screenshot_saved", else "".
        at: `time.monotonic()` in the child when it happened (same clock as the parent's).
    """

    kind: WindowEventKind
    key: str = ""
    size: tuple[int, int] = (0, 0)
    fullscreen: bool = False
    path: str = ""
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class WindowStats:
    """What the window shows right now, as the child last wrote it into shared memory.

    Attributes:
        displayed_seq: `Frame.seq` of the frame on screen, -1 before the first one.
        displayed_at: `time.monotonic()` when it was put on screen, 0.0 before the first one.
        frame_age_ms: milliseconds between `submit()` and display of that frame.
        shown_fps: frames put on screen per second over the last second.
        frames_shown: distinct frames put on screen since the child started.
        frames_submitted: frames handed to `submit()` while a window process ran, counted from
            the first `start()` (or the first after `close()`), across restarts.
        size: window size (width, height) in pixels.
        fullscreen: whether the window is fullscreen.
        overlay: whether the FPS/latency overlay is on.
    """

    displayed_seq: int = -1
    displayed_at: float = 0.0
    frame_age_ms: float = 0.0
    shown_fps: float = 0.0
    frames_shown: int = 0
    frames_submitted: int = 0
    size: tuple[int, int] = (0, 0)
    fullscreen: bool = False
    overlay: bool = False


WindowCommandKind = Literal[
    "fullscreen", "overlay", "resize", "post_key", "post_quit", "screenshot", "shutdown"
]


@dataclass(frozen=True, slots=True)
class WindowCommand:
    """A request from the parent to the child; `args` depend on `kind`.

    "fullscreen": (on,) or () to toggle; "overlay": (on,); "resize": (width, height);
    "post_key": (chord,) posts a synthetic key press; "post_quit": () posts the close-button
    event; "screenshot": (path,); "shutdown": () ends the child without counting as a user close.
    """

    kind: WindowCommandKind
    args: tuple[Any, ...] = field(default_factory=tuple)
