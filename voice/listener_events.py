"""What the listening loop tells the outside world: when it acts on speech (`Mode`), what it is
doing now (`Phase`), what it recognised (`Heard`) and the callbacks it reports through
(`ListenerEvents`). Front ends import these without the loop's threads and models."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from voice.recognizer import Transcript


class Mode(enum.StrEnum):
    """When the listener acts on speech."""

    OFF = "off"
    PUSH_TO_TALK = "ptt"
    HANDS_FREE = "handsfree"


class Phase(enum.StrEnum):
    """What the listener is doing now (the console's listening indicator)."""

    OFF = "off"
    LOADING = "loading"
    IDLE = "idle"  # push-to-talk, waiting for the key
    LISTENING = "listening"  # gate open, no speech yet
    HEARING = "hearing"  # speech in progress
    RECOGNIZING = "recognizing"
    MUTED = "muted"  # the avatar is speaking
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Heard:
    """A recognised utterance.

    Attributes:
        transcript: text, language and confidence.
        start: stream seconds where the speech began.
        end: stream seconds where it ended.
        started_at: wall-clock time (`time.time()`) the speech began.
        ended_at: wall-clock time it ended.
        decided_at: `time.monotonic()` when the VAD decided the utterance was over.
    """

    transcript: Transcript
    start: float
    end: float
    started_at: float
    ended_at: float
    decided_at: float


class ListenerEvents:
    """Callbacks from the listener's threads; override the ones you need. Must not block."""

    def on_phase(self, phase: Phase) -> None:
        """The listening indicator changed."""

    def on_level(self, level: float, overflows: int) -> None:
        """Input level 0..1 (−60..0 dBFS), about ten times a second, and lost blocks so far."""

    def on_speech_started(self, at: float) -> None:
        """Speech began (`time.monotonic()` of the decision)."""

    def on_speech_ended(self, at: float, duration_s: float) -> None:
        """Speech ended (`time.monotonic()` of the decision) after `duration_s` of speech."""

    def on_partial(self, text: str) -> None:
        """A partial transcript of the utterance still being spoken."""

    def on_heard(self, heard: Heard) -> None:
        """A final transcript with text."""

    def on_rejected(self, reason: str) -> None:
        """An utterance gave no usable text (noise, a phantom line)."""

    def on_error(self, message: str) -> None:
        """The microphone or the recognizer failed; the message says what to do."""
