"""The prepared-portrait cache on its own: LRU order, disk pruning, foreign files left alone."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch

from animator.liveportrait.cache import PortraitCache, PreparedPortrait
from animator.liveportrait.crop import CropTransform
from animator.liveportrait.motion import KeypointInfo


def _prepared(value: float) -> PreparedPortrait:
    info = KeypointInfo(
        kp=torch.full((1, 21, 3), value), exp=torch.zeros(1, 21, 3), pitch=torch.zeros(1),
        yaw=torch.zeros(1), roll=torch.zeros(1), scale=torch.ones(1), t=torch.zeros(1, 3),
    )
    return PreparedPortrait(
        face_box=(1, 2, 3, 4), notes=("note",), landmarks203=np.zeros((203, 2), np.float32),
        crop=CropTransform((10.0, 20.0), 30.0, 0.1, 512), f_s=torch.full((1, 2, 2, 4, 4), value),
        info=info, x_s=torch.full((1, 21, 3), value),
    )


def test_memory_keeps_the_most_recent_portraits() -> None:
    cache = PortraitCache(None, "fp", capacity=2)
    for name in ("a", "b"):
        cache.put(name, _prepared(1.0))
    cache.get("a", torch.device("cpu"))  # "a" is now the most recent
    cache.put("c", _prepared(2.0))

    assert cache.get("b", torch.device("cpu")) is None
    assert cache.get("a", torch.device("cpu")) is not None
    assert cache.stats == {"memory_hits": 2, "disk_hits": 0, "misses": 1}


def test_disk_keeps_the_newest_entries_and_ignores_other_files(tmp_path: Path) -> None:
    foreign = tmp_path / "user-checkpoint.pt"
    foreign.write_bytes(b"not ours")
    cache = PortraitCache(tmp_path, "fp", capacity=1, disk_capacity=2)
    for index, name in enumerate(("a", "b", "c")):
        cache.put(name, _prepared(float(index)))
        entry = cache.path(name)
        assert entry is not None
        os.utime(entry, ns=(index * 10**9, index * 10**9))  # a oldest, c newest, whatever the fs

    fresh = PortraitCache(tmp_path, "fp")
    assert fresh.get("a", torch.device("cpu")) is None
    loaded = fresh.get("c", torch.device("cpu"))
    assert loaded is not None and float(loaded.f_s[0, 0, 0, 0, 0]) == 2.0
    assert loaded.crop == CropTransform((10.0, 20.0), 30.0, 0.1, 512)
    assert foreign.read_bytes() == b"not ours"


def test_entries_of_another_fingerprint_are_not_used(tmp_path: Path) -> None:
    PortraitCache(tmp_path, "weights-1").put("a", _prepared(1.0))

    assert PortraitCache(tmp_path, "weights-2").get("a", torch.device("cpu")) is None
    assert PortraitCache(tmp_path, "weights-1").get("a", torch.device("cpu")) is not None
