"""LivePortrait networks: official state-dict layout, and golden outputs of the official code.

Each network is fed the stored golden inputs (not our own upstream outputs) and compared with the
fixture README's tolerances: 1e-4 for the conv networks, 1e-5 for the motion extractor and MLPs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from animator.liveportrait import (
    AppearanceFeatureExtractor,
    MotionExtractor,
    SPADEDecoder,
    StitchingRetargetingNetwork,
    WarpingNetwork,
)
from animator.liveportrait.config import MODEL_PARAMS, NETWORK_NAMES
from animator.liveportrait.layers import SpectralNormConv2d
from animator.liveportrait.networks import build_network, build_networks

CONV_TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
EXACT_TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def layout(network: nn.Module) -> list[list[Any]]:
    """The state dict as the manifest writes it: [key, shape, dtype] in order."""
    return [
        [key, list(value.shape), str(value.dtype).removeprefix("torch.")]
        for key, value in network.state_dict().items()
    ]


def tensor(golden: dict[str, np.ndarray], key: str) -> torch.Tensor:
    return torch.from_numpy(golden[key])


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_state_dict_layout_equals_official_manifest(name: str, manifest: dict[str, Any]) -> None:
    network = build_network(name, manifest["model_params"][name], device="meta")
    assert layout(network) == manifest["modules"][name]["state_dict"]


def test_config_equals_official_model_params(manifest: dict[str, Any]) -> None:
    assert MODEL_PARAMS == manifest["model_params"]


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("appearance_feature_extractor", AppearanceFeatureExtractor),
        ("motion_extractor", MotionExtractor),
        ("warping_module", WarpingNetwork),
        ("spade_generator", SPADEDecoder),
    ],
)
def test_constructor_defaults_are_the_official_configuration(
    name: str, cls: type[nn.Module], manifest: dict[str, Any]
) -> None:
    with torch.device("meta"):
        network = cls()
    assert layout(network) == manifest["modules"][name]["state_dict"]


def test_networks_are_built_in_eval_mode_and_frozen(small_params: dict[str, Any]) -> None:
    networks = build_networks(small_params)
    for _name, network in networks.items():
        assert not network.training
        assert not any(p.requires_grad for p in network.parameters())


def test_build_networks_rejects_unknown_network_names() -> None:
    with pytest.raises(ValueError, match="warp_module"):
        build_networks({"warp_module": {}})


def test_appearance_extractor_rejects_inconsistent_reshape() -> None:
    with pytest.raises(ValueError, match="reshape_channel"):
        AppearanceFeatureExtractor(max_features=512, reshape_channel=32, reshape_depth=8)


def test_warping_module_rejects_inconsistent_fold(small_params: dict[str, Any]) -> None:
    params = small_params["warping_module"] | {"max_features": 64}
    with pytest.raises(ValueError, match="reshape_channel"):
        WarpingNetwork(**params)


def test_small_configuration_runs_end_to_end_with_derived_shapes(
    small_params: dict[str, Any],
) -> None:
    """Channel counts follow the parameters: K = 5, 4 volume channels × depth 8, 64² input."""
    networks = build_networks(small_params)
    image = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        volume = networks.appearance_feature_extractor(image)
        raw = networks.motion_extractor(image)
        kp_source = torch.rand(2, 5, 3) - 0.5
        warped = networks.warping_module(volume, kp_driving=kp_source * 0.9, kp_source=kp_source)
        frame = networks.spade_generator(feature=warped["out"])
    assert volume.shape == (2, 4, 8, 16, 16)
    assert list(raw) == ["pitch", "yaw", "roll", "t", "exp", "scale", "kp"]
    assert raw["kp"].shape == raw["exp"].shape == (2, 15)
    assert raw["pitch"].shape == (2, 66)
    assert warped["out"].shape == (2, 32, 16, 16)
    assert warped["occlusion_map"].shape == (2, 1, 16, 16)
    assert warped["deformation"].shape == (2, 8, 16, 16, 3)
    assert frame.shape == (2, 3, 128, 128)
    assert float(frame.min()) >= 0.0 and float(frame.max()) <= 1.0


def test_warping_without_occlusion_head_returns_no_occlusion_map(
    small_params: dict[str, Any],
) -> None:
    params = small_params["warping_module"] | {"estimate_occlusion_map": False}
    network = WarpingNetwork(**params).eval()
    assert not any("occlusion" in key for key in network.state_dict())
    kp = torch.zeros(1, 5, 3)
    with torch.no_grad():
        result = network(torch.rand(1, 4, 8, 16, 16), kp_driving=kp, kp_source=kp)
    assert set(result) == {"out", "deformation"}


def test_spectral_conv_matches_torch_spectral_norm_in_eval_mode() -> None:
    """Same keys and order as `torch.nn.utils.spectral_norm`, same output from the same u, v."""
    reference = nn.utils.spectral_norm(nn.Conv2d(6, 5, kernel_size=3, padding=1))
    for _ in range(3):  # a few power iterations so that u and v are not the initial draws
        reference(torch.rand(1, 6, 8, 8))
    reference.eval()
    ours = SpectralNormConv2d(6, 5, kernel_size=3, padding=1).eval()
    ours.load_state_dict(reference.state_dict())
    assert list(ours.state_dict()) == list(reference.state_dict())
    x = torch.rand(2, 6, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), reference(x), rtol=1e-6, atol=1e-6)


def test_spectral_conv_forward_never_changes_u_and_v() -> None:
    conv = SpectralNormConv2d(4, 3, kernel_size=1, bias=False).train()
    before = {key: value.clone() for key, value in conv.state_dict().items()}
    conv(torch.rand(1, 4, 5, 5))
    for key, value in conv.state_dict().items():
        assert torch.equal(value, before[key]), key
    sigma = conv.weight_u @ (conv.weight_orig.reshape(3, -1) @ conv.weight_v)
    expected = F.conv2d(torch.ones(1, 4, 1, 1), conv.weight_orig / sigma)
    torch.testing.assert_close(conv(torch.ones(1, 4, 1, 1)), expected)


# --- golden outputs of the official code (seeded weights, fixture README) ---------------------


@pytest.fixture(scope="module")
def motion_outputs(
    seeded_network: Callable[[str], nn.Module], golden: dict[str, np.ndarray]
) -> dict[str, dict[str, torch.Tensor]]:
    network = seeded_network("motion_extractor")
    with torch.no_grad():
        return {
            "s": network(tensor(golden, "input.source_image")),
            "d": network(tensor(golden, "input.driving_image")),
        }


@pytest.fixture(scope="module")
def warping_outputs(
    seeded_network: Callable[[str], nn.Module], golden: dict[str, np.ndarray]
) -> dict[str, dict[str, torch.Tensor]]:
    """Both warping cases; case W also records the dense-motion softmax mask through a hook."""
    network = seeded_network("warping_module")
    captured: dict[str, torch.Tensor] = {}
    hook = network.dense_motion_network.register_forward_hook(
        lambda _module, _args, output: captured.update(mask=output["mask"])
    )
    feature = tensor(golden, "F.f_s")
    try:
        with torch.no_grad():
            chain = network(
                feature, kp_driving=tensor(golden, "kp.x_d"), kp_source=tensor(golden, "kp.x_s")
            )
            chain["dense_motion_mask"] = captured["mask"]
            inside = network(
                feature,
                kp_driving=tensor(golden, "W2.kp_driving"),
                kp_source=tensor(golden, "W2.kp_source"),
            )
    finally:
        hook.remove()
    return {"W": chain, "W2": inside}


def test_appearance_feature_extractor_matches_golden(
    seeded_network: Callable[[str], nn.Module], golden: dict[str, np.ndarray]
) -> None:
    with torch.no_grad():
        volume = seeded_network("appearance_feature_extractor")(
            tensor(golden, "input.source_image")
        )
    np.testing.assert_allclose(volume.numpy(), golden["F.f_s"], **CONV_TOLERANCE)


@pytest.mark.parametrize("image", ["s", "d"])
@pytest.mark.parametrize("head", ["pitch", "yaw", "roll", "t", "exp", "scale", "kp"])
def test_motion_extractor_heads_match_golden(
    image: str,
    head: str,
    motion_outputs: dict[str, dict[str, torch.Tensor]],
    golden: dict[str, np.ndarray],
) -> None:
    np.testing.assert_allclose(
        motion_outputs[image][head].numpy(), golden[f"M.{image}.{head}"], **EXACT_TOLERANCE
    )


def test_motion_extractor_output_order(motion_outputs: dict[str, dict[str, torch.Tensor]]) -> None:
    assert list(motion_outputs["s"]) == ["pitch", "yaw", "roll", "t", "exp", "scale", "kp"]


@pytest.mark.parametrize(
    ("case", "output"),
    [
        ("W", "out"),
        ("W", "occlusion_map"),
        ("W", "deformation"),
        ("W", "dense_motion_mask"),
        ("W2", "out"),
        ("W2", "occlusion_map"),
        ("W2", "deformation"),
    ],
)
def test_warping_module_matches_golden(
    case: str,
    output: str,
    warping_outputs: dict[str, dict[str, torch.Tensor]],
    golden: dict[str, np.ndarray],
) -> None:
    np.testing.assert_allclose(
        warping_outputs[case][output].numpy(), golden[f"{case}.{output}"], **CONV_TOLERANCE
    )


def test_spade_decoder_matches_golden(
    seeded_network: Callable[[str], nn.Module], golden: dict[str, np.ndarray]
) -> None:
    with torch.no_grad():
        image = seeded_network("spade_generator")(feature=tensor(golden, "W.out"))
    assert image.shape == (1, 3, 512, 512)
    np.testing.assert_allclose(image.numpy(), golden["G.out"], **CONV_TOLERANCE)


def test_stitching_mlp_matches_golden(
    seeded_network: Callable[[str], nn.Module], golden: dict[str, np.ndarray]
) -> None:
    network = seeded_network("stitching")
    assert isinstance(network, StitchingRetargetingNetwork)
    with torch.no_grad():
        delta = network(tensor(golden, "S.input"))
    np.testing.assert_allclose(delta.numpy(), golden["S.delta"], **EXACT_TOLERANCE)
