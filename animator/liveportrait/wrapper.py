"""LivePortrait's per-stage computations as pure tensor-in, tensor-out methods (style rule 10).

Every stage runs under `torch.inference_mode()`. Appearance extraction and warp+decode also run
under the precision's autocast context (fp16 on CUDA by default); the motion extractor always runs
in float32 because its pose-bin logits overflow in half precision (FasterLivePortrait builds it
fp32 for the same reason). No file I/O and no loops over time live here: the engine owns those.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Literal

import numpy as np
import torch

from animator.liveportrait.motion import KeypointInfo, parse_motion, stitch, transform_keypoints
from animator.liveportrait.networks import LivePortraitNetworks

log = logging.getLogger("avatar.animator")

Precision = Literal["auto", "float32", "float16", "bfloat16"]
_AUTOCAST = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": None}


def autocast_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for a precision name; "auto" is float16 on CUDA, float32 elsewhere.

    Raises:
        ValueError: unknown precision name (the message lists the accepted ones).
    """
    if precision == "auto":
        return torch.float16 if device.type == "cuda" else None
    if precision not in _AUTOCAST:
        choices = ", ".join(["auto", *_AUTOCAST])
        raise ValueError(f"unknown precision {precision!r}; choose one of: {choices}")
    return _AUTOCAST[precision]


