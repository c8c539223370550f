"""Per-portrait state, computed once: kept in memory (LRU) and on disk across runs.

Preparing a portrait (face analysis, crop, appearance volume, source motion) costs about a second
on CPU; switching back to a recent portrait or restarting the app should not pay it again. Disk
entries are `torch.save` files of plain tensors, read with `weights_only=True`, keyed by the
image hash and a fingerprint of everything that shaped them (weights, face models, crop options).
Unreadable or mismatched entries are logged, deleted and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from animator.liveportrait.crop import CropTransform
from animator.liveportrait.motion import KeypointInfo

log = logging.getLogger("avatar.animator")

CACHE_DIR_ENV = "AVATAR_CACHE_DIR"
FORMAT_VERSION = 1
_SUFFIX = ".portrait.pt"  # pruning only ever touches files with this suffix
_INFO_FIELDS = ("kp", "exp", "pitch", "yaw", "roll", "scale", "t")
_LOAD_ERRORS = (
    OSError, EOFError, RuntimeError, ValueError, KeyError, TypeError, IndexError, AttributeError,
    pickle.UnpicklingError, zipfile.BadZipFile,
)


@dataclass(frozen=True, eq=False)
class PreparedPortrait:
    """What `prepare` computes for one portrait.

    Attributes:
        face_box: (x0, y0, x1, y1) detected face in original pixels.
        notes: user-facing remarks (several faces, ...).
        landmarks203: (203, 2) float32 landmarks in original pixels.
        crop: the source crop transform (dsize = crop side, 512 by default).
        f_s: (1, C, D, H, W) float32 appearance volume on the engine's device.
        info: the source's motion (batch 1) on the engine's device.
        x_s: (1, K, 3) float32 source keypoints.
    """

    face_box: tuple[int, int, int, int]
    notes: tuple[str, ...]
    landmarks203: np.ndarray
    crop: CropTransform
    f_s: torch.Tensor
    info: KeypointInfo
    x_s: torch.Tensor


def default_cache_dir() -> Path:
    """$AVATAR_CACHE_DIR, else ~/.cache/portrait-agent/prepared."""
    override = os.environ.get(CACHE_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "portrait-agent" / "prepared"


def _to_payload(prepared: PreparedPortrait, key: str) -> dict[str, object]:
    crop = prepared.crop
    payload: dict[str, object] = {
        "format": FORMAT_VERSION,
        "key": key,
        "face_box": list(prepared.face_box),
        "notes": list(prepared.notes),
        "landmarks203": torch.from_numpy(np.asarray(prepared.landmarks203, np.float32)),
        "crop": [crop.center[0], crop.center[1], crop.size, crop.angle, crop.dsize],
        "f_s": prepared.f_s.detach().cpu(),
        "x_s": prepared.x_s.detach().cpu(),
    }
    payload.update({name: getattr(prepared.info, name).detach().cpu() for name in _INFO_FIELDS})
    return payload


def _from_payload(payload: dict, key: str, device: torch.device) -> PreparedPortrait:
    if payload.get("format") != FORMAT_VERSION or payload.get("key") != key:
        raise ValueError("cache entry written for another portrait, model or format")
    cx, cy, size, angle, dsize = payload["crop"]
    info = KeypointInfo(**{name: payload[name].to(device) for name in _INFO_FIELDS})
    box = tuple(int(v) for v in payload["face_box"])
    if len(box) != 4:
        raise ValueError("face box must have 4 values")
    return PreparedPortrait(
        face_box=box,  # type: ignore[arg-type]
        notes=tuple(str(note) for note in payload["notes"]),
        landmarks203=payload["landmarks203"].numpy(),
        crop=CropTransform((float(cx), float(cy)), float(size), float(angle), int(dsize)),
        f_s=payload["f_s"].to(device),
        info=info,
        x_s=payload["x_s"].to(device),
    )


class PortraitCache:
    """Memory LRU in front of a folder of `torch.save` entries.

    Args:
        directory: where entries live; None keeps the cache in memory only.
        fingerprint: identifies the weights, face models and options that shaped an entry.
        capacity: portraits kept in memory.
        disk_capacity: entries kept on disk (the oldest are deleted).
    """

    def __init__(
        self, directory: Path | None, fingerprint: str, *, capacity: int = 4,
        disk_capacity: int = 32,
    ):
        self.directory = directory
        self.fingerprint = fingerprint
        self.capacity = max(1, capacity)
        self.disk_capacity = max(1, disk_capacity)
        self.stats = {"memory_hits": 0, "disk_hits": 0, "misses": 0}
        self._memory: OrderedDict[str, PreparedPortrait] = OrderedDict()

    def key(self, image_hash: str) -> str:
        """The entry key of one portrait under this fingerprint."""
        joined = f"{FORMAT_VERSION}:{self.fingerprint}:{image_hash}"
        return hashlib.sha256(joined.encode()).hexdigest()[:40]

    def path(self, image_hash: str) -> Path | None:
        """The disk file of a portrait's entry (None without a directory)."""
        if self.directory is None:
            return None
        return self.directory / f"{self.key(image_hash)}{_SUFFIX}"

    def get(self, image_hash: str, device: torch.device) -> PreparedPortrait | None:
        """The cached state, from memory or disk, or None (counted in `stats`)."""
        if image_hash in self._memory:
            self._memory.move_to_end(image_hash)
            self.stats["memory_hits"] += 1
            return self._memory[image_hash]
        prepared = self._load(image_hash, device)
        if prepared is None:
            self.stats["misses"] += 1
            return None
        self.stats["disk_hits"] += 1
        self._remember(image_hash, prepared)
        return prepared

    def put(self, image_hash: str, prepared: PreparedPortrait) -> None:
        """Keep `prepared` in memory and write it to disk (atomically; failures only logged)."""
        self._remember(image_hash, prepared)
        path = self.path(image_hash)
        if path is None:
            return
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(_to_payload(prepared, self.key(image_hash)), tmp)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            log.warning("cannot write the portrait cache %s: %s", path, exc)
            return
        self._prune()

    def _remember(self, image_hash: str, prepared: PreparedPortrait) -> None:
        self._memory[image_hash] = prepared
        self._memory.move_to_end(image_hash)
        while len(self._memory) > self.capacity:
            self._memory.popitem(last=False)

    def _load(self, image_hash: str, device: torch.device) -> PreparedPortrait | None:
        path = self.path(image_hash)
        if path is None or not path.is_file():
            return None
        try:
            payload = torch.load(path, map_location="cpu", weights_only=True)
            return _from_payload(payload, self.key(image_hash), device)
        except _LOAD_ERRORS as exc:
            log.warning("ignoring unreadable portrait cache %s (%s); rebuilding it", path, exc)
            path.unlink(missing_ok=True)
            return None

    def _prune(self) -> None:
        assert self.directory is not None
        entries = sorted(self.directory.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime_ns)
        for stale in entries[: max(0, len(entries) - self.disk_capacity)]:
            stale.unlink(missing_ok=True)
