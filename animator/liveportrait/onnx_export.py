"""Export the seven LivePortrait networks to ONNX, one file each, with a dynamic batch axis.

The file and tensor names are a public interface (other tools load these files):

| file | inputs | outputs |
|---|---|---|
| appearance_feature_extractor.onnx | image | feature_3d |
| motion_extractor.onnx | image | pitch, yaw, roll, t, exp, scale, kp (raw heads) |
| warping_module.onnx | feature_3d, kp_driving, kp_source | out, occlusion_map, deformation |
| spade_generator.onnx | feature | image |
| stitching.onnx, lip.onnx, eye.onnx | x | delta |

`fp16` exports the convolutional networks in half precision (inputs and outputs too); the motion
extractor and the three MLPs stay float32, as in the PyTorch path (the pose-bin logits overflow in
half precision). A half-precision trace needs a CUDA GPU (several 3-D CPU kernels have no half
version); on the CPU, export float32 and let TensorRT build fp16 engines from it.
`volume_sampling="4d"` writes the warping network with the 4-D rewrite of its trilinear sampling
(`grid_sample.py`), the form TensorRT can build.
"""

from __future__ import annotations

import copy
import logging
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from torch import nn

from animator.liveportrait.grid_sample import sample_volume_2d, sample_volume_5d, volume_sampler
from animator.liveportrait.networks import LivePortraitNetworks

log = logging.getLogger("avatar.animator")

OPSET = 20  # the first opset with N-D GridSample
VolumeSampling = Literal["5d", "4d"]
HALF_NETWORKS = frozenset({"appearance_feature_extractor", "warping_module", "spade_generator"})


@dataclass(frozen=True, slots=True)
class NetworkIO:
    """Names and example shapes (batch 1) of one exported network."""

    inputs: tuple[tuple[str, tuple[int, ...]], ...]
    outputs: tuple[str, ...]


def network_io(networks: LivePortraitNetworks, size: int = 256) -> dict[str, NetworkIO]:
    """The ONNX interface of every network, with example shapes read from the modules.

    Args:
        networks: the networks.
        size: side of the network input crop (256 for the official weights); only the batch
            axis is dynamic in the exported files.
    """
    appearance = networks.appearance_feature_extractor
    warping = networks.warping_module
    num_kp = warping.dense_motion_network.num_kp
    volume = (
        1, appearance.reshape_channel, appearance.reshape_depth, size // 4, size // 4,
    )
    feature = (1, networks.spade_generator.fc.in_channels, size // 4, size // 4)
    mlp = {name: getattr(networks, name).mlp[0].in_features for name in ("stitching", "lip", "eye")}
    return {
        "appearance_feature_extractor": NetworkIO(
            (("image", (1, 3, size, size)),), ("feature_3d",)
        ),
        "motion_extractor": NetworkIO(
            (("image", (1, 3, size, size)),), ("pitch", "yaw", "roll", "t", "exp", "scale", "kp")
        ),
        "warping_module": NetworkIO(
            (("feature_3d", volume), ("kp_driving", (1, num_kp, 3)),
             ("kp_source", (1, num_kp, 3))),
            ("out", "occlusion_map", "deformation"),
        ),
        "spade_generator": NetworkIO((("feature", feature),), ("image",)),
        **{name: NetworkIO((("x", (1, width)),), ("delta",)) for name, width in mlp.items()},
    }


class _Outputs(nn.Module):
    """A network whose dict result is returned as a tuple in the documented output order."""

    def __init__(self, network: nn.Module, outputs: Sequence[str]) -> None:
        super().__init__()
        self.network = network
        self.outputs = tuple(outputs)

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        result = self.network(*inputs)
        if isinstance(result, torch.Tensor):
            return (result,)
        return tuple(result[name] for name in self.outputs)


def export_onnx(
    networks: LivePortraitNetworks,
    out_dir: Path,
    *,
    fp16: bool = False,
    volume_sampling: VolumeSampling = "5d",
    names: Sequence[str] | None = None,
    input_size: int = 256,
) -> list[Path]:
    """Write `<name>.onnx` for each network into `out_dir` (created); returns the paths.

    Args:
        networks: the networks on the CPU (real or seeded weights); they are not modified.
        out_dir: the target folder.
        fp16: export the convolutional networks in float16.
        volume_sampling: "5d" (ONNX GridSample on volumes) or "4d" (TensorRT-compatible rewrite).
        names: export only these networks (default: all seven).
        input_size: side of the network input crop.
    """
    if fp16 and not torch.cuda.is_available():
        raise ValueError(
            "a float16 export traces the networks in half precision, which needs a CUDA GPU; "
            "export float32 here (TensorRT and ONNX Runtime's TensorRT provider build fp16 "
            "engines from it)"
        )
    trace_device = torch.device("cuda") if fp16 else torch.device("cpu")
    out_dir.mkdir(parents=True, exist_ok=True)
    interfaces = network_io(networks, input_size)
    wanted = list(names) if names is not None else list(interfaces)
    sampler = sample_volume_2d if volume_sampling == "4d" else sample_volume_5d
    written = []
    for name in wanted:
        io = interfaces[name]
        network = getattr(networks, name)
        half = fp16 and name in HALF_NETWORKS
        dtype = torch.float16 if half else torch.float32
        module = _Outputs(_copy_as(network, dtype, trace_device), io.outputs).eval()
        examples = tuple(
            _example(name, shape, dtype).to(trace_device) for name, shape in io.inputs
        )
        path = out_dir / f"{name}.onnx"
        tmp = path.with_suffix(".onnx.partial")
        log.info("exporting %s (%s)", path.name, "float16" if half else "float32")
        with volume_sampler(sampler), torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about dict outputs and constants
            torch.onnx.export(
                module, examples, str(tmp),
                input_names=[input_name for input_name, _ in io.inputs],
                output_names=list(io.outputs),
                dynamic_axes={
                    tensor: {0: "batch"} for tensor in [*(n for n, _ in io.inputs), *io.outputs]
                },
                opset_version=OPSET,
                dynamo=False,
            )
        os.replace(tmp, path)
        written.append(path)
    return written


def _copy_as(network: nn.Module, dtype: torch.dtype, device: torch.device) -> nn.Module:
    """The network itself when it already has this dtype and device; else a converted copy
    (the original stays)."""
    first = next(network.parameters())
    if first.dtype == dtype and first.device == device:
        return network
    return copy.deepcopy(network).to(device=device, dtype=dtype)


def _example(name: str, shape: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
    """A plausible example input: images in [0, 1], keypoints in the unit cube, features ~N(0,1)."""
    generator = torch.Generator().manual_seed(0)
    if name == "image":
        value = torch.rand(shape, generator=generator)
    elif name.startswith("kp_"):
        value = torch.rand(shape, generator=generator) * 1.6 - 0.8
    else:
        value = torch.randn(shape, generator=generator)
    return value.to(dtype)
