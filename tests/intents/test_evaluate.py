"""`python -m intents.evaluate`, and the independently written sets it scores."""

from __future__ import annotations

import json

import pytest

from contracts.plan import INTENTS
from intents import load_interpreter
from intents._dataset import INDEPENDENT_DIR, TRAIN_PATH, load_examples
from intents.evaluate import evaluate, main

# Exact-sequence accuracy the shipped model must keep on every independent set: these are
# phrasings written by other people from EXPRESSIONS.md alone, so falling below this means the
# classifier stopped generalising, whatever the held-out split says.
INDEPENDENT_FLOOR = 0.93
SETS = sorted(path.stem for path in INDEPENDENT_DIR.glob("*.jsonl"))


def test_independent_sets_are_valid_and_mostly_unseen() -> None:
    assert SETS == ["en", "final", "hard", "ko"]
    trained = {example.text.strip().lower() for example in load_examples(TRAIN_PATH)}
    for name in SETS:
        examples = load_examples(INDEPENDENT_DIR / f"{name}.jsonl")
        assert len(examples) >= 300
        assert all(intent in INTENTS for e in examples for intent, _, _ in e.steps)
        # only common short lines ("hi", "blink twice") may coincide with a training line
        seen = [e.text for e in examples if e.text.strip().lower() in trained]
        assert len(seen) < 0.15 * len(examples), seen


@pytest.mark.parametrize("name", SETS)
def test_the_classifier_generalises_to_independent_phrasings(name: str) -> None:
    report = evaluate(load_interpreter(), load_examples(INDEPENDENT_DIR / f"{name}.jsonl"))
    assert report.accuracy >= INDEPENDENT_FLOOR, report.errors[:20]


def test_evaluate_cli_reports_each_independent_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--independent", "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert sorted(reports) == SETS
    for report in reports.values():
        assert 0.0 <= report["exact_match"] <= 1.0
        novelty = {key: group["rows"] for key, group in report["groups"].items()
                   if key.startswith("novelty:")}
        assert set(novelty) <= {"novelty:independent, unseen text",
                                "novelty:independent, text also trained"}
        assert sum(novelty.values()) == report["rows"]
