"""Lip sync measured on a rendered clip: does the mouth move with the sound?

Renders a script with speech (default: the demo) through `avatar render`'s own code, then reads
the mp4 back with PyAV and cross-correlates the audio's loudness envelope (one RMS window
centred on each frame) with (a) the `mouth_open` channel of the rendered poses and (b) how much
the pixels of the mouth region differ from the first frame. It prints the lag at the
correlation peak (positive: the mouth is late) and the correlation there.

    .venv/bin/python bench/bench_lipsync.py [SCRIPT] [--fps 60] [--size 256]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MAX_LAG_FRAMES = 8


def read_clip(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """(grey frames (N, H, W) float64, mono samples float64, sample rate) of an mp4."""
    with av.open(str(path)) as container:
        grey = np.stack(
            [f.to_ndarray(format="gray").astype(np.float64) for f in container.decode(video=0)]
        )
    with av.open(str(path)) as container:
        rate = container.streams.audio[0].codec_context.sample_rate
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    return grey, samples.astype(np.float64), rate


def audio_envelope(samples: np.ndarray, rate: int, fps: float, frames: int) -> np.ndarray:
    """RMS of one frame period of audio centred on each frame's time."""
    hop = rate / fps
    out = np.zeros(frames)
    for i in range(frames):
        chunk = samples[max(0, int((i - 0.5) * hop)) : max(0, int((i + 0.5) * hop))]
        out[i] = float(np.sqrt(np.mean(chunk * chunk))) if len(chunk) else 0.0
    return out


def mouth_change(grey: np.ndarray, portrait: Path, size: int) -> np.ndarray:
    """Mean absolute change of the mouth region against the first frame, per frame.

    The mouth is found on the portrait, scaled and letterboxed the way the render fits it.
    """
    from animator.fallback.landmarks import detect_landmarks

    image = np.array(Image.open(portrait).convert("RGB"))
    scale = size / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    landmarks, _ = detect_landmarks(small)
    top, left = (grey.shape[1] - small.shape[0]) // 2, (grey.shape[2] - small.shape[1]) // 2
    cx, cy = landmarks.mouth_center[0] + left, landmarks.mouth_center[1] + top
    width = landmarks.mouth_width
    region = grey[:, int(cy - 0.4 * width) : int(cy + 0.8 * width),
                  int(cx - 0.7 * width) : int(cx + 0.7 * width)]
    return np.abs(region - region[0]).mean(axis=(1, 2))


def peak_lag(
    signal: np.ndarray, follower: np.ndarray, fps: float, mask: np.ndarray | None = None
) -> tuple[float, float]:
    """(lag in seconds, Pearson r) at the cross-correlation peak; positive lag: `follower` late.

    `mask` (bool per frame) limits the correlation to those frames of `signal`.
    """
    keep = np.ones(len(signal), bool) if mask is None else mask
    best = (0.0, -1.0)
    for lag in range(-MAX_LAG_FRAMES, MAX_LAG_FRAMES + 1):
        index = np.flatnonzero(keep)
        index = index[(index + lag >= 0) & (index + lag < len(follower))]
        r = float(np.corrcoef(signal[index], follower[index + lag])[0, 1])
        if r > best[1]:
            best = (lag / fps, r)
    return best


def speech_mask(spans: list[tuple[float, float]], fps: float, frames: int) -> np.ndarray:
    """True for frames within 0.2 s of a spoken line (other expressions move the mouth too)."""
    times = np.arange(frames) / fps
    mask = np.zeros(frames, bool)
    for start, end in spans:
        mask |= (times >= start - 0.2) & (times <= end + 0.2)
    return mask


def measure(script: Path, fps: int, size: int, out: Path) -> dict[str, float]:
    """Render `script` to `out` and measure both correlations, over the lines spoken."""
    from agent.config import load_settings
    from agent.render import RenderOptions, prepare_render

    settings = load_settings(None, engine="fallback")
    job = prepare_render(script, settings, RenderOptions(fps=fps, size=(size, size)))
    opening: list[float] = []
    job.write(out, on_frame=lambda frame: opening.append(frame.pose.mouth_open))
    grey, samples, rate = read_clip(out)
    envelope = audio_envelope(samples, rate, fps, len(grey))
    mask = speech_mask(job.spoken, fps, len(grey))
    pose_lag, pose_r = peak_lag(envelope, np.array(opening), fps, mask)
    pixels = mouth_change(grey, settings.portrait, size)
    pixel_lag, pixel_r = peak_lag(envelope, pixels, fps, mask)
    return {
        "fps": fps, "seconds": len(grey) / fps, "speech_seconds": float(mask.sum()) / fps,
        "mouth_open_lag_ms": pose_lag * 1000.0, "mouth_open_r": pose_r,
        "mouth_pixels_lag_ms": pixel_lag * 1000.0, "mouth_pixels_r": pixel_r,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", nargs="?", type=Path, default=REPO / "assets/scripts/demo.yaml")
    parser.add_argument("--fps", type=int, default=60)
    parser.add_argument("--size", type=int, default=256)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = measure(args.script, args.fps, args.size, Path(folder) / "clip.mp4")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
