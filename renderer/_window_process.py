"""The window process: shows the newest frame from shared memory in a resizable pygame window.

Runs in a child started with the "spawn" context (see `renderer.window`). It never blocks on the
parent: frames come through `SharedFrameBuffer` (it reads only the newest, so stale frames are
dropped), commands come through a pipe it polls, and it reports back through the shared header
(heartbeat, what it displays) and an event pipe. It exits by itself when the parent dies.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from multiprocessing.connection import Connection

import pygame

from renderer._pipe import receive_all, send_nowait
from renderer.shared_frame import (
    CHILD_CLOSED,
    CHILD_FAILED,
    CHILD_OPEN,
    CHILD_UNAVAILABLE,
    SharedFrame,
    SharedFrameBuffer,
)
from renderer.window_types import (
    WindowCommand,
    WindowEvent,
    WindowEventKind,
    WindowOptions,
    key_chord,
)

log = logging.getLogger("avatar.renderer")

_POLL_S = 0.002  # wait between looks at the frame counter while frames are flowing
_IDLE_POLL_S = 0.01  # ... and after a pause in the stream, to spare the CPU
_IDLE_AFTER_S = 0.5
_MAX_SLEEP_S = 0.05  # keeps key and close events responsive while no frame is due
_PARENT_CHECK_S = 0.25
_OVERLAY_REFRESH_S = 0.5
_HEADLESS_DRIVERS = ("offscreen", "dummy")
_MODIFIER_BITS = (
    ("ctrl", pygame.KMOD_CTRL),
    ("alt", pygame.KMOD_ALT),
    ("shift", pygame.KMOD_SHIFT),
    ("meta", pygame.KMOD_META | pygame.KMOD_GUI),
)
_MODIFIER_KEYS = frozenset(
    {
        pygame.K_LCTRL, pygame.K_RCTRL, pygame.K_LSHIFT, pygame.K_RSHIFT,
        pygame.K_LALT, pygame.K_RALT, pygame.K_LGUI, pygame.K_RGUI, pygame.K_MODE,
    }
)


def letterbox(frame_size: tuple[int, int], window_size: tuple[int, int]) -> pygame.Rect:
    """The largest rect with the frame's aspect ratio centred in the window (black bars around)."""
    fw, fh = frame_size
    ww, wh = window_size
    scale = min(ww / fw, wh / fh)
    w, h = max(1, round(fw * scale)), max(1, round(fh * scale))
    return pygame.Rect((ww - w) // 2, (wh - h) // 2, w, h)


def open_display(options: WindowOptions) -> str:
    """Start SDL's video subsystem; returns "" on success or why no window can be shown."""
    if options.driver:
        os.environ["SDL_VIDEODRIVER"] = options.driver
    requested = os.environ.get("SDL_VIDEODRIVER", "")
    try:
        pygame.display.init()
    except pygame.error as exc:
        driver = f"SDL_VIDEODRIVER={requested!r}" if requested else "any SDL video driver"
        return (
            f"no display: could not start {driver} ({exc}). Run it on a desktop session, "
            "set DISPLAY/WAYLAND_DISPLAY, or use the terminal preview instead."
        )
    driver = pygame.display.get_driver()
    if driver in _HEADLESS_DRIVERS and not requested:
        pygame.display.quit()
        return (
            f"no display: SDL fell back to its invisible {driver!r} driver (no DISPLAY or "
            "WAYLAND_DISPLAY). Run it on a desktop session or use the terminal preview instead."
        )
    return ""


class WindowApp:
    """The child's main loop: events, commands, newest frame, letterboxed drawing."""

    def __init__(
        self, buffer: SharedFrameBuffer, options: WindowOptions, commands: Connection,
        events: Connection, parent_pid: int,
    ) -> None:
        self.buffer, self.options = buffer, options
        self.commands, self.events = commands, events
        self.parent_pid = parent_pid
        self.header = buffer.header
        self.fullscreen = options.fullscreen
        self.windowed_size = options.size
        self.overlay = options.show_overlay
        self.period = 1.0 / options.target_fps
        self.frame: SharedFrame | None = None
        self.frame_surface: pygame.Surface | None = None
        self.seen_count = 0
        self.shown_at: deque[float] = deque()
        self.next_draw = 0.0
        self.last_draw = 0.0
        self.last_frame_at = 0.0
        self.dirty = True
        self.running = True
        self.font: pygame.font.Font | None = None
        self.screen = self._set_mode()

    def run(self) -> None:
        """Loop until the window is closed, a shutdown command comes, or the parent dies."""
        pygame.display.set_caption(self.options.title)
        pygame.mouse.set_visible(not self.options.hide_cursor)
        self.header["heartbeat"] = time.monotonic()  # before OPEN: the parent checks both
        self.header["child_state"] = CHILD_OPEN
        self._emit("opened")
        next_parent_check = 0.0
        while self.running:
            now = time.monotonic()
            self.header["heartbeat"] = now
            self._count_shown(now)
            if now >= next_parent_check:
                next_parent_check = now + _PARENT_CHECK_S
                if os.getppid() != self.parent_pid:
                    log.info("parent process %d is gone; closing the window", self.parent_pid)
                    break
            self._handle_commands()
            self._handle_events()
            if self.running:
                self._update(now)
                time.sleep(self._sleep_time())

    def _update(self, now: float) -> None:
        """Take the newest frame when one is due and redraw if anything changed."""
        if now < self.next_draw:
            return
        frame = self.buffer.read_latest(after=self.seen_count)
        if frame is not None:
            self.seen_count = frame.write_count
            self.last_frame_at = now
            self.frame = frame
            h, w = frame.image.shape[:2]
            self.frame_surface = pygame.image.frombuffer(frame.image, (w, h), "RGB")
            self.dirty = True
        if self.overlay and now - self.last_draw >= _OVERLAY_REFRESH_S:
            self.dirty = True
        if self.dirty:
            self._draw()
            self.next_draw = now + self.period
            if frame is not None:
                self._record_shown(frame)

    def _sleep_time(self) -> float:
        now = time.monotonic()
        poll = _IDLE_POLL_S if now - self.last_frame_at > _IDLE_AFTER_S else _POLL_S
        return min(max(self.next_draw - now, poll), _MAX_SLEEP_S)

    def _draw(self) -> None:
        self.screen.fill((0, 0, 0))
        if self.frame_surface is not None:
            rect = letterbox(self.frame_surface.get_size(), self.screen.get_size())
            if rect.size == self.frame_surface.get_size():
                self.screen.blit(self.frame_surface, rect)
            else:
                self.screen.blit(pygame.transform.smoothscale(self.frame_surface, rect.size), rect)
        if self.overlay:
            self._draw_overlay()
        pygame.display.flip()
        self.last_draw = time.monotonic()
        self.dirty = False

    def _record_shown(self, frame: SharedFrame) -> None:
        self.shown_at.append(self.last_draw)
        self.header["displayed_seq"] = frame.seq
        self.header["displayed_at"] = self.last_draw
        self.header["frame_age_ms"] = (self.last_draw - frame.submitted_at) * 1000.0
        self.header["frames_shown"] += 1
        self._count_shown(self.last_draw)

    def _count_shown(self, now: float) -> None:
        """Publish how many distinct frames went on screen during the last second."""
        while self.shown_at and now - self.shown_at[0] > 1.0:
            self.shown_at.popleft()
        self.header["shown_fps"] = len(self.shown_at)

    def _draw_overlay(self) -> None:
        if self.font is None:
            pygame.font.init()
            self.font = pygame.font.Font(None, 22)
        seq = self.frame.seq if self.frame else -1
        age_ms = (time.monotonic() - self.frame.submitted_at) * 1000.0 if self.frame else 0.0
        text = f"{len(self.shown_at):3d} fps   age {age_ms:5.1f} ms   #{seq}"
        label = self.font.render(text, True, (255, 255, 255))
        box = pygame.Surface((label.get_width() + 12, label.get_height() + 8), pygame.SRCALPHA)
        box.fill((0, 0, 0, 170))
        box.blit(label, (6, 4))
        self.screen.blit(box, (8, 8))

    def _handle_events(self) -> None:
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.running = False
                self._emit("closed")
            elif event.type == pygame.KEYDOWN:
                self._on_key(event)
            elif event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                self._on_resized()
            elif event.type == pygame.WINDOWEXPOSED:
                self.dirty = True

    def _on_key(self, event: pygame.event.Event) -> None:
        if event.key in _MODIFIER_KEYS:
            return
        name = pygame.key.name(event.key).lower()
        chord = key_chord(name, {mod for mod, bits in _MODIFIER_BITS if event.mod & bits})
        self._emit("key_pressed", key=chord)
        if chord == self.options.exit_combo:
            self._emit("exit_requested", key=chord)
        elif name == "f11":
            self._set_fullscreen(not self.fullscreen)
        elif name == "f3":
            self._set_overlay(not self.overlay)
        elif name == "escape" and self.options.exit_combo is None and self.fullscreen:
            self._set_fullscreen(False)

    def _handle_commands(self) -> None:
        for command in receive_all(self.commands):
            self._run_command(command)  # type: ignore[arg-type]

    def _run_command(self, command: WindowCommand) -> None:
        kind, args = command.kind, command.args
        if kind == "fullscreen":
            self._set_fullscreen(bool(args[0]) if args else not self.fullscreen)
        elif kind == "overlay":
            self._set_overlay(bool(args[0]))
        elif kind == "resize":
            self._resize((int(args[0]), int(args[1])))
        elif kind == "post_key":
            self._post_key(str(args[0]))
        elif kind == "post_quit":
            pygame.event.post(pygame.event.Event(pygame.QUIT))
        elif kind == "screenshot":
            self._screenshot(str(args[0]))
        elif kind == "shutdown":
            self.running = False

    def _post_key(self, chord: str) -> None:
        *mods, name = chord.split("+")
        try:
            key = pygame.key.key_code(name)
        except ValueError:
            log.warning("cannot post key %r: pygame knows no key named %r", chord, name)
            return
        bits = 0
        for mod, mod_bits in _MODIFIER_BITS:
            if mod in mods:
                bits |= mod_bits
        event = pygame.event.Event(pygame.KEYDOWN, key=key, mod=bits, unicode="", scancode=0)
        pygame.event.post(event)

    def _screenshot(self, path: str) -> None:
        if self.dirty:
            self._draw()
        partial = f"{path}.partial.png"
        try:
            pygame.image.save(self.screen, partial)
            os.replace(partial, path)
        except (pygame.error, OSError) as exc:
            log.warning("screenshot to %s failed: %s", path, exc)
            return
        self._emit("screenshot_saved", path=path)

    def _set_fullscreen(self, on: bool) -> None:
        if on == self.fullscreen:
            return
        if on:
            self.windowed_size = self.screen.get_size()
        self.fullscreen = on
        self.screen = self._set_mode()
        self._emit("fullscreen_changed")

    def _set_overlay(self, on: bool) -> None:
        if on != self.overlay:
            self.overlay = on
            self.dirty = True
            self.header["overlay"] = int(on)
            self._emit("overlay_changed")

    def _resize(self, size: tuple[int, int]) -> None:
        """Resize the window; while fullscreen, the size applies when fullscreen is left."""
        self.windowed_size = size
        if not self.fullscreen:
            self.screen = self._set_mode()
            self._emit("resized")

    def _on_resized(self) -> None:
        surface = pygame.display.get_surface()
        if surface is not None and surface.get_size() != self._published_size():
            self.screen = surface
            self._publish_window()
            self._emit("resized")

    def _set_mode(self) -> pygame.Surface:
        if self.fullscreen:
            screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            screen = pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)
        self.screen = screen
        self.dirty = True
        self._publish_window()
        return screen

    def _published_size(self) -> tuple[int, int]:
        return int(self.header["window_w"]), int(self.header["window_h"])

    def _publish_window(self) -> None:
        self.header["window_w"], self.header["window_h"] = self.screen.get_size()
        self.header["fullscreen"] = int(self.fullscreen)
        self.header["overlay"] = int(self.overlay)

    def _emit(self, kind: WindowEventKind, key: str = "", path: str = "") -> None:
        event = WindowEvent(
            kind, key=key, size=self._published_size(), fullscreen=self.fullscreen, path=path,
            at=time.monotonic(),
        )
        if not send_nowait(self.events, event):
            log.warning("window event %s dropped: the agent is not reading", kind)


def run_window(
    shm_name: str, options: WindowOptions, commands: Connection, events: Connection,
    parent_pid: int,
) -> None:
    """Child entry point: open the window and run it; state and reasons go to the header."""
    buffer = SharedFrameBuffer.attach(shm_name)
    try:
        reason = open_display(options)
        if reason:
            buffer.set_reason(reason)
            buffer.header["child_state"] = CHILD_UNAVAILABLE
            return
        WindowApp(buffer, options, commands, events, parent_pid).run()
        pygame.display.quit()
        buffer.header["child_state"] = CHILD_CLOSED
    except Exception as exc:
        buffer.set_reason(f"the window process failed: {exc!r}")
        buffer.header["child_state"] = CHILD_FAILED
        raise
    finally:
        buffer.close()