class LivePortraitWrapper:
    """The seven networks on one device, with one autocast precision (or none).

    Args:
        networks: the networks (eval mode), already on `device`.
        device: where tensors live.
        autocast_dtype: torch.float16 / torch.bfloat16 for mixed precision, None for float32.
    """

    def __init__(
        self,
        networks: LivePortraitNetworks,
        device: torch.device,
        autocast_dtype: torch.dtype | None = None,
    ):
        self.networks = networks
        self.device = device
        self.autocast_dtype = autocast_dtype
        self._decode: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor] = (
            self._decode_eager
        )
        self.compiled = False
        self._channels_last = False

    def optimize(self, *, channels_last: bool, compile_mode: str | None) -> None:
        """Tune the warp+decode stage for the GPU.

        Args:
            channels_last: keep the decoder's weights and activations in NHWC, the layout the
                tensor cores read fastest (the 3-D networks keep their layout).
            compile_mode: `torch.compile` mode for warp+decode ("reduce-overhead" captures CUDA
                graphs for each batch size), or None for eager. A compile failure at the first
                call is logged and the stage runs eagerly from then on.
        """
        if channels_last:
            self.networks.spade_generator.to(memory_format=torch.channels_last)
            self._channels_last = True
        if compile_mode is not None:
            compiled = torch.compile(self._decode_eager, mode=compile_mode, dynamic=False)
            self._decode = self._guarded(compiled)
            self.compiled = True

    def _guarded(self, compiled: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
        def run(*args: torch.Tensor) -> torch.Tensor:
            try:
                return compiled(*args)
            except Exception as exc:  # inductor/triton missing or failing on this machine
                log.warning("torch.compile failed (%s); warp+decode runs eagerly", exc)
                self._decode, self.compiled = self._decode_eager, False
                return self._decode_eager(*args)

        return run

    @property
    def dtype_name(self) -> str:
        """"float32", "float16" or "bfloat16": the precision of the convolutional stages."""
        return str(self.autocast_dtype or torch.float32).removeprefix("torch.")

    @property
    def half_precision(self) -> bool:
        """True while the convolutional stages run in a 16-bit precision."""
        return self.autocast_dtype is not None

    @property
    def backend_name(self) -> str:
        """What executes the networks, for the status line."""
        return "torch"

    def use_float32(self) -> None:
        """Drop mixed precision for good (after a NaN or black frame in half precision)."""
        self.autocast_dtype = None

    @contextlib.contextmanager
    def _precision(self) -> Iterator[None]:
        if self.autocast_dtype is None:
            yield
            return
        with torch.autocast(self.device.type, dtype=self.autocast_dtype):
            yield

    def prepare_source(self, crop: np.ndarray) -> torch.Tensor:
        """(S, S, 3) uint8 RGB crop → (1, 3, S, S) float32 in [0, 1] on the device."""
        tensor = torch.from_numpy(np.ascontiguousarray(crop)).to(self.device)
        return (tensor.permute(2, 0, 1)[None].float() / 255.0).clamp(0.0, 1.0)

    def extract_features(self, image: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) float32 [0, 1] → appearance volume f_s (B, C, D, S/4, S/4) float32."""
        with torch.inference_mode(), self._precision():
            return self.networks.appearance_feature_extractor(image).float()

    def extract_motion(self, image: torch.Tensor) -> KeypointInfo:
        """(B, 3, S, S) float32 [0, 1] → decoded motion (degrees), in float32 without autocast."""
        with torch.inference_mode():
            raw = self.networks.motion_extractor(image.float())
            return parse_motion({name: value.float() for name, value in raw.items()})

    @staticmethod
    def source_keypoints(info: KeypointInfo) -> torch.Tensor:
        """x_s = s·(x_c·R + δ) + (t_x, t_y, 0): (B, K, 3) float32."""
        with torch.inference_mode():
            return info.keypoints()

    @staticmethod
    def driving_keypoints(
        info: KeypointInfo, exp_delta: torch.Tensor, angle_offsets: torch.Tensor
    ) -> torch.Tensor:
        """Keypoints of the edited face: the source's motion plus per-frame edits.

        Args:
            info: the source's motion (batch 1).
            exp_delta: (B, K, 3) float32 added to the source's δ.
            angle_offsets: (B, 3) float32 degrees added to (pitch, yaw, roll).

        Returns:
            (B, K, 3) float32 x_d; equal to x_s where both edits are zero.
        """
        batch = exp_delta.shape[0]
        with torch.inference_mode():
            return transform_keypoints(
                info.kp.expand(batch, -1, -1),
                info.exp + exp_delta,
                info.pitch + angle_offsets[:, 0],
                info.yaw + angle_offsets[:, 1],
                info.roll + angle_offsets[:, 2],
                info.scale.expand(batch),
                info.t.expand(batch, -1),
            )

    def stitch(self, x_s: torch.Tensor, x_d: torch.Tensor) -> torch.Tensor:
        """Stitching MLP: (1 or B, K, 3) x_s and (B, K, 3) x_d → stitched x_d (B, K, 3)."""
        with torch.inference_mode():
            return stitch(self.networks.stitching, x_s.expand_as(x_d), x_d)

    def warp_decode(self, f_s: torch.Tensor, x_s: torch.Tensor, x_d: torch.Tensor) -> torch.Tensor:
        """Warp the source volume to x_d and decode.

        Args:
            f_s: (1, C, D, H, W) source appearance volume.
            x_s: (1, K, 3) source keypoints.
            x_d: (B, K, 3) driving keypoints.

        Returns:
            (B, 3, 8H, 8W) float32 RGB, nominally in [0, 1] (the caller checks for NaN).
        """
        with torch.inference_mode(), self._precision():
            return self._decode(f_s, x_s, x_d).float()

    def _decode_eager(
        self, f_s: torch.Tensor, x_s: torch.Tensor, x_d: torch.Tensor
    ) -> torch.Tensor:
        batch = x_d.shape[0]
        warped = self.networks.warping_module(
            f_s.expand(batch, -1, -1, -1, -1),
            kp_driving=x_d,
            kp_source=x_s.expand(batch, -1, -1),
        )
        feature = warped["out"]
        if self._channels_last:
            feature = feature.contiguous(memory_format=torch.channels_last)
        return self.networks.spade_generator(feature)

    @staticmethod
    def to_images(images: torch.Tensor) -> np.ndarray:
        """(B, 3, S, S) float in [0, 1] → (B, S, S, 3) uint8 RGB on the CPU."""
        scaled = (images.clamp(0.0, 1.0) * 255.0).round().to(torch.uint8)
        return scaled.permute(0, 2, 3, 1).contiguous().cpu().numpy()
