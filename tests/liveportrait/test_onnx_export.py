"""The exported ONNX networks, run by ONNX Runtime on the CPU, equal the official goldens.

References are the fixture's goldens (official code, seeded weights) for batch 1, and our PyTorch
modules for batch 3 (three different inputs, so a graph that mixed up batch rows would fail).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from torch import nn

from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.onnx_export import export_onnx
from animator.liveportrait.seeded import seeded_networks

ATOL = 1e-3
NAMES = (
    "appearance_feature_extractor", "motion_extractor", "warping_module", "spade_generator",
    "stitching", "lip", "eye",
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("onnx")
    paths = export_onnx(seeded_networks(), folder)
    assert [path.name for path in paths] == [f"{name}.onnx" for name in NAMES]
    return folder


def _session(folder: Path, name: str) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    return ort.InferenceSession(
        str(folder / f"{name}.onnx"), options, providers=["CPUExecutionProvider"]
    )


def _run(folder: Path, name: str, **inputs: np.ndarray) -> dict[str, np.ndarray]:
    session = _session(folder, name)
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, inputs), strict=True))


def test_files_have_the_documented_names_and_a_dynamic_batch_axis(exported: Path) -> None:
    interface = {
        "appearance_feature_extractor": (["image"], ["feature_3d"]),
        "motion_extractor": (["image"], ["pitch", "yaw", "roll", "t", "exp", "scale", "kp"]),
        "warping_module": (
            ["feature_3d", "kp_driving", "kp_source"], ["out", "occlusion_map", "deformation"]
        ),
        "spade_generator": (["feature"], ["image"]),
        "stitching": (["x"], ["delta"]),
        "lip": (["x"], ["delta"]),
        "eye": (["x"], ["delta"]),
    }
    for name, (inputs, outputs) in interface.items():
        model = onnx.load(str(exported / f"{name}.onnx"), load_external_data=False)
        assert [i.name for i in model.graph.input] == inputs, name
        assert [o.name for o in model.graph.output] == outputs, name
        for tensor in [*model.graph.input, *model.graph.output]:
            assert tensor.type.tensor_type.shape.dim[0].dim_param == "batch", (name, tensor.name)


def test_batch_one_equals_the_goldens(exported: Path, golden: dict[str, np.ndarray]) -> None:
    features = _run(exported, "appearance_feature_extractor", image=golden["input.source_image"])
    np.testing.assert_allclose(features["feature_3d"], golden["F.f_s"], atol=ATOL)

    motion = _run(exported, "motion_extractor", image=golden["input.source_image"])
    for head in ("pitch", "yaw", "roll", "t", "exp", "scale", "kp"):
        np.testing.assert_allclose(motion[head], golden[f"M.s.{head}"], atol=ATOL, err_msg=head)

    warped = _run(
        exported, "warping_module", feature_3d=golden["F.f_s"],
        kp_driving=golden["W2.kp_driving"], kp_source=golden["W2.kp_source"],
    )
    for output in ("out", "occlusion_map", "deformation"):
        np.testing.assert_allclose(warped[output], golden[f"W2.{output}"], atol=ATOL)

    image = _run(exported, "spade_generator", feature=golden["W.out"])["image"]
    np.testing.assert_allclose(image, golden["G.out"], atol=ATOL)

    stitching = _run(exported, "stitching", x=golden["S.input"])["delta"]
    np.testing.assert_allclose(stitching, golden["S.delta"], atol=ATOL)
    x_s = golden["kp.x_s"].reshape(1, -1)
    lip = _run(exported, "lip", x=np.concatenate([x_s, golden["R_lip.ratio"]], axis=1))["delta"]
    np.testing.assert_allclose(lip.reshape(1, -1, 3), golden["R_lip.delta"], atol=ATOL)
    eye = _run(exported, "eye", x=np.concatenate([x_s, golden["R_eye.ratio"]], axis=1))["delta"]
    np.testing.assert_allclose(eye.reshape(1, -1, 3), golden["R_eye.delta"], atol=ATOL)


def _torch_outputs(network: nn.Module, names: list[str], *inputs: np.ndarray) -> list[np.ndarray]:
    with torch.inference_mode():
        result = network(*(torch.from_numpy(value) for value in inputs))
    values = [result] if isinstance(result, torch.Tensor) else [result[name] for name in names]
    return [value.numpy() for value in values]


@pytest.fixture(scope="module")
def networks() -> LivePortraitNetworks:
    return seeded_networks()


@pytest.mark.parametrize(
    ("name", "make_inputs"),
    [
        ("appearance_feature_extractor", lambda rng, g: {"image": rng.random((3, 3, 256, 256))}),
        ("motion_extractor", lambda rng, g: {"image": rng.random((3, 3, 256, 256))}),
        ("warping_module", lambda rng, g: {
            "feature_3d": np.concatenate([g["F.f_s"]] * 3) * rng.uniform(0.5, 1.5, (3, 1, 1, 1, 1)),
            "kp_driving": rng.uniform(-0.8, 0.8, (3, 21, 3)),
            "kp_source": np.repeat(g["W2.kp_source"], 3, axis=0),
        }),
        ("spade_generator",
         lambda rng, g: {"feature": rng.standard_normal((3, 256, 64, 64)) * 0.2}),
        ("stitching", lambda rng, g: {"x": rng.uniform(-1, 1, (3, 126))}),
    ],
)
def test_batch_three_equals_our_pytorch_modules(
    exported: Path,
    networks: LivePortraitNetworks,
    golden: dict[str, np.ndarray],
    name: str,
    make_inputs: Callable[[np.random.Generator, dict[str, np.ndarray]], dict[str, np.ndarray]],
) -> None:
    inputs = {
        key: value.astype(np.float32)
        for key, value in make_inputs(np.random.default_rng(5), golden).items()
    }
    onnx_result = _run(exported, name, **inputs)
    expected = _torch_outputs(getattr(networks, name), list(onnx_result), *inputs.values())
    for (output, got), want in zip(onnx_result.items(), expected, strict=True):
        assert got.shape[0] == 3
        np.testing.assert_allclose(got, want, atol=ATOL, err_msg=f"{name}.{output}")
    first = next(iter(onnx_result.values()))
    assert not np.allclose(first[0], first[1], atol=ATOL)  # the batch rows really differ


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only refusal")
def test_float16_export_without_a_gpu_says_what_to_do_instead(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs a CUDA GPU; export float32 here"):
        export_onnx(seeded_networks(), tmp_path, fp16=True, names=["stitching"])
    assert not list(tmp_path.iterdir())
