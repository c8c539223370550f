"""The fallback engine as other packages meet it: its info, portraits of any size and file
format, bad input, and sources prepared elsewhere."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from animator.errors import NoFaceError, PortraitError
from animator.fallback import FallbackEngine, FallbackSource
from contracts.engine import Engine, Source
from contracts.pose import Pose
from tests.fallback._helpers import PORTRAIT

POSES = [
    Pose(),
    Pose(smile=1.0, mouth_open=0.7, wink=1.0),
    Pose(head_yaw=-25, head_pitch=20, head_roll=-20, eye_open=-1.0, eyebrow=1.0, gaze_x=1.0),
]


def test_info_announces_the_fallback(engine: FallbackEngine) -> None:
    info = engine.info
    assert isinstance(engine, Engine)
    assert (info.name, info.device, info.dtype) == ("fallback", "cpu", "float32")
    assert info.fallback and not info.real_weights
    assert "avatar models download" in info.note
    assert info.status_line().startswith("FALLBACK engine")


def _assert_renders_like_input(engine: FallbackEngine, image: np.ndarray) -> None:
    source = engine.prepare(image)
    frames = engine.render(source, POSES)
    assert len(frames) == len(POSES)
    for frame in frames:
        assert frame.shape == image.shape and frame.dtype == np.uint8
    assert np.array_equal(frames[0], image)
    assert not np.array_equal(frames[1], image) and not np.array_equal(frames[2], image)


@pytest.mark.parametrize(
    ("top", "bottom", "left", "right"),
    [(0, 0, 0, 0), (37, 120, 0, 257), (0, 0, 95, 0), (101, 0, 63, 140)],
    ids=["square", "tall-odd", "wide-odd", "both-odd"],
)
def test_any_size_renders_frames_of_the_same_shape(
    engine: FallbackEngine, portrait: np.ndarray, top: int, bottom: int, left: int, right: int
) -> None:
    padded = cv2.copyMakeBorder(portrait, top, bottom, left, right, cv2.BORDER_REFLECT)
    _assert_renders_like_input(engine, np.ascontiguousarray(padded))


def test_cropped_portrait_with_face_near_the_edge(
    engine: FallbackEngine, portrait: np.ndarray
) -> None:
    """The head region is clipped by the image border; frames keep their odd size."""
    _assert_renders_like_input(engine, np.ascontiguousarray(portrait[30:331, 150:301]))


def _save(image: np.ndarray, path: Path, mode: str, **kwargs: object) -> Path:
    picture = Image.fromarray(image)
    if mode == "RGBA":
        alpha = np.full(image.shape[:2], 255, np.uint8)
        alpha[:50, :50] = 0  # a transparent corner, composited on white by load_portrait
        picture = picture.convert("RGBA")
        picture.putalpha(Image.fromarray(alpha))
    else:
        picture = picture.convert(mode)
    picture.save(path, **kwargs)
    return path


def test_greyscale_and_rgba_files(
    engine: FallbackEngine, portrait: np.ndarray, tmp_path: Path
) -> None:
    for mode, name in (("L", "grey.png"), ("RGBA", "alpha.png"), ("RGB", "photo.jpg")):
        source = engine.prepare_path(_save(portrait, tmp_path / name, mode))
        assert source.image.shape == portrait.shape
        frames = engine.render(source, POSES)
        assert all(f.shape == portrait.shape and f.dtype == np.uint8 for f in frames)
        assert np.array_equal(frames[0], source.image)
        assert source.landmarks is not None and source.landmarks.eyes_found
        if mode == "RGBA":
            assert (source.image[:50, :50] == 255).all()
        if mode == "L":
            assert (source.image[..., 0] == source.image[..., 2]).all()


def test_exif_rotated_jpeg_is_animated_upright(
    engine: FallbackEngine, portrait: np.ndarray, tmp_path: Path
) -> None:
    """Pixels stored sideways with EXIF orientation 6 (rotate 90° clockwise to view)."""
    sideways = np.ascontiguousarray(np.rot90(portrait[:, :480], k=1))  # 480 wide, stored rotated
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(sideways).save(path, quality=95, exif=exif)
    source = engine.prepare_path(path)
    assert source.image.shape == (512, 480, 3)
    lm = source.landmarks
    assert lm is not None
    assert lm.left_eye[1] < lm.mouth_center[1] and lm.left_eye[0] < lm.right_eye[0]
    frames = engine.render(source, POSES)
    assert all(f.shape == (512, 480, 3) for f in frames)


def test_file_without_a_face_names_the_file(engine: FallbackEngine, tmp_path: Path) -> None:
    path = tmp_path / "sky.png"
    Image.fromarray(np.full((200, 300, 3), (120, 170, 230), np.uint8)).save(path)
    with pytest.raises(NoFaceError, match=r"sky\.png: no face found\. Use a photo with one"):
        engine.prepare_path(path)


def test_unreadable_file_is_a_portrait_error(engine: FallbackEngine, tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture")
    with pytest.raises(PortraitError, match=r"notes\.png: not a readable image") as info:
        engine.prepare_path(path)
    assert not isinstance(info.value, NoFaceError)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((64, 64), np.uint8),
        np.zeros((64, 64, 4), np.uint8),
        np.zeros((64, 64, 3), np.float32),
        [[0, 0, 0]],
    ],
    ids=["grey-array", "rgba-array", "float-array", "list"],
)
def test_wrong_arrays_are_rejected_clearly(engine: FallbackEngine, image: object) -> None:
    with pytest.raises(PortraitError, match=r"snapshot\.png: expected an \(H, W, 3\) uint8"):
        engine.prepare(image, name="snapshot.png")  # type: ignore[arg-type]


def test_no_face_in_an_array_says_image(engine: FallbackEngine) -> None:
    with pytest.raises(NoFaceError, match=r"^image: no face found\."):
        engine.prepare(np.full((128, 128, 3), 30, np.uint8))


def test_renders_a_plain_source_prepared_elsewhere(
    engine: FallbackEngine, portrait: np.ndarray, source: FallbackSource
) -> None:
    """Another engine's `Source` (no rig) renders the same frames as the fallback's own."""
    plain = Source(image=portrait.copy(), face_box=source.face_box)
    pose = Pose(smile=0.8, head_yaw=10)
    fresh = FallbackEngine()
    assert np.array_equal(fresh.render(plain, [pose])[0], engine.render(source, [pose])[0])


def test_prepare_path_matches_prepare(engine: FallbackEngine, source: FallbackSource) -> None:
    from_file = engine.prepare_path(PORTRAIT)
    assert from_file.image_hash == source.image_hash
    assert from_file.landmarks == source.landmarks
    assert from_file.size == (512, 512)


def test_caller_edits_after_prepare_do_not_leak_in(
    engine: FallbackEngine, portrait: np.ndarray
) -> None:
    image = portrait.copy()
    source = engine.prepare(image)
    image[:] = 0
    assert np.array_equal(engine.render(source, [Pose()])[0], portrait)
    assert np.array_equal(source.image, portrait)
