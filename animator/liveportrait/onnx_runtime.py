"""The ONNX Runtime backend: the exported networks run by ONNX Runtime, called like our modules.

`OrtNetwork` takes and returns torch tensors, so `LivePortraitWrapper` drives it exactly like the
PyTorch module it replaces. Execution providers are tried in the order TensorRT → CUDA → CPU
(only those this onnxruntime build has); on a GPU, inputs and outputs stay on the device through
IO binding, so no frame makes a host round trip between the networks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from animator.liveportrait.backends import RuntimeSet, module_result, named_inputs
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.onnx_export import VolumeSampling, export_onnx
from models.onnx_runtime import inference_session, ort

log = logging.getLogger("avatar.animator")

PROVIDER_ORDER = ("TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider")
_SHORT = {"TensorrtExecutionProvider": "TensorRT", "CUDAExecutionProvider": "CUDA",
          "CPUExecutionProvider": "CPU"}
_TORCH_DTYPES = {"tensor(float)": torch.float32, "tensor(float16)": torch.float16}
_NUMPY_DTYPES = {torch.float32: np.float32, torch.float16: np.float16}


def choose_providers(device: torch.device, available: Sequence[str] | None = None) -> list[str]:
    """The execution providers to ask for, best first, among those this build offers.

    A CPU device gets the CPU provider only; a CUDA device gets TensorRT, CUDA, then CPU.
    """
    offered = set(ort.get_available_providers() if available is None else available)
    wanted = PROVIDER_ORDER if device.type == "cuda" else ("CPUExecutionProvider",)
    return [name for name in wanted if name in offered] or ["CPUExecutionProvider"]


def provider_options(name: str, device: torch.device, cache_dir: Path) -> dict[str, Any]:
    """Options of one provider: the GPU index, and TensorRT's fp16 and engine cache."""
    if name == "CPUExecutionProvider":
        return {}
    options: dict[str, Any] = {"device_id": device.index or 0}
    if name == "TensorrtExecutionProvider":
        options |= {
            "trt_fp16_enable": True,
            "trt_engine_cache_enable": True,
            "trt_engine_cache_path": str(cache_dir / "ort-tensorrt"),
        }
    return options


class OrtNetwork:
    """One exported network; call it with tensors (positional or by input name)."""

    def __init__(self, session: ort.InferenceSession, device: torch.device) -> None:
        self.session = session
        self.device = device
        self.input_names = [item.name for item in session.get_inputs()]
        self.input_dtypes = [_TORCH_DTYPES[item.type] for item in session.get_inputs()]
        self.outputs = [(item.name, item.shape, _TORCH_DTYPES[item.type])
                        for item in session.get_outputs()]

    @property
    def provider(self) -> str:
        """The provider that runs this network's first node ("TensorRT", "CUDA" or "CPU")."""
        return _SHORT.get(self.session.get_providers()[0], self.session.get_providers()[0])

    def __call__(self, *args: torch.Tensor, **kwargs: torch.Tensor) -> Any:
        """Run with inputs given positionally or by name; a single output comes back as a tensor,
        several as a {name: tensor} dict (like our modules), all float32 on `device`."""
        inputs = [value.to(dtype).contiguous() for value, dtype in zip(
            named_inputs(self.input_names, args, kwargs), self.input_dtypes, strict=True)]
        if self.device.type == "cuda":
            results = self._run_bound(inputs)
        else:
            feed = {name: value.cpu().numpy() for name, value in zip(
                self.input_names, inputs, strict=True)}
            results = [torch.from_numpy(value) for value in self.session.run(None, feed)]
        return module_result(
            [name for name, _, _ in self.outputs], [value.float() for value in results]
        )

    def _run_bound(self, inputs: list[torch.Tensor]) -> list[torch.Tensor]:
        """Run on the GPU with IO binding: inputs read and outputs written in place."""
        binding = self.session.io_binding()
        batch = inputs[0].shape[0]
        for name, value in zip(self.input_names, inputs, strict=True):
            binding.bind_input(
                name, "cuda", self.device.index or 0, _NUMPY_DTYPES[value.dtype],
                tuple(value.shape), value.data_ptr(),
            )
        outputs = []
        for name, shape, dtype in self.outputs:
            concrete = [batch if not isinstance(dim, int) else dim for dim in shape]
            out = torch.empty(concrete, dtype=dtype, device=self.device)
            binding.bind_output(
                name, "cuda", self.device.index or 0, _NUMPY_DTYPES[dtype], tuple(concrete),
                out.data_ptr(),
            )
            outputs.append(out)
        torch.cuda.current_stream(self.device).synchronize()  # inputs written before ORT reads
        self.session.run_with_iobinding(binding)
        return outputs


@dataclass(frozen=True)
class OrtNetworks(RuntimeSet[OrtNetwork]):
    """The seven networks as ONNX Runtime sessions."""

    @property
    def provider(self) -> str:
        """The provider of the heaviest network (the decoder), as shown in the status."""
        return self.spade_generator.provider

    @classmethod
    def load(
        cls, folder: Path, device: torch.device, *, fp16: bool = False,
        providers: Sequence[str] | None = None,
    ) -> OrtNetworks:
        """Sessions for the `<name>.onnx` files in `folder`.

        Raises:
            FileNotFoundError: a file is missing (export it with `avatar models export-onnx`).
        """
        chosen = list(providers) if providers is not None else choose_providers(device)
        cache_dir = folder
        sessions = {}
        for name in cls.network_names():
            path = folder / f"{name}.onnx"
            if not path.is_file():
                raise FileNotFoundError(
                    f"{path} is missing; export the networks with `avatar models export-onnx`"
                )
            session = inference_session(
                path, providers=[(name, provider_options(name, device, cache_dir))  # type: ignore[misc]
                                 for name in chosen],
            )
            sessions[name] = OrtNetwork(session, device)
        networks = cls(**sessions, fp16=fp16)
        log.info("ONNX Runtime backend on %s (%s)", networks.provider,
                 "float16" if fp16 else "float32")
        return networks


def exported_folder(
    networks: LivePortraitNetworks, root: Path, fingerprint: str, *, fp16: bool,
    volume_sampling: VolumeSampling = "5d", input_size: int = 256,
) -> Path:
    """The folder of exported ONNX files for these weights, exporting them on first use.

    Exports are cached under `root/<fingerprint prefix>-<precision>-<sampling>/`; a folder is
    complete only once every file is there (each file is written under a temporary name first).
    """
    precision = "fp16" if fp16 else "fp32"
    folder = root / f"{fingerprint[:16]}-{input_size}-{precision}-{volume_sampling}"
    names = [name for name, _ in networks.items()]
    missing = [name for name in names if not (folder / f"{name}.onnx").is_file()]
    if missing:
        log.warning("exporting %d LivePortrait networks to ONNX once (%s)", len(missing), folder)
        export_onnx(
            networks, folder, fp16=fp16, volume_sampling=volume_sampling, names=missing,
            input_size=input_size,
        )
    return folder


