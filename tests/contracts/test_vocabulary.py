"""The intent vocabulary shown to users: complete, and every example does what it says."""

from __future__ import annotations

import pytest

from contracts import INTENTS
from contracts.vocabulary import VOCABULARY
from intents import load_interpreter


def test_every_intent_is_described_once() -> None:
    assert [entry.intent for entry in VOCABULARY] == list(INTENTS)
    assert all(entry.does and len(entry.examples) >= 2 for entry in VOCABULARY)


@pytest.mark.parametrize(
    ("intent", "example"),
    [(entry.intent, example) for entry in VOCABULARY for example in entry.examples],
)
def test_each_example_asks_for_its_intent(intent: str, example: str) -> None:
    plan = load_interpreter().interpret(example)
    assert plan.steps[0].intent == intent
