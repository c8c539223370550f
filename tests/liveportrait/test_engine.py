"""The LivePortrait engine end to end: test-built ONNX face models, tiny seeded networks, CPU."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from animator.errors import NoFaceError
from animator.liveportrait.engine import (
    LivePortraitEngine,
    LivePortraitOptions,
    LivePortraitSource,
    RenderError,
)
from animator.liveportrait.expressions import apply_pose
from animator.liveportrait.face import FaceAnalyzer
from animator.liveportrait.networks import LivePortraitNetworks
from animator.portrait import load_portrait
from contracts import Pose, Source
from models import ModelsMissingError, default_models_dir, liveportrait_files, verify
from tests.liveportrait.engine_helpers import (
    DET_SCALE,
    FACE,
    TINY_INPUT,
    face_analyzer,
    portrait,
)
from tests.liveportrait.face_onnx_models import SyntheticFace, build_detector, build_face_models

#: The source crop square of FACE: side 2.3 × 200 px, centred 0.125 side above the face centre.
SIDE = 2.3 * FACE.height
CROP_X = (FACE.cx - SIDE / 2, FACE.cx + SIDE / 2)
CROP_Y = (FACE.cy - 0.125 * SIDE - SIDE / 2, FACE.cy - 0.125 * SIDE + SIDE / 2)

#: Keypoints each expression channel moves (fact sheet §5.2), independent of the code under test.
MOVED = {
    "smile": {3, 7, 13, 14, 16, 17, 20},
    "eye_open": {1, 2, 11, 13, 15, 16},
    "wink": {3, 11, 13, 17},
    "eyebrow": {1, 2},
    "gaze_x": {11, 15},
    "gaze_y": {11, 13, 15, 16},
    "mouth_open": {17, 19},
    "mouth_wide": {14, 20},
    "mouth_round": {3, 7, 14, 17},
}


def _engine(
    networks: LivePortraitNetworks, models_dir: Path, cache_dir: Path, **options: object
) -> LivePortraitEngine:
    # No frame cache: every render here must really run the networks (test_frame_cache.py
    # covers the cache).
    opts = LivePortraitOptions(
        input_size=TINY_INPUT, cache_dir=cache_dir, max_batch=4, frame_cache_mb=0, **options
    )
    return LivePortraitEngine(
        networks, FaceAnalyzer.from_models_dir(models_dir), device="cpu", options=opts
    )


@pytest.fixture
def engine(networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path) -> LivePortraitEngine:
    return _engine(networks, models_dir, tmp_path / "cache")


def _outside_crop(shape: tuple[int, ...]) -> np.ndarray:
    ys, xs = np.mgrid[: shape[0], : shape[1]]
    margin = 1  # bilinear sampling reaches one pixel past the square
    inside = (
        (xs > CROP_X[0] - margin) & (xs < CROP_X[1] + margin)
        & (ys > CROP_Y[0] - margin) & (ys < CROP_Y[1] + margin)
    )
    return ~inside


def test_info_describes_a_seeded_cpu_engine(engine: LivePortraitEngine) -> None:
    info = engine.info
    assert (info.name, info.device, info.dtype, info.real_weights, info.fallback) == (
        "liveportrait", "cpu", "float32", False, False,
    )
    assert "seeded" in info.note


def test_prepare_finds_the_fixed_face(engine: LivePortraitEngine) -> None:
    source = engine.prepare(portrait())

    assert isinstance(source, LivePortraitSource)
    assert source.face_box == (240, 120, 400, 320)
    assert source.size == (640, 480)
    assert source.notes == []
    crop = source.prepared.crop
    assert crop.angle == pytest.approx(0.0, abs=1e-6)
    assert crop.size == pytest.approx(SIDE, rel=1e-6)
    assert crop.center == pytest.approx((FACE.cx, FACE.cy - 0.125 * SIDE), rel=1e-6)
    assert source.prepared.f_s.shape == (1, 4, 8, 16, 16)
    assert source.prepared.x_s.shape == (1, 21, 3)


def test_render_changes_only_the_pasted_face(engine: LivePortraitEngine) -> None:
    image = portrait()
    source = engine.prepare(image)

    frames = engine.render(source, [Pose(), Pose(smile=1.0, head_yaw=10.0)])

    assert len(frames) == 2
    outside = _outside_crop(image.shape)
    for frame in frames:
        assert frame.shape == image.shape and frame.dtype == np.uint8
        np.testing.assert_array_equal(frame[outside], image[outside])
        face = (slice(150, 300), slice(260, 380))
        assert np.abs(frame[face].astype(int) - image[face].astype(int)).mean() > 5
    assert not np.array_equal(frames[0], frames[1])


def test_batches_render_like_single_frames(engine: LivePortraitEngine) -> None:
    source = engine.prepare(portrait())
    poses = [Pose(smile=v, gaze_x=-v, head_pitch=10 * v) for v in np.linspace(-1, 1, 6)]

    together = engine.render(source, poses)  # max_batch 4: two network calls
    alone = [engine.render(source, [pose])[0] for pose in (poses[0], poses[5])]

    assert len(together) == 6
    for frame, single in zip((together[0], together[5]), alone, strict=True):
        assert np.abs(frame.astype(int) - single.astype(int)).max() <= 1


@pytest.mark.parametrize("channel", sorted(MOVED))
def test_each_channel_moves_its_keypoints(engine: LivePortraitEngine, channel: str) -> None:
    prepared = engine.prepare(portrait()).prepared
    value = -1.0 if channel == "eye_open" else 1.0
    pose = Pose(**{channel: value}).to_array()[None]
    exp_delta, angles = apply_pose(prepared.info, pose)

    x_d = engine.wrapper.driving_keypoints(
        prepared.info, torch.from_numpy(exp_delta), torch.from_numpy(angles)
    )

    moved = (x_d[0] - prepared.x_s[0]).abs().amax(dim=1) > 0
    assert set(torch.nonzero(moved).flatten().tolist()) == MOVED[channel]


def test_mouth_open_lowers_the_jaw_by_the_table_amount(engine: LivePortraitEngine) -> None:
    prepared = engine.prepare(portrait()).prepared
    x_rest = engine.wrapper.driving_keypoints(prepared.info, torch.zeros(1, 21, 3),
                                              torch.zeros(1, 3))
    pose = Pose(mouth_open=1.0).to_array()[None]
    exp_delta, angles = apply_pose(prepared.info, pose)
    x_d = engine.wrapper.driving_keypoints(
        prepared.info, torch.from_numpy(exp_delta), torch.from_numpy(angles)
    )

    torch.testing.assert_close(x_rest, prepared.x_s, rtol=0, atol=0)
    scale = float(prepared.info.scale[0])
    assert float(x_d[0, 19, 1] - x_rest[0, 19, 1]) == pytest.approx(scale * 0.1, rel=1e-4)


def _rotation(pitch: float, yaw: float, roll: float) -> np.ndarray:
    """Column-vector rotation Rz·Ry·Rx from degrees (fact sheet §3.2)."""
    a, b, c = (math.radians(v) for v in (pitch, yaw, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


def test_head_yaw_rotates_all_keypoints_about_the_source_pose(engine: LivePortraitEngine) -> None:
    prepared = engine.prepare(portrait()).prepared
    info = prepared.info
    angles = torch.tensor([[0.0, -15.0, 0.0]])  # model yaw −15 = 15° toward screen right

    x_d = engine.wrapper.driving_keypoints(info, torch.zeros(1, 21, 3), angles)

    pitch, yaw, roll = (float(v[0]) for v in (info.pitch, info.yaw, info.roll))
    rot = _rotation(pitch, yaw - 15.0, roll)
    kp, exp = info.kp[0].double().numpy(), info.exp[0].double().numpy()
    expected = float(info.scale[0]) * (kp @ rot.T + exp)
    expected[:, :2] += info.t[0, :2].double().numpy()
    np.testing.assert_allclose(x_d[0].double().numpy(), expected, atol=1e-4)


def test_stitching_can_be_switched_off(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    stitched = _engine(networks, models_dir, tmp_path)
    plain = _engine(networks, models_dir, tmp_path, stitching=False)
    rest = np.zeros((1, 12))

    prepared = plain.prepare(portrait()).prepared

    torch.testing.assert_close(plain.driving_keypoints(prepared, rest), prepared.x_s)
    assert not torch.equal(stitched.driving_keypoints(prepared, rest), prepared.x_s)


def test_second_prepare_hits_memory_then_disk_in_a_fresh_engine(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    first = _engine(networks, models_dir, tmp_path)
    image = portrait()
    original = first.prepare(image)
    again = first.prepare(image.copy())
    assert first.cache.stats == {"memory_hits": 1, "disk_hits": 0, "misses": 1}
    assert again.prepared is original.prepared

    fresh = _engine(networks, models_dir, tmp_path)
    loaded = fresh.prepare(image)

    assert fresh.cache.stats == {"memory_hits": 0, "disk_hits": 1, "misses": 0}
    assert torch.equal(loaded.prepared.f_s, original.prepared.f_s)
    assert torch.equal(loaded.prepared.x_s, original.prepared.x_s)
    assert loaded.face_box == original.face_box
    assert loaded.prepared.crop == original.prepared.crop
    np.testing.assert_array_equal(
        fresh.render(loaded, [Pose(smile=0.5)])[0], first.render(original, [Pose(smile=0.5)])[0]
    )


def test_corrupt_cache_entry_is_ignored_and_rebuilt(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    image = portrait()
    source = _engine(networks, models_dir, tmp_path).prepare(image)
    entry = _engine(networks, models_dir, tmp_path).cache.path(source.image_hash)
    assert entry is not None and entry.is_file()
    entry.write_bytes(entry.read_bytes()[:1000])

    fresh = _engine(networks, models_dir, tmp_path)
    with caplog.at_level(logging.WARNING, logger="avatar.animator"):
        rebuilt = fresh.prepare(image)

    assert fresh.cache.stats["misses"] == 1
    assert "ignoring unreadable portrait cache" in caplog.text
    assert torch.equal(rebuilt.prepared.f_s, source.prepared.f_s)
    assert _engine(networks, models_dir, tmp_path).prepare(image).prepared is not None
    assert entry.stat().st_size > 1000


def test_other_weights_do_not_share_cache_entries(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    engine = _engine(networks, models_dir, tmp_path)
    wider = _engine(networks, models_dir, tmp_path, crop_scale=2.5)

    assert engine.cache.key("abc") != wider.cache.key("abc")


@pytest.fixture
def nan_under_autocast(networks: LivePortraitNetworks) -> Iterator[list[bool]]:
    """Make the decoder return NaN while autocast is on (as fp16 overflow does on some GPUs)."""
    calls: list[bool] = []

    def hook(_module: object, _inputs: object, output: torch.Tensor) -> torch.Tensor | None:
        mixed = torch.is_autocast_enabled("cpu")
        calls.append(mixed)
        return output * float("nan") if mixed else None

    handle = networks.spade_generator.register_forward_hook(hook)
    yield calls
    handle.remove()


def test_nan_in_mixed_precision_is_retried_in_float32(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path,
    nan_under_autocast: list[bool], caplog: pytest.LogCaptureFixture,
) -> None:
    engine = _engine(networks, models_dir, tmp_path, precision="bfloat16")
    assert engine.info.dtype == "bfloat16"
    source = engine.prepare(portrait())

    with caplog.at_level(logging.WARNING, logger="avatar.animator"):
        frames = engine.render(source, [Pose(smile=1.0), Pose()])

    assert nan_under_autocast == [True, False]
    assert "rendering in float32 from now on" in caplog.text
    assert engine.info.dtype == "float32"
    face = (slice(150, 300), slice(260, 380))
    assert np.abs(frames[0][face].astype(int) - source.image[face].astype(int)).mean() > 5


def test_nan_in_float32_raises_a_clear_error(
    networks: LivePortraitNetworks, models_dir: Path, tmp_path: Path
) -> None:
    engine = _engine(networks, models_dir, tmp_path)
    source = engine.prepare(portrait())

    def always_nan(_module: object, _inputs: object, output: torch.Tensor) -> torch.Tensor:
        return output * float("nan")

    handle = networks.spade_generator.register_forward_hook(always_nan)
    try:
        with pytest.raises(RenderError, match=r"1 NaN or black frames in float32.*models verify"):
            engine.render(source, [Pose()])
    finally:
        handle.remove()


def test_portrait_without_a_face_is_refused(
    networks: LivePortraitNetworks, tmp_path: Path
) -> None:
    models = build_face_models(tmp_path, [FACE], DET_SCALE)
    build_detector(models / "insightface/models/buffalo_l/det_10g.onnx", [], DET_SCALE)
    engine = LivePortraitEngine(
        networks, FaceAnalyzer.from_models_dir(models), device="cpu",
        options=LivePortraitOptions(input_size=TINY_INPUT, disk_cache=False),
    )

    with pytest.raises(NoFaceError, match="no face found"):
        engine.prepare(portrait())


def test_several_faces_are_noted(networks: LivePortraitNetworks, tmp_path: Path) -> None:
    other = SyntheticFace(cx=560, cy=80, width=60, height=70)
    engine = LivePortraitEngine(
        networks, face_analyzer(tmp_path, [FACE, other]), device="cpu",
        options=LivePortraitOptions(input_size=TINY_INPUT, disk_cache=False),
    )

    source = engine.prepare(portrait())

    assert len(source.notes) == 1 and source.notes[0].startswith(
        "2 faces found; animating face 1 (the largest clear one)"
    )
    assert source.face_box == (240, 120, 400, 320)


def test_bad_image_arrays_are_rejected(engine: LivePortraitEngine) -> None:
    with pytest.raises(ValueError, match=r"\(H, W, 3\) uint8"):
        engine.prepare(np.zeros((480, 640), np.uint8))
    with pytest.raises(ValueError, match=r"\(H, W, 3\) uint8"):
        engine.prepare(np.zeros((480, 640, 3), np.float32))


def test_plain_sources_are_prepared_on_the_fly(engine: LivePortraitEngine) -> None:
    image = portrait()
    plain = Source(image=image, face_box=(0, 0, 1, 1))

    frames = engine.render(plain, [Pose(wink=1.0)])

    assert frames[0].shape == image.shape
    assert engine.render(plain, []) == []


def test_missing_weights_name_every_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelsMissingError) as caught:
        LivePortraitEngine.from_models_dir(tmp_path / "empty", device="cpu")

    message = str(caught.value)
    assert caught.value.missing == [f.path for f in liveportrait_files().files]
    assert "avatar models download" in message
    assert "--models-dir" in message


def _published_weights_present() -> bool:
    return verify(default_models_dir(), check_hash=False).ok


@pytest.mark.slow
@pytest.mark.skipif(not _published_weights_present(), reason="published weights not downloaded")
def test_published_weights_turn_the_head_toward_the_screen_directions() -> None:
    """Checks the yaw/pitch sign conventions (expressions.py) on the real model.

    The detector's nose keypoint moves toward screen right when the head turns right, and up
    toward the eyes when the head tilts up.
    """
    engine = LivePortraitEngine.from_models_dir(options=LivePortraitOptions(disk_cache=False))
    assert engine.info.real_weights
    image = load_portrait(Path(__file__).resolve().parents[2] / "assets" / "portrait.png")
    source = engine.prepare(image)
    poses = [Pose(head_yaw=-20), Pose(head_yaw=20), Pose(head_pitch=-15), Pose(head_pitch=15)]

    def nose_from_eyes(frame: np.ndarray) -> np.ndarray:
        kps = engine.face.detect(frame)[0].kps
        return kps[2] - kps[:2].mean(0)

    left, right, down, up = (nose_from_eyes(frame) for frame in engine.render(source, poses))

    assert right[0] > left[0] + 2
    assert up[1] < down[1] - 1
