"""Crop transform math, the feather mask, and paste-back exactness."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from animator.liveportrait.crop import (
    CropTransform,
    PasteBack,
    apply_affine,
    crop_transform,
    feather_mask,
    warp_crop,
)
from tests.liveportrait.face_onnx_models import SyntheticFace

FACE = SyntheticFace(cx=300, cy=260, width=160, height=200)


def _rotate(points: np.ndarray, degrees: float, pivot: tuple[float, float]) -> np.ndarray:
    t = math.radians(degrees)
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    return (points - pivot) @ rot.T + pivot


def test_upright_face_gives_the_expected_square() -> None:
    transform = crop_transform(FACE.landmarks203(), dsize=512, scale=2.3, vy_ratio=-0.125)

    side = 2.3 * 200  # the landmarks span the 160×200 outline ellipse
    assert transform.angle == 0.0
    assert transform.size == pytest.approx(side)
    assert transform.center == pytest.approx((300, 260 - 0.125 * side))
    assert transform.dsize == 512


def test_rotated_face_recovers_the_angle() -> None:
    lmk = _rotate(FACE.landmarks203(), 30.0, (FACE.cx, FACE.cy))

    transform = crop_transform(lmk, dsize=512, scale=2.3, vy_ratio=-0.125)

    side = 2.3 * 200
    up = np.array([math.sin(math.radians(30)), -math.cos(math.radians(30))])  # face's "up"
    assert transform.angle == pytest.approx(math.radians(30))
    assert transform.size == pytest.approx(side)
    np.testing.assert_allclose(transform.center, (300, 260) + up * 0.125 * side, atol=1e-9)


def test_106_point_layout_uses_its_own_anchor_indices() -> None:
    lmk = _rotate(FACE.landmarks106(), -20.0, (0.0, 0.0))

    transform = crop_transform(lmk, dsize=224, scale=1.5, vy_ratio=-0.1)

    assert transform.angle == pytest.approx(math.radians(-20))


def test_matrices_are_inverse_and_map_points_there_and_back() -> None:
    transform = CropTransform(center=(310.5, 222.25), size=401.0, angle=0.4, dsize=512)

    np.testing.assert_allclose(transform.o2c @ transform.c2o, np.eye(3), atol=1e-12)
    point = np.array([[123.0, 456.0]])
    back = apply_affine(transform.c2o, apply_affine(transform.o2c, point))
    np.testing.assert_allclose(back, point, atol=1e-9)
    np.testing.assert_allclose(apply_affine(transform.o2c, [[310.5, 222.25]]), [[256, 256]])


def test_crop_of_a_rotated_photo_is_upright() -> None:
    image = np.zeros((600, 600, 3), np.uint8)
    image[200:260, 250:350] = 255  # a bright bar above the face centre
    lmk = FACE.landmarks203()
    upright = warp_crop(image, crop_transform(lmk, dsize=256, scale=2.3, vy_ratio=-0.125))

    rot = np.array([[math.cos(0.5), -math.sin(0.5)], [math.sin(0.5), math.cos(0.5)]])
    pivot = np.array([300.0, 300.0])
    affine = np.hstack([rot, (pivot - rot @ pivot)[:, None]])
    turned = cv2.warpAffine(image, affine, (600, 600), flags=cv2.INTER_LINEAR)
    lmk_turned = lmk @ rot.T + (pivot - rot @ pivot)
    crop = warp_crop(turned, crop_transform(lmk_turned, dsize=256, scale=2.3, vy_ratio=-0.125))

    assert np.abs(crop.astype(int) - upright.astype(int)).mean() < 3.0


def test_feather_mask_ramp_values() -> None:
    mask = feather_mask(512, 16)

    ramp = np.rint(mask[256, :17] * 255).astype(int).tolist()
    assert ramp == [0, 15, 31, 47, 63, 79, 95, 111, 127, 143, 159, 175, 191, 207, 223, 239, 255]
    assert np.rint(mask[256, -16:] * 255).astype(int).tolist() == ramp[:16][::-1]
    assert mask[16:496, 16:496].min() == 1.0
    assert mask[0].max() == 0.0 and mask[:, 511].max() == 0.0
    assert mask[3, 10] == mask[3, 3]  # corners: the nearer edge wins


def _smooth_image(height: int, width: int) -> np.ndarray:
    ys, xs = np.mgrid[:height, :width].astype(np.float64)
    return np.stack([40 + 0.25 * xs, 30 + 0.3 * ys, 200 - 0.1 * xs - 0.1 * ys], -1).astype(np.uint8)


def _square_coordinates(
    transform: CropTransform, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Each photo pixel's position along the crop square's own axes, from its centre, by hand."""
    ys, xs = np.mgrid[: shape[0], : shape[1]].astype(np.float64)
    dx, dy = xs - transform.center[0], ys - transform.center[1]
    cos, sin = math.cos(transform.angle), math.sin(transform.angle)
    return dx * cos + dy * sin, -dx * sin + dy * cos


