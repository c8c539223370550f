"""Text → expression `Plan`: the embedded, offline intent interpreter (Korean and English).

    from intents import load_interpreter
    plan = load_interpreter().interpret("활짝 웃다가 윙크해줘")
    plan.intents  # ['smile', 'wink']

`load_interpreter()` loads the shipped model once (cached); `reply_for` gives a canned chat
answer in the user's language.
"""

from __future__ import annotations

from functools import cache

from intents._interpreter import ClassifierInterpreter, Interpreter
from intents.replies import reply_for

KINDS = ("classifier",)


def load_interpreter(kind: str = "classifier") -> Interpreter:
    """The interpreter of the given kind, loaded once per process.

    Args:
        kind: "classifier" (the embedded model; the only kind in this package).

    Raises:
        ValueError: unknown kind.
        FileNotFoundError: the model file is missing (rebuild: `python -m intents.train`).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown interpreter kind {kind!r}; choose one of {', '.join(KINDS)}")
    return _load(kind)


@cache
def _load(kind: str) -> Interpreter:
    return ClassifierInterpreter.from_file()


__all__ = ["ClassifierInterpreter", "Interpreter", "load_interpreter", "reply_for"]
