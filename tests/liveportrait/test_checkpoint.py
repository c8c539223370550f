"""Checkpoint loading in both public layouts, from seeded weights, and its error messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import safetensors.torch
import torch
from torch import nn

from animator.liveportrait.checkpoint import (
    CheckpointError,
    find_checkpoints,
    load_network,
    load_networks,
    load_stitching,
    save_official_layout,
    save_safetensors_layout,
)
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.seeded import seeded_networks

OFFICIAL_STITCHING = "liveportrait/retargeting_models/stitching_retargeting_module.pth"


def assert_same_weights(loaded: nn.Module, reference: nn.Module) -> None:
    expected = reference.state_dict()
    actual = loaded.state_dict()
    assert list(actual) == list(expected)
    for key, value in expected.items():
        assert actual[key].dtype == value.dtype, key
        assert torch.equal(actual[key], value), key


@pytest.fixture(scope="module")
def small_networks(small_params: dict[str, Any]) -> LivePortraitNetworks:
    return seeded_networks(small_params)


@pytest.fixture(scope="module")
def written(
    small_networks: LivePortraitNetworks, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Small seeded networks written once per layout: {"official": root, "safetensors": root}."""
    root = tmp_path_factory.mktemp("checkpoints")
    save_official_layout(
        small_networks, root / "official", extra_entries={"epoch": 7, "note": "ignored"}
    )
    save_safetensors_layout(small_networks, root / "safetensors")
    return {"official": root / "official", "safetensors": root / "safetensors"}


@pytest.mark.parametrize("layout", ["official", "safetensors"])
def test_all_networks_round_trip(
    layout: str,
    written: dict[str, Path],
    small_networks: LivePortraitNetworks,
    small_params: dict[str, Any],
) -> None:
    loaded = load_networks(written[layout], params=small_params)
    for (name, network), (_, reference) in zip(
        loaded.items(), small_networks.items(), strict=True
    ):
        assert not network.training, name
        assert not any(p.requires_grad for p in network.parameters()), name
        assert_same_weights(network, reference)


def test_official_layout_uses_hub_paths_and_module_prefixes(written: dict[str, Path]) -> None:
    root = written["official"]
    assert (root / "liveportrait/base_models/motion_extractor.pth").is_file()
    nested = torch.load(root / OFFICIAL_STITCHING, weights_only=True)
    assert set(nested) == {"retarget_shoulder", "retarget_mouth", "retarget_eye", "epoch", "note"}
    assert all(key.startswith("module.mlp.") for key in nested["retarget_eye"])
    motion = torch.load(root / "liveportrait/base_models/motion_extractor.pth", weights_only=True)
    assert all(key.startswith("detector.") for key in motion)


def test_safetensors_layout_flattens_the_retargeting_file(written: dict[str, Path]) -> None:
    flat = safetensors.torch.load_file(
        written["safetensors"] / "stitching_retargeting_module.safetensors"
    )
    prefixes = {key.split(".mlp.")[0] for key in flat}
    assert prefixes == {"retarget_shoulder_module", "retarget_mouth_module", "retarget_eye_module"}


def test_hand_written_official_files_load_and_reproduce_golden_mlps(
    tmp_path: Path,
    seeded_network: Callable[[str], nn.Module],
    golden: dict[str, np.ndarray],
) -> None:
    """Official-size files built directly from the documented layout, not by our writer."""
    appearance = seeded_network("appearance_feature_extractor")
    torch.save(appearance.state_dict(), tmp_path / "appearance_feature_extractor.pth")
    loaded = load_network(
        "appearance_feature_extractor", tmp_path / "appearance_feature_extractor.pth"
    )
    assert_same_weights(loaded, appearance)

    entries = {"stitching": "retarget_shoulder", "lip": "retarget_mouth", "eye": "retarget_eye"}
    nested: dict[str, Any] = {
        entry: {f"module.{k}": v for k, v in seeded_network(name).state_dict().items()}
        for name, entry in entries.items()
    }
    nested["retarget_shoulder_optimizer"] = {"step": torch.tensor(3)}
    torch.save(nested, tmp_path / "stitching_retargeting_module.pth")
    mlps = load_stitching(tmp_path / "stitching_retargeting_module.pth")
    assert set(mlps) == {"stitching", "lip", "eye"}
    for name in entries:
        assert_same_weights(mlps[name], seeded_network(name))
    with torch.no_grad():
        delta = mlps["stitching"](torch.from_numpy(golden["S.input"]))
    np.testing.assert_allclose(delta.numpy(), golden["S.delta"], rtol=1e-5, atol=1e-5)


def test_hand_written_flat_safetensors_retargeting_file_loads(
    tmp_path: Path, seeded_network: Callable[[str], nn.Module]
) -> None:
    entries = {"stitching": "retarget_shoulder", "lip": "retarget_mouth", "eye": "retarget_eye"}
    flat = {
        f"{entry}_module.{k}": v
        for name, entry in entries.items()
        for k, v in seeded_network(name).state_dict().items()
    }
    safetensors.torch.save_file(flat, tmp_path / "stitching_retargeting_module.safetensors")
    mlps = load_stitching(tmp_path / "stitching_retargeting_module.safetensors")
    for name in entries:
        assert_same_weights(mlps[name], seeded_network(name))


def test_half_precision_safetensors_load_as_float32(
    tmp_path: Path, small_networks: LivePortraitNetworks, small_params: dict[str, Any]
) -> None:
    state = small_networks.appearance_feature_extractor.state_dict()
    half = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    safetensors.torch.save_file(half, tmp_path / "appearance_feature_extractor.safetensors")
    loaded = load_network(
        "appearance_feature_extractor",
        tmp_path / "appearance_feature_extractor.safetensors",
        params=small_params["appearance_feature_extractor"],
    )
    weight = loaded.state_dict()["first.conv.weight"]
    assert weight.dtype == torch.float32
    torch.testing.assert_close(weight, state["first.conv.weight"].half().float())


