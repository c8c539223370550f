"""Events the `Conversation` publishes to its subscribers (the console, the kiosk, tests).

Facts are named in the past tense. They are frozen, slotted dataclasses: cheap to create on the
render thread and safe to hand to another thread. Subscribers must not block; the Textual console
forwards them to its event loop with `call_from_thread`/`post_message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from contracts import EngineInfo, Plan, Utterance

WindowState = Literal["open", "closed", "crashed", "unavailable", "disabled"]


@dataclass(frozen=True, slots=True)
class UtteranceReceived:
    """Someone said something. Attributes: utterance."""

    utterance: Utterance


@dataclass(frozen=True, slots=True)
class PlanStarted:
    """A plan preempted whatever played before.

    Attributes:
        plan: the validated plan now playing.
        plan_id: its id; frames carry it, so stale frames of older plans can be dropped.
        utterance: what it was made from, or None for explicit plans.
        interpret_ms: time spent turning the text into the plan.
    """

    plan: Plan
    plan_id: int
    utterance: Utterance | None = None
    interpret_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class ReplyReady:
    """The avatar answers (all of it, or one sentence of a streamed reply).

    Attributes:
        text: what to say; for a streamed reply one sentence, in order.
        plan_id: the plan whose `talk`/`chat` step speaks it.
        language: ISO code ("ko", "en") when the planner knows it, else None.
        final: False while more sentences of the same reply will follow.
    """

    text: str
    plan_id: int
    language: str | None = None
    final: bool = True


@dataclass(frozen=True, slots=True)
class FrameRendered:
    """A frame went to the sinks.

    Attributes:
        seq: frame sequence number.
        t: the wall-clock time it represents.
        plan_id: the plan that was playing.
        render_ms: engine time for this frame.
    """

    seq: int
    t: float
    plan_id: int
    render_ms: float


@dataclass(frozen=True, slots=True)
class Status:
    """A snapshot for status bars.

    Attributes:
        engine: the running engine's info (name, device, real weights, fallback flag).
        fps: frames per second over the last couple of seconds.
        latency_p50_ms: median time from a plan's start to its first frame on screen/sinks.
        latency_p95_ms: 95th percentile of the same.
        queue_depth: frames waiting for sinks (0 or 1: stale frames are dropped).
        window: state of the pygame window.
        portrait: path of the current portrait.
        recording: path being recorded to, or None.
        notes: short user-facing notes (e.g. how to get the real weights).
        components: (name, state) of each attached component ("voice", "speech", "llm", "web"),
            as their last `ComponentStateChanged` said.
        face_box: (x0, y0, x1, y1) of the animated face in frame pixels, None before start
            (the terminal preview shows this part).
    """

    engine: EngineInfo
    fps: float = 0.0
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    queue_depth: int = 0
    window: WindowState = "disabled"
    portrait: str = ""
    recording: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    components: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    face_box: tuple[int, int, int, int] | None = None

    def component(self, name: str) -> str | None:
        """The last state component `name` reported, or None if it never did."""
        return dict(self.components).get(name)


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The status snapshot changed (published at most a few times per second)."""

    status: Status


@dataclass(frozen=True, slots=True)
class PortraitChanged:
    """A new portrait is live. Attributes: path, notes from face detection."""

    path: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WindowStateChanged:
    """The window opened, closed, crashed or is unavailable. Attributes: state, reason."""

    state: WindowState
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ErrorOccurred:
    """Something failed; the app keeps running unless `fatal`.

    Attributes:
        source: which part failed ("portrait", "engine", "window", "interpreter", ...).
        message: short, user-facing, says what to do next.
        fatal: True when the conversation cannot go on.
    """

    source: str
    message: str
    fatal: bool = False


@dataclass(frozen=True, slots=True)
class WindowKeyPressed:
    """A key was pressed in the window. Attributes: key, the chord ("f11", "ctrl+s", "1")."""

    key: str


@dataclass(frozen=True, slots=True)
class ExitRequested:
    """Someone asked the app to end (kiosk operator combination, signal).

    Attributes:
        source: where the request came from ("window", "signal", "input").
        detail: e.g. the key chord or the signal name.
    """

    source: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Interrupted:
    """Someone barged in (new typed text, speech start): speech output stops, the mouth closes.

    Attributes:
        reason: who interrupted ("typed", "voice", "script", "web", ...).
    """

    reason: str


@dataclass(frozen=True, slots=True)
class ComponentStateChanged:
    """An attached component (listener, speaker, LLM, web server) changed state.

    Attributes:
        component: its name ("voice", "speech", "llm", "web").
        state: one short user-facing line ("hands-free · tiny.en (English only)", "off", ...).
        problem: True when the state is a degradation the user should know about.
    """

    component: str
    state: str
    problem: bool = False


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """Voice activity began (the listener's VAD). Attributes: at, monotonic seconds."""

    at: float


@dataclass(frozen=True, slots=True)
class SpeechEnded:
    """Voice activity ended. Attributes: at (monotonic seconds), duration_s of the speech."""

    at: float
    duration_s: float


@dataclass(frozen=True, slots=True)
class TranscriptPartial:
    """A partial transcript while the person is still speaking. Attributes: text."""

    text: str


@dataclass(frozen=True, slots=True)
class SpeakingChanged:
    """The avatar's voice output started or stopped (the listener mutes itself meanwhile).

    Attributes:
        speaking: True while audio plays.
        plan_id: the plan whose reply is spoken.
    """

    speaking: bool
    plan_id: int


@dataclass(frozen=True, slots=True)
class SpeechMuted:
    """The operator muted or unmuted the avatar's voice (`/mute`); the mouth still moves.

    Attributes:
        muted: True for no sound.
    """

    muted: bool


@dataclass(frozen=True, slots=True, eq=False)
class SpeechAudio:
    """A piece of the avatar's speech went to the sound card (a running recording keeps it).

    Attributes:
        audio: (N,) float32 mono samples as played (volume applied).
        sample_rate: samples per second.
        at: monotonic time its first sample is heard.
    """

    audio: np.ndarray
    sample_rate: int
    at: float


Event = (
    UtteranceReceived
    | PlanStarted
    | ReplyReady
    | FrameRendered
    | StatusChanged
    | PortraitChanged
    | WindowStateChanged
    | ErrorOccurred
    | WindowKeyPressed
    | ExitRequested
    | Interrupted
    | ComponentStateChanged
    | SpeechStarted
    | SpeechEnded
    | TranscriptPartial
    | SpeakingChanged
    | SpeechMuted
    | SpeechAudio
)
