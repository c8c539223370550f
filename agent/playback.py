"""Playing scheduled cues live, at wall-clock pace, through a `Conversation`.

`avatar play` and the kiosk's attract loop use it; `avatar render` plays the same cues on script
time instead.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from agent.cues import Schedule
from contracts import Plan, Utterance


class PlanPlayer(Protocol):
    """What playback needs from a `Conversation`."""

    def play(self, plan: Plan, utterance: Utterance | None = None) -> int: ...


def play_live(player: PlanPlayer, schedule: Schedule, stop: threading.Event) -> bool:
    """Play every cue at its time after now, then wait out the script's end.

    Returns:
        True when the script played to its end, False when `stop` was set first.
    """
    started = time.monotonic()
    for cue in schedule.cues:
        if stop.wait(max(0.0, started + cue.at - time.monotonic())):
            return False
        player.play(cue.plan, cue.utterance)
    return not stop.wait(max(0.0, started + schedule.duration - time.monotonic()))
