"""Image-analysis refinements of cascade/proportion landmark estimates.

Each function looks for one clear piece of evidence (the dark iris, the dark brow band, the dark
line between the lips) in a small window around the estimate, and keeps the estimate when the
evidence is weak, so a refinement can only help. All inputs are the equalised greyscale face crop,
(h, w) uint8, at the detector's working scale; points are (x, y) in that crop.
"""

from __future__ import annotations

import cv2
import numpy as np

Point = tuple[float, float]

MIN_CONTRAST = 18.0  # grey levels a dark feature must stand out by (equalised crop)


def _window(
    crop: np.ndarray, cx: float, cy: float, rx: float, ry: float
) -> tuple[int, int, np.ndarray]:
    """(x0, y0, pixels as float32) of the crop window centred on (cx, cy) with radii (rx, ry)."""
    h, w = crop.shape
    x0, x1 = max(0, round(cx - rx)), min(w, round(cx + rx) + 1)
    y0, y1 = max(0, round(cy - ry)), min(h, round(cy + ry) + 1)
    return x0, y0, crop[y0:y1, x0:x1].astype(np.float32)


def iris_centre(crop: np.ndarray, eye: Point, eye_w: float, eye_h: float) -> Point:
    """Centre of the darkest blob (iris and pupil) near `eye`, or `eye` if none stands out.

    x follows the blob; y moves only a little, because upper lashes pull the dark centroid up.
    """
    x0, y0, win = _window(crop, eye[0], eye[1], 0.4 * eye_w, 0.7 * eye_h)
    if win.size < 9:
        return eye
    win = cv2.GaussianBlur(win, (0, 0), max(0.8, 0.12 * eye_w))
    dark = np.percentile(win, 12)
    if float(np.median(win)) - dark < MIN_CONTRAST:
        return eye
    ys, xs = np.nonzero(win <= dark)
    cx, cy = x0 + float(xs.mean()), y0 + float(ys.mean())
    cx = float(np.clip(cx, eye[0] - 0.25 * eye_w, eye[0] + 0.25 * eye_w))
    cy = float(np.clip(cy, eye[1] - 0.15 * eye_h, eye[1] + 0.15 * eye_h))
    return cx, cy


def _darkest_row(rows: np.ndarray) -> int | None:
    """Index of the darkest row mean if it stands out from the median, else None."""
    if rows.size < 3:
        return None
    smooth = np.convolve(rows, np.ones(3) / 3, mode="same")
    smooth[0], smooth[-1] = rows[0], rows[-1]
    best = int(np.argmin(smooth))
    if float(np.median(smooth)) - float(smooth[best]) < MIN_CONTRAST / 2:
        return None
    return best


def brow_height(crop: np.ndarray, eye: Point, eye_w: float, brow_dy: float) -> Point:
    """Brow centre above `eye`: the darkest row band 0.6-1.5 brow distances up, else the norm."""
    expected = (eye[0], eye[1] - brow_dy)
    top = eye[1] - 1.5 * brow_dy
    _, y0, win = _window(
        crop, eye[0], (top + eye[1] - 0.6 * brow_dy) / 2, 0.5 * eye_w, 0.45 * brow_dy
    )
    row = _darkest_row(win.mean(axis=1)) if win.size else None
    if row is None:
        return expected
    return eye[0], float(y0 + row)


def lip_line(colour: np.ndarray, corners: tuple[Point, Point], fh: float) -> float:
    """y where the lips part: the bottom edge of the mouth's visible interior (a dark gap, or upper
    teeth in an open smile) across the mouth's middle half; else the corners' height.

    `colour` is the (h, w, 3) uint8 RGB face crop. Opening the mouth below the upper teeth keeps
    them with the upper jaw instead of stretching them.
    """
    (lx, ly), (rx, ry) = corners
    cx, cy = (lx + rx) / 2, (ly + ry) / 2
    hsv = cv2.cvtColor(colour, cv2.COLOR_RGB2HSV)
    sat, val = hsv[..., 1], hsv[..., 2]
    half_w = (rx - lx) / 4
    y0 = _window(val, cx, cy + 0.02 * fh, half_w, 0.07 * fh)[1]
    mouth_sat = _window(sat, cx, cy + 0.02 * fh, half_w, 0.07 * fh)[2]
    mouth_val = _window(val, cx, cy + 0.02 * fh, half_w, 0.07 * fh)[2]
    # the skin just below the lower lip is the reference: same light, no lip or teeth in it
    skin_sat = float(np.median(_window(sat, cx, cy + 0.15 * fh, half_w, 0.03 * fh)[2]))
    skin_val = float(np.median(_window(val, cx, cy + 0.15 * fh, half_w, 0.03 * fh)[2]))
    teeth = (mouth_sat < 0.6 * skin_sat) & (mouth_val > 0.9 * skin_val)
    dark = mouth_val < 0.72 * skin_val
    rows = np.flatnonzero((teeth | dark).mean(axis=1) >= 0.5) if mouth_val.size else []
    if len(rows) == 0:
        return cy
    gap = max(1, round(0.01 * fh))
    end = rows[0]
    for row in rows[1:]:
        if row - end > gap + 1:
            break
        end = row
    return float(y0 + end + 1)
