"""ONNX Runtime leaves HOME alone: every session of ours goes through `models.onnx_runtime`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

REPO = Path(__file__).resolve().parents[2]
SESSIONS = """
import sys
from pathlib import Path
import numpy as np
from animator.liveportrait.face import load_session
from voice.vad import SileroVad

session = load_session(Path(sys.argv[1]))
x = np.ones((1, 3), np.float32)
assert (session.run(None, {"x": x})[0] == x).all()
vad = SileroVad()
print("ran")
"""


def tiny_model(path: Path) -> Path:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])], "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def test_face_and_voice_sessions_write_nothing_under_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    unset = ("XDG_CACHE_HOME", "ORT_DISABLE_TELEMETRY")
    env = {
        **{k: v for k, v in os.environ.items() if k not in unset},
        "HOME": str(home),
        "PYTHONPATH": str(REPO),
    }
    run = subprocess.run(
        [sys.executable, "-c", SESSIONS, str(tiny_model(tmp_path / "tiny.onnx"))],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0 and "ran" in run.stdout, run.stderr
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []
