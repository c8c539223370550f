"""Per-stage timings of the LivePortrait engine on this machine, as a JSON-ready dict.

Stages: prepare (face analysis, crop, appearance volume, source motion), and per frame:
expression mapping (pose → driving keypoints), stitching, warp+decode, conversion to an image and
paste-back into the portrait, for each batch size. Without the published weights the networks get
seeded stand-in weights of the official size: the same arithmetic, so the same time per frame;
face analysis then cannot run and the crop comes from the default portrait's known face box.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np
import torch

from animator.liveportrait.backends import Backend, CompileMode, build_wrapper
from animator.liveportrait.checkpoint import CheckpointError, load_networks
from animator.liveportrait.crop import CropTransform, PasteBack, crop_transform, warp_crop
from animator.liveportrait.engine import LivePortraitOptions, default_device, weights_fingerprint
from animator.liveportrait.expressions import apply_pose
from animator.liveportrait.face import FaceAnalyzer, FaceModelError
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.paste_torch import HostCopies, TorchPasteBack
from animator.liveportrait.seeded import seeded_networks
from animator.liveportrait.wrapper import LivePortraitWrapper, Precision
from animator.portrait import load_portrait
from contracts.pose import HIGHS, LOWS
from models import verify
from models.registry import resolve_models_dir

log = logging.getLogger("avatar.animator")

PORTRAIT = Path(__file__).resolve().parents[2] / "assets" / "portrait.png"
#: Face box of the default portrait (x0, y0, x1, y1), used when the face models are absent.
PORTRAIT_FACE_BOX = (177.0, 66.0, 272.0, 161.0)
T = TypeVar("T")


def run_bench(
    batches: Sequence[int] = (1, 4, 8),
    device: str | None = None,
    models_dir: Path | None = None,
    frames: int = 8,
    *,
    networks: LivePortraitNetworks | None = None,
    input_size: int = 256,
    warmup: bool | None = None,
    backend: Backend = "torch",
    precision: Precision = "auto",
    compile: CompileMode = "auto",
    export_dir: Path | None = None,
) -> dict[str, Any]:
    """Time every stage; returns a JSON-serialisable report.

    Args:
        batches: batch sizes to time (each renders `frames` frames in batches of that size,
            at least one batch).
        device: torch device (None: CUDA when available, else CPU).
        models_dir: where to look for the published weights.
        frames: frames rendered per batch size.
        networks: use these networks instead (tests: tiny configurations).
        input_size: network input side matching `networks`.
        warmup: render one untimed batch first (None: only on CUDA, where the first call
            includes kernel selection; on CPU a full-size frame costs seconds).
        backend: "torch", "onnxruntime" or "tensorrt".
        precision: "auto" (float16 on CUDA), "float32", "float16" or "bfloat16".
        compile: torch backend only: "auto" (CUDA graphs on CUDA), "off", or a compile mode.
        export_dir: where the runtime backends cache their exports and engines.

    Returns:
        {"device", "dtype", "weights": "real" | "seeded" | "custom", "weights_note" (why seeded
        weights run, when they do), "threads", "torch",
        "image": [w, h], "prepare": {stage: ms}, "batches": [{"batch", "frames",
        stage + "_ms_per_frame" ..., "fps"}]}.
    """
    device = device or default_device()
    torch_device = torch.device(device)
    note = ""
    face: FaceAnalyzer | None = None
    if networks is not None:
        label = "custom"
    else:
        networks, face, note = _published_or_seeded(resolve_models_dir(models_dir), device)
        label = "real" if face is not None else "seeded"
    options = LivePortraitOptions(input_size=input_size, precision=precision, backend=backend)
    wrapper = build_wrapper(
        networks, torch_device, backend=backend, precision=precision,
        fingerprint=weights_fingerprint(networks), input_size=input_size, export_dir=export_dir,
        compile=compile,
    )
    image = load_portrait(PORTRAIT)
    state, prepare_ms = _prepare(wrapper, face, image, options)
    warm = torch_device.type == "cuda" if warmup is None else warmup
    rows = [_time_batch(wrapper, state, image, batch, frames, warm) for batch in batches]
    return {
        "engine": "liveportrait",
        "device": str(torch_device),
        "dtype": wrapper.dtype_name,
        "backend": wrapper.backend_name,
        "compiled": wrapper.compiled,
        "weights": label,
        **({"weights_note": note} if note else {}),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "image": [int(image.shape[1]), int(image.shape[0])],
        "face_analysis": "ran" if face is not None else "skipped (face models absent)",
        "warmup": warm,
        "prepare": prepare_ms,
        "batches": rows,
    }


def _published_or_seeded(
    root: Path, device: str
) -> tuple[LivePortraitNetworks, FaceAnalyzer | None, str]:
    """The published weights and face models when they verify and load; else seeded stand-ins
    (face None) and a note that says why, so a number is never mistaken for the real model's."""
    report = verify(root, cached=True)
    if report.missing:
        why = f"{len(report.missing)} of {len(report.checks)} model files are missing in {root}"
    elif report.problems:
        why = f"the published weights in {root} failed verification ({report.problems[0]})"
    else:
        try:
            face = FaceAnalyzer.from_models_dir(root, device=device)
            return load_networks(root, device), face, ""
        except (CheckpointError, FaceModelError, OSError) as exc:
            why = f"the published weights failed to load ({exc})"
    note = f"{why}; timing seeded stand-in weights of the same size instead"
    log.warning("%s", note)
    return seeded_networks(device=device), None, note


