"""`intents.bench.run_bench` and `avatar bench --engine intents` report real measurements."""

from __future__ import annotations

import json

import pytest

from agent.cli import main
from agent.metrics import LatencyStats
from intents.bench import percentile, run_bench


def test_percentile_interpolates_between_the_closest_ranks() -> None:
    """Hand values of the documented definition (position q·(n−1) in the sorted list, linear
    between neighbours): of 1…100, p50 sits half-way between 50 and 51, p99 at 98.01 → 99.01."""
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == pytest.approx(50.5)
    assert percentile(values, 0.99) == pytest.approx(99.01)
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([40.0, 10.0, 30.0, 20.0], 0.25) == pytest.approx(17.5)  # unsorted input
    assert percentile([40.0, 10.0, 30.0, 20.0], 0.0) == 10.0
    assert percentile([40.0, 10.0, 30.0, 20.0], 1.0) == 40.0
    assert percentile([1.0, 2.0], 0.5) == pytest.approx(1.5)  # no banker's rounding to 2.0


def test_the_status_line_uses_the_same_definition() -> None:
    stats = LatencyStats()
    for value in (40.0, 10.0, 30.0, 20.0):
        stats.add(value)
    assert stats.percentile(25) == pytest.approx(17.5)
    assert stats.percentile(50) == pytest.approx(25.0)


def test_run_bench_times_the_requested_utterances_and_cold_start() -> None:
    report = run_bench(utterances=40, cold_runs=1)
    latency, cold = report["latency"], report["cold_start"]
    assert latency["utterances"] == 40
    assert 0 < latency["p50_ms"] <= latency["p99_ms"] <= latency["max_ms"]
    assert cold["runs"] == 1
    assert 0 < cold["import_and_load_s"] < cold["whole_process_s"]


def test_run_bench_rejects_a_non_positive_count() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        run_bench(utterances=0)


def test_avatar_bench_intents_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--engine", "intents", "--frames", "25", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["engine"] == "intents"
    assert report["latency"]["utterances"] == 25
    assert report["cold_start"]["import_and_load_s"] > 0
