"""Turning a validated script into timed cues: (time, plan, utterance) in play order.

Both `avatar render` (script time) and `avatar play` (wall clock) play the same cues, so the live
show and the video agree. An event without `at` starts when the previous one ends; how long a
plan lasts is the timeline's answer (`busy_until`), asked on a private timeline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from agent.script import Script, ScriptError, ScriptEvent
from animator.timeline import Presets, Timeline, load_presets
from contracts import Plan, Step, Utterance

HELD_EXPRESSION_S = 2.0
"""How long an expression that holds until the next plan (close_eyes, look_*) is shown before
the next event, when the script says neither `at` nor `hold`."""
SPEAKING_INTENTS = ("talk", "chat")


class Interpreter(Protocol):
    """Text → plan, as `intents.load_interpreter()` returns."""

    def interpret(self, text: str) -> Plan: ...


@dataclass(frozen=True, slots=True)
class Cue:
    """A plan to start at a time.

    Attributes:
        at: seconds from the start of the script.
        plan: the validated plan.
        utterance: what was said (for `say` events), else None.
    """

    at: float
    plan: Plan
    utterance: Utterance | None


@dataclass(frozen=True, slots=True)
class Schedule:
    """All cues of a script and its total length in seconds (including `end_hold`)."""

    cues: tuple[Cue, ...]
    duration: float


def schedule_script(
    script: Script, interpreter: Interpreter, speech_seconds: Callable[[Plan], float] | None = None
) -> Schedule:
    """Interpret every event and give it a start time.

    `speech_seconds(plan)`, when given, is how long saying the plan's line takes; an event
    without `at` then also waits for the previous line to be said.

    Raises:
        ScriptError: an explicit `at` lies before the previous event's start (names the line).
    """
    presets = load_presets()
    timeline = Timeline(presets, seed=script.seed, idle=False)
    cues: list[Cue] = []
    free_at = 0.0  # when the previous event has finished
    last_start = 0.0
    for index, event in enumerate(script.events):
        start = free_at if event.at is None else event.at
        if start < last_start:
            raise ScriptError(
                f"{script.location(index)}: events[{index}].at: {start:g} s is before the "
                f"previous event, which starts at {last_start:g} s; times must not go backwards"
            )
        last_start = start
        if event.pause is not None:
            free_at = start + event.pause
            continue
        plan, utterance = event_plan(event, interpreter)
        timeline.play(plan, start)
        free_at = _finish_time(plan, presets, timeline.busy_until(), start)
        if speech_seconds is not None:
            free_at = max(free_at, start + speech_seconds(plan))
        cues.append(Cue(start, plan, utterance))
    return Schedule(tuple(cues), max(free_at, last_start) + script.end_hold)


def _finish_time(plan: Plan, presets: Presets, busy_until: float, start: float) -> float:
    """When the next event may start: when the plan ends, except that an expression holding
    until the next plan (close_eyes, look_*) counts as done `HELD_EXPRESSION_S` after it has
    arrived, instead of after the timeline's hold timeout."""
    last = plan.steps[-1]
    preset = presets.get(last.intent)
    if last.hold_forever and not math.isfinite(busy_until):
        return start + HELD_EXPRESSION_S
    if preset.holds and last.hold is None and last.duration is None:
        arrived = busy_until - presets.hold_timeout - preset.release
        return max(start, arrived) + HELD_EXPRESSION_S
    return max(busy_until, start)


def event_plan(event: ScriptEvent, interpreter: Interpreter) -> tuple[Plan, Utterance | None]:
    """The plan a `say` or `plan` event plays, with its `reply` and `hold` applied."""
    utterance = None
    if event.say is not None:
        utterance = Utterance(text=event.say, source="script")
        plan = interpreter.interpret(event.say)
    else:
        assert event.plan is not None, "validated: say or plan"
        plan = Plan(steps=event.plan.steps, reply=event.plan.reply, source="script")
    fields = plan.model_dump()
    if event.reply is not None:
        fields["reply"] = event.reply
        fields["steps"] = _spoken(plan.steps, event.reply)
    if event.hold is not None:
        fields["steps"] = [
            {**step, "hold": event.hold, "hold_forever": False} for step in fields["steps"]
        ]
    return Plan.model_validate(fields), utterance


def _spoken(steps: Sequence[Step], reply: str) -> list[dict[str, object]]:
    """Steps as dicts whose talk/chat steps speak `reply`; a talk step is added if none is."""
    dumped = [step.model_dump() for step in steps]
    speaking = [step for step in dumped if step["intent"] in SPEAKING_INTENTS]
    for step in speaking:
        step["text"] = reply
    if not speaking:
        dumped.append(Step(intent="talk", text=reply).model_dump())
    return dumped
