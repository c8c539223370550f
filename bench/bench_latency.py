"""Latency from pressing Enter to the new expression on screen, through the real window.

Each trial submits an utterance to a running `Conversation` (fallback engine, pygame window on
SDL's dummy driver unless a display is set) the way the console does when Enter is pressed, then
watches the window process's own report of what it displays (`WindowStats.displayed_seq` and
`displayed_at`, both on the shared monotonic clock). The latency is the time to the first
displayed frame that belongs to the new plan and whose pose differs from rest on the intent's
channel: by `--onset` (default 0.1 %) of the channel's half-range, i.e. the expression has begun.
How fast it then grows is the preset's attack, an artistic choice; the time until it has moved
by `--visible` (default 5 %) is reported alongside. Between trials the portrait is reset to rest.

    .venv/bin/python bench/bench_latency.py --trials 36
    .venv/bin/python bench/bench_latency.py --json

Target: onset p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
    thresholds: tuple[float, ...],
    timeout: float = 3.0,
) -> list[float]:
    """Milliseconds from submit to the first displayed frame of the new plan whose intent
    channel has moved by each of `thresholds` (ascending), one number per threshold."""
    text, channel, direction = probe
    submitted = time.monotonic()  # the moment Enter is handled
    conversation.submit(text)
    plan_id = frames.last_plan_id
    found: list[float] = []
    deadline = submitted + timeout
    while time.monotonic() < deadline and len(found) < len(thresholds):
        stats = conversation.window_stats()
        shown = frames.get(stats.displayed_seq) if stats is not None else None
        if stats is not None and shown is not None and shown.plan_id == plan_id:
            while len(found) < len(thresholds) and moved(
                shown.pose, channel, direction, thresholds[len(found)]
            ):
                found.append((stats.displayed_at - submitted) * 1000.0)
        time.sleep(0.0005)
    if len(found) < len(thresholds):
        raise TimeoutError(f"{text!r}: the window did not show the expression within {timeout} s")
    return found


def back_to_rest(conversation: Conversation, settle_s: float) -> None:
    """Reset to rest and let the release finish, so every trial starts from rest."""
    conversation.submit("원래대로")
    time.sleep(settle_s)


def run(trials: int, thresholds: tuple[float, float], settle_s: float, size: int) -> dict:
    """Run `trials` trials (cycling through `PROBES`) and summarise them."""
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
            samples: list[tuple[str, list[float]]] = []
            for index in range(trials):
                probe = PROBES[index % len(PROBES)]
                samples.append((probe[0], one_trial(conversation, frames, probe, thresholds)))
                back_to_rest(conversation, settle_s)
            status = conversation.status()
        finally:
            conversation.stop()
    onset = np.array([found[0] for _, found in samples])
    visible = np.array([found[1] for _, found in samples])
    return {
        "trials": trials,
        "engine": status.engine.status_line(),
        "onset_threshold": thresholds[0],
        "p50_ms": _ms(np.percentile(onset, 50)),
        "p95_ms": _ms(np.percentile(onset, 95)),
        "max_ms": _ms(onset.max()),
        "target_p95_ms": 50.0,
        "visible_threshold": thresholds[1],
        "visible_p50_ms": _ms(np.percentile(visible, 50)),
        "visible_p95_ms": _ms(np.percentile(visible, 95)),
        "per_utterance_onset_p50_ms": {
            text: _ms(np.median([found[0] for said, found in samples if said == text]))
            for text, _, _ in PROBES
        },
        "render_fps": status.fps,
    }


def _ms(value: float) -> float:
    return round(float(value), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--onset", type=float, default=0.001,
                        help="fraction of the channel's half-range that counts as 'moved' "
                        "(default 0.001: the expression has begun)")
    parser.add_argument("--visible", type=float, default=0.05,
                        help="a second, clearly visible threshold reported alongside")
    parser.add_argument("--settle", type=float, default=1.2, help="seconds at rest between trials")
    parser.add_argument("--size", type=int, default=512, help="window size in pixels")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.trials, (args.onset, args.visible), args.settle, args.size)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value}")


if __name__ == "__main__":
    main()
