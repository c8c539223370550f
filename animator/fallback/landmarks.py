"""Find one face and its eyes, brows and mouth with OpenCV's bundled Haar cascades.

No model download: the cascades ship inside opencv-python (`cv2.data.haarcascades`). A Haar face
hit alone is not trusted (blurred noise fools it), so a face must be found by two cascades that
agree. Eyes and mouth come from their own cascades when those give a plausible answer and from
standard facial proportions otherwise; image analysis then refines the iris centres, brow heights
and the lip line where the evidence is clear.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict

from animator.errors import NoFaceError
from animator.faces import choose_face, left_to_right
from animator.fallback import _refine

log = logging.getLogger("avatar.animator")

Point = tuple[float, float]
Box = tuple[int, int, int, int]

DETECT_SIDE = 512  # images are scaled so their longest side is this before face detection
FEATURE_WIDTH = 160  # face crops are scaled to this width before eye/mouth detection
MIN_FACE_PX = 24  # smallest face the detector looks for, in pixels of the detection image
MIN_FACE_SHARE = 0.07  # ... and as a share of its longest side (portraits, not crowds)
MIN_NEIGHBOURS = 3  # cascade grouping threshold; the real test is the agreement score below
MIN_AGREEMENT = 36  # neighbours of both cascades together: noise scores < 25, faces 60-80
MIN_SECOND = 8  # ... of which the second cascade must contribute at least this many
MIN_OVERLAP = 0.4  # intersection-over-union for two cascades' boxes to count as one face

# Standard facial proportions of the Haar face box (fractions of its width / height).
EYE_X = (0.30, 0.70)
EYE_Y = 0.38
BROW_Y = 0.28
MOUTH_Y = 0.78
MOUTH_HALF_WIDTH = 0.22
EYE_WIDTH = 0.21
EYE_ASPECT = 0.4  # eye opening height / width
CHIN_Y = 1.05


class FaceLandmarks(BaseModel):
    """Where the animated face's features are, in original-image pixels (x right, y down).

    "left"/"right" are screen sides: `left_eye` has the smaller x.

    Attributes:
        face_box: (x0, y0, x1, y1) of the Haar face box (roughly brows to lower lip).
        left_eye, right_eye: iris centres.
        eye_size: (width, height) of one eye opening.
        left_brow, right_brow: brow centres.
        brow_width: length of one brow.
        mouth_left, mouth_right: mouth corners.
        mouth_center: the middle of the lip line (where the lips part).
        chin: bottom of the chin.
        eyes_found: True when the eye cascade located both eyes (else proportions).
        mouth_found: True when the smile cascade located the mouth (else proportions).
    """

    model_config = ConfigDict(frozen=True)

    face_box: Box
    left_eye: Point
    right_eye: Point
    eye_size: Point
    left_brow: Point
    right_brow: Point
    brow_width: float
    mouth_left: Point
    mouth_right: Point
    mouth_center: Point
    chin: Point
    eyes_found: bool = False
    mouth_found: bool = False

    @property
    def face_width(self) -> float:
        """Width of the face box in pixels."""
        return float(self.face_box[2] - self.face_box[0])

    @property
    def face_height(self) -> float:
        """Height of the face box in pixels."""
        return float(self.face_box[3] - self.face_box[1])

    @property
    def mouth_width(self) -> float:
        """Corner-to-corner mouth width in pixels."""
        return float(np.hypot(*np.subtract(self.mouth_right, self.mouth_left)))

    def translated(self, dx: float, dy: float) -> FaceLandmarks:
        """The same landmarks in a frame whose origin is (dx, dy) in this one."""
        shifted: dict[str, object] = {}
        for key, value in self.model_dump().items():
            if key == "face_box":
                x0, y0, x1, y1 = value
                shifted[key] = (round(x0 - dx), round(y0 - dy), round(x1 - dx), round(y1 - dy))
            elif isinstance(value, tuple) and key != "eye_size":
                shifted[key] = (value[0] - dx, value[1] - dy)
            else:
                shifted[key] = value
        return FaceLandmarks(**shifted)


def detect_landmarks(
    image: np.ndarray, name: str = "image", face: int | None = None
) -> tuple[FaceLandmarks, list[str]]:
    """Locate a face in `image` (the largest, or face number `face`) and its features.

    Args:
        image: (H, W, 3) uint8 RGB portrait.
        name: the file name (or "image") used in error messages and notes.
        face: the face to animate, numbered from 1 left to right (`animator.faces`); None
            animates the largest.

    Returns:
        (landmarks, notes): notes tell the user about choices made, e.g. several faces.

    Raises:
        NoFaceError: no face the two cascades agree on.
        PortraitError: there is no face number `face`.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    faces = _find_faces(gray)
    if not faces:
        raise NoFaceError(
            f"{name}: no face found. Use a photo with one clearly visible, front-facing face."
        )
    largest = max(range(len(faces)), key=lambda i: _area(faces[i]))
    chosen, notes = choose_face(faces, face, largest, None if name == "image" else name)
    return _features(image, gray, faces[chosen]), notes


