"""Frame time of the weight-free fallback engine on one CPU thread (512x512 portrait).

    PYTHONPATH=. .venv/bin/python bench/bench_fallback.py
    PYTHONPATH=. .venv/bin/python bench/bench_fallback.py --frames 600 --size 768 --json

Target: >= 30 fps at 512x512 on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from animator.fallback.bench import run_bench
from animator.portrait import load_portrait


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print ms/frame and fps (or one JSON object with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--portrait", type=Path, help="portrait file (default: assets/portrait.png)"
    )
    parser.add_argument("--frames", type=int, default=300, help="frames to render (default 300)")
    parser.add_argument("--size", type=int, default=512, help="square size in pixels (default 512)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    image = load_portrait(args.portrait) if args.portrait else None
    result = run_bench(image, frames=args.frames, size=args.size)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"fallback engine, {result['size']}x{result['size']}, {result['frames']} frames, 1 thread"
    )
    print(f"  prepare   {result['prepare_ms']:8.1f} ms")
    print(
        f"  per frame {result['mean_ms']:8.2f} ms mean, {result['p50_ms']:.2f} p50, "
        f"{result['p95_ms']:.2f} p95, {result['max_ms']:.2f} max"
    )
    print(f"  cpu time  {result['cpu_ms']:8.2f} ms per frame (this thread only)")
    print(f"  => {result['fps']:.0f} fps (target >= 30)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
