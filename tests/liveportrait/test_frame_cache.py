"""The pose-keyed frame cache and prerendered frames, through the real engine (tiny networks).

Expected frames come from an engine without a cache rendering the same poses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from animator.liveportrait.engine import LivePortraitEngine, LivePortraitOptions
from animator.liveportrait.face import FaceAnalyzer
from animator.liveportrait.frame_cache import FrameCache, pose_key
from animator.liveportrait.networks import LivePortraitNetworks
from animator.liveportrait.prerender import prerender, preset_poses
from contracts import Pose
from tests.liveportrait.engine_helpers import TINY_INPUT, portrait


def _engine(networks: LivePortraitNetworks, models_dir: Path, tmp: Path, **options: object
            ) -> LivePortraitEngine:
    opts = LivePortraitOptions(
        input_size=TINY_INPUT, cache_dir=tmp / "prepared", frames_dir=tmp / "frames", **options
    )
    return LivePortraitEngine(networks, FaceAnalyzer.from_models_dir(models_dir), device="cpu",
                              options=opts)


def test_repeated_poses_are_served_from_the_cache_with_identical_frames(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    cached = _engine(networks, models_dir, tmp_path)
    plain = _engine(networks, models_dir, tmp_path, frame_cache_mb=0)
    image = portrait()
    source = cached.prepare(image)
    poses = [Pose(smile=0.5), Pose(head_yaw=8.0, wink=1.0)]
    first = cached.render(source, poses)
    again = cached.render(source, [Pose(smile=0.5 + 1e-4), Pose(head_yaw=8.0, wink=1.0)])
    expected = plain.render(plain.prepare(image), poses)

    assert cached.frames is not None
    assert (cached.frames.hits, cached.frames.misses) == (2, 2)
    for a, b, want in zip(first, again, expected, strict=True):
        assert np.array_equal(a, b) and np.array_equal(a, want)
    assert "frame cache 50% hits" in cached.info.status_line()


def test_cache_stays_within_its_memory_bound() -> None:
    crop = np.zeros((64, 64, 3), np.uint8)
    cache = FrameCache(max_bytes=crop.nbytes * 3)
    for step in range(10):
        cache.put("p", np.full(12, step * 0.1), crop + step)
    assert len(cache) == 3 and cache.nbytes == 3 * crop.nbytes
    assert cache.get("p", np.full(12, 0.0)) is None  # the oldest went first
    newest = cache.get("p", np.full(12, 0.9))
    assert newest is not None and int(newest[0, 0, 0]) == 9


def test_quantisation_merges_only_nearby_poses() -> None:
    near = np.zeros(12)
    near[0] = 0.2  # head_pitch: 40° range / 64 steps = 0.625° per step
    assert pose_key(np.zeros(12)) == pose_key(near)
    far = np.zeros(12)
    far[0] = 0.4
    assert pose_key(np.zeros(12)) != pose_key(far)


def test_prerendered_frames_are_saved_loaded_and_stand_in_for_every_pose_on_the_cpu(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    maker = _engine(networks, models_dir, tmp_path)
    image = portrait()
    poses = preset_poses(["smile", "wink"], fps=4.0)
    progress: list[tuple[int, int]] = []
    path = prerender(maker, maker.prepare(image), poses, lambda done, total: progress.append(
        (done, total)))
    assert path.is_file() and progress[-1] == (len(poses), len(poses))

    kiosk = _engine(networks, models_dir, tmp_path)  # a fresh process would start like this
    source = kiosk.prepare(image)
    assert kiosk.frames is not None and len(kiosk.frames) == len(poses)
    reference = _engine(networks, models_dir, tmp_path / "ref", frame_cache_mb=0)
    exact = reference.render(reference.prepare(image), [Pose.from_array(poses[3])])[0]
    got = kiosk.render(source, [Pose.from_array(poses[3])])[0]
    assert np.abs(got.astype(int) - exact.astype(int)).max() <= 1  # batch of 8 vs 1
    # A pose nobody prerendered is answered with the nearest prerendered one, not rendered.
    odd = kiosk.render(source, [Pose(head_roll=-15.0, gaze_y=0.9)])[0]
    candidates = reference.render(reference.prepare(image), [Pose.from_array(v) for v in poses])
    distances = [np.abs(odd.astype(int) - c.astype(int)).mean() for c in candidates]
    assert min(distances) <= 2.0
    assert (kiosk.frames.hits, kiosk.frames.misses) == (1, 1)


def test_preset_poses_cover_each_intent_and_start_at_rest() -> None:
    poses = preset_poses(["smile", "close_eyes"], intensity=1.0, fps=8.0)
    assert np.array_equal(poses[0], np.zeros(12))
    smile = Pose.from_array(poses[np.argmax(poses[:, 8])])  # the smile channel
    assert smile.smile >= 0.85  # sampled at 8 fps, near the 1.0 peak
    assert poses[:, 5].min() <= -0.9  # eye_open reaches closed
    assert len({pose_key(v) for v in poses}) == len(poses)
