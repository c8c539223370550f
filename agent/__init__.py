"""The conversation loop and the `avatar` CLI: utterances in, plans played, frames out.

`Conversation` is the one entry point for every input (console, scripts, kiosk, voice);
`load_settings` builds its `Settings`; `render_script` turns a script into a video file.
"""

from agent.config import ConfigError, Settings, load_settings
from agent.conversation import Conversation

__all__ = ["ConfigError", "Conversation", "Settings", "load_settings"]
