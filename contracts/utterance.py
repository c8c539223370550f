"""`Utterance`: one thing a person (or a script) said to the portrait."""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UtteranceSource = Literal[
    "typed", "voice", "script", "stdin", "fifo", "file", "attract", "web"
]
MAX_UTTERANCE_CHARS = 20_000
"""The longest text one utterance may carry; longer input is refused, never truncated."""


class Utterance(BaseModel):
    """Text plus where it came from.

    Attributes:
        text: what was said, as typed or recognised.
        source: "typed" (console), "voice" (speech recognition), "script"; the kiosk's inputs
            "stdin", "fifo" and "file" (one line each), and "attract" (its attract loop).
        language: ISO code ("ko", "en") when known.
        started_at: wall-clock time (`time.time()`) the person started, if known.
        ended_at: wall-clock time the utterance was complete.
        confidence: 0..1 speech-recognition confidence for voice input, else None.
    """

    model_config = ConfigDict(frozen=True)

    text: str = Field(max_length=MAX_UTTERANCE_CHARS)
    source: UtteranceSource = "typed"
    language: str | None = None
    started_at: float | None = None
    ended_at: float = Field(default_factory=time.time)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
