"""Generated face crops keyed by pose, so repeated poses (idle loops, presets) cost nothing.

Poses are quantised per channel (1/64 of each channel's range), so the slightly different poses
that a replayed preset or idle loop produces map to the same entry. Entries are the generated
crops before paste-back (the paste costs about a millisecond), kept in memory under a byte bound
with least-recently-used eviction.

`save`/`load` persist a set of crops (`avatar prerender`) as lossless PNGs. With `snap` on, a pose
that is not cached is answered with the crop of the nearest cached pose instead of being rendered:
that is how a CPU-only kiosk shows real LivePortrait frames for the prerendered expressions (and
approximations of everything else) without paying seconds per frame.
"""

from __future__ import annotations

import io
import logging
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

import cv2
import numpy as np

from animator.liveportrait.cache import default_cache_dir
from contracts.pose import HIGHS, LOWS

log = logging.getLogger("avatar.animator")

LEVELS = 64
FORMAT_VERSION = 2
_SPAN = np.asarray(HIGHS, dtype=np.float64) - np.asarray(LOWS, dtype=np.float64)


def default_frames_dir() -> Path:
    """~/.cache/portrait-agent/frames (beside the prepared portraits)."""
    return default_cache_dir().parent / "frames"


def pose_key(vector: np.ndarray) -> bytes:
    """The quantised pose: channel value / (range / LEVELS), rounded, as bytes."""
    steps = np.rint(np.asarray(vector, dtype=np.float64) / _SPAN * LEVELS).astype(np.int16)
    return steps.tobytes()


class FrameCache:
    """Crops by (portrait hash, quantised pose); thread-safe; bounded in bytes.

    Args:
        max_bytes: memory bound of the stored crops.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = (
            OrderedDict()
        )
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def nbytes(self) -> int:
        """Bytes held by the stored crops."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def hit_rate(self) -> float:
        """Hits / lookups so far (0 before any lookup)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def summary(self) -> str:
        """"frame cache 62% hits, 120 MB" for the status line."""
        return f"frame cache {self.hit_rate():.0%} hits, {self._bytes / 1e6:.0f} MB"

    def get(self, portrait: str, vector: np.ndarray) -> np.ndarray | None:
        """The crop for this pose of this portrait, or None (counted as a miss)."""
        key = (portrait, pose_key(vector))
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def nearest(self, portrait: str, vector: np.ndarray) -> np.ndarray | None:
        """The crop of the cached pose closest to `vector` (in range-normalised units)."""
        with self._lock:
            candidates = [(v, crop) for (owner, _), (v, crop) in self._entries.items()
                          if owner == portrait]
        if not candidates:
            return None
        poses = np.stack([v for v, _ in candidates])
        distance = np.abs((poses - np.asarray(vector)) / _SPAN).sum(axis=1)
        return candidates[int(np.argmin(distance))][1]

    def put(self, portrait: str, vector: np.ndarray, crop: np.ndarray) -> None:
        """Store a crop, evicting the least recently used ones beyond `max_bytes`."""
        if crop.nbytes > self.max_bytes:
            return
        key = (portrait, pose_key(vector))
        stored = (np.asarray(vector, dtype=np.float32).copy(), np.ascontiguousarray(crop))
        stored[1].setflags(write=False)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1].nbytes
            self._entries[key] = stored
            self._bytes += crop.nbytes
            while self._bytes > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self._bytes -= evicted.nbytes

    def save(self, portrait: str, path: Path) -> int:
        """Write this portrait's crops to `path` (a zip of PNGs + poses); returns the count."""
        with self._lock:
            items = [(v, crop) for (owner, _), (v, crop) in self._entries.items()
                     if owner == portrait]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".partial")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("format", str(FORMAT_VERSION))
            archive.writestr("poses.npy", _npy(np.stack([v for v, _ in items])))
            for index, (_, crop) in enumerate(items):
                ok, png = cv2.imencode(".png", cv2.cvtColor(crop, cv2.COLOR_RGB2BGR),
                                       [cv2.IMWRITE_PNG_COMPRESSION, 3])
                if not ok:
                    raise OSError(f"could not encode frame {index} for {path}")
                archive.writestr(f"{index}.png", png.tobytes())
        tmp.replace(path)
        return len(items)

    def load(self, portrait: str, path: Path) -> int:
        """Add the crops saved in `path` for `portrait`; returns how many (0 if unreadable)."""
        try:
            with zipfile.ZipFile(path) as archive:
                if archive.read("format").decode() != str(FORMAT_VERSION):
                    raise ValueError("another format version")
                poses = np.load(io.BytesIO(archive.read("poses.npy")), allow_pickle=False)
                for index, vector in enumerate(poses):
                    png = np.frombuffer(archive.read(f"{index}.png"), dtype=np.uint8)
                    image = cv2.imdecode(png, cv2.IMREAD_COLOR)
                    if image is None:
                        raise ValueError(f"frame {index} is not a PNG")
                    self.put(portrait, vector, cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            log.warning("prerendered frames %s unusable (%s); ignoring them", path, exc)
            return 0
        return len(poses)


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()
