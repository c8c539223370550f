"""Reading the JSONL corpus (`intents/data/*.jsonl`) that training and evaluation share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_PATH = DATA_DIR / "train.jsonl"
HELDOUT_PATH = DATA_DIR / "heldout.jsonl"
# Phrasings written by other people from EXPRESSIONS.md alone, never used for training: only
# `text` and gold `steps` (plus an optional `note` on the labelling).
INDEPENDENT_DIR = DATA_DIR / "independent"

StepTuple = tuple[str, float, int]


@dataclass(frozen=True, slots=True)
class Example:
    """One corpus line.

    Attributes:
        text: the utterance.
        steps: gold (intent, intensity, repeat) per step, in play order.
        labels: classifier label per segment (the negated intent for a negation).
        lang: "ko", "en" or "mix".
        family: phrase family id ("smile/ko/미소짓", "seq/en/nod+wink", "chat/ko/3", …).
    """

    text: str
    steps: tuple[StepTuple, ...]
    labels: tuple[str, ...]
    lang: str
    family: str

    @property
    def kind(self) -> str:
        """The family's first part: an intent name, or "seq", "neg", "chat", "hand", …"""
        return self.family.split("/", 1)[0]


def load_examples(path: Path) -> list[Example]:
    """All examples of a JSONL file: corpus rows, or independent rows (only text and steps).

    Raises:
        FileNotFoundError: the file is missing (regenerate with `python -m intents.corpus`).
        ValueError: a line is not a valid example; the message names the file and line.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; regenerate it with `python -m intents.corpus`")
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                steps = tuple(
                    (step["intent"], float(step["intensity"]), int(step["repeat"]))
                    for step in record["steps"]
                )
                labels = tuple(record.get("labels") or (step[0] for step in steps))
                examples.append(Example(record["text"], steps, labels,
                                        record.get("lang") or _language(record["text"]),
                                        record.get("family") or f"independent/{path.stem}"))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}:{number}: not a corpus example ({error})") from error
    return examples


def _language(text: str) -> str:
    """"ko", "en" or "mix", from the scripts the text uses."""
    hangul = any("가" <= char <= "힣" for char in text)
    latin = any("a" <= char.lower() <= "z" for char in text)
    return "mix" if hangul and latin else "ko" if hangul else "en"
