"""Intent interpreter speed: per-utterance latency in batch mode, and cold start.

    python bench/bench_intents.py            # readable numbers
    python bench/bench_intents.py --json     # one JSON object

What is measured is described in `intents/bench.py` (also `avatar bench --engine intents`).
Targets: p99 ≤ 5 ms on one core, cold start ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intents.bench import run_bench


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the numbers (or one JSON object with --json)."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, default=None, help="only the first N utterances")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes to time")
    args = parser.parse_args(argv)
    report = run_bench(utterances=args.limit, cold_runs=args.cold_runs)
    if args.json:
        print(json.dumps(report))
        return 0
    lat, cold = report["latency"], report["cold_start"]
    print(f"batch latency over {lat['utterances']} held-out utterances (core {report['core']}): "
          f"p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms")
    print(f"cold start (median of {cold['runs']}): import + load {cold['import_and_load_s']} s, "
          f"first interpret {cold['first_interpret_s']} s, "
          f"whole process {cold['whole_process_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
