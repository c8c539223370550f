"""The router: the classifier answers first; chat, doubt and mixed requests go to the LLM.

A confident expression command never waits for the LLM. Everything else is decoded by the LLM
under the answer grammar and streamed: the plan starts when its first step is decoded, the reply
follows sentence by sentence. When the LLM is missing, still loading, misses the deadline for the
first step, fails or writes something invalid, the classifier's plan plays and the state line
says why. Nothing here raises for any text.
"""

from __future__ import annotations

import atexit
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator

from pydantic import ValidationError

from contracts.plan import Plan
from intents._interpreter import Interpreter
from intents.llm._backend import Backend, BackendError, GenerationStats
from intents.llm._prompt import Memory, clean_user_text, system_prompt
from intents.llm._scan import AnswerScanner, SentenceSplitter, language_of
from intents.llm.schema import LLMStep, answer_model, to_plan
from intents.llm.settings import LLMSettings
from intents.stream import LLMTrace, PlanPart, PlanReady, PlanStream, ReplySentence

log = logging.getLogger("avatar.intents")

StateCallback = Callable[[str, bool], None]
"""Called with (one-line state, is it a problem) whenever the LLM's state changes."""
POLL_S = 0.05
EXIT_WAIT_S = 5.0
_RUNNING: set[_Job] = set()


@atexit.register
def _stop_running_jobs() -> None:
    """Stop generations and let them finish their token before the interpreter exits: a thread
    killed inside a torch call aborts the process ("terminate called ...")."""
    for job in list(_RUNNING):
        job.cancel.set()
        job.thread.join(EXIT_WAIT_S)
_CLAUSE = re.compile(r"(?<=[.!?。？！])\s*|\n+")


