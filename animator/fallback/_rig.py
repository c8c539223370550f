"""`FaceRig`: everything the fallback engine precomputes per portrait, and the per-frame render.

A frame is: a weighted sum of precomputed expression fields (with the lid, jaw and widening fields
composed in front of it and, for a photo that smiles, the field that takes its smile back behind
it), the closed-form head warp, the expression offsets resampled through the head warp (so a
smile stays on the mouth of a turned head), a few small source-space paints, and one `cv2.remap`
of the head region of interest (ROI). Pixels outside the ROI are copied, so the background is
untouched byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from animator.fallback import _face_fields as ff
from animator.fallback._bumps import LocalField
from animator.fallback._head import HeadWarp, head_extent
from animator.fallback._paint import MouthInterior, Paint, lid_skin, lip_seam
from animator.fallback.landmarks import FaceLandmarks
from contracts.pose import CHANNEL_NAMES

Channels = dict[str, float]  # pose values by channel name

CLOSE_LEVELS = (0.25, 0.5, 0.75, 1.0)  # eyelid closures with a precomputed field
LID_FOLLOWS_GAZE = (0.25, 0.35)  # lid drop per unit of downward gaze, lid lift per upward gaze
UNSMILE_SPAN = 0.2  # a smile of -0.2 has fully taken the photo's own smile back ...
PUCKER_SPAN = 0.7  # ... and so have lips pursed to mouth_round = 0.7 (a kiss at intensity 0.7)


@dataclass(frozen=True)
class _Eye:
    closing: tuple[LocalField, ...]
    skin: Paint


@dataclass(frozen=True)
class _ClosedMouth:
    """For a photo that smiles: the field that takes its smile back, the mouth fields of the
    mouth it closes to (they act where its lips then meet), and the dark line where they meet."""

    unsmile: LocalField
    wide: LocalField
    round: LocalField
    jaw: LocalField
    seam: Paint

    @classmethod
    def build(cls, pixels: np.ndarray, lm: FaceLandmarks, shape: tuple[int, int]) -> _ClosedMouth:
        closed = ff.closed_landmarks(lm)
        return cls(
            unsmile=ff.unsmile_field(lm, shape),
            wide=ff.wide_field(closed, shape),
            round=ff.round_field(closed, shape),
            jaw=ff.open_field(closed, shape),
            seam=lip_seam(pixels, lm),
        )


@dataclass(frozen=True)
class FaceRig:
    """Per-portrait state of the fallback engine.

    Attributes:
        image: the portrait, (H, W, 3) uint8 RGB (not copied; never modified).
        landmarks: the animated face's landmarks in image pixels.
        roi: (y0, y1, x0, x1) of the warped region in image pixels.
        grid_x, grid_y: (h, w) float32 identity sampling maps of the ROI.
        head: head-pose fields over the ROI.
        fields: expression unit fields by name (see `_smooth_offsets`).
        jaw: the jaw-drop field at mouth_open = 1.
        eyes: per-eye closing fields and lid paint, screen-left eye first.
        mouth: the mouth-interior paint.
        closed: how to take back the photo's own smile; None when it does not smile.
    """

    image: np.ndarray
    landmarks: FaceLandmarks
    roi: tuple[int, int, int, int]
    grid_x: np.ndarray
    grid_y: np.ndarray
    head: HeadWarp
    fields: dict[str, tuple[LocalField, ...]]
    jaw: LocalField
    eyes: tuple[_Eye, _Eye]
    mouth: MouthInterior
    closed: _ClosedMouth | None

    @classmethod
    def build(cls, image: np.ndarray, landmarks: FaceLandmarks) -> FaceRig:
        """Precompute the ROI, masks, grids, unit fields and paints for one portrait."""
        height, width = image.shape[:2]
        x0, y0, x1, y1 = head_extent(landmarks)
        roi = (
            max(0, int(np.floor(y0)) - 2),
            min(height, int(np.ceil(y1)) + 3),
            max(0, int(np.floor(x0)) - 2),
            min(width, int(np.ceil(x1)) + 3),
        )
        lm = landmarks.translated(roi[2], roi[0])
        shape = (roi[1] - roi[0], roi[3] - roi[2])
        pixels = image[roi[0] : roi[1], roi[2] : roi[3]]
        grid_y, grid_x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
        gaze_x, gaze_y = ff.gaze_fields(lm, shape)
        brow_up, brow_down = ff.brow_fields(lm, shape)
        smile_up, smile_down = ff.smile_fields(lm, shape)
        fields = {
            "gaze_x": tuple(gaze_x),
            "gaze_y": tuple(gaze_y),
            "widen": tuple(ff.widen_fields(lm, shape)),
            "brow_up": tuple(brow_up),
            "brow_down": tuple(brow_down),
            "smile_up": tuple(smile_up),
            "smile_down": tuple(smile_down),
            "mouth_wide": (ff.wide_field(lm, shape),),
            "mouth_round": (ff.round_field(lm, shape),),
        }
        eyes = tuple(
            _Eye(
                closing=tuple(
                    ff.closing_field(eye, brow, lm, shape, level) for level in CLOSE_LEVELS
                ),
                skin=lid_skin(pixels, lm, eye, brow),
            )
            for eye, brow in ((lm.left_eye, lm.left_brow), (lm.right_eye, lm.right_brow))
        )
        return cls(
            image=image,
            landmarks=landmarks,
            roi=roi,
            grid_x=grid_x,
            grid_y=grid_y,
            head=HeadWarp.build(lm, shape),
            fields=fields,
            jaw=ff.open_field(lm, shape),
            eyes=eyes,  # type: ignore[arg-type]
            mouth=MouthInterior.build(pixels, lm),
            closed=_ClosedMouth.build(pixels, lm, shape) if ff.own_smile(lm) > 0.0 else None,
        )

    def render(self, values: np.ndarray) -> np.ndarray:
        """One frame for a pose vector.

        Args:
            values: (12,) float pose values in `contracts.pose.CHANNELS` order (already clamped).

        Returns:
            (H, W, 3) uint8 RGB frame, a new array.
        """
        pose = _channels(values)
        map_x, map_y = self._sampling_maps(pose)
        frame = self.image.copy()
        if map_x is None or map_y is None:
            return frame
        y0, y1, x0, x1 = self.roi
        pixels = self._painted(_closures(pose), pose["mouth_open"], self._unsmiling(pose))
        frame[y0:y1, x0:x1] = cv2.remap(
            pixels, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        return frame

    def sampling_maps(self, values: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Where each ROI pixel of the frame for `values` samples the (painted) ROI source.

        Returns:
            (map_x, map_y), each (h, w) float32 in ROI pixels, or (None, None) at rest.
        """
        return self._sampling_maps(_channels(values))

    def _sampling_maps(self, pose: Channels) -> tuple[np.ndarray | None, np.ndarray | None]:
        offsets = self._expression_offsets(pose)
        return self._maps(pose["head_pitch"], pose["head_yaw"], pose["head_roll"], offsets)

    def _expression_offsets(self, pose: Channels) -> np.ndarray | None:
        """Backward offsets of the facial expression, (h, w, 2) float32; None at rest.

        Lid closing and the jaw drop squeeze or stretch pixels close to the fold limit by design
        (that is how a lid covers an eye and how lips part), and widening stretches the same
        eye pixels, so these are not summed with the gentle fields but composed in front of
        them: an output pixel follows the lid/jaw field, then the widening, then the lip shape
        (spread, pursed), then the sum of the rest, then the field that takes the photo's own
        smile back, each where the one before lands. Composed fold-free maps stay fold-free;
        summed ones need not.
        """
        unsmiling = self._unsmiling(pose)
        lids_and_jaw = [
            term
            for eye, closure in zip(self.eyes, _closures(pose), strict=True)
            for term in _closure_terms(eye.closing, closure)
        ]
        if pose["mouth_open"] > 0.0:
            closed_jaw = self.closed and self.closed.jaw
            lids_and_jaw.extend(
                self._mouth_terms(self.jaw, closed_jaw, pose["mouth_open"], unsmiling)
            )
        widen = max(0.0, pose["eye_open"]) + LID_FOLLOWS_GAZE[1] * max(0.0, pose["gaze_y"])
        widening = [(field, widen) for field in self.fields["widen"]] if widen > 0.0 else []
        unsmile = None
        if self.closed is not None and unsmiling > 0.0:
            unsmile = self._compose([(self.closed.unsmile, unsmiling)], None)
        offsets = self._compose(self._smooth_terms(pose), unsmile)
        for terms in (self._lip_terms(pose, unsmiling), widening, lids_and_jaw):
            offsets = self._compose(terms, offsets)
        return offsets

    def _unsmiling(self, pose: Channels) -> float:
        """How far the photo's own smile is taken back, 0..1: fully by smile = -UNSMILE_SPAN (a
        frown starts from a closed mouth) or mouth_round = PUCKER_SPAN (pursed lips cannot
        grin), in proportion below."""
        if self.closed is None:
            return 0.0
        pucker = pose["mouth_round"] / PUCKER_SPAN
        return min(1.0, max(0.0, -pose["smile"] / UNSMILE_SPAN, pucker))

    @staticmethod
    def _mouth_terms(
        field: LocalField, closed: LocalField | None, weight: float, unsmiling: float
    ) -> list[tuple[LocalField, float]]:
        """A mouth field at `weight`, shared between the photo's mouth and the closed one as far
        as the smile is taken back (a blend of two close, fold-free fields; the fold tests
        sweep these blends too)."""
        if closed is None or unsmiling == 0.0:
            return [(field, weight)]
        if unsmiling == 1.0:
            return [(closed, weight)]
        return [(field, weight * (1.0 - unsmiling)), (closed, weight * unsmiling)]

    def _compose(
        self, terms: list[tuple[LocalField, float]], inner: np.ndarray | None
    ) -> np.ndarray | None:
        """Offsets of the weighted sum of `terms` followed by the `inner` offsets (either may be
        empty/None): d(p) = t(p) + inner(p + t(p)), evaluated only on the terms' box."""
        if not terms:
            return inner
        total = np.zeros((*self.grid_x.shape, 2), dtype=np.float32)
        for field, weight in terms:
            field.add_to(total, weight)
        if inner is None:
            return total
        ys, xs = _union_box([field for field, _ in terms])
        outer = total[ys, xs]
        outer += cv2.remap(
            inner,
            self.grid_x[ys, xs] + outer[..., 0],
            self.grid_y[ys, xs] + outer[..., 1],
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
        )
        composed = inner.copy()
        composed[ys, xs] = outer
        return composed

    def _smooth_terms(self, pose: Channels) -> list[tuple[LocalField, float]]:
        """The gentle expression fields of eyes, brows and mouth corners, with their non-zero
        weights."""
        brow, smile = pose["eyebrow"], pose["smile"]
        weights = {
            "gaze_x": pose["gaze_x"],
            "gaze_y": pose["gaze_y"],
            "brow_up": max(0.0, brow),
            "brow_down": max(0.0, -brow),
            "smile_up": max(0.0, smile),
            "smile_down": max(0.0, -smile),
        }
        return [
            (field, weight)
            for name, weight in weights.items()
            if weight != 0.0
            for field in self.fields[name]
        ]

    def _lip_terms(self, pose: Channels, unsmiling: float) -> list[tuple[LocalField, float]]:
        """The lip-shape fields (spread, pursed) with their non-zero weights, acting on the mouth
        the corner fields leave."""
        terms = []
        closed = self.closed
        for name, shut in (
            ("mouth_wide", closed and closed.wide),
            ("mouth_round", closed and closed.round),
        ):
            if pose[name] != 0.0:
                (field,) = self.fields[name]
                terms.extend(self._mouth_terms(field, shut, pose[name], unsmiling))
        return terms

    def _maps(
        self, pitch: float, yaw: float, roll: float, offsets: np.ndarray | None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Absolute ROI sampling maps (map_x, map_y), or (None, None) when nothing moves."""
        head = self.head.offsets(pitch, yaw, roll, self.grid_x, self.grid_y)
        if head is None:
            if offsets is None:
                return None, None
            return self.grid_x + offsets[..., 0], self.grid_y + offsets[..., 1]
        map_x, map_y = self.grid_x + head[..., 0], self.grid_y + head[..., 1]
        if offsets is not None:
            # expression offsets live in the face's own frame: read them where the head warp
            # samples, so the expression travels with the turned head
            moved = cv2.remap(
                offsets, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
            )
            map_x += moved[..., 0]
            map_y += moved[..., 1]
        return map_x, map_y

    def _painted(self, closures: tuple[float, float], jaw: float, unsmiling: float) -> np.ndarray:
        """The ROI source pixels with lid skin, the closed lips' seam and the mouth interior
        blended in as needed."""
        y0, y1, x0, x1 = self.roi
        pixels = self.image[y0:y1, x0:x1]
        strengths = [
            (eye.skin, _lid_strength(c)) for eye, c in zip(self.eyes, closures, strict=True)
        ]
        if self.closed is not None:
            strengths.append((self.closed.seam, _seam_strength(unsmiling)))
        if jaw <= 0.0 and not any(strength > 0.0 for _, strength in strengths):
            return pixels
        pixels = pixels.copy()
        for paint, strength in strengths:
            if strength > 0.0:
                paint.apply(pixels, strength)
        if jaw > 0.0:
            self.mouth.apply(pixels, jaw)
        return pixels


def _channels(values: np.ndarray) -> Channels:
    """Pose values (12,) in `contracts.pose.CHANNELS` order by channel name."""
    return dict(zip(CHANNEL_NAMES, (float(v) for v in values), strict=True))


def _closures(pose: Channels) -> tuple[float, float]:
    """(left, right) eyelid closure in [0, 1] from eye_open, wink (right eye) and gaze_y."""
    down = max(0.0, -pose["gaze_y"])
    both = min(1.0, max(0.0, -pose["eye_open"]) + LID_FOLLOWS_GAZE[0] * down)
    return both, 1.0 - (1.0 - both) * (1.0 - pose["wink"])


def _lid_strength(closure: float) -> float:
    """Lid-skin paint strength: none while the eye is mostly open, full when closed."""
    t = min(1.0, max(0.0, (closure - 0.4) / 0.6))
    return t * t * (3.0 - 2.0 * t)


def _seam_strength(unsmiling: float) -> float:
    """Paint strength of the closed lips' seam: none while the smile's gap still shows."""
    t = min(1.0, max(0.0, (unsmiling - 0.5) / 0.5))
    return t * t * (3.0 - 2.0 * t)


def _closure_terms(
    levels: tuple[LocalField, ...], closure: float
) -> list[tuple[LocalField, float]]:
    """(field, weight) pairs giving the eyelid field for `closure` by linear interpolation
    between the precomputed CLOSE_LEVELS (level fields share one box)."""
    if closure <= 0.0:
        return []
    position = closure * len(levels)
    upper = min(len(levels), int(np.ceil(position)))
    frac = position - (upper - 1)
    terms = [(levels[upper - 1], frac)]
    if upper >= 2:
        terms.append((levels[upper - 2], 1.0 - frac))
    return terms


def _union_box(fields: list[LocalField]) -> tuple[slice, slice]:
    """(rows, columns) slices of the smallest box holding every field's box."""
    y0 = min(f.y0 for f in fields)
    x0 = min(f.x0 for f in fields)
    y1 = max(f.y0 + f.offsets.shape[0] for f in fields)
    x1 = max(f.x0 + f.offsets.shape[1] for f in fields)
    return slice(y0, y1), slice(x0, x1)
