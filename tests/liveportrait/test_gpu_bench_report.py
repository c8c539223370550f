"""The GPU benchmark's report: the README table from a result, and its place in the README.

The result below is written by hand, so the expected table cells (ratios to the eager baseline,
reasons for configurations that did not run) are computed here independently of the code.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "gpu_bench.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gpu_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(batch: int, warp: float, total: float) -> dict[str, float]:
    return {"batch": batch, "warp_decode_ms_per_frame": warp, "total_ms_per_frame": total,
            "fps": 1000.0 / total}


RESULT = {
    "date": "2026-12-06", "gpu": "NVIDIA H100", "torch": "2.11.0",
    "weights": "seeded, official size",
    "runs": [
        {"config": "torch float32", "batches": [_row(1, 20.0, 24.0), _row(8, 10.0, 12.0)]},
        {"config": "torch float16 reduce-overhead",
         "batches": [_row(1, 3.0, 6.0), _row(8, 2.0, 4.0)]},
        {"config": "tensorrt float16",
         "error": "the TensorRT backend needs the `tensorrt` package"},
        {"config": "tensorrt float32", "skipped": "time budget spent"},
    ],
}


def test_table_rows_and_ratios_to_the_baseline() -> None:
    table = _load().markdown_table(RESULT).splitlines()
    assert table[0].startswith("GPU benchmark, 2026-12-06, NVIDIA H100, torch 2.11.0")
    rows = table[4:]
    assert rows[0] == "| torch float32 | 1 | 20.00 | 24.00 | 42 | 1.0× |"
    assert rows[2] == "| torch float16 reduce-overhead | 1 | 3.00 | 6.00 | 167 | 4.0× |"
    assert rows[3] == "| torch float16 reduce-overhead | 8 | 2.00 | 4.00 | 250 | 3.0× |"
    assert rows[4].endswith("not run: the TensorRT backend needs the `tensorrt` package |")
    assert rows[5].endswith("not run: time budget spent |")


def test_readme_table_is_replaced_between_the_markers(tmp_path: Path) -> None:
    bench = _load()
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\nbefore\n")
    bench.replace_table(readme, "first table")
    bench.replace_table(readme, "second table")
    text = readme.read_text()
    assert text == (
        "# x\n\nbefore\n\n<!-- gpu-bench:start -->\nsecond table\n<!-- gpu-bench:end -->\n"
    )