class Router(Interpreter):
    """Classifier first, the LLM for the rest, the classifier again as the safety net.

    Args:
        classifier: the fast interpreter (its plans are the fallback).
        settings: the `[llm]` settings.
        load: makes the backend (may take long; see `start`).
        source: what is being loaded, for the "loading …" line.
        on_state: state-line callback (the agent turns it into a status event).
    """

    def __init__(
        self,
        classifier: Interpreter,
        settings: LLMSettings,
        load: Callable[[], Backend],
        *,
        source: str,
        on_state: StateCallback | None = None,
    ) -> None:
        self.classifier = classifier
        self.settings = settings
        self._load = load
        self._source = source
        self._on_state = on_state
        self._backend: Backend | None = None
        self._problem: str | None = None
        self._state: tuple[str, bool] | None = None
        self.memory = Memory(settings.memory_turns, settings.memory_tokens, self._count_tokens)

    # ----------------------------------------------------------------- loading and state

    def start(self, *, wait: bool = False) -> None:
        """Load the backend: in this thread with `wait`, else in a background thread (the
        classifier answers meanwhile)."""
        self._report(f"loading {self._source}…", False)
        if wait:
            self._load_backend()
        else:
            threading.Thread(target=self._load_backend, name="avatar-llm-load", daemon=True).start()

    def _load_backend(self) -> None:
        try:
            backend = self._load()
        except BackendError as exc:
            self._problem = str(exc)
            self._report(f"unavailable: {exc}", True)
        except Exception as exc:  # a loader bug must not kill the app: say it, fall back
            log.exception("loading the LLM failed")
            self._problem = f"{type(exc).__name__}: {exc}"
            self._report(f"unavailable: {self._problem}", True)
        else:
            self._backend = backend
            self._report(backend.label, False)

    @property
    def backend(self) -> Backend | None:
        """The loaded backend, or None (not loaded yet, or it failed: see `problem`)."""
        return self._backend

    @property
    def problem(self) -> str | None:
        """Why the backend could not be loaded, or None."""
        return self._problem

    def _report(self, state: str, problem: bool) -> None:
        if self._state == (state, problem):
            return
        self._state = (state, problem)
        log.info("llm: %s", state)
        if self._on_state is not None:
            self._on_state(state, problem)

    def _count_tokens(self, text: str) -> int:
        backend = self._backend
        return backend.count_tokens(text) if backend is not None else len(text.encode()) // 3

    # ----------------------------------------------------------------- the Interpreter API

    def interpret(self, text: str) -> Plan:
        """The final plan: the LLM's with its whole reply, or the classifier's."""
        plan: Plan | None = None
        said: list[str] = []
        for part in self.interpret_stream(text):
            if isinstance(part, PlanReady):
                plan = part.plan
            elif isinstance(part, ReplySentence):
                said.append(part.text)
            elif isinstance(part, LLMTrace) and part.plan is not None:
                return part.plan
        assert plan is not None, "an uncancelled stream always yields a plan"
        if plan.reply is None and said:  # an answer cut short: what was said is the reply
            return plan.model_copy(update={"reply": " ".join(said)})
        return plan

    def interpret_stream(self, text: str) -> PlanStream:
        """The classifier's plan at once, or the LLM's answer as it is decoded."""
        fallback = self.classifier.interpret(text)
        if not self.wants_llm(text, fallback):
            return PlanStream.single(fallback)
        cancel = threading.Event()
        return PlanStream(self._answer(text, fallback, cancel), on_cancel=cancel.set)

    def reset(self) -> None:
        """Forget the earlier turns."""
        self.memory.clear()

    def wants_llm(self, text: str, plan: Plan) -> bool:
        """True for chat and "say something" (`talk`: the LLM has more to say than a canned
        line), for commands the classifier doubts, and for chat mixed with commands."""
        if not text.strip():
            return False
        if any(step.intent in ("chat", "talk") for step in plan.steps):
            return True
        if plan.confidence < self.settings.command_confidence:
            return True
        clauses = [clause for clause in _CLAUSE.split(text) if clause and clause.strip()]
        if len(clauses) < 2:
            return False
        for clause in clauses:
            part = self.classifier.interpret(clause)
            if part.intents == ["chat"] and part.reply:
                return True
        return False

    # ----------------------------------------------------------------- one answer

    def _answer(self, text: str, fallback: Plan, cancel: threading.Event) -> Iterator[PlanPart]:
        backend = self._backend
        if backend is None:
            yield PlanReady(plan=fallback)
            return
        settings = self.settings
        notes: list[str] = []
        user = clean_user_text(text, backend.special_tokens)
        if backend.count_tokens(user) > settings.input_tokens:
            user = backend.truncate(user, settings.input_tokens)
            notes.append(f"long message cut to its first {settings.input_tokens} tokens")
        messages = self.memory.messages(system_prompt(settings), user)
        job = _Job(backend, messages)
        try:
            yield from self._decode(job, _Decoder(text), backend, fallback, user, cancel, notes)
        finally:  # also when the reader drops the stream: the model stops at the next token
            job.cancel.set()

    def _decode(
        self,
        job: _Job,
        decoder: _Decoder,
        backend: Backend,
        fallback: Plan,
        user: str,
        cancel: threading.Event,
        notes: list[str],
    ) -> Iterator[PlanPart]:
        settings = self.settings
        started = time.perf_counter()
        error: str | None = None
        while error is None:
            if decoder.plan_started:
                limit = decoder.last_output + settings.token_timeout_s
                late = f"no output for {settings.token_timeout_s:g} s"
            else:
                limit = started + settings.deadline_s
                late = f"no first step within {settings.deadline_s:g} s"
            kind, value = job.next(limit, cancel)
            if kind == "text":
                try:
                    yield from decoder.feed(str(value))
                except ValueError as exc:
                    error = f"invalid answer: {exc}"
            elif kind == "done":
                break
            elif kind == "error":
                error = str(value)
            elif kind == "timeout":
                error = late
            else:  # cancelled: a barge-in; nothing more is said
                job.cancel.set()
                yield decoder.trace(backend, started, job.stats, "interrupted", notes)
                return
        job.cancel.set()
        yield from self._finish(decoder, backend, fallback, user, started, job, error, notes)

    def _finish(
        self,
        decoder: _Decoder,
        backend: Backend,
        fallback: Plan,
        user: str,
        started: float,
        job: _Job,
        error: str | None,
        notes: list[str],
    ) -> Iterator[PlanPart]:
        plan = None
        if error is None and not decoder.scanner.complete:
            error = "the output ended before the answer was complete"
        if error is None:
            try:
                answer = answer_model(self.settings.reply_chars, self.settings.max_steps)
                parsed = answer.model_validate_json(decoder.raw)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "answer"
                error = f"invalid answer ({where}: {first['msg']})"
            else:
                plan = to_plan(list(parsed.steps), decoder.text, parsed.reply)
        if error is None:
            self.memory.add(user, decoder.raw)
            self._report(" · ".join([backend.label, *notes]), False)
            yield from decoder.end_reply()
        else:
            self._report(f"{backend.label} · fell back to the classifier: {error}", True)
            yield from decoder.fall_back(fallback)
        yield decoder.trace(backend, started, job.stats, error, notes, plan)


