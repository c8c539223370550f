"""Plays the streamed part of an interpretation: later plans, reply sentences, the LLM's trace.

`Conversation.submit` starts the first plan of a `PlanStream` itself; `ReplyStreams.follow` reads
the rest on a thread, publishing one `ReplyReady` per sentence. Only one stream runs at a time:
any barge-in (`Interrupted`, which every submit publishes first) cancels it, and the next submit
waits for it to end so that each utterance's transcript records stay together.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from agent._bus import EventBus
from agent.events import Event, Interrupted, ReplyReady
from agent.transcript import Transcript
from contracts import Plan, Utterance
from intents.stream import LLMTrace, PlanPart, PlanReady, PlanStream, ReplySentence

log = logging.getLogger("avatar.agent")

STOP_WAIT_S = 2.0
"""Longest wait for a cancelled stream to end (it normally takes one token, a few ms)."""
TURN_POLL_S = 0.05
"""How often a later plan waiting for the conversation's turn looks whether it was cancelled."""

StartPlan = Callable[[Plan, Utterance | None, float], int]


class ReplyStreams:
    """The conversation's plan streams.

    Args:
        bus: where `ReplyReady` goes and `Interrupted` comes from.
        start_plan: plays a plan now and returns its id (the conversation's own).
        transcript: the session transcript (a callable: it exists only once started).
        turn: the conversation's turn lock, which every plan start holds.
    """

    def __init__(
        self,
        bus: EventBus,
        start_plan: StartPlan,
        transcript: Callable[[], Transcript],
        turn: threading.RLock,
    ) -> None:
        self._bus = bus
        self._start_plan = start_plan
        self._transcript = transcript
        self._turn = turn
        self._lock = threading.Lock()
        self._current: PlanStream | None = None
        self._thread: threading.Thread | None = None
        self._epoch = 0
        bus.subscribe(self._on_event)

    @property
    def epoch(self) -> int:
        """Counts barge-ins; a submit notes it right after its own."""
        return self._epoch

    def _on_event(self, event: Event) -> None:
        if isinstance(event, Interrupted):
            with self._lock:
                self._epoch += 1
                current = self._current
            if current is not None:
                current.cancel()

    def wait(self) -> None:
        """Wait (bounded) until the stream before ends; it was cancelled by the barge-in."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_WAIT_S)
            if thread.is_alive():
                log.warning("the previous reply did not stop within %.1f s", STOP_WAIT_S)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no stream runs; False when `timeout` passed first."""
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def first_plan(self, stream: PlanStream, epoch: int) -> Plan | None:
        """Track `stream` and read it up to its first plan; None when it ended without one.

        A barge-in after `epoch` cancels the stream at once (the classifier's single plan still
        plays, as it always did).
        """
        with self._lock:
            self._current = stream
            late = self._epoch != epoch
        if late:
            stream.cancel()
        for part in stream:
            if isinstance(part, PlanReady):
                return part.plan
            self._record(part, None)
        self._forget(stream)
        return None

    def follow(self, stream: PlanStream, plan_id: int, utterance: Utterance | None) -> None:
        """Read the rest of `stream` on a thread (nothing to do for a ready-made one)."""
        if stream.exhausted:
            self._forget(stream)
            return
        thread = threading.Thread(
            target=self._run, args=(stream, plan_id, utterance), name="avatar-reply", daemon=True
        )
        self._thread = thread
        thread.start()

    def cancel(self) -> None:
        """Cancel the running stream, if any (the conversation stops)."""
        with self._lock:
            current = self._current
        if current is not None:
            current.cancel()

    def _run(self, stream: PlanStream, plan_id: int, utterance: Utterance | None) -> None:
        try:
            for part in stream:
                if isinstance(part, PlanReady):
                    started = self._start_unless_cancelled(stream, part.plan, utterance)
                    plan_id = started if started is not None else plan_id
                elif not (stream.cancelled and isinstance(part, ReplySentence)):
                    self._record(part, plan_id)  # a sentence decoded after the barge-in is unsaid
        except Exception:  # a broken stream ends this reply, never the conversation
            log.exception("the reply stream failed")
        finally:
            self._forget(stream)

    def _start_unless_cancelled(
        self, stream: PlanStream, plan: Plan, utterance: Utterance | None
    ) -> int | None:
        """Start a later plan of `stream` unless a barge-in cancelled it; checked and started in
        the conversation's turn, so a plan played after the barge-in always comes after this one.
        The turn is waited for in short steps: a submit holding it may be waiting for this
        thread, having cancelled the stream first."""
        while not self._turn.acquire(timeout=TURN_POLL_S):
            if stream.cancelled:
                return None
        try:
            return None if stream.cancelled else self._start_plan(plan, utterance, 0.0)
        finally:
            self._turn.release()

    def _record(self, part: PlanPart, plan_id: int | None) -> None:
        transcript = self._transcript()
        if isinstance(part, ReplySentence):
            if plan_id is None:
                return
            transcript.reply(part.text, plan_id, final=part.final)
            self._bus.publish(
                ReplyReady(text=part.text, plan_id=plan_id, language=part.language,
                           final=part.final)
            )
        elif isinstance(part, LLMTrace):
            transcript.llm(part, plan_id)

    def _forget(self, stream: PlanStream) -> None:
        with self._lock:
            if self._current is stream:
                self._current = None
