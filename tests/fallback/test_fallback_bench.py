"""The benchmark's pose sweep exercises every channel over its whole range."""

from __future__ import annotations

import numpy as np

from animator.fallback.bench import pose_sweep, run_bench
from contracts.pose import CHANNELS


def test_sweep_reaches_both_ends_of_every_channel() -> None:
    values = np.array([pose.to_array() for pose in pose_sweep(300)])
    assert values.shape == (300, len(CHANNELS))
    for column, spec in enumerate(CHANNELS):
        span = spec.high - spec.low
        assert values[:, column].min() <= spec.low + 0.02 * span, spec.name
        assert values[:, column].max() >= spec.high - 0.02 * span, spec.name


def test_bench_reports_consistent_numbers(portrait: np.ndarray) -> None:
    result = run_bench(portrait, frames=12, size=256)
    assert result["frames"] == 12 and result["size"] == 256
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert 0 < result["cpu_ms"] <= result["max_ms"] * 1.05
    assert abs(result["fps"] - 1000 / result["mean_ms"]) < 0.1 * result["fps"]
