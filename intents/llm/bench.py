"""`avatar bench --engine llm`: time to the first step, tokens/s, and the grammar's cost per token.

Random-weight models of two shapes stand in for real ones (no weights needed, same compute):
`tiny` (2 layers) and `qwen2.5-0.5b` (the shape of the default model, 494 M parameters and a
151 936-token vocabulary, which is what the grammar mask works over). The constraint overhead is
measured on the same model in the same run: the same prompts decoded freely and under the
grammar (jump-forward off, so both produce one token per forward pass). The time to the first step
is measured from the request with the system prompt already cached (the app caches it once, when
the model loads).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from typing import Any

from intents.llm._prompt import Memory, system_prompt
from intents.llm._scan import AnswerScanner
from intents.llm.local import LocalBackend
from intents.llm.random_model import QWEN25_05B, TINY, Shape, build_model, build_tokenizer
from intents.llm.schema import answer_model
from intents.llm.settings import LLMSettings

SHAPES: dict[str, Shape] = {"tiny": TINY, "qwen2.5-0.5b": QWEN25_05B}
PROMPTS = ("오늘 기분 어때?", "tell me about yourself and smile", "내가 시험에 떨어졌어",
           "what do you like to do on weekends?")


def run_bench(
    shapes: tuple[str, ...] = ("tiny", "qwen2.5-0.5b"),
    *,
    runs: int = 3,
    free_tokens: int = 32,
    device: str | None = None,
    reply_chars: int = 60,
) -> dict[str, Any]:
    """Measure each model shape; returns plain numbers (ms, tokens/s, %) per shape."""
    import torch

    results: dict[str, Any] = {
        "torch_threads": torch.get_num_threads(),
        "load_average": round(os.getloadavg()[0], 1),  # busy cores make every figure slower
        "runs": runs,
        "prompts": list(PROMPTS[:runs]),
    }
    for name in shapes:
        results[name] = _bench_shape(SHAPES[name], runs, free_tokens, device, reply_chars)
    return results


def _bench_shape(
    shape: Shape, runs: int, free_tokens: int, device: str | None, reply_chars: int
) -> dict[str, Any]:
    import torch

    settings = LLMSettings(reply_chars=reply_chars, temperature=0.7)
    started = time.perf_counter()
    tokenizer = build_tokenizer(shape.vocab)
    model = build_model(shape)
    target = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if target.type == "cuda":
        model = model.to(torch.bfloat16)
    model.to(target)
    build_s = time.perf_counter() - started
    backend = LocalBackend(model, tokenizer, settings, name="random", seed=0)
    prefill_s = backend.warm(system_prompt(settings))  # once per session, as the app does
    answer = answer_model(settings.reply_chars, settings.max_steps)
    first_step_ms, fast, valid = [], [], 0
    constrained_ms, free_ms, mask_ms = [], [], []
    for text in (PROMPTS * runs)[:runs]:
        messages = Memory(0, 0, len).messages(system_prompt(settings), text)
        seconds, stats, raw = _first_step(backend, messages)
        first_step_ms.append(seconds * 1000.0)
        fast.append(stats.tokens / stats.decode_s if stats.decode_s else 0.0)
        valid += _valid(answer, raw)
        slow = backend.generate(messages, _ignore, threading.Event(), jump_forward=False)
        constrained_ms.append(1000.0 * slow.decode_s / max(slow.tokens, 1))
        mask_ms.append(1000.0 * slow.mask_s / max(slow.tokens, 1))
        free = backend.generate(
            messages, _ignore, threading.Event(), constrained=False, max_tokens=free_tokens
        )
        free_ms.append(1000.0 * free.decode_s / max(free.tokens, 1))
    per_free, per_constrained = statistics.median(free_ms), statistics.median(constrained_ms)
    return {
        "parameters_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 1),
        "vocab": shape.vocab,
        "device": f"{target.type} {next(model.parameters()).dtype}".replace("torch.", ""),
        "build_s": round(build_s, 2),
        "grammar_compile_s": round(backend.compile_s, 3),
        "system_prompt_prefill_s": round(prefill_s, 2),
        "first_step_ms": round(statistics.median(first_step_ms), 1),
        "tokens_per_s": round(statistics.median(fast), 1),
        "ms_per_token_free": round(per_free, 2),
        "ms_per_token_constrained": round(per_constrained, 2),
        "constraint_overhead_pct": round(100.0 * (per_constrained - per_free) / per_free, 1),
        "mask_ms_per_token": round(statistics.median(mask_ms), 3),
        # the mask's own cost against a free token: steadier than the difference of two timings
        "mask_share_pct": round(100.0 * statistics.median(mask_ms) / per_free, 1),
        "valid_plans": f"{valid}/{runs}",
    }


def _first_step(backend: LocalBackend, messages: list[dict[str, str]]) -> tuple[float, Any, str]:
    """Decode one answer (jump-forward on); seconds to its first step, stats, raw text."""
    scanner, pieces = AnswerScanner(), []
    started = time.perf_counter()
    first: list[float] = []

    def on_text(text: str) -> None:
        pieces.append(text)
        if not first and scanner.feed(text).steps:
            first.append(time.perf_counter() - started)

    stats = backend.generate(messages, on_text, threading.Event())
    return (first[0] if first else float("nan")), stats, "".join(pieces)


def _valid(answer: Any, raw: str) -> int:
    try:
        answer.model_validate_json(raw)
    except ValueError:
        return 0
    return 1


def _ignore(_text: str) -> None:
    return None
