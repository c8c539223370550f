"""Load and write LivePortrait checkpoints in the two public layouts.

- Official (Hugging Face `KlingTeam/LivePortrait`, formerly `KwaiVGI/LivePortrait`): one plain
  state dict per base network under `liveportrait/base_models/<name>.pth` (motion-extractor keys
  keep their `detector.` prefix), and
  `liveportrait/retargeting_models/stitching_retargeting_module.pth` holding the sub-dicts
  `retarget_shoulder`, `retarget_mouth`, `retarget_eye` whose keys carry a DDP `module.` prefix;
  other top-level entries are ignored.
- Kijai's safetensors (`Kijai/LivePortrait_safetensors`): `<name>.safetensors` with the same
  base-network keys, and `stitching_retargeting_module.safetensors` flattened to
  `retarget_shoulder_module.mlp.N.*`, `retarget_mouth_module.…`, `retarget_eye_module.…`.

Files are read with `torch.load(weights_only=True)` (no arbitrary unpickling) and matched strictly:
any missing, unexpected or mis-shaped tensor raises `CheckpointError` naming the file and keys.
"""

from __future__ import annotations

import logging
import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import safetensors
import safetensors.torch
import torch
from torch import nn

from animator.liveportrait.config import (
    BASE_NETWORK_NAMES,
    RETARGETING_NETWORK_NAMES,
    model_params,
)
from animator.liveportrait.modeling_stitching import StitchingRetargetingNetwork
from animator.liveportrait.networks import LivePortraitNetworks, ModelParams, build_network

logger = logging.getLogger("avatar.animator")

#: Official layout: network (or "retargeting" for the three MLPs) → path relative to the root.
OFFICIAL_FILES: Mapping[str, str] = {
    **{name: f"liveportrait/base_models/{name}.pth" for name in BASE_NETWORK_NAMES},
    "retargeting": "liveportrait/retargeting_models/stitching_retargeting_module.pth",
}

#: Kijai's safetensors layout: network (or "retargeting") → file name in one flat folder.
SAFETENSORS_FILES: Mapping[str, str] = {
    **{name: f"{name}.safetensors" for name in BASE_NETWORK_NAMES},
    "retargeting": "stitching_retargeting_module.safetensors",
}

#: Retargeting MLP → its entry in the official file (`<entry>_module.` prefix in safetensors).
RETARGETING_ENTRIES: Mapping[str, str] = {
    "stitching": "retarget_shoulder",
    "lip": "retarget_mouth",
    "eye": "retarget_eye",
}

_LISTED_KEYS = 8
_LFS_POINTER = b"version https://git-lfs"
_REDOWNLOAD = (
    "Delete it and run `avatar models download` (it fetches every missing file), or check the "
    "folder with `avatar models verify`"
)


class CheckpointError(ValueError):
    """A checkpoint file is missing, unreadable, or does not fit the network it is loaded into."""


def load_network(
    name: str,
    path: Path | str,
    device: torch.device | str = "cpu",
    *,
    params: Mapping[str, Any] | None = None,
) -> nn.Module:
    """Build a base network and load its weights from a `.pth` or `.safetensors` file.

    Args:
        name: one of `BASE_NETWORK_NAMES` (appearance_feature_extractor, motion_extractor,
            warping_module, spade_generator).
        path: the checkpoint file; `.safetensors` by suffix, anything else via `torch.load`.
        device: where the weights end up.
        params: constructor kwargs if not the official configuration.

    Returns:
        The network in eval mode with frozen parameters.

    Raises:
        CheckpointError: missing/corrupt file, or keys/shapes that do not match the network.
        ValueError: unknown network name.
    """
    if name not in BASE_NETWORK_NAMES:
        hint = " (use load_stitching for the keypoint MLPs)" if name in RETARGETING_ENTRIES else ""
        raise ValueError(
            f"unknown base network {name!r}{hint}; expected one of {BASE_NETWORK_NAMES}"
        )
    path = Path(path)
    state = _read(path)
    if not all(isinstance(value, torch.Tensor) for value in state.values()):
        raise CheckpointError(
            f"{path}: expected a flat state dict of tensors for {name}, found nested entries "
            f"{_sample(k for k, v in state.items() if not isinstance(v, torch.Tensor))}"
        )
    network = build_network(name, params, device="meta")
    _assign(network, state, path, name)
    return network.to(device)


