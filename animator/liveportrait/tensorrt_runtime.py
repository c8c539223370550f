"""The TensorRT backend: engines built from our ONNX exports, cached on disk, run on torch tensors.

The warping network is exported with the 4-D rewrite of its volume sampling (`grid_sample.py`),
since TensorRT's grid-sample layer is 2-D only; no plugin is needed. The convolutional networks
are built with FP16 allowed; the motion extractor and the MLPs stay float32 (pose-bin logits
overflow in half precision). Engines are cached under `<export dir>/tensorrt/`, keyed by the
weights, the GPU, the TensorRT version, the precision and the batch range, and built once with a
progress bar (minutes for the decoder).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from animator.liveportrait.backends import RuntimeSet, module_result, named_inputs
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.onnx_export import HALF_NETWORKS
from animator.liveportrait.onnx_runtime import exported_folder

log = logging.getLogger("avatar.animator")

MAX_BATCH = 8
OPT_BATCH = 4
WORKSPACE_BYTES = 8 << 30
_TORCH_DTYPES = {"FLOAT": torch.float32, "HALF": torch.float16, "INT32": torch.int32}


def engine_key(
    fingerprint: str, gpu: str, trt_version: str, fp16: bool, name: str,
    batch_range: tuple[int, int, int],
) -> str:
    """The cache key of one engine: any change of weights, GPU, version, precision or shapes
    gives a new file (engines are not portable across any of these)."""
    text = f"{fingerprint}|{gpu}|{trt_version}|{'fp16' if fp16 else 'fp32'}|{name}|{batch_range}"
    return f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:20]}"


class TensorRTNetwork:
    """One engine; call it like the module it replaces (tensors on the GPU in, float32 out)."""

    def __init__(self, engine: Any, device: torch.device) -> None:
        import tensorrt as trt

        self.engine = engine
        self.context = engine.create_execution_context()
        self.device = device
        names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
        self.input_names = [n for n in names
                            if engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT]
        self.output_names = [n for n in names
                             if engine.get_tensor_mode(n) == trt.TensorIOMode.OUTPUT]
        self._dtypes = {n: _TORCH_DTYPES[engine.get_tensor_dtype(n).name] for n in names}

    def __call__(self, *args: torch.Tensor, **kwargs: torch.Tensor) -> Any:
        """Inputs positionally or by name; one output as a tensor, several as a dict."""
        keep = []  # converted inputs must live until the engine has read them
        for name, given in zip(
            self.input_names, named_inputs(self.input_names, args, kwargs), strict=True
        ):
            value = given.to(self.device, self._dtypes[name]).contiguous()
            keep.append(value)
            self.context.set_input_shape(name, tuple(value.shape))
            self.context.set_tensor_address(name, value.data_ptr())
        outputs = {}
        for name in self.output_names:
            shape = tuple(self.context.get_tensor_shape(name))
            out = torch.empty(shape, dtype=self._dtypes[name], device=self.device)
            self.context.set_tensor_address(name, out.data_ptr())
            outputs[name] = out
        stream = torch.cuda.current_stream(self.device)
        if not self.context.execute_async_v3(stream.cuda_stream):
            raise RuntimeError("TensorRT execution failed")
        return module_result(list(outputs), [value.float() for value in outputs.values()])


@dataclass(frozen=True)
class TensorRTNetworks(RuntimeSet[TensorRTNetwork]):
    """The seven networks as TensorRT engines."""

    @property
    def provider(self) -> str:
        """Always "TensorRT"."""
        return "TensorRT"

    @classmethod
    def build(
        cls, networks: LivePortraitNetworks, root: Path, fingerprint: str, device: torch.device,
        *, fp16: bool, input_size: int = 256,
    ) -> TensorRTNetworks:
        """Load the cached engines, building the missing ones from the ONNX exports.

        Raises:
            ValueError: no CUDA device, or the `tensorrt` package is not installed (the message
                says what to do instead).
        """
        if device.type != "cuda":
            raise ValueError(
                "the TensorRT backend needs an NVIDIA GPU; use --backend torch or onnxruntime"
            )
        try:
            import tensorrt as trt
        except ImportError as exc:
            raise ValueError(
                "the TensorRT backend needs the `tensorrt` package (pip install tensorrt); "
                "or use --backend onnxruntime"
            ) from exc
        onnx_dir = exported_folder(
            networks, root, fingerprint, fp16=False, volume_sampling="4d", input_size=input_size
        )
        engine_dir = root / "tensorrt"
        engine_dir.mkdir(parents=True, exist_ok=True)
        gpu = torch.cuda.get_device_name(device)
        logger = trt.Logger(trt.Logger.WARNING)
        runtime = trt.Runtime(logger)
        built = {}
        for name in tqdm(cls.network_names(), desc="TensorRT engines", unit="network", leave=False):
            half = fp16 and name in HALF_NETWORKS
            key = engine_key(fingerprint, gpu, trt.__version__, half, name,
                             (1, OPT_BATCH, MAX_BATCH))
            path = engine_dir / f"{key}.engine"
            if not path.is_file():
                log.warning("building the TensorRT engine for %s once (%s)", name, path.name)
                serialized = _build_engine(trt, logger, onnx_dir / f"{name}.onnx", half)
                tmp = path.with_suffix(".partial")
                tmp.write_bytes(serialized)
                tmp.replace(path)
            engine = runtime.deserialize_cuda_engine(path.read_bytes())
            if engine is None:
                path.unlink(missing_ok=True)
                raise ValueError(f"the cached TensorRT engine {path} is unusable; it was removed, "
                                 "start again to rebuild it")
            built[name] = TensorRTNetwork(engine, device)
        return cls(**built, fp16=fp16)


def _build_engine(trt: Any, logger: Any, onnx_path: Path, fp16: bool) -> bytes:
    """Parse one ONNX file and build a serialized engine for batch 1..MAX_BATCH."""
    builder = trt.Builder(logger)
    network = builder.create_network(0)
    parser = trt.OnnxParser(network, logger)
    if not parser.parse_from_file(str(onnx_path)):
        errors = "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors))
        raise ValueError(f"TensorRT cannot parse {onnx_path.name}: {errors}")
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, WORKSPACE_BYTES)
    if fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    profile = builder.create_optimization_profile()
    for index in range(network.num_inputs):
        tensor = network.get_input(index)
        rest = tuple(tensor.shape)[1:]
        profile.set_shape(tensor.name, (1, *rest), (OPT_BATCH, *rest), (MAX_BATCH, *rest))
    config.add_optimization_profile(profile)
    serialized = builder.build_serialized_network(network, config)
    if serialized is None:
        raise ValueError(f"TensorRT could not build an engine for {onnx_path.name}")
    return bytes(serialized)
