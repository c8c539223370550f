"""Frame-time benchmark of the fallback engine on one CPU thread.

`run_bench` renders a sweep of poses that exercises every channel (head angles, eyes, brows,
mouth, and mixes of them) and reports per-frame times. OpenCV is limited to one thread for the
run, because the engine shares the CPU with the rest of the app.

`run_large_bench` follows a large photo file through what the app does with it (read, scale to
display size, prepare, render) next to the same portrait saved at 1024 x 1024.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

from animator.fallback.engine import FallbackEngine, FallbackSource
from animator.portrait import fit_for_display, load_portrait
from contracts.pose import CHANNELS, Pose

DEFAULT_PORTRAIT = Path(__file__).resolve().parents[2] / "assets" / "portrait.png"
LARGE_SIDE = 4000  # the large-portrait case: the default portrait upscaled to this square
REFERENCE_SIDE = 1024  # ... compared with the same portrait at this size


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
    with _one_thread():
        start = time.perf_counter()
        engine = FallbackEngine()
        source = engine.prepare(image)
        prepare_ms = (time.perf_counter() - start) * 1e3
        times, cpu_ms = _time_frames(engine, source, frames)
    return {
        "frames": frames,
        "size": int(image.shape[0]),
        "prepare_ms": round(prepare_ms, 2),
        **_frame_numbers(times),
        "cpu_ms": round(cpu_ms, 3),
    }


def run_large_bench(
    frames: int = 300, side: int = LARGE_SIDE, reference: int = REFERENCE_SIDE
) -> dict:
    """A `side` x `side` portrait file against the same portrait at `reference` x `reference`,
    each read, scaled to display size, prepared and rendered for `frames` frames on one thread.

    Returns:
        {"large": ..., "reference": ..., "slowdown"}: per file its side, the display size the
        engine works at, read_ms (decode and scale), prepare_ms, per-frame wall-clock times and
        fps, cpu_ms (thread CPU time per frame), and total_s (read + prepare + all frames: a
        render without the encoder); slowdown is the large file's total_s over the reference's.
    """
    portrait = load_portrait(DEFAULT_PORTRAIT)
    with tempfile.TemporaryDirectory(prefix="avatar-bench-") as folder:
        cases = {}
        for name, square in (("large", side), ("reference", reference)):
            path = Path(folder) / f"portrait-{square}.png"
            scaled = cv2.resize(portrait, (square, square), interpolation=cv2.INTER_CUBIC)
            cv2.imwrite(str(path), cv2.cvtColor(scaled, cv2.COLOR_RGB2BGR))
            cases[name] = _file_case(path, square, frames)
    return {
        **cases,
        "slowdown": round(cases["large"]["total_s"] / cases["reference"]["total_s"], 3),
    }


def _file_case(path: Path, side: int, frames: int) -> dict:
    with _one_thread():
        start = time.perf_counter()
        image = fit_for_display(load_portrait(path))
        read_ms = (time.perf_counter() - start) * 1e3
        start = time.perf_counter()
        engine = FallbackEngine()
        source = engine.prepare(image)
        prepare_ms = (time.perf_counter() - start) * 1e3
        times, cpu_ms = _time_frames(engine, source, frames)
    return {
        "side": side,
        "display": [int(image.shape[1]), int(image.shape[0])],
        "read_ms": round(read_ms, 2),
        "prepare_ms": round(prepare_ms, 2),
        **_frame_numbers(times),
        "cpu_ms": round(cpu_ms, 3),
        "total_s": round((read_ms + prepare_ms + float(times.sum())) / 1e3, 3),
    }


@contextmanager
def _one_thread() -> Iterator[None]:
    """OpenCV on one thread inside the block, as the engine runs beside the rest of the app."""
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(threads)


def _time_frames(
    engine: FallbackEngine, source: FallbackSource, frames: int
) -> tuple[np.ndarray, float]:
    """Wall-clock ms of each of `frames` single-pose renders, and the mean thread CPU ms."""
    poses = pose_sweep(frames)
    engine.render(source, poses[:5])  # warm caches and allocator
    times = np.empty(frames)
    cpu_start = time.thread_time()
    for i, pose in enumerate(poses):
        start = time.perf_counter()
        engine.render(source, [pose])
        times[i] = (time.perf_counter() - start) * 1e3
    return times, (time.thread_time() - cpu_start) * 1e3 / frames


def _frame_numbers(times: np.ndarray) -> dict:
    mean = float(times.mean())
    return {
        "mean_ms": round(mean, 3),
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "max_ms": round(float(times.max()), 3),
        "fps": round(1e3 / mean, 1),
    }
