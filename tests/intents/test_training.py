"""The corpus and the training script: reproducible, and the shipped files match them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from intents._dataset import HELDOUT_PATH, TRAIN_PATH, load_examples
from intents._interpreter import MODEL_PATH
from intents._model import LinearModel
from intents.corpus import build_corpus
from intents.corpus._lexicon_en import HELD_OUT as ENGLISH_HELD
from intents.corpus._lexicon_ko import HELD_OUT as KOREAN_HELD
from intents.train import train_model, training_pairs

MINIMUMS = {"ko": 40, "en": 25}


def _lines(path: Path) -> list[str]:
    # split on "\n" only: JSON leaves U+0085/U+2028 unescaped, and splitlines() breaks at them
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def test_committed_corpus_is_what_the_generator_writes() -> None:
    rows = build_corpus()
    train = [json.dumps(r.to_json(), ensure_ascii=False) for r in rows if not r.held]
    heldout = [json.dumps(r.to_json(), ensure_ascii=False) for r in rows if r.held]
    assert _lines(TRAIN_PATH) == train
    assert _lines(HELDOUT_PATH) == heldout


def test_held_out_phrase_families_never_reach_training() -> None:
    held = KOREAN_HELD | ENGLISH_HELD
    train = load_examples(TRAIN_PATH)
    leaked = {e.family for e in train if set(e.family.split("/")[-1].split("+")) & held}
    assert leaked == set()
    heldout = load_examples(HELDOUT_PATH)
    assert sum(1 for e in heldout if set(e.family.split("/")[-1].split("+")) & held) > 1000
    assert not {e.text for e in train} & {e.text for e in heldout}


def test_every_intent_has_enough_phrasings_in_each_language() -> None:
    counts: dict[tuple[str, str], int] = {}
    for example in load_examples(TRAIN_PATH) + load_examples(HELDOUT_PATH):
        if len(example.steps) == 1 and example.lang in MINIMUMS:
            key = (example.steps[0][0], example.lang)
            counts[key] = counts.get(key, 0) + 1
    intents = {intent for intent, _ in counts}
    assert len(intents) == 21
    short = {key: n for key, n in counts.items() if n < MINIMUMS[key[1]]}
    assert short == {}


def test_training_is_deterministic() -> None:
    examples = load_examples(TRAIN_PATH)[::40]
    pairs, _ = training_pairs(examples)
    first = train_model(pairs, max_iter=25, prune_below=0.0)
    second = train_model(pairs, max_iter=25, prune_below=0.0)
    assert first.vocab == second.vocab
    assert np.array_equal(first.weights, second.weights)
    assert np.array_equal(first.bias, second.bias)


def test_small_model_learns_its_training_pairs() -> None:
    pairs = [("웃어", "smile"), ("smile", "smile"), ("윙크해", "wink"), ("wink", "wink"),
             ("안녕", "chat"), ("hello", "chat")] * 3
    model = train_model(pairs, max_iter=100, min_count=1, prune_below=0.0)
    for text, label in pairs[:6]:
        assert model.labels[int(model.probabilities(text).argmax())] == label


def test_shipped_model_was_trained_on_the_committed_corpus() -> None:
    model = LinearModel.load(MODEL_PATH)
    assert model.trained_on == hashlib.sha256(TRAIN_PATH.read_bytes()).hexdigest()
    assert MODEL_PATH.stat().st_size < 3_000_000
