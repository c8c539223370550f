"""What the router needs from a model: count tokens, stream the text of one constrained answer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from intents.llm._prompt import Message


class BackendError(RuntimeError):
    """The model or server cannot answer; the message is short and says what to do."""


@dataclass(frozen=True, slots=True)
class GenerationStats:
    """How one answer was produced.

    Attributes:
        tokens: output tokens (for a server: streamed chunks).
        sampled: tokens the model chose (the rest were forced by the grammar).
        prompt_tokens: tokens of the prompt (0 when unknown).
        decode_s: seconds spent producing the output (after the prompt).
        mask_s: seconds of that spent on the grammar constraint.
    """

    tokens: int = 0
    sampled: int = 0
    prompt_tokens: int = 0
    decode_s: float = 0.0
    mask_s: float = 0.0


class Backend(Protocol):
    """A loaded model or a reachable server."""

    label: str
    """Status line: what answers and where ("Qwen2.5-0.5B-Instruct · cpu")."""
    special_tokens: tuple[str, ...]
    """Strings the model reads as control tokens; they are removed from user text."""

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` (an estimate for a server)."""

    def truncate(self, text: str, limit: int) -> str:
        """The start of `text` that fits in `limit` tokens."""

    def generate(
        self, messages: list[Message], on_text: Callable[[str], None], cancel: threading.Event
    ) -> GenerationStats:
        """Produce one answer constrained to the schema, calling `on_text` with each new piece.

        Returns when the answer is complete, the output ends, or `cancel` is set.

        Raises:
            BackendError: the model or server failed.
        """
