"""The streaming form of an interpretation: a plan to start now, then the reply, sentence by
sentence.

An interpreter that answers at once (the classifier) yields one `PlanReady`. The LLM router yields
`PlanReady` as soon as the first step is decoded (and again when more steps follow), a
`ReplySentence` per sentence of the reply, and one `LLMTrace` with the raw output and timing for
the transcript. `PlanStream.cancel` (barge-in) ends the stream soon and from any thread.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator

from pydantic import BaseModel, ConfigDict

from contracts.plan import Plan


class PlanReady(BaseModel):
    """Start playing `plan` now; a later `PlanReady` of the same stream replaces it.

    Attributes:
        plan: the validated plan; for a streamed LLM answer its reply is still None.
    """

    model_config = ConfigDict(frozen=True)

    plan: Plan


class ReplySentence(BaseModel):
    """One sentence of the reply, in order.

    Attributes:
        text: the sentence.
        final: True for the last sentence of the reply.
        language: "ko" or "en" as far as the text shows.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    final: bool = True
    language: str | None = None


class LLMTrace(BaseModel):
    """What the LLM produced for one utterance, for the transcript.

    Attributes:
        model: the model or server that answered.
        raw: the raw output text as decoded (possibly cut short).
        plan: the complete plan with its reply, when the output was valid.
        first_step_ms: time from the request to the first decoded step, if any.
        total_ms: time from the request to the end of the answer.
        tokens: output tokens (or stream chunks for a server).
        error: why the answer was not used or was cut, else None.
        notes: other facts worth keeping ("input cut to 256 tokens").
    """

    model_config = ConfigDict(frozen=True)

    model: str
    raw: str
    plan: Plan | None = None
    first_step_ms: float | None = None
    total_ms: float = 0.0
    tokens: int = 0
    error: str | None = None
    notes: tuple[str, ...] = ()


PlanPart = PlanReady | ReplySentence | LLMTrace


class PlanStream(Iterator[PlanPart]):
    """The parts of one interpretation, in order; `cancel` ends it early from any thread.

    Args:
        parts: the parts (a generator for live decoding, a list for a ready answer).
        on_cancel: called once by the first `cancel` (stops the decoder).
    """

    def __init__(
        self,
        parts: Iterator[PlanPart] | list[PlanPart],
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self._ready: deque[PlanPart] | None = deque(parts) if isinstance(parts, list) else None
        self._live = None if isinstance(parts, list) else parts
        self._on_cancel = on_cancel
        self._cancelled = threading.Event()

    @classmethod
    def single(cls, plan: Plan) -> PlanStream:
        """A stream holding one ready plan (it ignores `cancel`: the plan is already made)."""
        return cls([PlanReady(plan=plan)])

    def __next__(self) -> PlanPart:
        if self._ready is not None:
            if not self._ready:
                raise StopIteration
            return self._ready.popleft()
        assert self._live is not None
        return next(self._live)

    @property
    def exhausted(self) -> bool:
        """True when a ready-made stream has nothing left (a live one never says so)."""
        return self._ready is not None and not self._ready

    @property
    def cancelled(self) -> bool:
        """True once `cancel` was called."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop decoding; the stream ends after at most one more part (idempotent)."""
        if self._cancelled.is_set():
            return
        self._cancelled.set()
        if self._on_cancel is not None:
            self._on_cancel()


__all__ = ["LLMTrace", "PlanPart", "PlanReady", "PlanStream", "ReplySentence"]
