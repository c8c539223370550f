"""Unit displacement fields of the expression channels, built once per portrait.

Each builder takes landmarks in ROI pixels and returns the fields for the channel at value 1 (or
at one closure level for eyelids); the renderer scales and sums (or composes) them. Sizes are
fractions of the face box, so the same expression reads the same on small and large faces, and
every amplitude is kept below the fold limit of its profile (a backward map must stay monotonic
to avoid tearing).
"""

from __future__ import annotations

import cv2
import numpy as np

from animator.fallback._bumps import (
    Grid,
    LocalField,
    bump,
    ellipse_bump,
    plateau,
    ramp,
    smoothstep,
)
from animator.fallback.landmarks import FaceLandmarks

Shape = tuple[int, int]

GAZE_X = 0.2  # iris travel at gaze_x = ±1, in eye widths
GAZE_Y = 0.2  # iris travel at gaze_y = ±1, in eye heights
CLOSE_DEPTH = 0.94  # share of the eye opening the upper lid covers when fully closed
WIDEN_UP, WIDEN_DOWN = 0.22, 0.1  # upper lid rise / lower lid drop, in eye heights
BROW_UP = 0.035  # brow lift at eyebrow = +1, in face heights
BROW_DOWN, BROW_IN = 0.03, 0.045  # frown: brows down (face heights) and inward (face widths)
BROW_FURROW = 0.05  # frown: the inner ends of the brows further down (face heights)
SMILE_UP, SMILE_OUT = 0.06, 0.045  # mouth corners up (face heights) and out (face widths)
CHEEK_UP = 0.025  # cheek lift with a smile, in face heights
FROWN_DOWN, FROWN_IN = 0.07, 0.02  # mouth corners down and in at smile = -1
UNSMILE_SIDE = 0.7  # taking back the photo's smile fades out this many half mouth widths
#                     beyond the corners
OWN_SMILE_MIN = 0.04  # corners this far above the lip line (face heights) make a smiling photo
UNSMILE_UPPER = 0.25  # share of a smile's lip gap the upper lip closes (the lower lip the rest)
WIDE_STRETCH = 0.3  # relative horizontal stretch of the lips at mouth_wide = 1
ROUND_SQUEEZE, ROUND_TALL = 0.55, 0.5  # pursed lips: relative narrowing, relative height gain
JAW_DROP = 0.085  # lower lip and chin travel at mouth_open = 1, in face heights
JAW_WIDTH = 0.7  # half-width of the jaw-drop profile, in mouth widths


def gaze_fields(lm: FaceLandmarks, shape: Shape) -> tuple[list[LocalField], list[LocalField]]:
    """(gaze_x, gaze_y) fields: the iris slides inside each eye, the lids barely move."""
    ew, eh = lm.eye_size
    fields_x, fields_y = [], []
    for ex, ey in (lm.left_eye, lm.right_eye):
        grid = Grid.around(shape, ex, ey, 0.6 * ew, 0.75 * eh)
        weight = plateau((grid.xx - ex) / (0.6 * ew), 0.25) * bump((grid.yy - ey) / (0.75 * eh))
        fields_x.append(grid.field(-GAZE_X * ew * weight, 0.0))
        fields_y.append(grid.field(0.0, GAZE_Y * eh * weight))
    return fields_x, fields_y


