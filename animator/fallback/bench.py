"""Frame-time benchmark of the fallback engine on one CPU thread.

`run_bench` renders a sweep of poses that exercises every channel (head angles, eyes, brows,
mouth, and mixes of them) and reports per-frame times. OpenCV is limited to one thread for the
run, because the engine shares the CPU with the rest of the app.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from animator.fallback.engine import FallbackEngine
from animator.portrait import load_portrait
from contracts.pose import CHANNELS, Pose

DEFAULT_PORTRAIT = Path(__file__).resolve().parents[2] / "assets" / "portrait.png"


def pose_sweep(frames: int) -> list[Pose]:
    """`frames` poses: each channel oscillates at its own rate through its full range."""
    t = np.linspace(0.0, 1.0, frames, endpoint=False)
    lows = np.array([spec.low for spec in CHANNELS])
    highs = np.array([spec.high for spec in CHANNELS])
    rates = np.arange(1, len(CHANNELS) + 1)
    phase = 0.5 + 0.5 * np.sin(2 * np.pi * np.outer(t, rates) + rates)
    return [Pose.from_array(lows + p * (highs - lows)) for p in phase]


def run_bench(image: np.ndarray | None = None, frames: int = 300, size: int = 512) -> dict:
    """Time `frames` renders of a pose sweep on one thread.

    Args:
        image: (H, W, 3) uint8 RGB portrait; None uses the bundled default portrait.
        frames: number of frames to render (one pose each).
        size: the portrait is resized to size x size first (0 keeps it as it is).

    Returns:
        {"frames", "size", "prepare_ms", "mean_ms", "p50_ms", "p95_ms", "max_ms", "cpu_ms",
        "fps"}: wall-clock times per rendered frame in milliseconds, the mean CPU time of the
        rendering thread per frame (unaffected by other processes), and fps = 1000 / mean_ms.
    """
    if image is None:
        image = load_portrait(DEFAULT_PORTRAIT)
    if size:
        image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        engine = FallbackEngine()
        start = time.perf_counter()
        source = engine.prepare(image)
        prepare_ms = (time.perf_counter() - start) * 1e3
        poses = pose_sweep(frames)
        engine.render(source, poses[:5])  # warm caches and allocator
        times = np.empty(frames)
        cpu_start = time.thread_time()
        for i, pose in enumerate(poses):
            start = time.perf_counter()
            engine.render(source, [pose])
            times[i] = (time.perf_counter() - start) * 1e3
        cpu_ms = (time.thread_time() - cpu_start) * 1e3 / frames
    finally:
        cv2.setNumThreads(threads)
    mean = float(times.mean())
    return {
        "frames": frames,
        "size": int(image.shape[0]),
        "prepare_ms": round(prepare_ms, 2),
        "mean_ms": round(mean, 3),
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "max_ms": round(float(times.max()), 3),
        "cpu_ms": round(cpu_ms, 3),
        "fps": round(1e3 / mean, 1),
    }