def _timed(device: torch.device, call: Callable[[], T]) -> tuple[T, float]:
    """Run `call`, waiting for the GPU; return (result, milliseconds)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    result = call()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return result, (time.perf_counter() - start) * 1000.0


def _prepare(
    wrapper: LivePortraitWrapper, face: FaceAnalyzer | None, image: np.ndarray,
    options: LivePortraitOptions,
) -> tuple[dict[str, Any], dict[str, float]]:
    dev = wrapper.device
    ms: dict[str, float] = {}
    if face is not None:
        analysis, ms["face_analysis"] = _timed(dev, lambda: face.analyze(image))
        crop = crop_transform(analysis.landmarks203, dsize=options.crop_size,
                              scale=options.crop_scale, vy_ratio=options.crop_vy_ratio)
    else:
        x0, y0, x1, y1 = PORTRAIT_FACE_BOX
        side = options.crop_scale * max(x1 - x0, y1 - y0)
        center = ((x0 + x1) / 2, (y0 + y1) / 2 + options.crop_vy_ratio * side)
        crop = CropTransform(center, side, 0.0, options.crop_size)
    size = (options.input_size, options.input_size)
    pixels, ms["crop"] = _timed(dev, lambda: cv2.resize(
        warp_crop(image, crop), size, interpolation=cv2.INTER_AREA))
    tensor = wrapper.prepare_source(pixels)
    f_s, ms["appearance_features"] = _timed(dev, lambda: wrapper.extract_features(tensor))
    info, ms["motion"] = _timed(dev, lambda: wrapper.extract_motion(tensor))
    x_s = wrapper.source_keypoints(info)
    ms["total"] = sum(ms.values())
    return {"crop": crop, "f_s": f_s, "info": info, "x_s": x_s}, _rounded(ms)


def _time_batch(
    wrapper: LivePortraitWrapper, state: dict[str, Any], image: np.ndarray, batch: int,
    frames: int, warmup: bool,
) -> dict[str, Any]:
    rng = np.random.default_rng(batch)
    calls = max(1, -(-frames // batch))
    poses = rng.uniform(LOWS, HIGHS, size=(calls + int(warmup), batch, len(LOWS)))
    totals = dict.fromkeys(("expression", "stitching", "warp_decode", "to_image", "paste_back"),
                           0.0)
    paste: PasteBack | None = None
    for index, pose_batch in enumerate(poses):
        times, paste = _one_batch(wrapper, state, image, pose_batch, paste)
        if warmup and index == 0:
            continue
        for stage, value in times.items():
            totals[stage] += value
    rendered = calls * batch
    row: dict[str, Any] = {"batch": batch, "frames": rendered}
    row.update({f"{stage}_ms_per_frame": value / rendered for stage, value in totals.items()})
    total = sum(totals.values()) / rendered
    row["total_ms_per_frame"] = total
    row["fps"] = 1000.0 / total if total > 0 else None
    log.info("batch %d: %.1f ms per frame", batch, total)
    return _rounded(row)


def _one_batch(
    wrapper: LivePortraitWrapper, state: dict[str, Any], image: np.ndarray,
    pose_batch: np.ndarray, paste: PasteBack | None,
) -> tuple[dict[str, float], PasteBack]:
    dev = wrapper.device
    info, x_s, f_s = state["info"], state["x_s"], state["f_s"]

    def expression() -> torch.Tensor:
        exp_delta, angles = apply_pose(info, pose_batch)
        return wrapper.driving_keypoints(
            info, torch.from_numpy(exp_delta).to(dev), torch.from_numpy(angles).to(dev)
        )

    times: dict[str, float] = {}
    x_d, times["expression"] = _timed(dev, expression)
    x_d, times["stitching"] = _timed(dev, lambda: wrapper.stitch(x_s, x_d))
    out, times["warp_decode"] = _timed(dev, lambda: wrapper.warp_decode(f_s, x_s, x_d))
    if paste is None:
        paste = PasteBack.build(state["crop"].resized(out.shape[-1]), image.shape)
    if dev.type == "cuda":  # the engine's GPU path: paste on the device, copy finished frames
        on_device = state.setdefault("device_paste", TorchPasteBack.build(paste, image, dev))
        copies = state.setdefault("copies", HostCopies(dev))
        times["to_image"] = 0.0

        def paste_and_copy() -> list[np.ndarray]:
            copies.submit(on_device.paste(out))
            return copies.collect()

        _, times["paste_back"] = _timed(dev, paste_and_copy)
        return times, paste
    crops, times["to_image"] = _timed(dev, lambda: wrapper.to_images(out))
    _, times["paste_back"] = _timed(dev, lambda: [paste.paste(image, c) for c in crops])
    return times, paste


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in values.items()}