def load_stitching(
    path: Path | str,
    device: torch.device | str = "cpu",
    *,
    params: ModelParams | None = None,
) -> dict[str, StitchingRetargetingNetwork]:
    """Load the stitching, lip and eye MLPs from the one retargeting file (either layout).

    Args:
        path: `stitching_retargeting_module.pth` (nested) or `.safetensors` (flattened).
        device: where the weights end up.
        params: {"stitching"/"lip"/"eye": constructor kwargs} overrides.

    Returns:
        {"stitching": S, "lip": R_lip, "eye": R_eyes}, eval mode, frozen.

    Raises:
        CheckpointError: missing/corrupt file, a missing entry, or mismatched keys/shapes.
    """
    path = Path(path)
    state = _read(path)
    networks: dict[str, StitchingRetargetingNetwork] = {}
    for name in RETARGETING_NETWORK_NAMES:
        network = build_network(name, model_params(name, params), device="meta")
        _assign(network, _retargeting_entry(state, name, path), path, name)
        networks[name] = network.to(device)
    return networks


def find_checkpoints(folder: Path | str) -> dict[str, Path]:
    """Locate the five checkpoint files under `folder`, official layout first, then safetensors.

    Returns:
        {base network name or "retargeting": path}.

    Raises:
        CheckpointError: some file is in neither layout; the message lists what was looked for.
    """
    folder = Path(folder)
    found: dict[str, Path] = {}
    missing: list[str] = []
    for key, official in OFFICIAL_FILES.items():
        candidates = [folder / official, folder / SAFETENSORS_FILES[key]]
        existing = [candidate for candidate in candidates if candidate.is_file()]
        if existing:
            found[key] = existing[0]
        else:
            missing.append(" or ".join(str(candidate) for candidate in candidates))
    if missing:
        raise CheckpointError(
            f"{folder}: LivePortrait weights incomplete; missing " + "; ".join(missing)
        )
    return found


def load_networks(
    folder: Path | str, device: torch.device | str = "cpu", *, params: ModelParams | None = None
) -> LivePortraitNetworks:
    """Load all seven networks from a folder in either layout (see `find_checkpoints`).

    Raises:
        CheckpointError: a file is missing, corrupt or does not match.
    """
    paths = find_checkpoints(folder)
    base = {
        name: load_network(name, paths[name], device, params=model_params(name, params))
        for name in BASE_NETWORK_NAMES
    }
    retargeting = load_stitching(paths["retargeting"], device, params=params)
    logger.info("loaded LivePortrait weights from %s", folder)
    return LivePortraitNetworks(**base, **retargeting)


def save_official_layout(
    networks: LivePortraitNetworks,
    folder: Path | str,
    *,
    extra_entries: Mapping[str, Any] | None = None,
) -> dict[str, Path]:
    """Write `networks` as the official `.pth` files (the layout of the Hugging Face repo).

    Args:
        networks: the seven networks.
        folder: root; files go to `liveportrait/base_models/` and `…/retargeting_models/`.
        extra_entries: additional top-level entries for the retargeting file (the real one has
            more than the three MLPs; loaders must ignore them).

    Returns:
        {base network name or "retargeting": written path}.
    """
    folder = Path(folder)
    written: dict[str, Path] = {}
    for name in BASE_NETWORK_NAMES:
        written[name] = _save_torch(_state(networks, name), folder / OFFICIAL_FILES[name])
    nested: dict[str, Any] = {
        entry: {f"module.{key}": value for key, value in _state(networks, name).items()}
        for name, entry in RETARGETING_ENTRIES.items()
    }
    nested.update(extra_entries or {})
    written["retargeting"] = _save_torch(nested, folder / OFFICIAL_FILES["retargeting"])
    return written


def save_safetensors_layout(networks: LivePortraitNetworks, folder: Path | str) -> dict[str, Path]:
    """Write `networks` as Kijai-style `.safetensors` files into one flat folder.

    Returns:
        {base network name or "retargeting": written path}.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in BASE_NETWORK_NAMES:
        written[name] = folder / SAFETENSORS_FILES[name]
        safetensors.torch.save_file(_state(networks, name), written[name])
    flat = {
        f"{entry}_module.{key}": value
        for name, entry in RETARGETING_ENTRIES.items()
        for key, value in _state(networks, name).items()
    }
    written["retargeting"] = folder / SAFETENSORS_FILES["retargeting"]
    safetensors.torch.save_file(flat, written["retargeting"])
    return written


def _state(networks: LivePortraitNetworks, name: str) -> dict[str, torch.Tensor]:
    """CPU, contiguous copy of one network's state dict (what both file formats need)."""
    network: nn.Module = getattr(networks, name)
    return {key: value.detach().cpu().contiguous() for key, value in network.state_dict().items()}


