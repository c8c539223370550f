"""The JSON the LLM must write, as pydantic models, and its translation into a `Plan`.

Decoding is constrained to `answer_model(...)`'s JSON schema: `steps` come first (the face can
start before the reply is written), then `reply`. Every value is bounded, so a grammar-complete
answer always fits in `max_output_bytes` and pydantic accepts every answer the grammar allows:
- `intent` is an expression from EXPRESSIONS.md (not `chat`/`talk`: the reply is the talking);
- `intensity` is one of five levels and `repeat` 1..3, so numbers cannot run on;
- `reply` is 1..N characters from Hangul, Latin letters, digits, space and plain punctuation.
  Without that pattern a byte-level model writes control characters and broken UTF-8 that JSON
  parsers reject (see docs/voice_llm_facts.md).
"""

from __future__ import annotations

import functools
import json
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, create_model

from contracts.plan import Plan, Step

ExpressionName = Literal[
    "smile", "laugh", "blink", "wink", "surprise", "sad", "angry", "fear", "disgust", "confused",
    "close_eyes", "nod", "shake_head", "look_left", "look_right", "look_up", "look_down", "kiss",
    "neutral",
]
EXPRESSIONS: tuple[str, ...] = get_args(ExpressionName)
Intensity = Literal[0.35, 0.5, 0.7, 0.85, 1.0]
INTENSITIES: tuple[float, ...] = get_args(Intensity)
MAX_LLM_REPEAT = 3
# Characters a reply may hold; a space may not start it. Kept literal so that pydantic (Rust
# regex) and xgrammar read the same class.
REPLY_CHARS = "가-힣ㄱ-ㅎㅏ-ㅣA-Za-z0-9.,!?~'%():;-"
_SPACED = REPLY_CHARS[:-1] + " -"  # the hyphen stays last in the class
_SLACK = 16  # number spellings ("1" vs "1.0") and separators the grammar may add


class LLMStep(BaseModel):
    """One expression of an LLM answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent: ExpressionName
    intensity: Intensity
    repeat: int = Field(ge=1, le=MAX_LLM_REPEAT)


class LLMAnswer(BaseModel):
    """The base of every answer model (see `answer_model` for the bounded fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[LLMStep]
    reply: str


def reply_pattern(reply_chars: int) -> str:
    """The regex a reply of at most `reply_chars` characters matches."""
    return f"^[{REPLY_CHARS}][{_SPACED}]{{0,{reply_chars - 1}}}$"


@functools.cache
def answer_model(reply_chars: int, max_steps: int) -> type[LLMAnswer]:
    """The answer model for these limits (steps first, then the reply), cached per limits."""
    return create_model(
        "Answer",
        __base__=LLMAnswer,
        steps=(list[LLMStep], Field(min_length=1, max_length=max_steps)),
        reply=(str, Field(pattern=reply_pattern(reply_chars))),
    )


def answer_schema(reply_chars: int, max_steps: int) -> dict[str, object]:
    """The JSON schema of `answer_model(reply_chars, max_steps)`."""
    return answer_model(reply_chars, max_steps).model_json_schema()


def max_output_bytes(reply_chars: int, max_steps: int) -> int:
    """Bytes of the longest answer the schema allows, in the compact form the grammar writes.

    Every token is at least one byte, so this also bounds the tokens to generate.
    """
    longest_step = LLMStep(intent="look_right", intensity=0.85, repeat=MAX_LLM_REPEAT)
    step = len(json.dumps(longest_step.model_dump()).encode())
    frame = len(json.dumps({"steps": [], "reply": ""}).encode())
    return frame + max_steps * (step + 2) + reply_chars * 3 + _SLACK


def to_plan(steps: list[LLMStep], text: str | None, reply: str | None = None) -> Plan:
    """The `Plan` (source "llm") for decoded steps and, once known, the reply."""
    return Plan(
        text=text,
        steps=[
            Step(intent=step.intent, intensity=float(step.intensity), repeat=step.repeat)
            for step in steps
        ],
        reply=reply,
        source="llm",
        confidence=1.0,
    )


__all__ = [
    "EXPRESSIONS",
    "INTENSITIES",
    "LLMAnswer",
    "LLMStep",
    "answer_model",
    "answer_schema",
    "max_output_bytes",
    "to_plan",
]
