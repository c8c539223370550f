"""The conversation loop and the `avatar` CLI: utterances in, plans played, frames out.

`Conversation` is the one entry point for every input (console, scripts, kiosk, voice);
`load_settings` builds its `Settings`; `render_script` turns a script into a video file.

Names are imported on first use, so `avatar plan` or `agent.config` alone do not pull in the
window, the engines and the video writers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.lazy import lazy_getattr

if TYPE_CHECKING:
    from agent.config import ConfigError, Settings, load_settings
    from agent.conversation import Conversation
    from agent.render import render_script
    from agent.script import ScriptError, load_script

_HOMES = {
    "ConfigError": "agent.config",
    "Conversation": "agent.conversation",
    "ScriptError": "agent.script",
    "Settings": "agent.config",
    "load_script": "agent.script",
    "load_settings": "agent.config",
    "render_script": "agent.render",
}

__all__ = [
    "ConfigError",
    "Conversation",
    "ScriptError",
    "Settings",
    "load_script",
    "load_settings",
    "render_script",
]


__getattr__ = lazy_getattr(__name__, _HOMES)
