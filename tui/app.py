"""The Textual operator console (`avatar` with no subcommand) and its entry point."""

from __future__ import annotations

import multiprocessing.resource_tracker
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.keys import KEY_ALIASES, Keys
from textual.screen import Screen

from tui.screens.main import MainScreen
from tui.widgets.command_input import CommandInput

if TYPE_CHECKING:
    from agent import Conversation, Settings
    from agent.listener import VoiceListener


class ConsoleApp(App[int]):
    """Chat with the portrait, play quick expressions, watch it live, run slash commands.

    The caller owns the Conversation's lifecycle (`start()` before, `stop()` after the app runs);
    `run_console` does both.

    Args:
        conversation: a started Conversation.
        live: False freezes the machine-dependent parts of the screen (the preview shows a
            placeholder; fps, latency and queue depth show "--") for deterministic snapshots.
        keymap: binding id → key, e.g. {"quick.smile": "ctrl+1"} (ids are listed in the footer
            bindings: `quick.<intent>`, `console.toggle_log`, `voice.push_to_talk`, `input.*`).
        voice: the voice listener when voice input is on: the voice line, push-to-talk (F12),
            /voice and /mic.
    """

    CSS_PATH = "app.tcss"
    TITLE = "portrait-agent"

    def __init__(
        self,
        conversation: Conversation,
        *,
        live: bool = True,
        keymap: Mapping[str, str] | None = None,
        voice: VoiceListener | None = None,
    ) -> None:
        super().__init__()
        _start_resource_tracker()
        self.conversation = conversation
        self.live = live
        self.voice = voice
        if keymap:
            check_keymap(keymap)
            self.set_keymap(dict(keymap))

    def get_default_screen(self) -> Screen[None]:
        """The main screen is the app's base screen."""
        return MainScreen(self.conversation, live=self.live, voice=self.voice)


def binding_ids() -> list[str]:
    """Every id the keymap may remap, sorted."""
    bindings = [*MainScreen.BINDINGS, *CommandInput.BINDINGS]
    return sorted(b.id for b in bindings if isinstance(b, Binding) and b.id)


def check_keymap(keymap: Mapping[str, str]) -> None:
    """Reject keymap entries that would silently do nothing.

    Raises:
        ValueError: an unknown binding id or an empty key; the message lists the valid ids.
    """
    known = binding_ids()
    for binding_id, key in keymap.items():
        if binding_id not in known:
            raise ValueError(
                f"console.keymap: unknown binding id {binding_id!r}; use one of {', '.join(known)}"
            )
        if not key.strip():
            raise ValueError(f"console.keymap: the key for {binding_id!r} is empty")
        for chord in key.split(","):
            if not is_key_name(chord.strip()):
                raise ValueError(
                    f"console.keymap: {binding_id!r} = {key!r}: {chord.strip()!r} is not a key; "
                    "write keys like 'f1', 'ctrl+1', 'shift+tab' or 'ctrl+shift+up'"
                )


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(
    key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")
) | frozenset(KEY_ALIASES)


def is_key_name(chord: str) -> bool:
    """True for a key Textual can bind: modifiers joined with '+', then one key, as in
    "ctrl+shift+up", "f5", "a", "!" or "exclamation_mark" (an ASCII character's Unicode name)."""
    *mods, key = chord.lower().split("+") if chord else [""]
    if not key or any(mod not in _MODIFIERS for mod in mods):
        return False
    if len(key) == 1 and key.isprintable() and not key.isspace():
        return True
    if key in _NAMED_KEYS:
        return True
    try:
        character = unicodedata.lookup(key.replace("_", " "))
    except KeyError:
        return False
    return character.isascii() and character.isprintable()  # "banana" names 🍌, not a key


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while `sys.stderr` is still the real one.

    A running Textual app replaces `sys.stderr` with a capture whose `fileno()` is -1, and the
    tracker, started lazily by the first shared-memory block (the window's frame buffer), passes
    `sys.stderr.fileno()` to its child: opening the window from the console (/window) then fails
    with "bad value(s) in fds_to_keep". Starting it before the app runs avoids that.
    """
    multiprocessing.resource_tracker.ensure_running()


def run_console(settings: Settings) -> int:
    """Start a Conversation from `settings`, run the console until the user quits, stop it.

    Returns:
        The process exit code: 0 after /quit or Ctrl+Q, 1 if the app failed.
    """
    from agent import Conversation  # loads the engines; only needed once the console starts
    from agent.components import Assembly, standard_components
    from agent.listener import VoiceListener

    check_keymap(settings.console.keymap)
    conversation = Conversation(settings)
    with Assembly(conversation, standard_components(settings, "console")) as assembly:
        voice = next((c for c in assembly.components if isinstance(c, VoiceListener)), None)
        app = ConsoleApp(conversation, keymap=settings.console.keymap, voice=voice)
        app.run()
        return app.return_code or 0
