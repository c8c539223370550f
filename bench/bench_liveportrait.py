"""LivePortrait per-stage benchmark: prints a JSON report (see `animator.liveportrait.bench`).

Quick CPU run (a full-size frame takes seconds on CPU):
    PYTHONPATH=. .venv/bin/python bench/bench_liveportrait.py --batches 1 --frames 1
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from animator.liveportrait.bench import run_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--frames", type=int, default=8, help="frames timed per batch size")
    parser.add_argument("--device", help="cpu, cuda, cuda:1 (default: CUDA when available)")
    parser.add_argument("--models-dir", type=Path, help="folder with the published weights")
    parser.add_argument("--threads", type=int, help="torch CPU threads")
    parser.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=None,
                        help="render one untimed batch first (default: only on CUDA)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.threads:
        torch.set_num_threads(args.threads)
    report = run_bench(args.batches, args.device, args.models_dir, args.frames,
                       warmup=args.warmup)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
