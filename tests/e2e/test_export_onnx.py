"""`avatar models export-onnx` as a user runs it: files that ONNX Runtime loads and that equal
the official goldens; bad input is one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from tests.e2e._helpers import avatar

GOLDEN = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "liveportrait"


def test_seeded_export_of_the_mlps_equals_the_goldens(tmp_path: Path) -> None:
    result = avatar(
        "models", "export-onnx", "--out", tmp_path / "out", "--seeded",
        "--networks", "stitching,lip,eye",
    )
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "eye.onnx", "lip.onnx", "stitching.onnx"
    ]
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        str(tmp_path / "out" / name) for name in ("stitching.onnx", "lip.onnx", "eye.onnx")
    ]
    with np.load(GOLDEN / "golden.npz") as golden:
        session = ort.InferenceSession(
            str(tmp_path / "out" / "stitching.onnx"), providers=["CPUExecutionProvider"]
        )
        (delta,) = session.run(["delta"], {"x": golden["S.input"]})
        np.testing.assert_allclose(delta, golden["S.delta"], atol=1e-4)


def test_unknown_network_and_missing_weights_are_one_line(tmp_path: Path) -> None:
    unknown = avatar("models", "export-onnx", "--out", tmp_path, "--networks", "vae")
    assert unknown.returncode == 2
    assert "unknown network 'vae'; choose from appearance_feature_extractor" in unknown.stderr
    missing = avatar(
        "models", "export-onnx", "--out", tmp_path / "x", "--models-dir", tmp_path / "empty"
    )
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"avatar: LivePortrait weights not found in {tmp_path / 'empty'} (8 files missing). Get "
        "them with `avatar models download`, or export the seeded stand-in with --seeded."
    ]
    assert not (tmp_path / "x").exists()


def test_prerender_without_weights_or_with_an_unknown_intent_is_one_line(tmp_path: Path) -> None:
    missing = avatar("prerender", cwd=tmp_path, env={"AVATAR_MODELS_DIR": str(tmp_path / "m")})
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        f"avatar: LivePortrait weights not found in {tmp_path / 'm'} (8 files missing). "
        "Get them with: avatar models download"
    )
    unknown = avatar("prerender", "--intents", "smile,dance")
    assert unknown.returncode == 2
    assert "unknown intent 'dance'; choose from smile, laugh" in unknown.stderr
