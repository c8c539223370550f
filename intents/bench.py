"""Interpreter speed: per-utterance latency in batch mode, and cold start.

`run_bench` is what `avatar bench --engine intents` and `bench/bench_intents.py` print. Latency:
held-out utterances interpreted one by one in this process (model loaded once, short warm-up),
each timed with `perf_counter_ns`, with the process pinned to one CPU core while it runs (the
target is per core). Cold start: fresh Python processes that import `intents`, load the model
and interpret one utterance, timed inside (import + load) and outside (whole process).
Targets: p99 ≤ 5 ms, cold start ≤ 1 s.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from intents import load_interpreter
from intents._dataset import HELDOUT_PATH, load_examples

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
_WARM_UP = 200
_COLD_START = (
    "import time; t0 = time.perf_counter(); "
    "from intents import load_interpreter; interpreter = load_interpreter(); "
    "t1 = time.perf_counter(); interpreter.interpret('활짝 웃다가 윙크해줘'); "
    "t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
)


@contextmanager
def one_core() -> Iterator[int | None]:
    """Pin this process to one CPU core for the block (None where the OS cannot)."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` (0…1) quantile of a non-empty list, linear between the two closest ranks.

    This is NumPy's default `np.percentile` (Hyndman & Fan type 7), the one definition every
    benchmark and the status line use: position fraction·(n−1) in the sorted values, with the
    two neighbours blended by its fractional part (p50 of 1…100 is 50.5).
    """
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def latency(texts: list[str]) -> dict[str, float]:
    """Per-utterance interpret time in milliseconds over `texts` (non-empty)."""
    interpreter = load_interpreter()
    for text in texts[:_WARM_UP]:
        interpreter.interpret(text)
    timings = []
    for text in texts:
        start = time.perf_counter_ns()
        interpreter.interpret(text)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    return {
        "utterances": len(timings),
        "p50_ms": round(percentile(timings, 0.50), 3),
        "p99_ms": round(percentile(timings, 0.99), 3),
        "max_ms": round(max(timings), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
    }


def cold_start(runs: int) -> dict[str, float]:
    """Medians over `runs` fresh processes, in seconds."""
    inside, first_call, whole = [], [], []
    pythonpath = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", _COLD_START], capture_output=True,
                                text=True, env=env, check=True)
        whole.append(time.perf_counter() - start)
        load, call = (float(value) for value in result.stdout.split())
        inside.append(load)
        first_call.append(call)
    return {
        "runs": runs,
        "import_and_load_s": round(statistics.median(inside), 3),
        "first_interpret_s": round(statistics.median(first_call), 4),
        "whole_process_s": round(statistics.median(whole), 3),
    }


def run_bench(utterances: int | None = None, cold_runs: int = 5) -> dict[str, object]:
    """Latency over the first `utterances` held-out texts (all when None) and cold start.

    Raises:
        ValueError: `utterances` or `cold_runs` below 1.
    """
    if utterances is not None and utterances < 1:
        raise ValueError(f"utterances must be at least 1, got {utterances}")
    if cold_runs < 1:
        raise ValueError(f"cold_runs must be at least 1, got {cold_runs}")
    texts = [example.text for example in load_examples(HELDOUT_PATH)][:utterances]
    with one_core() as core:
        measured = latency(texts)
    return {
        "engine": "intents",
        "core": core,
        "latency": measured,
        "cold_start": cold_start(cold_runs),
        "targets": {"p99_ms": 5.0, "cold_start_s": 1.0},
    }