# --- errors ------------------------------------------------------------------------------------


def truncated_copy(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


@pytest.mark.parametrize(
    "relative",
    ["liveportrait/base_models/warping_module.pth", "warping_module.safetensors"],
)
def test_truncated_file_is_reported_with_its_path(
    relative: str, written: dict[str, Path], tmp_path: Path, small_params: dict[str, Any]
) -> None:
    layout = "official" if relative.endswith(".pth") else "safetensors"
    broken = truncated_copy(written[layout] / relative, tmp_path / Path(relative).name)
    with pytest.raises(CheckpointError, match="truncated or corrupt") as info:
        load_network("warping_module", broken, params=small_params["warping_module"])
    assert str(broken) in str(info.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="not found") as info:
        load_network("spade_generator", tmp_path / "spade_generator.pth")
    assert str(tmp_path / "spade_generator.pth") in str(info.value)


def test_git_lfs_pointer_is_recognised(tmp_path: Path) -> None:
    pointer = tmp_path / "motion_extractor.pth"
    pointer.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:251e\nsize 1\n")
    with pytest.raises(CheckpointError, match="Git LFS pointer"):
        load_network("motion_extractor", pointer)


def test_renamed_key_is_named_as_missing_and_unexpected(
    tmp_path: Path, small_networks: LivePortraitNetworks, small_params: dict[str, Any]
) -> None:
    state = dict(small_networks.motion_extractor.state_dict())
    state["detector.fc_kp.weights"] = state.pop("detector.fc_kp.weight")
    path = tmp_path / "motion_extractor.pth"
    torch.save(state, path)
    with pytest.raises(CheckpointError) as info:
        load_network("motion_extractor", path, params=small_params["motion_extractor"])
    message = str(info.value)
    assert str(path) in message
    assert "missing keys: detector.fc_kp.weight;" in message
    assert "unexpected keys: detector.fc_kp.weights" in message


def test_wrong_shape_is_named_with_both_shapes(
    tmp_path: Path, small_networks: LivePortraitNetworks, small_params: dict[str, Any]
) -> None:
    state = dict(small_networks.spade_generator.state_dict())
    state["fc.bias"] = torch.zeros(7)
    path = tmp_path / "spade_generator.safetensors"
    safetensors.torch.save_file(state, path)
    with pytest.raises(CheckpointError) as info:
        load_network("spade_generator", path, params=small_params["spade_generator"])
    assert str(path) in str(info.value)
    assert "fc.bias (file [7], expected [64])" in str(info.value)


def test_official_size_file_into_small_config_lists_mismatches(
    tmp_path: Path, seeded_network: Callable[[str], nn.Module], small_params: dict[str, Any]
) -> None:
    path = tmp_path / "appearance_feature_extractor.pth"
    torch.save(seeded_network("appearance_feature_extractor").state_dict(), path)
    with pytest.raises(CheckpointError, match=r"shape mismatches: first\.conv\.weight"):
        load_network(
            "appearance_feature_extractor",
            path,
            params=small_params["appearance_feature_extractor"],
        )


def test_missing_retargeting_entry_is_named(
    tmp_path: Path, small_networks: LivePortraitNetworks, small_params: dict[str, Any]
) -> None:
    path = tmp_path / "stitching_retargeting_module.pth"
    torch.save({"retarget_shoulder": small_networks.stitching.state_dict(), "epoch": 1}, path)
    with pytest.raises(CheckpointError, match="retarget_mouth") as info:
        load_stitching(path, params=small_params)
    assert str(path) in str(info.value)


def test_base_file_with_nested_entries_is_rejected(
    written: dict[str, Path], small_params: dict[str, Any]
) -> None:
    with pytest.raises(CheckpointError, match="flat state dict"):
        load_network(
            "appearance_feature_extractor",
            written["official"] / OFFICIAL_STITCHING,
            params=small_params["appearance_feature_extractor"],
        )


class _NotATensor:
    """A pickled Python object that `weights_only` loading must refuse."""


def test_pickled_python_objects_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "appearance_feature_extractor.pth"
    torch.save({"first.conv.weight": _NotATensor()}, path)
    with pytest.raises(CheckpointError, match="weights_only"):
        load_network("appearance_feature_extractor", path)


def test_incomplete_folder_lists_the_expected_files(
    tmp_path: Path, written: dict[str, Path]
) -> None:
    with pytest.raises(CheckpointError) as info:
        find_checkpoints(tmp_path)
    message = str(info.value)
    assert "liveportrait/base_models/spade_generator.pth" in message
    assert "spade_generator.safetensors" in message
    paths = find_checkpoints(written["safetensors"])
    assert paths["retargeting"].name == "stitching_retargeting_module.safetensors"


def test_load_network_rejects_retargeting_names() -> None:
    with pytest.raises(ValueError, match="load_stitching"):
        load_network("lip", Path("unused.pth"))


def test_zero_filled_checkpoint_is_called_corrupt_without_unsafe_advice(tmp_path: Path) -> None:
    zeros = tmp_path / "appearance_feature_extractor.pth"
    zeros.write_bytes(bytes(4096))
    with pytest.raises(CheckpointError) as info:
        load_network("appearance_feature_extractor", zeros)
    message = str(info.value)
    assert message.startswith(f"{zeros}: is not a PyTorch checkpoint")
    assert "zero bytes only" in message and "truncated or corrupt" in message
    assert "avatar models download" in message
    assert "weights_only" not in message and "arbitrary code" not in message
