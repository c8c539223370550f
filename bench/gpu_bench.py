"""The GPU benchmark in one run: every backend × precision × batch size, against the eager baseline.

Run by `bench/gpu.sh` on a machine with a CUDA GPU and no network. The networks get the seeded
official-size weights (same arithmetic as the published model). The baseline, the official
pipeline's way of running (eager PyTorch, float32, no compile), is measured in the same run, so
every ratio compares numbers from the same card. A configuration that cannot run here (no
`tensorrt` package, a CPU-only onnxruntime) is recorded with its reason, never silently dropped.
Writes `bench/results/gpu-<date>.json` and replaces the table between the markers in README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402

from animator.liveportrait.bench import run_bench  # noqa: E402

log = logging.getLogger("gpu-bench")

#: (backend, precision, compile) in run order; the first one is the baseline.
CONFIGS: tuple[tuple[str, str, str], ...] = (
    ("torch", "float32", "off"),
    ("torch", "float16", "off"),
    ("torch", "float16", "reduce-overhead"),
    ("torch", "float32", "reduce-overhead"),
    ("onnxruntime", "float16", "off"),
    ("onnxruntime", "float32", "off"),
    ("tensorrt", "float16", "off"),
    ("tensorrt", "float32", "off"),
)
START = "<!-- gpu-bench:start -->"
END = "<!-- gpu-bench:end -->"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--frames", type=int, default=48, help="frames timed per batch size")
    parser.add_argument("--budget", type=float, default=420.0,
                        help="seconds; configurations not started by then are skipped")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--export-dir", type=Path, default=Path("/tmp/portrait-agent-export"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if not torch.cuda.is_available():
        print("gpu_bench: no CUDA GPU here; run it on a GPU machine (bench/gpu.sh)",
              file=sys.stderr)
        return 2
    started = time.monotonic()
    runs = []
    for backend, precision, compile_mode in CONFIGS:
        label = f"{backend} {precision}" + ("" if compile_mode == "off" else f" {compile_mode}")
        if time.monotonic() - started > args.budget:
            runs.append({"config": label, "skipped": "time budget spent"})
            continue
        log.info("running %s", label)
        try:
            report = run_bench(
                args.batches, "cuda", None, args.frames, warmup=True, backend=backend,
                precision=precision, compile=compile_mode, export_dir=args.export_dir,
            )
        except Exception as exc:  # record why, keep measuring the others
            log.warning("%s failed: %s", label, exc)
            runs.append({"config": label, "error": _first_line(exc),
                         "trace": traceback.format_exc(limit=3)})
            continue
        runs.append({"config": label, **report})
    result = {
        "date": dt.date.today().isoformat(),
        "gpu": torch.cuda.get_device_name(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "weights": "seeded, official size",
        "seconds": round(time.monotonic() - started, 1),
        "runs": runs,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"gpu-{result['date']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    table = markdown_table(result)
    print(table)
    if args.readme.is_file():
        replace_table(args.readme, table)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def markdown_table(result: dict[str, Any]) -> str:
    """The README table: per configuration and batch, warp+decode and whole frame, vs baseline."""
    runs = result["runs"]
    baseline = {row["batch"]: row["total_ms_per_frame"]
                for row in runs[0].get("batches", [])} if runs else {}
    lines = [
        f"GPU benchmark, {result['date']}, {result['gpu']}, torch {result['torch']}, "
        f"{result['weights']} weights (`bash bench/gpu.sh`):",
        "",
        "| backend | batch | warp+decode ms/frame | whole 512² frame ms (incl. paste-back) | fps "
        "| speed-up vs eager fp32 |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        if "batches" not in run:
            reason = run.get("error") or run.get("skipped", "")
            lines.append(f"| {run['config']} | – | – | – | – | not run: {reason} |")
            continue
        for row in run["batches"]:
            base = baseline.get(row["batch"])
            ratio = f"{base / row['total_ms_per_frame']:.1f}×" if base else "–"
            lines.append(
                f"| {run['config']} | {row['batch']} | {row['warp_decode_ms_per_frame']:.2f} | "
                f"{row['total_ms_per_frame']:.2f} | {row['fps']:.0f} | {ratio} |"
            )
    return "\n".join(lines)


def replace_table(readme: Path, table: str) -> None:
    """Put `table` between the markers in `readme` (appended with markers when absent)."""
    text = readme.read_text()
    block = f"{START}\n{table}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


if __name__ == "__main__":
    raise SystemExit(main())
