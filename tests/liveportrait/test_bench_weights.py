"""`avatar bench --engine liveportrait` says so when it times seeded stand-ins instead of the
published weights, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import liveportrait_files
from tests.e2e._helpers import avatar


@pytest.mark.slow
def test_bench_names_the_failed_weights_and_the_seeded_stand_ins(tmp_path: Path) -> None:
    for entry in liveportrait_files().files:
        path = tmp_path / "models" / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.truncate(entry.size)  # right sizes, wrong bytes
    result = avatar("bench", "--engine", "liveportrait", "--frames", "1", "--batches", "1",
                    "--device", "cpu", "--models-dir", tmp_path / "models", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "weights: seeded" in lines
    (note,) = [line for line in lines if line.startswith("weights_note: ")]
    assert f"the published weights in {tmp_path / 'models'} failed verification" in note
    assert "appearance_feature_extractor.pth: corrupt" in note
    assert note.endswith("timing seeded stand-in weights of the same size instead")
