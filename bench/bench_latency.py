"""Latency from pressing Enter to the new expression on screen, through the real window.

Each trial submits an utterance to a running `Conversation` (fallback engine, pygame window on
SDL's dummy driver unless a display is set) the way the console does when Enter is pressed, then
watches the window process's own report of what it displays (`WindowStats.displayed_seq` and
`displayed_at`, both on the shared monotonic clock). The trial ends at the first displayed frame
that belongs to the new plan and whose pose has left rest on the intent's channel by at least
`--threshold` of the channel's half-range. Between trials the portrait is reset to rest.

    PYTHONPATH=. .venv/bin/python bench/bench_latency.py --trials 40
    PYTHONPATH=. .venv/bin/python bench/bench_latency.py --json

Target: p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent import Conversation, load_settings
from agent.events import Event, FrameRendered, PlanStarted
from contracts import Pose

PROBES: tuple[tuple[str, str, float], ...] = (
    ("웃어줘", "smile", 1.0),
    ("wink at me", "wink", 1.0),
    ("놀라봐", "eyebrow", 1.0),
    ("뽀뽀해줘", "mouth_round", 1.0),
    ("화내봐", "eyebrow", -1.0),
    ("look sad", "smile", -1.0),
)
"""(utterance, channel that must move, direction it moves in). Only channels idle life never
touches (no blinks, sway or gaze drift), so a detected change is the new expression's."""


@dataclass(frozen=True, slots=True)
class Shown:
    """What the conversation delivered for one frame sequence number."""

    plan_id: int
    pose: Pose


class FrameIndex:
    """seq → (plan id, pose) of delivered frames, filled on the render thread; bounded.

    Also remembers the id of the last plan started (published inside `submit`).
    """

    def __init__(self, conversation: Conversation, keep: int = 4096) -> None:
        self._conversation = conversation
        self._frames: dict[int, Shown] = {}
        self._keep = keep
        self._lock = threading.Lock()
        self.last_plan_id = 0

    def __call__(self, event: Event) -> None:
        if isinstance(event, PlanStarted):
            self.last_plan_id = event.plan_id
        if not isinstance(event, FrameRendered):
            return
        frame = self._conversation.latest_frame()  # the frame just delivered, same thread
        if frame is None or frame.seq != event.seq:
            return
        with self._lock:
            self._frames[frame.seq] = Shown(frame.plan_id, frame.pose)
            if len(self._frames) > self._keep:
                del self._frames[min(self._frames)]

    def get(self, seq: int) -> Shown | None:
        with self._lock:
            return self._frames.get(seq)


def moved(pose: Pose, channel: str, direction: float, threshold: float) -> bool:
    """True when `channel` left rest in `direction` by `threshold` of its half-range."""
    spec = Pose.spec(channel)  # type: ignore[arg-type]
    half_range = max(abs(spec.low), abs(spec.high))
    return getattr(pose, channel) * direction >= threshold * half_range


def one_trial(
    conversation: Conversation,
    frames: FrameIndex,
    probe: tuple[str, str, float],
    threshold: float,
    timeout: float = 3.0,
) -> float:
    """Milliseconds from submit to the first displayed frame showing the new expression."""
    text, channel, direction = probe
    submitted = time.monotonic()  # the moment Enter is handled
    conversation.submit(text)
    plan_id = frames.last_plan_id
    deadline = submitted + timeout
    while time.monotonic() < deadline:
        stats = conversation.window_stats()
        if stats is not None and stats.displayed_seq >= 0:
            shown = frames.get(stats.displayed_seq)
            if (
                shown is not None
                and shown.plan_id == plan_id
                and moved(shown.pose, channel, direction, threshold)
            ):
                return (stats.displayed_at - submitted) * 1000.0
        time.sleep(0.0005)
    raise TimeoutError(f"{text!r}: the window never showed the new expression within {timeout} s")


def back_to_rest(conversation: Conversation, settle_s: float) -> None:
    """Reset to rest and let the release finish, so every trial starts from rest."""
    conversation.submit("원래대로")
    time.sleep(settle_s)


def run(trials: int, threshold: float, settle_s: float, size: int) -> dict[str, object]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    with tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings(
            None,
            engine="fallback",
            data_dir=Path(data_dir),
            window={"enabled": True, "size": [size, size]},
        )
        conversation = Conversation(settings)
        frames = FrameIndex(conversation)
        conversation.subscribe(frames)
        conversation.start()
        try:
            if conversation.window_state != "open":
                raise SystemExit(f"window {conversation.window_state}: cannot measure")
            back_to_rest(conversation, settle_s)
            samples = []
            for index in range(trials):
                samples.append(one_trial(conversation, frames, PROBES[index % len(PROBES)],
                                         threshold))
                back_to_rest(conversation, settle_s)
            status = conversation.status()
        finally:
            conversation.stop()
    values = np.array(samples)
    return {
        "trials": trials,
        "engine": status.engine.status_line(),
        "threshold": threshold,
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
        "max_ms": round(float(values.max()), 1),
        "render_fps": status.fps,
        "target_p95_ms": 50.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--threshold", type=float, default=0.02,
                        help="fraction of the channel's half-range that counts as 'moved'")
    parser.add_argument("--settle", type=float, default=1.2, help="seconds at rest between trials")
    parser.add_argument("--size", type=int, default=512, help="window size in pixels")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.trials, args.threshold, args.settle, args.size)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value}")


if __name__ == "__main__":
    main()
