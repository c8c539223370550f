"""The benchmark report: every stage timed for every batch size (tiny networks, CPU)."""

from __future__ import annotations

import json
from pathlib import Path

from animator.liveportrait.bench import run_bench
from tests.liveportrait.engine_helpers import TINY_INPUT, tiny_networks

STAGES = ("expression", "stitching", "warp_decode", "to_image", "paste_back")


def test_report_times_every_stage_per_batch(tmp_path: Path) -> None:
    report = run_bench(
        batches=(1, 3), device="cpu", models_dir=tmp_path, frames=2,
        networks=tiny_networks(), input_size=TINY_INPUT, warmup=True,
    )

    json.dumps(report)  # the report is plain JSON
    assert report["weights"] == "custom"
    assert report["face_analysis"] == "skipped (face models absent)"
    assert (report["device"], report["dtype"], report["image"]) == ("cpu", "float32", [512, 512])
    assert set(report["prepare"]) == {"crop", "appearance_features", "motion", "total"}
    assert [row["batch"] for row in report["batches"]] == [1, 3]
    assert [row["frames"] for row in report["batches"]] == [2, 3]  # whole batches, warm-up apart
    for row in report["batches"]:
        stage_sum = sum(row[f"{stage}_ms_per_frame"] for stage in STAGES)
        assert all(row[f"{stage}_ms_per_frame"] > 0 for stage in STAGES)
        assert abs(row["total_ms_per_frame"] - stage_sum) < 0.01
        assert abs(row["fps"] - 1000 / row["total_ms_per_frame"]) < 0.01 * row["fps"]


def test_onnxruntime_backend_is_timed_and_named(tmp_path: Path) -> None:
    report = run_bench(
        batches=(2,), device="cpu", models_dir=tmp_path, frames=2, networks=tiny_networks(),
        input_size=TINY_INPUT, warmup=False, backend="onnxruntime", export_dir=tmp_path / "x",
    )
    assert (report["backend"], report["dtype"], report["compiled"]) == (
        "onnxruntime/CPU", "float32", False
    )
    (row,) = report["batches"]
    assert row["frames"] == 2 and row["warp_decode_ms_per_frame"] > 0
    assert len(list((tmp_path / "x").rglob("*.onnx"))) == 7