def lid_lines(
    xx: np.ndarray, eye: tuple[float, float], lm: FaceLandmarks
) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower lid y per column (float32 like `xx`): elliptical arcs meeting at the eye
    corners (both equal the eye centre's y beyond them)."""
    ex, ey = eye
    ew, eh = lm.eye_size
    u = (xx - ex) / (0.55 * ew)
    arc = np.sqrt(np.clip(1.0 - u * u, 0.0, None))
    return ey - 0.5 * eh * arc, ey + 0.5 * eh * arc


def lid_top(eye: tuple[float, float], brow: tuple[float, float], lm: FaceLandmarks) -> float:
    """y of the top of the upper-lid skin that a closing lid stretches: below the brow."""
    eh = lm.eye_size[1]
    return min(max(brow[1] + 0.35 * (eye[1] - brow[1]), eye[1] - 1.6 * eh), eye[1] - 0.8 * eh)


def closing_field(
    eye: tuple[float, float],
    brow: tuple[float, float],
    lm: FaceLandmarks,
    shape: Shape,
    level: float,
) -> LocalField:
    """The upper lid lowered by `level` (0..1) of CLOSE_DEPTH: lid skin stretches down over the
    eye, the opening is squeezed against the lower lid (a piecewise-linear map per column)."""
    ex, ey = eye
    ew, eh = lm.eye_size
    top = lid_top(eye, brow, lm)
    grid = Grid.around(shape, ex, (top + ey + eh) / 2, 0.6 * ew, (ey + eh - top) / 2 + 1)
    upper, lower = lid_lines(grid.xx, eye, lm)
    drop = level * CLOSE_DEPTH * (lower - upper)
    y = grid.yy
    in_lid = (y >= top) & (y < upper + drop)
    lid_scale = (upper - top) / np.maximum(upper + drop - top, 1e-3)
    src = np.where(in_lid, top + (y - top) * lid_scale, y)
    in_eye = (y >= upper + drop) & (y < lower)
    eye_scale = (lower - upper) / np.maximum(lower - upper - drop, 1e-3)
    src = np.where(in_eye, upper + (y - upper - drop) * eye_scale, src)
    dy = cv2.GaussianBlur((src - y).astype(np.float32), (0, 0), 0.6)
    return grid.field(0.0, dy)


def widen_fields(lm: FaceLandmarks, shape: Shape) -> list[LocalField]:
    """Eyes wide open: the upper lid rises (the opening stretches evenly between the lids, so the
    iris is not ballooned), the lid skin above compresses toward the brow, the lower lid drops."""
    ew, eh = lm.eye_size
    fields = []
    for eye, brow in ((lm.left_eye, lm.left_brow), (lm.right_eye, lm.right_brow)):
        ex, ey = eye
        top = min(brow[1], ey - 1.2 * eh)
        grid = Grid.around(
            shape, ex, (top + ey + 1.6 * eh) / 2, 0.6 * ew, (ey + 1.6 * eh - top) / 2
        )
        upper, lower = lid_lines(grid.xx, eye, lm)
        arc = (lower - upper) / eh
        y = grid.yy
        rise = np.clip((lower - y) / np.maximum(lower - upper, 1.0), 0.0, 1.0)
        rise *= smoothstep(top, upper - 0.5 * eh, y)
        fall = ramp((y - ey) / (0.5 * eh)) * smoothstep(ey + 1.6 * eh, lower, y)
        dy = eh * arc * (WIDEN_UP * rise - WIDEN_DOWN * fall)
        fields.append(grid.field(0.0, dy))
    return fields


def _brow_weight(
    grid: Grid, brow: tuple[float, float], end_y: float, lm: FaceLandmarks
) -> np.ndarray:
    """1 on the brow, fading to 0 over the forehead above and linearly from just under the brow
    down to `end_y` below; (h, w) float32."""
    bx, by = brow
    across = plateau((grid.xx - bx) / (0.75 * lm.brow_width), 0.45)
    above = smoothstep(by - 0.3 * lm.face_height, by, grid.yy)
    start = by + 0.2 * (end_y - by)
    below = np.clip((end_y - grid.yy) / (end_y - start), 0.0, 1.0)
    return across * np.where(grid.yy < by, above, below).astype(np.float32)


def brow_fields(lm: FaceLandmarks, shape: Shape) -> tuple[list[LocalField], list[LocalField]]:
    """(raise, frown) fields.

    Raising stretches lid skin and eye opening evenly down to the lower lid (the eyes open a
    little, as they do with raised brows) instead of smearing the few pixels of skin under the
    brow. Frowning lowers the brows, their inner ends most (the furrowed "V"), and pulls them
    toward the nose, compressing the lid skin down to the upper lid so the iris does not move.
    """
    fh, fw = lm.face_height, lm.face_width
    eh = lm.eye_size[1]
    mid_x = (lm.left_eye[0] + lm.right_eye[0]) / 2
    raise_, frown = [], []
    for brow, eye in ((lm.left_brow, lm.left_eye), (lm.right_brow, lm.right_eye)):
        grid = Grid.around(shape, brow[0], brow[1] - 0.1 * fh, 0.75 * lm.brow_width, 0.32 * fh)
        lift = _brow_weight(grid, brow, eye[1] + 0.5 * eh, lm)
        lower = _brow_weight(grid, brow, eye[1] - 0.6 * eh, lm)
        inward = np.sign(mid_x - brow[0])
        toward_nose = np.clip(0.5 + inward * (grid.xx - brow[0]) / (1.5 * lm.brow_width), 0, 1)
        down = (BROW_DOWN + BROW_FURROW * smoothstep(0.0, 1.0, toward_nose)) * fh
        raise_.append(grid.field(0.0, BROW_UP * fh * lift))
        frown.append(grid.field(-inward * BROW_IN * fw * lower, -down * lower))
    return raise_, frown


def smile_fields(lm: FaceLandmarks, shape: Shape) -> tuple[list[LocalField], list[LocalField]]:
    """(smile, frown) fields: corners up and out with a cheek lift; corners down and in.

    The frown acts on the face after `unsmile_field` has taken the photo's own smile back, so it
    is centred where the corners are then: on the closed lip line.
    """
    fh, fw, mw = lm.face_height, lm.face_width, lm.mouth_width
    mid_x = lm.mouth_center[0]
    smile, frown = [], []
    for corner in (lm.mouth_left, lm.mouth_right):
        out = np.sign(corner[0] - mid_x)
        rx, ry = 0.45 * mw, 0.35 * mw
        grid = Grid.around(shape, corner[0], corner[1], rx, ry)
        weight = ellipse_bump(grid, corner[0], corner[1], rx, ry)
        smile.append(grid.field(-out * SMILE_OUT * fw * weight, SMILE_UP * fh * weight))
        level = corner[1] + UNSMILE_UPPER * own_smile(lm)  # on the closed lip line
        grid = Grid.around(shape, corner[0], level, rx, ry)
        weight = ellipse_bump(grid, corner[0], level, rx, ry)
        frown.append(grid.field(out * FROWN_IN * fw * weight, -FROWN_DOWN * fh * weight))
    for eye in (lm.left_eye, lm.right_eye):
        # the cheeks rise but stop short of the lower lids (eye squint is the eye_open channel's)
        cx, cy = eye[0], eye[1] + 0.26 * fh
        grid = Grid.around(shape, cx, cy, 0.2 * fw, 0.15 * fh)
        weight = ellipse_bump(grid, cx, cy, 0.2 * fw, 0.15 * fh)
        smile.append(grid.field(0.0, CHEEK_UP * fh * weight))
    return smile, frown


def own_smile(lm: FaceLandmarks) -> float:
    """How far the photo's mouth corners sit above the middle of its lip line, in pixels: the
    lift of the smile the photo already has; 0 for a mouth within OWN_SMILE_MIN of level
    (landmark noise, not a smile) or downturned."""
    lift = lm.mouth_center[1] - (lm.mouth_left[1] + lm.mouth_right[1]) / 2
    return lift if lift >= OWN_SMILE_MIN * lm.face_height else 0.0


def closed_lip_line(lm: FaceLandmarks) -> float:
    """y of the flat line where the lips meet once `unsmile_field` has closed a smile's gap: a
    little below the raised corners (the upper lip gives a quarter of the way)."""
    return lm.mouth_center[1] - (1.0 - UNSMILE_UPPER) * own_smile(lm)


def closed_landmarks(lm: FaceLandmarks) -> FaceLandmarks:
    """`lm` with the mouth as `unsmile_field` leaves it: corners and lip line on one flat line."""
    line = closed_lip_line(lm)
    return lm.model_copy(
        update={
            "mouth_left": (lm.mouth_left[0], line),
            "mouth_right": (lm.mouth_right[0], line),
            "mouth_center": (lm.mouth_center[0], line),
        }
    )


def unsmile_field(lm: FaceLandmarks, shape: Shape) -> LocalField:
    """The photo's own smile taken back (zero when it has none): the lips meet on a flat line
    at the corners' height (`closed_lip_line`), which closes the band between the corners' line
    and the lip line (the teeth of a grin) and flattens the lower lip's raised curve.

    The upper lip moves down a little, fading out over the philtrum; the lower lip moves up by
    the rest of its own gap, fading out toward the chin (a stretch within the fold limit). The
    band between is skipped.
    """
    lift = own_smile(lm)
    cx = lm.mouth_center[0]
    fh = lm.face_height
    line = closed_lip_line(lm)
    drop = UNSMILE_UPPER * lift
    above, below = max(3.0 * drop, 0.04 * fh), 0.3 * fh
    top, bottom = line - drop - above, line + below
    reach = (1.0 + UNSMILE_SIDE) * 0.5 * lm.mouth_width
    grid = Grid.around(shape, cx, (top + bottom) / 2, reach, (bottom - top) / 2 + 1)
    across = plateau((grid.xx - cx) / reach, 1.0 / (1.0 + UNSMILE_SIDE))
    upper = -drop * ramp((grid.yy - top) / above)
    lower = (seam_curve(grid.xx, lm) - line) * smoothstep(bottom, line, grid.yy)
    below_line = smoothstep(line - 0.5, line + 0.5, grid.yy)
    return grid.field(0.0, across * (upper * (1.0 - below_line) + lower * below_line))


def _mouth_grid(lm: FaceLandmarks, shape: Shape, sx: float, sy: float) -> tuple[Grid, np.ndarray]:
    cx, cy = lm.mouth_center
    rx, ry = sx * lm.mouth_width, sy * lm.face_height
    grid = Grid.around(shape, cx, cy, rx, ry)
    return grid, ellipse_bump(grid, cx, cy, rx, ry)


def wide_field(lm: FaceLandmarks, shape: Shape) -> LocalField:
    """Lips spread sideways and slightly thinned ("eee"); negative values narrow them."""
    cx, cy = lm.mouth_center
    grid, weight = _mouth_grid(lm, shape, 1.0, 0.2)
    return grid.field(-WIDE_STRETCH * (grid.xx - cx) * weight, 0.12 * (grid.yy - cy) * weight)


def round_field(lm: FaceLandmarks, shape: Shape) -> LocalField:
    """Lips pursed ("woo"): squeezed sideways, taller in the middle; negative presses them thin."""
    cx, cy = lm.mouth_center
    grid, weight = _mouth_grid(lm, shape, 0.95, 0.2)
    centre = ellipse_bump(grid, cx, cy, 0.45 * lm.mouth_width, 0.12 * lm.face_height)
    return grid.field(
        ROUND_SQUEEZE * (grid.xx - cx) * weight, -ROUND_TALL * (grid.yy - cy) * centre
    )


def seam_curve(xx: np.ndarray, lm: FaceLandmarks) -> np.ndarray:
    """y of the lip line per column: a parabola through the lip-line centre and both corners."""
    cx, seam = lm.mouth_center
    corner_y = (lm.mouth_left[1] + lm.mouth_right[1]) / 2
    u = np.clip((xx - cx) / (0.5 * lm.mouth_width), -1.0, 1.0)
    return (seam + (corner_y - seam) * u * u).astype(np.float32)


def jaw_geometry(lm: FaceLandmarks) -> tuple[float, float]:
    """(drop, span): jaw travel at mouth_open = 1 and the length of the ramp that parts the lips,
    both in pixels; span keeps the drop at 0.74 of it, under `ramp`'s fold limit of 0.8."""
    drop = JAW_DROP * lm.face_height
    return drop, 1.35 * drop


def open_field(lm: FaceLandmarks, shape: Shape) -> LocalField:
    """Jaw drop: everything below the lip line (lower lip, chin) moves down; the lips part at the
    lip line and the neck below the chin absorbs the motion."""
    fh, mw = lm.face_height, lm.mouth_width
    cx, seam = lm.mouth_center
    top = min(seam, lm.mouth_left[1], lm.mouth_right[1])
    chin = lm.chin[1]
    drop, span = jaw_geometry(lm)
    fade = 0.3 * fh
    grid = Grid.around(
        shape, cx, (top + chin + fade) / 2, JAW_WIDTH * mw, (chin + fade - top) / 2 + 2
    )
    across = bump((grid.xx - cx) / (JAW_WIDTH * mw))
    lip_line = seam_curve(grid.xx, lm)
    below = ramp((grid.yy - lip_line + 0.5) / span) * smoothstep(chin + fade, chin, grid.yy)
    return grid.field(0.0, -drop * across * below)
