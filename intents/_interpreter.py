"""Text → `Plan`: the `Interpreter` interface and the embedded classifier behind it.

The classifier interpreter runs, per utterance: normalise → split into clauses and segments →
classify each segment → apply negation, clause mood and low-confidence fallback → read modifiers
→ build the plan. Every input gives a valid plan; nothing raises on odd text.

Documented edge cases:
- empty or whitespace-only text → a `chat` plan with confidence 0.0 and no reply: there is nothing
  to answer (front ends make no plan for it at all);
- text that is only laughter, emoji or emoticons ("ㅋㅋㅋ", "lol", "😊", "ㅋㅋ 웃겨") → the
  expression that answers in kind (laugh, smile, sad …), then a `chat` step with a reply;
- other text with no words left after normalisation ("...", "🚗") → `chat`, confidence 0.0,
  with a reply;
- text whose letters are less than 80 % Hangul or ASCII (binary garbage, other scripts) → a
  `chat` plan with confidence 0.0 and a reply;
- text longer than `MAX_INPUT_CHARS` after normalisation, or `MAX_RAW_CHARS` as written (checked
  first, before any copy of the text is made) → a `chat` plan with confidence 0.0 and a reply
  asking for something shorter; a command is never hidden in a wall of text;
- gibberish ("asdfgh", "ㅁㄴㅇㄹ") → `chat` with a confidence scaled down by the share of words
  that could not be words, and a reply saying it was not understood;
- more than `MAX_STEPS` steps → the first `MAX_STEPS` are kept.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from contracts.plan import DEFAULT_INTENSITY, IntentName, Plan, Step
from intents._gibberish import WordShape
from intents._model import LinearModel
from intents._modifiers import intensity_of, repeat_of
from intents._normalize import normalize, readable_share
from intents._reactions import reaction_of
from intents._segment import Segment, segment
from intents._spelling import SpellingCorrector, plain_korean_variants
from intents.replies import ChatKind, reply_for, talk_line
from intents.stream import PlanStream

logger = logging.getLogger("avatar.intents")

MODEL_PATH = Path(__file__).resolve().parent / "data" / "model.npz"
MIN_CONFIDENCE = 0.4
RULE_CONFIDENCE = 0.9
MIN_READABLE = 0.8
MAX_INPUT_CHARS = 300
MAX_RAW_CHARS = 2000
UNCLEAR_SHARE = 0.5  # below this share of plausible words, chat is answered "not understood"
MAX_STEPS = 20
_NO_MODIFIERS = frozenset({"neutral", "chat", "talk"})
_LATIN_WORD = re.compile(r"[a-z]+")
# "you look sad", "u seem confused lol", "you're so scary": a remark about the portrait's face,
# not a request for it (that is "look sad", "can you look sad?").
_REMARK = re.compile(
    r"^(?:(?:wow|omg|oh|hey|lol|haha|aww*|man|dude|so|now|ok|okay|well)\s+)*"
    r"(?:(?:you|u|ya)\s+(?:look|looks|looking|seem|seems|appear|sound)\b"
    r"(?!\s+(?:up|down|left|right|at|to|over|around|away|here|there|back|into)\b)"
    r"|(?:you're|youre|you are|ur|u r)\s+(?!gonna\b|going\b|about\b))"
)
# A step that is only a direction ("look up, then down", "위 봤다가 아래") continues the looking.
_BARE_DIRECTIONS = {
    **dict.fromkeys(("up", "upward", "upwards", "위", "위로", "위쪽", "위쪽으로"), "look_up"),
    **dict.fromkeys(("down", "downward", "downwards", "아래", "아래로", "아래쪽", "아래쪽으로",
                     "밑", "밑으로"), "look_down"),
    **dict.fromkeys(("left", "to the left", "왼쪽", "왼쪽으로", "왼편"), "look_left"),
    **dict.fromkeys(("right", "to the right", "오른쪽", "오른쪽으로", "오른편"), "look_right"),
}


class Interpreter(ABC):
    """Turns one utterance into a validated `Plan`."""

    @abstractmethod
    def interpret(self, text: str) -> Plan:
        """The plan for one utterance; never raises for any string."""

    def interpret_many(self, texts: Iterable[str]) -> list[Plan]:
        """Plans for several utterances, in order."""
        return [self.interpret(text) for text in texts]

    def interpret_stream(self, text: str) -> PlanStream:
        """The interpretation as it is decoded: a plan to start now, then the reply in sentences.

        The default is the single plan of `interpret`; the LLM router streams.
        """
        return PlanStream.single(self.interpret(text))

    def reset(self) -> None:  # noqa: B027 - optional hook: most interpreters keep no memory
        """Forget the conversation so far (the LLM's memory); others have nothing to forget."""


@dataclass(frozen=True, slots=True)
class _Decision:
    segment: Segment
    intent: str
    confidence: float
    chat_probability: float

    @property
    def is_command(self) -> bool:
        return self.intent != "chat"


class ClassifierInterpreter(Interpreter):
    """The offline interpreter: an embedded n-gram softmax classifier plus a few rules.

    Args:
        model: the trained classifier.
        min_confidence: segments scored below this are `chat`, never a guessed expression.
    """

    def __init__(self, model: LinearModel, min_confidence: float = MIN_CONFIDENCE) -> None:
        self.model = model
        self.min_confidence = min_confidence
        self._chat = model.labels.index("chat")
        strength = np.abs(model.weights).max(axis=1)
        self._speller = SpellingCorrector(
            {name[2:]: float(strength[row]) for name, row in model.vocab.items()
             if name.startswith("w:")}
        )
        self._shape = WordShape(
            (name[2:] for name in model.vocab if name.startswith("w:")),
            {char for name in model.vocab if name.startswith("c:") for char in name[2:]},
        )

    @classmethod
    def from_file(cls, path: Path = MODEL_PATH) -> ClassifierInterpreter:
        """Load the model file (see `LinearModel.load` for the errors it raises)."""
        return cls(LinearModel.load(path))

    def classify(self, text: str) -> tuple[str, float, float]:
        """(best intent, its probability, probability of chat) for one normalised segment.

        A segment that scores as chat or below `min_confidence` is scored again with English
        typos and sound-alikes corrected ("blnik" → "blink", "laff" → "laugh") and with Korean
        cute spellings undone ("윙끄해줘" → "윙크해줘"); a correction is kept only if it gives a
        confident expression.
        """
        scored = self._score(text)
        if scored[0] != "chat" and scored[1] >= self.min_confidence:
            return scored
        corrected = _LATIN_WORD.sub(lambda word: self._speller.correct_word(word.group()), text)
        retries = [] if corrected == text else [self._score(corrected)]
        if not retries or retries[0][0] == "chat":
            retries += [self._score(variant) for variant in plain_korean_variants(text)]
        confident = [retry for retry in retries
                     if retry[0] != "chat" and retry[1] >= self.min_confidence]
        return max(confident, key=lambda retry: retry[1]) if confident else scored

    def _score(self, text: str) -> tuple[str, float, float]:
        probabilities = self.model.probabilities(text)
        best = int(probabilities.argmax())
        return self.model.labels[best], float(probabilities[best]), float(probabilities[self._chat])

    def interpret(self, text: str) -> Plan:
        if not isinstance(text, str):
            raise TypeError(f"interpret() needs a str, got {type(text).__name__}")
        if len(text) > MAX_RAW_CHARS:
            return _chat_plan(text, 0.0)
        if not text.strip():
            return Plan(text=text, steps=[Step(intent="chat")], confidence=0.0)
        reaction = reaction_of(text)
        if reaction is not None:
            return _reaction_plan(text, reaction)
        normal = normalize(text)
        if not normal or readable_share(normal) < MIN_READABLE or len(normal) > MAX_INPUT_CHARS:
            return _chat_plan(text, 0.0)
        decisions = _apply_clause_mood([self._decide(part) for part in segment(normal)])
        commands = _drop_cancelled(decisions)
        if not commands:
            chat = [decision.chat_probability for decision in decisions] or [0.0]
            share = self._shape.share(normal)
            kind: ChatKind | None = "unclear" if share < UNCLEAR_SHARE else None
            return _chat_plan(text, share * sum(chat) / len(chat), kind)
        return self._command_plan(text, commands[:MAX_STEPS])

    def _decide(self, part: Segment) -> _Decision:
        """The intent of one segment, with negation and the low-confidence fallback applied."""
        if part.negated and part.trivial:
            return _Decision(part, "neutral", RULE_CONFIDENCE, 0.0)
        if not part.negated and part.text in _BARE_DIRECTIONS:
            return _Decision(part, _BARE_DIRECTIONS[part.text], RULE_CONFIDENCE, 0.0)
        if not part.negated and _REMARK.match(part.raw):
            return _Decision(part, "chat", RULE_CONFIDENCE, RULE_CONFIDENCE)
        intent, confidence, chat = self.classify(part.text)
        if intent != "chat" and confidence < self.min_confidence:
            return _Decision(part, "chat", 1.0 - confidence, chat)
        if part.negated and intent != "chat":
            return _Decision(part, "neutral", confidence, chat)
        return _Decision(part, intent, confidence, chat)

    def _command_plan(self, text: str, commands: list[_Decision]) -> Plan:
        steps = [_step(decision, text) for decision in commands]
        reply = next((step.text for step in steps if step.intent == "talk"), None)
        confidence = min(decision.confidence for decision in commands)
        return Plan(text=text, steps=steps, reply=reply, confidence=confidence)


def _step(decision: _Decision, text: str) -> Step:
    if decision.intent == "talk":
        return Step(intent="talk", text=talk_line(text))
    if decision.intent in _NO_MODIFIERS:
        return Step(intent=decision.intent)  # type: ignore[arg-type]
    raw = decision.segment.raw
    return Step(intent=decision.intent, intensity=intensity_of(raw), repeat=repeat_of(raw))  # type: ignore[arg-type]


def _chat_plan(text: str, confidence: float, kind: ChatKind | None = None) -> Plan:
    reply = reply_for(text, kind)
    return Plan(
        text=text,
        steps=[Step(intent="chat", intensity=DEFAULT_INTENSITY, text=reply)],
        reply=reply,
        confidence=min(max(confidence, 0.0), 1.0),
    )


def _reaction_plan(text: str, reaction: IntentName) -> Plan:
    """Laughter answered with a laugh (an emoji with its face), then a few words."""
    reply = reply_for(text, "reaction")
    return Plan(
        text=text,
        steps=[Step(intent=reaction), Step(intent="chat", text=reply)],
        reply=reply,
        confidence=RULE_CONFIDENCE,
    )


def _apply_clause_mood(decisions: list[_Decision]) -> list[_Decision]:
    """A clause whose governing segment is chat is chat as a whole ("웃고 떠들고 놀았어")."""
    chat_clauses = {
        decision.segment.clause
        for decision in decisions
        if decision.segment.governs and not decision.is_command
    }
    return [
        _Decision(d.segment, "chat", d.chat_probability, d.chat_probability)
        if d.segment.clause in chat_clauses and d.is_command
        else d
        for d in decisions
    ]


def _drop_cancelled(decisions: list[_Decision]) -> list[_Decision]:
    """The commands that actually play.

    A negation is dropped when another expression follows it ("웃지 말고 윙크해", "don't smile,
    just wink", "stop smiling and nod"): the new step replaces the old face anyway. An explicit
    reset ("진정하고 웃어") stays; repeated neutrals collapse into one.
    """
    commands = [decision for decision in decisions if decision.is_command]
    kept: list[_Decision] = []
    for index, decision in enumerate(commands):
        if decision.intent == "neutral":
            replaced = decision.segment.negated and any(
                other.intent != "neutral" for other in commands[index + 1 :]
            )
            if replaced or (kept and kept[-1].intent == "neutral"):
                continue
        kept.append(decision)
    return kept
