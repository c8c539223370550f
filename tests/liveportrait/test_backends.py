"""The ONNX Runtime and TensorRT backends behind the same engine as the PyTorch reference.

The reference is the PyTorch backend rendering the same poses of the same portrait with the same
seeded networks; the runtime backends must give the same frames within 2/255 per pixel.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from animator.liveportrait.backends import build_wrapper
from animator.liveportrait.engine import LivePortraitEngine, LivePortraitOptions
from animator.liveportrait.face import FaceAnalyzer
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.onnx_runtime import OrtNetworks, choose_providers
from animator.liveportrait.tensorrt_runtime import engine_key
from contracts import Pose
from tests.liveportrait.engine_helpers import TINY_INPUT, portrait

POSES = [Pose(), Pose(smile=1.0, head_yaw=12.0), Pose(mouth_open=0.8, eye_open=-1.0),
         Pose(wink=1.0, head_roll=-10.0, gaze_x=0.7)]


def _engine(networks: LivePortraitNetworks, models_dir: Path, tmp: Path, backend: str
            ) -> LivePortraitEngine:
    options = LivePortraitOptions(
        input_size=TINY_INPUT, cache_dir=tmp / "prepared", export_dir=tmp / "exports",
        backend=backend,  # type: ignore[arg-type]
    )
    return LivePortraitEngine(
        networks, FaceAnalyzer.from_models_dir(models_dir), device="cpu", options=options
    )


def test_onnxruntime_backend_renders_the_frames_of_the_torch_backend(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    reference = _engine(networks, models_dir, tmp_path / "torch", "torch")
    runtime = _engine(networks, models_dir, tmp_path / "ort", "onnxruntime")
    image = portrait()
    expected = reference.render(reference.prepare(image), POSES)
    frames = runtime.render(runtime.prepare(image), POSES)

    for got, want in zip(frames, expected, strict=True):
        assert np.abs(got.astype(int) - want.astype(int)).max() <= 2
    assert not np.array_equal(expected[0], expected[1])  # the poses really differ
    assert runtime.info.backend == "onnxruntime/CPU"
    assert "onnxruntime/CPU" in runtime.info.status_line()
    assert reference.info.backend == "torch"
    exported = sorted(p.name for p in (tmp_path / "ort" / "exports").rglob("*.onnx"))
    assert len(exported) == 7 and "warping_module.onnx" in exported


def test_exports_are_reused_by_a_second_engine(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    _engine(networks, models_dir, tmp_path, "onnxruntime")
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "exports").rglob("*.onnx")}
    _engine(networks, models_dir, tmp_path, "onnxruntime")
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "exports").rglob("*.onnx")} == stamps


def test_provider_order_is_tensorrt_cuda_cpu_among_those_available() -> None:
    cuda = torch.device("cuda", 0)
    everything = ["CPUExecutionProvider", "CUDAExecutionProvider", "TensorrtExecutionProvider"]
    assert choose_providers(cuda, everything) == [
        "TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"
    ]
    assert choose_providers(cuda, ["CUDAExecutionProvider", "CPUExecutionProvider"]) == [
        "CUDAExecutionProvider", "CPUExecutionProvider"
    ]
    assert choose_providers(cuda, ["CPUExecutionProvider"]) == ["CPUExecutionProvider"]
    assert choose_providers(torch.device("cpu"), everything) == ["CPUExecutionProvider"]


def test_missing_export_files_say_how_to_make_them(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="avatar models export-onnx"):
        OrtNetworks.load(tmp_path, torch.device("cpu"))


def test_tensorrt_without_a_gpu_is_refused_with_the_alternatives(
    networks: LivePortraitNetworks, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="needs an NVIDIA GPU; use --backend torch or onnxruntime"):
        build_wrapper(networks, torch.device("cpu"), backend="tensorrt", precision="auto",
                      fingerprint="f" * 64, export_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown backend 'tvm'"):
        build_wrapper(networks, torch.device("cpu"), backend="tvm",  # type: ignore[arg-type]
                      precision="auto", fingerprint="f" * 64, export_dir=tmp_path)


def test_tensorrt_engine_keys_change_with_every_part_that_makes_engines_incompatible() -> None:
    base = ("abc", "NVIDIA H100", "10.3.0", True, "spade_generator", (1, 4, 8))
    variants = [
        ("abd", *base[1:]),
        (base[0], "NVIDIA H200", *base[2:]),
        (*base[:2], "10.4.0", *base[3:]),
        (*base[:3], False, *base[4:]),
        (*base[:4], "warping_module", base[5]),
        (*base[:5], (1, 4, 16)),
    ]
    keys = {engine_key(*base), *(engine_key(*variant) for variant in variants)}
    assert len(keys) == 7
    assert engine_key(*base) == engine_key(*base)
    assert engine_key(*base).startswith("spade_generator-")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.gpu
@pytest.mark.parametrize("backend", ["torch", "onnxruntime"])
def test_half_precision_frames_stay_close_to_float32_on_the_gpu(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path, backend: str
) -> None:
    def make(precision: str) -> LivePortraitEngine:
        options = LivePortraitOptions(
            input_size=TINY_INPUT, cache_dir=tmp_path / precision, export_dir=tmp_path / "x",
            backend=backend, precision=precision,  # type: ignore[arg-type]
        )
        return LivePortraitEngine(
            networks, FaceAnalyzer.from_models_dir(models_dir), device="cuda", options=options
        )

    image = portrait()
    full, half = make("float32"), make("float16")
    reference = full.render(full.prepare(image), POSES)
    frames = half.render(half.prepare(image), POSES)
    for got, want in zip(frames, reference, strict=True):
        assert np.isfinite(got).all() and got.max() > 0
        assert np.abs(got.astype(int) - want.astype(int)).mean() <= 2.0
