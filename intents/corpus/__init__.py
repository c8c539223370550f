"""The project's own training corpus: hand-written phrase lists and the generator that expands them.

`python -m intents.corpus` rewrites `intents/data/train.jsonl` and `intents/data/heldout.jsonl`.
"""

from intents.corpus._generate import Row, build_corpus

__all__ = ["Row", "build_corpus"]