def test_pasting_the_unchanged_crop_keeps_the_photo() -> None:
    image = _smooth_image(700, 800)
    transform = CropTransform(center=(400.0, 350.0), size=512.0, angle=0.3, dsize=512)
    crop = warp_crop(image, transform)

    out = PasteBack.build(transform, image.shape).paste(image, crop)

    assert np.abs(out.astype(int) - image.astype(int)).max() <= 1


def test_pixels_outside_the_mask_are_exactly_unchanged() -> None:
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    transform = CropTransform(center=(330.0, 210.0), size=300.0, angle=-0.2, dsize=512)
    paste = PasteBack.build(transform, image.shape)
    crop = np.full((512, 512, 3), 255, np.uint8)

    out = paste.paste(image, crop)

    x0, y0, x1, y1 = paste.roi
    full_mask = np.zeros(image.shape[:2], np.float32)
    full_mask[y0:y1, x0:x1] = paste.mask[..., 0]
    outside = full_mask == 0
    np.testing.assert_array_equal(out[outside], image[outside])
    inside = full_mask == 1
    assert inside.sum() > 0.9 * (300 - 2 * 16 * 300 / 512) ** 2
    assert (out[inside] == 255).all()
    # the same, judged from the square itself: bilinear sampling reaches one pixel past its edge,
    # and the crop is fully opaque from 16 crop pixels (16 * 300 / 512 photo pixels) inside it
    along, across = _square_coordinates(transform, image.shape)
    reach = np.maximum(np.abs(along), np.abs(across))
    beyond = reach > 150 + 1
    np.testing.assert_array_equal(out[beyond], image[beyond])
    opaque = reach < 150 - 16 * 300 / 512 - 1
    assert (out[opaque] == 255).all()


def test_paste_near_the_border_is_clipped_to_the_photo() -> None:
    image = _smooth_image(300, 400)
    transform = CropTransform(center=(20.0, 280.0), size=200.0, angle=0.0, dsize=512)
    paste = PasteBack.build(transform, image.shape)

    out = paste.paste(image, np.zeros((512, 512, 3), np.uint8))

    assert paste.roi == (0, 179, 121, 300)
    np.testing.assert_array_equal(out[:, 121:], image[:, 121:])
    assert out[290, 10].max() == 0


def _noise(height: int, width: int, seed: int) -> np.ndarray:
    """Sharp, asymmetric content: any pixel landing one place off shows."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


#: Known answers by hand: side 512 at dsize 512 is scale 1, so crop pixel (u, v) is photo pixel
#: (u + 400 - 256, v + 300 - 256) = (u + 144, v + 44).
UNIT = CropTransform(center=(400.0, 300.0), size=512.0, angle=0.0, dsize=512)
#: The feather weights of the fact sheet, i pixels from the crop's edge, i = 0..16.
RAMP = [0, 15, 31, 47, 63, 79, 95, 111, 127, 143, 159, 175, 191, 207, 223, 239, 255]


def test_a_unit_scale_crop_is_a_plain_slice_of_the_photo() -> None:
    image = _noise(700, 800, 0)

    np.testing.assert_array_equal(warp_crop(image, UNIT), image[44:556, 144:656])


def test_paste_puts_each_crop_pixel_on_its_own_photo_pixel() -> None:
    image, crop = _noise(700, 800, 1), _noise(512, 512, 2)

    out = PasteBack.build(UNIT, image.shape).paste(image, crop)

    np.testing.assert_array_equal(out[60:540, 160:640], crop[16:496, 16:496])
    untouched = np.ones(image.shape[:2], bool)
    untouched[44:556, 144:656] = False
    np.testing.assert_array_equal(out[untouched], image[untouched])
    base, new = image[300].astype(np.float64), crop[256].astype(np.float64)
    for i, weight in enumerate(RAMP):
        for x, u in ((144 + i, i), (655 - i, 511 - i)):  # left and right edge of row v = 256
            expected = base[x] + weight / 255 * (new[u] - base[x])
            assert np.abs(out[300, x] - expected).max() <= 0.51, (i, x)


def test_paste_of_a_quarter_turned_crop_lands_on_the_turned_pixels() -> None:
    image, crop = _noise(700, 800, 3), _noise(512, 512, 4)
    turned = CropTransform(center=(400.0, 300.0), size=512.0, angle=math.pi / 2, dsize=512)
    # the crop's +x axis points down the photo: crop (u, v) is photo (656 - v, u + 44)

    out = PasteBack.build(turned, image.shape).paste(image, crop)

    inner = crop[16:496, 16:496]
    np.testing.assert_array_equal(out[60:540, 161:641], inner[::-1].transpose(1, 0, 2))
    untouched = np.ones(image.shape[:2], bool)
    untouched[44:556, 145:657] = False
    np.testing.assert_array_equal(out[untouched], image[untouched])

