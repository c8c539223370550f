"""`python -m intents.evaluate`: exact-match accuracy of the interpreter on the held-out split.

A row counts as correct only if the whole step sequence matches: intents in order, intensity
bucket and repeat of every step. Reported overall, per intent (over rows containing it), per
kind of row and per language, with the most frequent confusions. `--independent` evaluates the
sets in `data/independent/` instead: phrasings other people wrote from EXPRESSIONS.md alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.plan import Plan
from intents._dataset import (
    HELDOUT_PATH,
    INDEPENDENT_DIR,
    TRAIN_PATH,
    Example,
    StepTuple,
    load_examples,
)
from intents._interpreter import ClassifierInterpreter, Interpreter
from intents.corpus._lexicon_en import HELD_OUT as _ENGLISH_HELD
from intents.corpus._lexicon_ko import HELD_OUT as _KOREAN_HELD

HELD_FAMILIES = _KOREAN_HELD | _ENGLISH_HELD
_KINDS = {"seq": "sequence", "instead": "sequence", "neg": "negation", "chat": "chat",
          "hand": "hand-written", "mix": "mixed language", "quote": "talk (quoted)"}


def _novelty(example: Example, trained: frozenset[str]) -> str:
    """Why the row is held out: a whole unseen phrase family, or an unseen template/line.

    Independently written rows are split by whether the same text also occurs in the training
    split (common short lines like "hi" or "blink twice" do).
    """
    if example.kind == "independent":
        seen = example.text.strip().lower() in trained
        return "independent, text also trained" if seen else "independent, unseen text"
    if set(example.family.split("/")[-1].split("+")) & HELD_FAMILIES:
        return "unseen family"
    return "unseen template/line"


def predicted_steps(plan: Plan) -> tuple[StepTuple, ...]:
    """A plan's steps as (intent, intensity rounded to 2 decimals, repeat)."""
    return tuple((step.intent, round(step.intensity, 2), step.repeat) for step in plan.steps)


def _describe(steps: Iterable[StepTuple]) -> str:
    return " → ".join(
        intent if intent in ("chat", "neutral", "talk") else f"{intent}@{intensity}x{repeat}"
        for intent, intensity, repeat in steps
    )


@dataclass
class Report:
    """Counts of exact matches, by group."""

    trained: frozenset[str] = frozenset()
    total: int = 0
    correct: int = 0
    groups: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, example: Example, predicted: tuple[StepTuple, ...]) -> None:
        hit = predicted == example.steps
        self.total += 1
        self.correct += hit
        keys = {f"intent:{intent}" for intent, _, _ in example.steps}
        keys |= {f"kind:{_KINDS.get(example.kind, 'single step')}", f"lang:{example.lang}",
                 f"novelty:{_novelty(example, self.trained)}"}
        for key in keys:
            self.groups[key][0] += hit
            self.groups[key][1] += 1
        if not hit:
            gold = " → ".join(intent for intent, _, _ in example.steps)
            got = " → ".join(intent for intent, _, _ in predicted)
            self.confusions[(gold, got if got != gold else f"{got} (modifiers)")] += 1
            self.errors.append((example.text, _describe(example.steps), _describe(predicted)))

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.total,
            "exact_match": round(self.accuracy, 4),
            "groups": {key: {"accuracy": round(hit / count, 4), "rows": count}
                       for key, (hit, count) in sorted(self.groups.items())},
            "top_confusions": [{"gold": gold, "predicted": got, "count": count}
                               for (gold, got), count in self.confusions.most_common(15)],
        }


def evaluate(
    interpreter: Interpreter, examples: list[Example], trained: frozenset[str] = frozenset()
) -> Report:
    """Run every example through the interpreter and count exact sequence matches.

    Args:
        trained: lowercased training texts, to tell independent rows that happen to repeat a
            training line from unseen ones.
    """
    report = Report(trained=trained)
    plans = interpreter.interpret_many(example.text for example in examples)
    for example, plan in zip(examples, plans, strict=True):
        report.add(example, predicted_steps(plan))
    return report


def _print(report: Report, show_errors: int, title: str = "held-out") -> None:
    print(f"{title} exact sequence match: {report.accuracy:.2%} ({report.correct}/{report.total})")
    for prefix, title in (("novelty:", "by why held out"), ("kind:", "by kind"),
                          ("lang:", "by language"), ("intent:", "by intent")):
        print(f"\n{title}:")
        for key, (hit, count) in sorted(report.groups.items()):
            if key.startswith(prefix):
                print(f"  {key.removeprefix(prefix):<22} {hit / count:7.2%}  ({hit}/{count})")
    print("\nmost frequent confusions (gold → predicted):")
    for (gold, got), count in report.confusions.most_common(15):
        print(f"  {count:4d}  {gold}  ⇒  {got}")
    for text, gold, got in report.errors[:show_errors]:
        print(f"  ✗ {text!r}: {gold} ⇒ {got}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents.evaluate", description=__doc__)
    parser.add_argument("--data", type=Path, default=HELDOUT_PATH, help="JSONL to evaluate on")
    parser.add_argument("--model", type=Path, default=None, help="model file (default: shipped)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N",
                        help="also list the first N misclassified rows")
    parser.add_argument("--independent", action="store_true",
                        help="evaluate each set in data/independent/ instead of --data")
    args = parser.parse_args(argv)
    interpreter = (ClassifierInterpreter.from_file(args.model) if args.model
                   else ClassifierInterpreter.from_file())
    paths = sorted(INDEPENDENT_DIR.glob("*.jsonl")) if args.independent else [args.data]
    trained = frozenset(
        example.text.strip().lower() for example in load_examples(TRAIN_PATH)
    ) if args.independent else frozenset()
    reports = {path.stem: evaluate(interpreter, load_examples(path), trained) for path in paths}
    try:
        if args.json:
            print(json.dumps({name: report.as_dict() for name, report in reports.items()}
                             if args.independent else reports[args.data.stem].as_dict(),
                             ensure_ascii=False, indent=2))
        else:
            for name, report in reports.items():
                _print(report, args.show_errors, title=name)
                print()
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
