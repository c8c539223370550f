"""Which runtime executes the networks: PyTorch, ONNX Runtime or TensorRT.

All three sit behind `LivePortraitWrapper`, so the engine's crop, keypoint edits, stitching and
paste-back are the same code whatever runs the convolutions. The runtime backends export our
PyTorch modules to ONNX once per weights (cached), then build sessions or engines from the files;
they are checked against the PyTorch reference in the tests.
"""

from __future__ import annotations

import logging
import os
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

import torch

from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.wrapper import LivePortraitWrapper, autocast_dtype

log = logging.getLogger("avatar.animator")

Backend = Literal["torch", "onnxruntime", "tensorrt"]
CompileMode = Literal["auto", "off", "default", "reduce-overhead", "max-autotune"]
BACKENDS: tuple[Backend, ...] = typing.get_args(Backend)
EXPORT_DIR_ENV = "AVATAR_EXPORT_DIR"


class RuntimeNetworks(Protocol):
    """Networks run outside PyTorch: the seven callables plus what the status shows."""

    fp16: bool

    @property
    def provider(self) -> str:
        """What runs them ("TensorRT", "CUDA", "CPU")."""
        ...


N = TypeVar("N")


@dataclass(frozen=True)
class RuntimeSet(Generic[N]):
    """The seven networks of one runtime (fields as in `LivePortraitNetworks`)."""

    appearance_feature_extractor: N
    motion_extractor: N
    warping_module: N
    spade_generator: N
    stitching: N
    lip: N
    eye: N
    fp16: bool = False

    @classmethod
    def network_names(cls) -> list[str]:
        """The seven field names, in `LivePortraitNetworks` order."""
        return [field.name for field in fields(cls) if field.name != "fp16"]


def named_inputs(
    names: Sequence[str], args: Sequence[torch.Tensor], kwargs: Mapping[str, torch.Tensor]
) -> list[torch.Tensor]:
    """A runtime network's inputs in graph order, given positionally or by name like a module's."""
    given = dict(zip(names, args, strict=False)) | dict(kwargs)
    return [given[name] for name in names]


def module_result(names: Sequence[str], values: Sequence[torch.Tensor]) -> Any:
    """What our module would return: one tensor, or a {name: tensor} dict for several outputs."""
    if len(values) == 1:
        return values[0]
    return dict(zip(names, values, strict=True))


class RuntimeWrapper(LivePortraitWrapper):
    """`LivePortraitWrapper` over ONNX Runtime sessions or TensorRT engines.

    The precision lives in the exported files, not in a torch autocast context, so falling back
    to float32 after a NaN/black frame means loading the float32 files (`reload`).
    """

    def __init__(
        self, networks: RuntimeNetworks, device: torch.device, backend: Backend,
        reload: Callable[[bool], RuntimeNetworks],
    ) -> None:
        super().__init__(networks, device, None)  # type: ignore[arg-type]
        self.backend = backend
        self._reload = reload

    @property
    def runtime(self) -> RuntimeNetworks:
        """The runtime networks (sessions or engines)."""
        return typing.cast(RuntimeNetworks, self.networks)

    @property
    def dtype_name(self) -> str:
        """The precision of the exported convolutional networks."""
        return "float16" if self.runtime.fp16 else "float32"

    @property
    def half_precision(self) -> bool:
        """True while the convolutional networks run in float16."""
        return self.runtime.fp16

    @property
    def backend_name(self) -> str:
        """"onnxruntime/CUDA", "tensorrt/TensorRT", ... for the status line."""
        return f"{self.backend}/{self.runtime.provider}"

    def use_float32(self) -> None:
        """Load the float32 files for good."""
        if self.runtime.fp16:
            self.networks = self._reload(False)  # type: ignore[assignment]


def compile_mode(choice: CompileMode, device: torch.device) -> str | None:
    """The `torch.compile` mode for a choice: "auto" compiles with CUDA graphs on CUDA only."""
    if choice == "auto":
        return "reduce-overhead" if device.type == "cuda" else None
    return None if choice == "off" else choice


def default_export_dir() -> Path:
    """$AVATAR_EXPORT_DIR, else ~/.cache/portrait-agent/onnx: exported networks and engines."""
    override = os.environ.get(EXPORT_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "portrait-agent" / "onnx"


def build_wrapper(
    networks: LivePortraitNetworks,
    device: torch.device,
    *,
    backend: Backend,
    precision: str,
    fingerprint: str,
    input_size: int = 256,
    export_dir: Path | None = None,
    compile: CompileMode = "auto",
    channels_last: bool = True,
) -> LivePortraitWrapper:
    """The wrapper that runs `networks` with `backend` on `device`.

    With the torch backend on CUDA the decoder runs channels-last and warp+decode is compiled
    (`compile`: "auto" is CUDA graphs on CUDA and eager on the CPU, "off", or a compile mode).

    Raises:
        ValueError: unknown backend, or a backend that cannot run here (the message says why and
            what to install or choose instead).
    """
    dtype = autocast_dtype(precision, device)
    half = dtype is not None
    if backend == "torch":
        wrapper = LivePortraitWrapper(networks.to(device), device, dtype)
        mode = compile_mode(compile, device)
        if device.type == "cuda" or mode is not None:
            wrapper.optimize(
                channels_last=channels_last and device.type == "cuda", compile_mode=mode
            )
        return wrapper
    root = export_dir or default_export_dir()
    if backend == "onnxruntime":
        from animator.liveportrait.onnx_runtime import OrtNetworks, exported_folder

        def load_ort(fp16: bool) -> RuntimeNetworks:
            folder = exported_folder(
                networks, root, fingerprint, fp16=fp16, input_size=input_size
            )
            return OrtNetworks.load(folder, device, fp16=fp16)

        return RuntimeWrapper(load_ort(half), device, backend, load_ort)
    if backend == "tensorrt":
        from animator.liveportrait.tensorrt_runtime import TensorRTNetworks

        def load_trt(fp16: bool) -> RuntimeNetworks:
            return TensorRTNetworks.build(
                networks, root, fingerprint, device, fp16=fp16, input_size=input_size
            )

        return RuntimeWrapper(load_trt(half), device, backend, load_trt)
    raise ValueError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
