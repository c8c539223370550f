"""The LivePortrait engine: portrait in, frames of the same photo with the face re-animated out.

`prepare` finds the face, crops it and computes everything that depends only on the portrait
(appearance volume f_s, source motion, keypoints x_s), once, with an in-memory and on-disk cache.
`render` turns a batch of poses into keypoint edits (`expressions.py`), drives the warping network
and decoder in batches, and pastes each generated face back into the full-resolution photo.
Mixed precision is checked frame by frame: a NaN or black batch is rendered again in float32 and
the engine stays in float32 from then on (a known fp16 failure on some GPUs, LP#40/#48).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import torch

from animator.liveportrait.backends import Backend, CompileMode, build_wrapper
from animator.liveportrait.cache import PortraitCache, PreparedPortrait, default_cache_dir
from animator.liveportrait.checkpoint import load_networks
from animator.liveportrait.crop import PasteBack, crop_transform, warp_crop
from animator.liveportrait.expressions import apply_pose
from animator.liveportrait.face import FaceAnalyzer
from animator.liveportrait.frame_cache import FrameCache, default_frames_dir
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.paste_torch import HostCopies, TorchPasteBack
from animator.liveportrait.wrapper import Precision
from contracts import Engine, EngineInfo, Pose, Source
from contracts.engine import hash_image
from models import ModelsCorruptError, ModelsMissingError, verify
from models.registry import resolve_models_dir

log = logging.getLogger("avatar.animator")

_BLACK = 1e-3  # a frame whose brightest value is below this is black


PasteKey = tuple[str, tuple[int, int, int, int], int]  # image hash, face box, crop side


class RenderError(RuntimeError):
    """The networks produced unusable frames (NaN or black) even in float32."""


@dataclass(frozen=True, slots=True)
class LivePortraitOptions:
    """Knobs of the LivePortrait engine (defaults are the official pipeline's).

    Attributes:
        input_size: side of the network input crop (256 for the official weights).
        crop_size: side of the source crop before resizing to `input_size` (512).
        crop_scale: crop side / landmark extent (2.3).
        crop_vy_ratio: vertical crop shift in crop sides, negative is up (−0.125).
        precision: "auto" = float16 autocast on CUDA, float32 on CPU; or forced.
        backend: what runs the networks: "torch", "onnxruntime" or "tensorrt" (the runtimes
            export the networks to ONNX once per weights, under `export_dir`).
        stitching: run the stitching MLP so the face blends into the shoulders.
        max_batch: poses rendered per network call.
        cache_dir: where prepared portraits are stored (None: $AVATAR_CACHE_DIR or
            ~/.cache/portrait-agent/prepared).
        disk_cache: False keeps prepared portraits in memory only.
        memory_cache_size: prepared portraits kept in memory.
        compile: `torch.compile` mode for warp+decode with the torch backend; "auto" is
            "reduce-overhead" (CUDA graphs) on CUDA and "off" on the CPU.
        channels_last: NHWC decoder on CUDA (torch backend).
        export_dir: where exported ONNX files and TensorRT engines are cached (None:
            $AVATAR_EXPORT_DIR or ~/.cache/portrait-agent/onnx).
        frame_cache_mb: memory for generated crops keyed by quantised pose (0: no cache).
        snap_to_cache: answer poses that are not cached with the nearest cached one instead of
            rendering them; None: only on the CPU for a portrait with prerendered frames.
        frames_dir: where `avatar prerender` stores frames (None: ~/.cache/portrait-agent/frames).
    """

    input_size: int = 256
    crop_size: int = 512
    crop_scale: float = 2.3
    crop_vy_ratio: float = -0.125
    precision: Precision = "auto"
    backend: Backend = "torch"
    compile: CompileMode = "auto"
    channels_last: bool = True
    stitching: bool = True
    max_batch: int = 8
    cache_dir: Path | None = None
    disk_cache: bool = True
    memory_cache_size: int = 4
    export_dir: Path | None = None
    frame_cache_mb: int = 256
    snap_to_cache: bool | None = None
    frames_dir: Path | None = None


@dataclass(eq=False)
class LivePortraitSource(Source):
    """A `Source` that carries the engine's prepared state (see `PreparedPortrait`)."""

    prepared: PreparedPortrait | None = field(default=None, repr=False)


def default_device() -> str:
    """"cuda:0" when a CUDA GPU is usable, else "cpu"."""
    return "cuda:0" if torch.cuda.is_available() else "cpu"


class LivePortraitEngine(Engine):
    """Renders poses of one portrait at a time with the LivePortrait networks.

    Args:
        networks: the seven networks (real or seeded weights).
        face: face detection and landmarks.
        device: torch device (None: CUDA when available, else CPU).
        options: engine knobs.
        real_weights: True when `networks` hold the published weights (shown in `info`).
    """

    def __init__(
        self,
        networks: LivePortraitNetworks,
        face: FaceAnalyzer,
        *,
        device: str | None = None,
        options: LivePortraitOptions | None = None,
        real_weights: bool = False,
    ):
        self.options = options or LivePortraitOptions()
        self._device = torch.device(device or default_device())
        if self._device.type == "cuda" and self._device.index is None:
            self._device = torch.device("cuda", torch.cuda.current_device())
        fingerprint = _fingerprint(networks, face, self.options)
        self.wrapper = build_wrapper(
            networks, self._device, backend=self.options.backend,
            precision=self.options.precision, fingerprint=fingerprint,
            input_size=self.options.input_size, export_dir=self.options.export_dir,
            compile=self.options.compile, channels_last=self.options.channels_last,
        )
        self.face = face
        self.real_weights = real_weights
        cache_dir = self.options.cache_dir or default_cache_dir()
        self.cache = PortraitCache(
            cache_dir if self.options.disk_cache else None,
            fingerprint,
            capacity=self.options.memory_cache_size,
        )
        self._pastes: OrderedDict[PasteKey, PasteBack] = OrderedDict()
        self._device_pastes: OrderedDict[PasteKey, TorchPasteBack] = OrderedDict()
        self._copies: HostCopies | None = None
        megabytes = self.options.frame_cache_mb
        self.frames = FrameCache(megabytes * 1_000_000) if megabytes > 0 else None
        self._prerendered: dict[str, int] = {}
        self.fingerprint = fingerprint
        self._lock = threading.RLock()

    @classmethod
    def from_models_dir(
        cls,
        models_dir: Path | None = None,
        device: str | None = None,
        *,
        options: LivePortraitOptions | None = None,
    ) -> LivePortraitEngine:
        """The engine with the published weights from a models folder (hub layout).

        Raises:
            ModelsMissingError: weight or face-model files are absent (lists them, says how to
                get them).
            ModelsCorruptError: a file has the wrong size or SHA-256, or cannot be read.
            CheckpointError / FaceModelError: a file cannot be loaded.
        """
        root = resolve_models_dir(models_dir)
        report = verify(root, cached=True)  # hashes too: a file changed since download is refused
        if report.missing:
            raise ModelsMissingError(root, report.missing)
        if report.problems:
            raise ModelsCorruptError(report.problems, hint="Repair with `avatar models download`.")
        device = device or default_device()
        networks = load_networks(root, device)
        face = FaceAnalyzer.from_models_dir(root, device=device)
        return cls(networks, face, device=device, options=options, real_weights=True)

    @property
    def info(self) -> EngineInfo:
        """Name, device, current precision, and whether the published weights run."""
        note = "" if self.real_weights else "seeded stand-in weights, not the published model"
        return EngineInfo(
            name="liveportrait", device=str(self._device), dtype=self.wrapper.dtype_name,
            backend=self.wrapper.backend_name,
            cache=self.frames.summary() if self.frames is not None and (
                self.frames.hits + self.frames.misses
            ) else "",
            real_weights=self.real_weights, note=note,
        )

    def prepare(self, image: np.ndarray, face: int | None = None) -> LivePortraitSource:
        """Find the face and compute the per-portrait state (cached by image hash and face).

        Args:
            image: (H, W, 3) uint8 RGB portrait.
            face: the face to animate, numbered from 1 left to right; None: the largest.

        Raises:
            NoFaceError: no face was found.
            PortraitError: there is no face number `face`.
            ValueError: `image` is not an (H, W, 3) uint8 array.
        """
        image = _checked_image(image)
        image_hash = hash_image(image)
        key = image_hash if face is None else f"{image_hash}-face{face}"
        with self._lock:
            prepared = self.cache.get(key, self._device)
            if prepared is None:
                prepared = self._prepare_new(image, face)
                self.cache.put(key, prepared)
            self._load_prerendered(_frames_key(image_hash, prepared.face_box))
        return LivePortraitSource(
            image=image, face_box=prepared.face_box, image_hash=image_hash,
            notes=list(prepared.notes), prepared=prepared,
        )

    def prerendered_path(self, portrait_key: str) -> Path:
        """Where `avatar prerender` keeps this portrait's (and face's) frames for these weights."""
        folder = self.options.frames_dir or default_frames_dir()
        digest = hashlib.sha256(f"{portrait_key}|{self.fingerprint}".encode()).hexdigest()
        return folder / f"{digest[:24]}.frames.zip"

    def save_prerendered(self, source: LivePortraitSource) -> Path:
        """Persist the cached crops of `source`'s portrait (after rendering its presets)."""
        if self.frames is None:
            raise ValueError("the frame cache is off (frame_cache_mb=0); nothing to save")
        key = _frames_key(source.image_hash, source.face_box)
        path = self.prerendered_path(key)
        self._prerendered[key] = self.frames.save(key, path)
        return path

    def _load_prerendered(self, portrait_key: str) -> None:
        if self.frames is None or portrait_key in self._prerendered:
            return
        path = self.prerendered_path(portrait_key)
        if path.is_file():
            count = self.frames.load(portrait_key, path)
            if count:
                self._prerendered[portrait_key] = count
                log.info("loaded %d prerendered frames from %s", count, path)

    def find_faces(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Every face box (x0, y0, x1, y1) in face-number order (face N is item N - 1)."""
        image = _checked_image(image)
        return [_face_box(np.asarray(box), image.shape) for box in self.face.face_boxes(image)]

    def _prepare_new(self, image: np.ndarray, face: int | None) -> PreparedPortrait:
        opts = self.options
        analysis = self.face.analyze(image, face)
        crop = crop_transform(
            analysis.landmarks203, dsize=opts.crop_size, scale=opts.crop_scale,
            vy_ratio=opts.crop_vy_ratio,
        )
        network_input = cv2.resize(
            warp_crop(image, crop), (opts.input_size, opts.input_size),
            interpolation=cv2.INTER_AREA,
        )
        tensor = self.wrapper.prepare_source(network_input)
        info = self.wrapper.extract_motion(tensor)
        return PreparedPortrait(
            face_box=_face_box(analysis.detection.box, image.shape),
            notes=analysis.notes,
            landmarks203=analysis.landmarks203,
            crop=crop,
            f_s=self.wrapper.extract_features(tensor),
            info=info,
            x_s=self.wrapper.source_keypoints(info),
        )

    def render(self, source: Source, poses: Sequence[Pose]) -> list[np.ndarray]:
        """One frame per pose, each (H, W, 3) uint8 RGB at the portrait's full size.

        Raises:
            RenderError: the networks produced NaN or black frames even in float32.
        """
        if not poses:
            return []
        if not isinstance(source, LivePortraitSource) or source.prepared is None:
            source = self.prepare(source.image)
        vectors = np.stack([pose.to_array() for pose in poses])
        step = max(1, self.options.max_batch)
        chunks = [vectors[start : start + step] for start in range(0, len(vectors), step)]
        frames: list[np.ndarray] = []
        with self._lock:
            if self._device.type == "cuda":
                return self._render_on_device(source, chunks)
            for chunk in chunks:
                frames.extend(self._render_batch(source, chunk))
        return frames

    def driving_keypoints(self, prepared: PreparedPortrait, pose_batch: np.ndarray) -> torch.Tensor:
        """(B, K, 3) keypoints of the edited faces, after stitching when it is on.

        Args:
            prepared: a prepared portrait.
            pose_batch: (B, 12) channel values in `CHANNELS` order.
        """
        exp_delta, angles = apply_pose(prepared.info, pose_batch)
        x_d = self.wrapper.driving_keypoints(
            prepared.info,
            torch.from_numpy(exp_delta).to(self._device),
            torch.from_numpy(angles).to(self._device),
        )
        return self.wrapper.stitch(prepared.x_s, x_d) if self.options.stitching else x_d

    def _render_batch(self, source: LivePortraitSource, pose_batch: np.ndarray) -> list[np.ndarray]:
        prepared = source.prepared
        assert prepared is not None
        key = _frames_key(source.image_hash, source.face_box)
        crops = self._cached_crops(key, pose_batch)
        missing = [index for index, crop in enumerate(crops) if crop is None]
        if missing:
            x_d = self.driving_keypoints(prepared, pose_batch[missing])
            images = self.wrapper.to_images(self._checked_decode(prepared, x_d))
            for index, image in zip(missing, images, strict=True):
                crops[index] = image
                if self.frames is not None:
                    self.frames.put(key, pose_batch[index], image)
        ready = [crop for crop in crops if crop is not None]
        paste = self._paste_for(source, ready[0].shape[0])
        return [paste.paste(source.image, crop) for crop in ready]

    def _cached_crops(self, portrait_key: str, pose_batch: np.ndarray) -> list[np.ndarray | None]:
        """Cached crops for the poses (None where a render is needed); with snapping on, the
        nearest prerendered pose stands in for every miss."""
        if self.frames is None:
            return [None] * len(pose_batch)
        crops = [self.frames.get(portrait_key, vector) for vector in pose_batch]
        if self._snap(portrait_key):
            crops = [crop if crop is not None else self.frames.nearest(portrait_key, vector)
                     for crop, vector in zip(crops, pose_batch, strict=True)]
        return crops

    def _snap(self, portrait_key: str) -> bool:
        if self.options.snap_to_cache is not None:
            return self.options.snap_to_cache
        return self._device.type == "cpu" and portrait_key in self._prerendered

    def cache_crops(self, source: LivePortraitSource, pose_batch: np.ndarray) -> None:
        """Render (B, 12) poses into the frame cache without pasting them (prerendering).

        Raises:
            ValueError: the frame cache is off.
        """
        if self.frames is None:
            raise ValueError("the frame cache is off (frame_cache_mb=0); nothing to prerender")
        if source.prepared is None:
            source = self.prepare(source.image)
        assert source.prepared is not None
        with self._lock:
            x_d = self.driving_keypoints(source.prepared, pose_batch)
            images = self.wrapper.to_images(self._checked_decode(source.prepared, x_d))
        key = _frames_key(source.image_hash, source.face_box)
        for vector, image in zip(pose_batch, images, strict=True):
            self.frames.put(key, vector, image)

    def _render_on_device(
        self, source: LivePortraitSource, chunks: list[np.ndarray]
    ) -> list[np.ndarray]:
        """GPU path: decode, paste back and convert on the device; copy each finished chunk to
        pinned host memory while the next chunk computes."""
        prepared = source.prepared
        assert prepared is not None
        if self._copies is None:
            self._copies = HostCopies(self._device)
        frames: list[np.ndarray] = []
        for chunk in chunks:
            out = self._checked_decode(prepared, self.driving_keypoints(prepared, chunk))
            device_frames = self._device_paste_for(source, out.shape[-1]).paste(out)
            frames.extend(self._copies.collect())
            self._copies.submit(device_frames)
        frames.extend(self._copies.collect())
        return frames

    def _device_paste_for(self, source: LivePortraitSource, side: int) -> TorchPasteBack:
        key = (source.image_hash, source.face_box, side)
        if key not in self._device_pastes:
            self._device_pastes[key] = TorchPasteBack.build(
                self._paste_for(source, side), source.image, self._device
            )
            while len(self._device_pastes) > self.cache.capacity:
                self._device_pastes.popitem(last=False)
        return self._device_pastes[key]

    def _checked_decode(self, prepared: PreparedPortrait, x_d: torch.Tensor) -> torch.Tensor:
        out = self.wrapper.warp_decode(prepared.f_s, prepared.x_s, x_d)
        bad = _bad_frames(out)
        if bad == 0:
            return out
        if self.wrapper.half_precision:
            log.warning(
                "%d of %d frames came out NaN or black in %s; rendering in float32 from now on",
                bad, len(out), self.wrapper.dtype_name,
            )
            self.wrapper.use_float32()
            out = self.wrapper.warp_decode(prepared.f_s, prepared.x_s, x_d)
            if _bad_frames(out) == 0:
                return out
        raise RenderError(
            f"LivePortrait produced {_bad_frames(out)} NaN or black frames in float32. The weights "
            "may be damaged: run `avatar models verify`, or use the fallback engine."
        )

    def _paste_for(self, source: LivePortraitSource, side: int) -> PasteBack:
        key = (source.image_hash, source.face_box, side)
        if key not in self._pastes:
            assert source.prepared is not None
            transform = source.prepared.crop.resized(side)
            self._pastes[key] = PasteBack.build(transform, source.image.shape)
            while len(self._pastes) > self.cache.capacity:
                self._pastes.popitem(last=False)
        return self._pastes[key]


def _frames_key(image_hash: str, face_box: tuple[int, int, int, int]) -> str:
    """Cached crops belong to one face of one photo (a photo can hold several faces)."""
    return f"{image_hash}:{','.join(map(str, face_box))}"


def _bad_frames(images: torch.Tensor) -> int:
    """How many of (B, 3, H, W) frames contain NaN/inf or are entirely black."""
    flat = images.reshape(images.shape[0], -1)
    not_finite = ~torch.isfinite(flat).all(dim=1)
    black = torch.nan_to_num(flat, nan=0.0).amax(dim=1) < _BLACK
    return int((not_finite | black).sum())


def _checked_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or (
        image.shape[2] != 3
    ):
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise ValueError(f"a portrait must be an (H, W, 3) uint8 RGB array, got {shape} {dtype}")
    return np.ascontiguousarray(image)


def _face_box(box: np.ndarray, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    height, width = shape[:2]
    x0, y0 = (int(np.floor(v)) for v in box[:2])
    x1, y1 = (int(np.ceil(v)) for v in box[2:])
    return max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)


def weights_fingerprint(networks: LivePortraitNetworks) -> str:
    """Identifies the weights by every tensor's name, shape and a sample of its values (reading
    all of them would take seconds for the real model)."""
    digest = hashlib.sha256()
    for name, network in networks.items():
        for key, tensor in network.state_dict().items():
            sample = tensor.detach().reshape(-1)[:64].double().sum().item()
            digest.update(f"{name}.{key}:{tuple(tensor.shape)}:{sample:.9e}".encode())
    return digest.hexdigest()


def _fingerprint(
    networks: LivePortraitNetworks, face: FaceAnalyzer, options: LivePortraitOptions
) -> str:
    """Identifies the weights, face models and crop options behind a prepared portrait.

    Weights by `weights_fingerprint`; face models by file size and mtime.
    """
    digest = hashlib.sha256(weights_fingerprint(networks).encode())
    for path in face.model_files:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(
        f"{options.input_size}:{options.crop_size}:{options.crop_scale}:{options.crop_vy_ratio}"
        .encode()
    )
    return digest.hexdigest()