def find_face_boxes(image: np.ndarray) -> list[Box]:
    """Every face box (x0, y0, x1, y1) in `image` ((H, W, 3) uint8 RGB) in face-number order:
    the box of face N is item N - 1."""
    faces = _find_faces(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY))
    return [faces[i] for i in left_to_right(faces)]


def _area(box: Box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


@cache
def _cascade(filename: str) -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / filename
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise RuntimeError(
            f"{path}: OpenCV's bundled Haar cascade is missing or unreadable. "
            "Reinstall opencv-python-headless."
        )
    return cascade


def _detect(
    cascade: str, gray: np.ndarray, min_size: int, neighbours: int = MIN_NEIGHBOURS
) -> list[tuple[np.ndarray, int]]:
    """Boxes (x, y, w, h) with their neighbour counts."""
    boxes, counts = _cascade(cascade).detectMultiScale2(
        gray, scaleFactor=1.1, minNeighbors=neighbours, minSize=(min_size, min_size)
    )
    return [(np.asarray(b), int(n)) for b, n in zip(boxes, counts, strict=True)]


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return float(inter / (a[2] * a[3] + b[2] * b[3] - inter))


def _find_faces(gray: np.ndarray) -> list[Box]:
    """Face boxes (x0, y0, x1, y1) in original pixels that both frontal cascades agree on.

    The second cascade only re-checks the neighbourhood of each first-cascade hit, which costs a
    fraction of a second full-image pass.
    """
    scale = DETECT_SIDE / max(gray.shape)
    # no histogram equalisation here: it lifts blurred noise into face-like patterns, while
    # the cascades normalise each window's contrast themselves
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    min_face = max(MIN_FACE_PX, round(MIN_FACE_SHARE * DETECT_SIDE))
    faces: list[Box] = []
    for box, count in _detect("haarcascade_frontalface_default.xml", small, min_face):
        second = _second_opinion(small, box)
        if second >= MIN_SECOND and second + count >= MIN_AGREEMENT:
            x, y, w, h = (box / scale).round().astype(int).tolist()
            faces.append((x, y, x + w, y + h))
    log.debug("faces agreed on: %s", faces)
    return faces


def _second_opinion(small: np.ndarray, box: np.ndarray) -> int:
    """Neighbour count of the alt2 cascade's best match to `box` (0 when it sees no face there)."""
    x, y, w, h = (int(v) for v in box)
    margin = w // 3
    x0, y0 = max(0, x - margin), max(0, y - margin)
    crop = small[y0 : y + h + margin, x0 : x + w + margin]
    best = 0
    for other, count in _detect("haarcascade_frontalface_alt2.xml", crop, max(MIN_FACE_PX, w // 2)):
        other = other + np.array([x0, y0, 0, 0])
        if _iou(box, other) >= MIN_OVERLAP:
            best = max(best, count)
    return best


def _features(image: np.ndarray, gray: np.ndarray, box: Box) -> FaceLandmarks:
    """Eyes, brows, mouth and chin of the face in `box`, from a crop scaled to FEATURE_WIDTH."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    bottom = min(gray.shape[0], y1 + round(0.15 * height))
    k = FEATURE_WIDTH / width
    interpolation = cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC
    crop = cv2.resize(gray[y0:bottom, x0:x1], None, fx=k, fy=k, interpolation=interpolation)
    crop = cv2.equalizeHist(crop)
    colour = cv2.resize(image[y0:bottom, x0:x1], None, fx=k, fy=k, interpolation=interpolation)
    fw, fh = float(FEATURE_WIDTH), height * k

    eyes = _eye_pair(crop, fw, fh)
    eyes_found = eyes is not None
    if eyes is None:
        eye_w = EYE_WIDTH * fw
        eyes = ((EYE_X[0] * fw, EYE_Y * fh), (EYE_X[1] * fw, EYE_Y * fh), eye_w)
    left, right, eye_w = eyes
    eye_h = EYE_ASPECT * eye_w
    left = _refine.iris_centre(crop, left, eye_w, eye_h)
    right = _refine.iris_centre(crop, right, eye_w, eye_h)

    brow_dy = (EYE_Y - BROW_Y) * fh
    brows = [_refine.brow_height(crop, eye, eye_w, brow_dy) for eye in (left, right)]

    mid_x = (left[0] + right[0]) / 2
    mouth = _mouth(crop, mid_x, fw, fh)
    mouth_found = mouth is not None
    if mouth is None:
        half = MOUTH_HALF_WIDTH * fw
        mouth = ((mid_x - half, MOUTH_Y * fh), (mid_x + half, MOUTH_Y * fh))
    seam_y = _refine.lip_line(colour, mouth, fh)

    def out(p: Point) -> Point:
        return (x0 + p[0] / k, y0 + p[1] / k)

    mouth_mid = ((mouth[0][0] + mouth[1][0]) / 2, seam_y)
    chin_y = max(CHIN_Y * fh, seam_y + 0.2 * fh)
    return FaceLandmarks(
        face_box=box,
        left_eye=out(left),
        right_eye=out(right),
        eye_size=(eye_w / k, eye_h / k),
        left_brow=out(brows[0]),
        right_brow=out(brows[1]),
        brow_width=1.15 * eye_w / k,
        mouth_left=out(mouth[0]),
        mouth_right=out(mouth[1]),
        mouth_center=out(mouth_mid),
        chin=out((mouth_mid[0], chin_y)),
        eyes_found=eyes_found,
        mouth_found=mouth_found,
    )


def _eye_pair(crop: np.ndarray, fw: float, fh: float) -> tuple[Point, Point, float] | None:
    """(left centre, right centre, eye width) from the eye cascade, or None if implausible."""
    upper = crop[: round(0.62 * fh)]
    found = _detect("haarcascade_eye.xml", upper, round(0.1 * fw), neighbours=4)
    centres = []
    for (x, y, w, h), _ in found:
        cx, cy = x + w / 2, y + h / 2
        if 0.12 * fw <= w <= 0.42 * fw and 0.2 * fh <= cy <= 0.55 * fh:
            centres.append((cx, cy, float(w)))
    best = None
    for a in centres:
        for b in centres:
            gap = b[0] - a[0]
            if (
                a[0] < fw / 2 < b[0]
                and 0.25 * fw <= gap <= 0.65 * fw
                and abs(a[1] - b[1]) < 0.12 * fh
            ):
                # level, centred, and at eye height (a pair of brows is level and centred too)
                score = (
                    abs(a[1] - b[1])
                    + abs((a[0] + b[0]) / 2 - fw / 2)
                    + abs((a[1] + b[1]) / 2 - EYE_Y * fh)
                )
                if best is None or score < best[0]:
                    best = (score, a, b)
    if best is None:
        log.info("eye cascade found no plausible pair; using facial proportions")
        return None
    _, a, b = best
    eye_w = float(np.clip(0.8 * (a[2] + b[2]) / 2, 0.16 * fw, 0.26 * fw))
    return (a[0], a[1]), (b[0], b[1]), eye_w


def _mouth(crop: np.ndarray, mid_x: float, fw: float, fh: float) -> tuple[Point, Point] | None:
    """The two mouth corners from the smile cascade, or None if it finds nothing plausible."""
    top = round(0.6 * fh)
    found = _detect("haarcascade_smile.xml", crop[top:], round(0.2 * fw), neighbours=8)
    best = None
    for (x, y, w, h), _ in found:
        cx, cy = x + w / 2, top + y + h / 2
        plausible = (
            abs(cx - mid_x) < 0.12 * fw
            and 0.68 * fh <= cy <= 0.92 * fh
            and 0.3 * fw <= w <= 0.75 * fw
        )
        if plausible:
            miss = abs(cx - mid_x) / fw + abs(cy - MOUTH_Y * fh) / fh
            if best is None or miss < best[0]:
                best = (miss, cx, cy - 0.15 * h, float(w))
    if best is None:
        log.info("smile cascade found no plausible mouth; using facial proportions")
        return None
    _, cx, cy, w = best
    half = float(np.clip(0.36 * w, 0.16 * fw, 0.3 * fw))
    return (cx - half, cy), (cx + half, cy)
