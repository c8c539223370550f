"""`Plan` and `Step`: what an utterance asks the portrait to do (EXPRESSIONS.md vocabulary)."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.pose import CHANNEL_NAMES, ChannelName, Pose

IntentName = Literal[
    "smile",
    "laugh",
    "blink",
    "wink",
    "talk",
    "surprise",
    "sad",
    "angry",
    "fear",
    "disgust",
    "confused",
    "close_eyes",
    "nod",
    "shake_head",
    "look_left",
    "look_right",
    "look_up",
    "look_down",
    "kiss",
    "neutral",
    "chat",
]
INTENTS: tuple[IntentName, ...] = get_args(IntentName)
PlanSource = Literal["classifier", "llm", "script"]

DEFAULT_INTENSITY = 0.7
MAX_REPEAT = 10


class Step(BaseModel):
    """One expression in a plan.

    Attributes:
        intent: the intent name (EXPRESSIONS.md).
        intensity: 0..1 scale of the preset's channel targets (default 0.7).
        repeat: how many times the motion plays (1..10).
        duration: optional override of the whole step length in seconds.
        hold: optional override of the hold time in seconds; `float("inf")` is not allowed,
            use `hold_forever` instead.
        hold_forever: keep the final pose until the next plan (like `close_eyes`).
        targets: optional explicit channel targets at intensity 1.0, replacing the preset's.
        text: what the portrait says during a `talk` or `chat` step (mouth shapes follow it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: IntentName
    intensity: float = Field(default=DEFAULT_INTENSITY, ge=0.0, le=1.0)
    repeat: int = Field(default=1, ge=1, le=MAX_REPEAT)
    duration: float | None = Field(default=None, gt=0.0, le=60.0)
    hold: float | None = Field(default=None, ge=0.0, le=600.0)
    hold_forever: bool = False
    targets: dict[ChannelName, float] | None = None
    text: str | None = Field(default=None, max_length=2000)

    @field_validator("targets")
    @classmethod
    def _clamp_targets(cls, targets: dict[str, float] | None) -> dict[str, float] | None:
        if targets is None:
            return None
        return {name: Pose.spec(name).clamp(value) for name, value in targets.items()}  # type: ignore[arg-type]

    def summary(self) -> dict[str, object]:
        """The step as in `avatar plan --json`: intent, intensity (2 decimals), repeat."""
        return {"intent": self.intent, "intensity": round(self.intensity, 2), "repeat": self.repeat}


class Plan(BaseModel):
    """An ordered list of steps plus an optional reply; validated before anything plays it.

    Attributes:
        text: the utterance the plan was made from, if any.
        steps: the steps in play order (at least one).
        reply: what the avatar answers (spoken by `talk`/`chat` steps), or None.
        source: who made the plan: "classifier", "llm" or "script".
        confidence: 0..1 confidence of the planner in this plan.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    steps: list[Step] = Field(min_length=1, max_length=20)
    reply: str | None = Field(default=None, max_length=2000)
    source: PlanSource = "classifier"
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    @property
    def intents(self) -> list[IntentName]:
        """The intent names of the steps, in order."""
        return [step.intent for step in self.steps]

    @property
    def spoken(self) -> str | None:
        """What the avatar says for this plan: its reply, else the text of its first
        talk/chat step, else None."""
        if self.reply:
            return self.reply
        return next(
            (step.text for step in self.steps if step.intent in ("talk", "chat") and step.text),
            None,
        )

    def to_output(self) -> dict[str, object]:
        """The JSON object `avatar plan --json` prints (EXPRESSIONS.md format)."""
        return {
            "text": self.text,
            "source": self.source,
            "confidence": round(self.confidence, 2),
            "steps": [step.summary() for step in self.steps],
            "reply": self.reply,
        }


__all__ = ["CHANNEL_NAMES", "INTENTS", "IntentName", "Plan", "PlanSource", "Step"]
