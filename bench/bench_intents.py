"""Intent interpreter speed: per-utterance latency in batch mode, and cold start.

    python bench/bench_intents.py            # readable numbers
    python bench/bench_intents.py --json     # one JSON object

Latency: every held-out utterance interpreted once in one process (model loaded once), timed
one by one with perf_counter_ns, after a short warm-up; the process is pinned to one CPU core
where the OS allows it. Cold start: a fresh Python subprocess that imports `intents`, loads the
model and interprets one utterance, timed inside (import + load) and outside (whole process).
Targets: p99 ≤ 5 ms, cold start ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from intents import load_interpreter  # noqa: E402
from intents._dataset import HELDOUT_PATH, load_examples  # noqa: E402

_COLD_START = (
    "import time; t0 = time.perf_counter(); "
    "from intents import load_interpreter; interpreter = load_interpreter(); "
    "t1 = time.perf_counter(); interpreter.interpret('활짝 웃다가 윙크해줘'); "
    "t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
)


def _pin_to_one_core() -> int | None:
    """Run on one core, as the targets assume; returns the core or None if not supported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(limit: int | None) -> dict[str, float]:
    """Per-utterance latency in milliseconds over the held-out texts."""
    texts = [example.text for example in load_examples(HELDOUT_PATH)][:limit]
    interpreter = load_interpreter()
    for text in texts[:200]:
        interpreter.interpret(text)
    timings = []
    for text in texts:
        start = time.perf_counter_ns()
        interpreter.interpret(text)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    return {
        "utterances": len(timings),
        "p50_ms": round(_percentile(timings, 0.50), 3),
        "p99_ms": round(_percentile(timings, 0.99), 3),
        "max_ms": round(max(timings), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
    }


def cold_start(runs: int) -> dict[str, float]:
    """Median over `runs` fresh processes, in seconds."""
    inside, first_call, whole = [], [], []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", _COLD_START], capture_output=True,
                                text=True, env=env, cwd=REPO, check=True)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, default=None, help="only the first N utterances")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes to time")
    args = parser.parse_args(argv)
    core = _pin_to_one_core()
    report = {"core": core, "latency": latency(args.limit),
              "cold_start": cold_start(args.cold_runs)}
    if args.json:
        print(json.dumps(report))
        return 0
    lat, cold = report["latency"], report["cold_start"]
    print(f"batch latency over {lat['utterances']} held-out utterances (core {core}): "
          f"p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms")
    print(f"cold start (median of {cold['runs']}): import + load {cold['import_and_load_s']} s, "
          f"first interpret {cold['first_interpret_s']} s, "
          f"whole process {cold['whole_process_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