class _Decoder:
    """Turns the streamed text of one answer into plan parts, in the order the agent needs."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scanner = AnswerScanner()
        self.splitter = SentenceSplitter()
        self.steps: list[LLMStep] = []
        self.raw = ""
        self.plan_started = False
        self.first_step_at: float | None = None
        self.last_output = time.perf_counter()
        self._held: list[str] = []  # sentences that came before any step (a loose server)
        self._said = 0
        self._reply_done = False

    def feed(self, delta: str) -> Iterator[PlanPart]:
        """Parts completed by `delta`. Raises ValueError when the text is not a valid answer."""
        self.raw += delta
        self.last_output = time.perf_counter()
        events = self.scanner.feed(delta)
        for raw_step in events.steps:
            try:
                self.steps.append(LLMStep.model_validate(raw_step))
            except ValidationError as exc:
                raise ValueError(f"bad step {raw_step}: {exc.errors()[0]['msg']}") from exc
            if len(self.steps) == 1:
                self.first_step_at = time.perf_counter()
                self.plan_started = True
                yield PlanReady(plan=to_plan(self.steps, self.text))
        if events.steps_closed and len(self.steps) > 1 and not self._said:
            # the whole plan replaces the first step; once speech started it would cut it off
            yield PlanReady(plan=to_plan(self.steps, self.text))
        self._held += self.splitter.feed(events.reply)
        if events.reply_closed:
            rest = self.splitter.finish()
            self._held += [rest] if rest else []
            self._reply_done = True
        if self.plan_started:
            yield from self._say(final_known=self._reply_done)

    def _say(self, *, final_known: bool) -> Iterator[ReplySentence]:
        held, self._held = self._held, []
        for index, sentence in enumerate(held):
            final = final_known and index == len(held) - 1
            self._said += 1
            yield ReplySentence(text=sentence, final=final, language=language_of(sentence))

    def end_reply(self) -> Iterator[ReplySentence]:
        """Whatever of a valid reply is still held back (normally nothing)."""
        yield from self._say(final_known=True)

    def fall_back(self, fallback: Plan) -> Iterator[PlanPart]:
        """After a failure: the classifier's plan if nothing played, else close the reply."""
        if not self.plan_started:
            yield PlanReady(plan=fallback)
            return
        if self._reply_done:
            return
        rest = self.splitter.finish()
        if rest:
            self._held.append(rest)
        elif self._said == 0 and not self._held and fallback.reply:
            self._held.append(fallback.reply)
        yield from self._say(final_known=True)

    def trace(
        self,
        backend: Backend,
        started: float,
        stats: GenerationStats | None,
        error: str | None,
        notes: list[str],
        plan: Plan | None = None,
    ) -> LLMTrace:
        first = None if self.first_step_at is None else (self.first_step_at - started) * 1000.0
        return LLMTrace(
            model=backend.label,
            raw=self.raw,
            plan=plan,
            first_step_ms=None if first is None else round(first, 1),
            total_ms=round((time.perf_counter() - started) * 1000.0, 1),
            tokens=stats.tokens if stats is not None else 0,
            error=error,
            notes=tuple(notes),
        )


class _Job:
    """One generation on its own thread; its output arrives through a queue."""

    def __init__(self, backend: Backend, messages: list[dict[str, str]]) -> None:
        self.cancel = threading.Event()
        self.stats: GenerationStats | None = None
        self._queue: queue.Queue[tuple[str, object]] = queue.Queue()
        self._backend = backend
        self._messages = messages
        self.thread = threading.Thread(target=self._run, name="avatar-llm", daemon=True)
        _RUNNING.add(self)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.stats = self._backend.generate(
                self._messages, lambda text: self._queue.put(("text", text)), self.cancel
            )
        except BackendError as exc:
            self._queue.put(("error", str(exc)))
        except Exception as exc:  # a model bug must not hang the turn: report it as a failure
            log.exception("the LLM failed")
            self._queue.put(("error", f"{type(exc).__name__}: {exc}"))
        else:
            self._queue.put(("done", None))
        finally:
            _RUNNING.discard(self)

    def next(self, until: float, cancelled: threading.Event) -> tuple[str, object]:
        """The next ("text"|"done"|"error", value), or ("timeout"|"cancelled", None)."""
        while True:
            if cancelled.is_set():
                return "cancelled", None
            remaining = until - time.perf_counter()
            if remaining <= 0:
                return "timeout", None
            try:
                return self._queue.get(timeout=min(POLL_S, remaining))
            except queue.Empty:
                continue