def _save_torch(obj: Mapping[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(dict(obj), path)
    return path


def _read(path: Path) -> dict[str, Any]:
    """The file's top-level mapping, with unreadable files turned into `CheckpointError`."""
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint file not found")
    with path.open("rb") as head:
        if head.read(len(_LFS_POINTER)) == _LFS_POINTER:
            raise CheckpointError(
                f"{path}: is a Git LFS pointer, not the weights; download the real file "
                "(for example with huggingface_hub) instead of a plain git clone"
            )
    if path.suffix != ".safetensors" and not zipfile.is_zipfile(path):
        # torch.load would answer with advice to load it unsafely (weights_only=False)
        raise CheckpointError(
            f"{path}: is not a PyTorch checkpoint (no zip archive inside; "
            f"{_content_hint(path)}): the file is truncated or corrupt. {_REDOWNLOAD}"
        )
    try:
        if path.suffix == ".safetensors":
            state: Any = safetensors.torch.load_file(path, device="cpu")
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "Weights only load failed" not in str(exc):
            raise _corrupt(path, exc) from exc
        raise CheckpointError(
            f"{path}: holds pickled Python objects besides tensors, which are not loaded for "
            "safety (torch.load weights_only=True); use the official checkpoint files"
        ) from exc
    except Exception as exc:  # any parse failure of a damaged file; re-raised with the path
        raise _corrupt(path, exc) from exc
    if not isinstance(state, Mapping):
        raise CheckpointError(f"{path}: expected a dict of tensors, found {type(state).__name__}")
    return dict(state)


def _corrupt(path: Path, exc: Exception) -> CheckpointError:
    lines = str(exc).strip().splitlines()
    quoted = lines[0] if lines and "weights_only" not in lines[0] else ""  # no unsafe advice
    reason = f"{type(exc).__name__}: {quoted}" if quoted else type(exc).__name__
    return CheckpointError(
        f"{path}: cannot read the checkpoint, the file is truncated or corrupt ({reason}). "
        f"{_REDOWNLOAD}"
    )


def _content_hint(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head:
        return "it is empty"
    return "it starts with zero bytes only" if not head.strip(b"\0") else "unknown content"


def _retargeting_entry(state: Mapping[str, Any], name: str, path: Path) -> dict[str, Any]:
    """One MLP's state dict out of the nested (.pth) or flattened (.safetensors) layout."""
    entry = RETARGETING_ENTRIES[name]
    if entry in state:
        sub = state[entry]
        if not isinstance(sub, Mapping):
            raise CheckpointError(f"{path}: entry {entry!r} is {type(sub).__name__}, not a dict")
        # The official loader deletes every 'module.' (a DistributedDataParallel leftover).
        return {key.replace("module.", ""): value for key, value in sub.items()}
    prefix = f"{entry}_module."
    flat = {key[len(prefix) :]: value for key, value in state.items() if key.startswith(prefix)}
    if not flat:
        raise CheckpointError(
            f"{path}: no {entry!r} entry and no {prefix}* keys for the {name} MLP; "
            f"top-level keys are {_sample(state)}"
        )
    return flat


def _assign(network: nn.Module, state: Mapping[str, Any], path: Path, name: str) -> None:
    """Strictly check `state` against `network` (on meta), then adopt its tensors."""
    expected = network.state_dict()
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    mismatched = [
        f"{key} (file {list(state[key].shape)}, expected {list(expected[key].shape)})"
        for key in expected
        if key in state and tuple(state[key].shape) != tuple(expected[key].shape)
    ]
    if missing or unexpected or mismatched:
        problems = [
            f"{label}: {_sample(keys)}"
            for label, keys in (
                ("missing keys", missing),
                ("unexpected keys", unexpected),
                ("shape mismatches", mismatched),
            )
            if keys
        ]
        raise CheckpointError(
            f"{path}: does not match the {name} network ({'; '.join(problems)}); "
            "is it the right file for this network and model configuration?"
        )
    converted = {key: state[key].to(expected[key].dtype) for key in expected}
    network.load_state_dict(converted, strict=True, assign=True)


def _sample(keys: Any) -> str:
    """Up to `_LISTED_KEYS` keys, comma-separated, with a count of the rest."""
    listed = list(keys)
    shown = ", ".join(str(key) for key in listed[:_LISTED_KEYS])
    rest = len(listed) - _LISTED_KEYS
    return f"{shown}, … and {rest} more" if rest > 0 else shown
