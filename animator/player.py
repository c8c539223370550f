"""The frame loop core shared by the live app and headless rendering: timeline → poses → frames.

A `Player` owns one `Timeline`, one `Engine` and the engine's prepared `Source`. Callers decide
*when* to sample (wall clock live, script time headless); the player decides *what* is shown at
that time. It is thread-safe: a console thread may `play` while the render thread samples.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from animator.timeline import Timeline
from animator.timeline.lipsync import AudioClock
from contracts import Engine, Frame, Plan, Pose, Source, SpeechTiming


@dataclass(frozen=True, slots=True)
class Sample:
    """The pose a timeline gives for one time, with the plan that produced it.

    Attributes:
        t: the time sampled (seconds, the timeline's clock).
        pose: the blended pose at `t`.
        plan_id: the plan playing at sampling time (0 before any plan).
    """

    t: float
    pose: Pose
    plan_id: int


class Player:
    """Samples a timeline and renders the poses with an engine, one batch per call.

    Args:
        engine: the engine that draws frames.
        source: `engine.prepare(portrait)`, the portrait the frames show.
        timeline: the timeline to sample (a fresh one with idle life when None).
        seed: seed of the fresh timeline's idle life.
    """

    def __init__(
        self, engine: Engine, source: Source, timeline: Timeline | None = None, *, seed: int = 0
    ) -> None:
        self._engine = engine
        self._source = source
        self._timeline = timeline if timeline is not None else Timeline(seed=seed)
        self._lock = threading.Lock()
        self._seq = 0

    @property
    def engine(self) -> Engine:
        """The engine frames are rendered with."""
        return self._engine

    @property
    def source(self) -> Source:
        """The prepared portrait."""
        return self._source

    @property
    def timeline(self) -> Timeline:
        """The timeline being sampled (use `play` rather than calling it directly)."""
        return self._timeline

    @property
    def plan_id(self) -> int:
        """Id of the plan playing now (0 before the first plan)."""
        with self._lock:
            return self._timeline.plan_id

    def swap(self, engine: Engine | None = None, source: Source | None = None) -> None:
        """Replace the engine and/or the portrait atomically; the timeline keeps playing.

        A new engine needs a source it prepared itself, so pass both when changing engines.
        """
        with self._lock:
            self._engine = engine if engine is not None else self._engine
            self._source = source if source is not None else self._source

    def play(self, plan: Plan, now: float) -> int:
        """Start `plan` at time `now`, preempting whatever played; returns its plan id."""
        with self._lock:
            return self._timeline.play(plan, now)

    def speak(self, plan_id: int, timing: SpeechTiming, clock: AudioClock) -> None:
        """Let plan `plan_id`'s mouth follow a voice (see `Timeline.speak`)."""
        with self._lock:
            self._timeline.speak(plan_id, timing, clock)

    def hush(self, at: float) -> None:
        """The voice stopped at time `at`: the mouth closes (see `Timeline.hush`)."""
        with self._lock:
            self._timeline.hush(at)

    def sample(self, times: Sequence[float]) -> list[Sample]:
        """The timeline's poses at `times` (in order), without rendering."""
        with self._lock:
            plan_id = self._timeline.plan_id
            return [Sample(t, self._timeline.pose_at(t), plan_id) for t in times]

    def render_times(self, times: Sequence[float]) -> list[Frame]:
        """Render one frame per time in one batched engine call.

        Args:
            times: non-decreasing times on the timeline's clock.

        Returns:
            Frames in the same order, carrying consecutive `seq` numbers, `t`, pose and plan id;
            each image is (H, W, 3) uint8 RGB at the portrait's size.

        Raises:
            Whatever the engine raises; the sequence counter is not advanced then.
        """
        if not times:
            return []
        samples = self.sample(times)
        with self._lock:
            engine, source = self._engine, self._source
        images = engine.render(source, [sample.pose for sample in samples])
        if len(images) != len(samples):
            raise RuntimeError(
                f"engine {engine.info.name} returned {len(images)} frames for {len(samples)} poses"
            )
        with self._lock:
            first_seq = self._seq
            self._seq += len(samples)
        return [
            Frame(image=image, seq=first_seq + i, t=s.t, pose=s.pose, plan_id=s.plan_id)
            for i, (s, image) in enumerate(zip(samples, images, strict=True))
        ]

    def render_now(self, now: float) -> Frame:
        """Render the single frame for time `now`."""
        return self.render_times([now])[0]
