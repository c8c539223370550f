"""The Player: timeline samples in, frames out, in one batched engine call per request."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from animator.fallback import FallbackEngine
from animator.player import Player
from animator.portrait import load_portrait
from animator.timeline import Timeline
from contracts import Plan, Pose, Source, Step
from tests.agent._helpers import PORTRAIT


class CountingEngine(FallbackEngine):
    """The real fallback engine, counting its render calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def render(self, source: Source, poses: Sequence[Pose]) -> list[np.ndarray]:
        self.calls.append(len(poses))
        return super().render(source, poses)


@pytest.fixture(scope="module")
def prepared() -> tuple[CountingEngine, Source]:
    engine = CountingEngine()
    return engine, engine.prepare(load_portrait(PORTRAIT))


def test_frames_carry_time_pose_plan_and_consecutive_seq(
    prepared: tuple[CountingEngine, Source],
) -> None:
    engine, source = prepared
    player = Player(engine, source, Timeline(seed=3))
    reference = Timeline(seed=3)
    plan = Plan(steps=[Step(intent="smile", intensity=1.0)])
    assert player.play(plan, 1.0) == reference.play(plan, 1.0) == 1
    times = [1.0, 1.2, 1.4, 1.6]
    engine.calls.clear()
    frames = player.render_times(times)
    assert engine.calls == [4]  # one batched call
    assert [f.seq for f in frames] == [0, 1, 2, 3]
    assert [f.t for f in frames] == times
    assert all(f.plan_id == 1 for f in frames)
    assert [f.pose for f in frames] == [reference.pose_at(t) for t in times]
    assert frames[-1].pose.smile > 0.3 and frames[-1].size == source.size
    assert player.render_now(2.0).seq == 4


def test_rendering_the_same_pose_twice_gives_the_same_pixels(
    prepared: tuple[CountingEngine, Source],
) -> None:
    engine, source = prepared
    first = Player(engine, source, Timeline(seed=1)).render_now(0.5)
    second = Player(engine, source, Timeline(seed=1)).render_now(0.5)
    assert np.array_equal(first.image, second.image)


def test_swapping_the_portrait_keeps_the_timeline(
    prepared: tuple[CountingEngine, Source],
) -> None:
    engine, source = prepared
    player = Player(engine, source, Timeline(seed=0))
    player.play(Plan(steps=[Step(intent="wink")]), 0.0)
    smaller = engine.prepare(np.ascontiguousarray(load_portrait(PORTRAIT)[:320, :320]))
    player.swap(source=smaller)
    frame = player.render_now(0.2)
    assert frame.size == (320, 320) and frame.plan_id == 1 and frame.pose.wink > 0


class ShortEngine(FallbackEngine):
    def render(self, source: Source, poses: Sequence[Pose]) -> list[np.ndarray]:
        return super().render(source, poses)[:-1]


def test_an_engine_returning_too_few_frames_is_an_error(
    prepared: tuple[CountingEngine, Source],
) -> None:
    _, source = prepared
    player = Player(ShortEngine(), source)
    with pytest.raises(RuntimeError, match="returned 1 frames for 2 poses"):
        player.render_times([0.0, 0.1])
    assert player.render_times([]) == []


class GatedEngine(FallbackEngine):
    """The real fallback engine, but each render waits in the middle until the test's other thread
    has played a plan: every `play` then truly happens while a render is under way."""

    def __init__(self) -> None:
        super().__init__()
        self.rendering = threading.Barrier(2, timeout=10.0)  # a render has sampled its poses
        self.played = threading.Barrier(2, timeout=10.0)  # the other thread has played

    def render(self, source: Source, poses: Sequence[Pose]) -> list[np.ndarray]:
        self.rendering.wait()
        self.played.wait()
        return super().render(source, poses)


def test_play_from_another_thread_while_rendering(
    prepared: tuple[CountingEngine, Source],
) -> None:
    """A plan played during a render neither waits for it (no lock held across the engine call)
    nor changes it: the frame keeps the plan and pose it sampled, the next frame has the new
    plan, and sequence numbers stay consecutive."""
    _, source = prepared
    engine = GatedEngine()
    player = Player(engine, source, Timeline(seed=0))
    rounds = 20

    def submit_plans() -> None:
        for index in range(rounds):
            engine.rendering.wait()
            player.play(Plan(steps=[Step(intent="nod")]), index * 0.05)
            engine.played.wait()

    thread = threading.Thread(target=submit_plans)
    thread.start()
    try:
        frames = [player.render_now(1.0) for _ in range(rounds)]
    finally:
        engine.rendering.abort()  # frees the other thread if a render failed
        engine.played.abort()
        thread.join(10.0)
    ids = [frame.plan_id for frame in frames]
    assert ids == sorted(ids) and player.plan_id == 20
    assert ids == list(range(rounds))  # each frame shows the plan sampled before the play
    assert [frame.seq for frame in frames] == list(range(rounds))
    assert frames[0].pose == Timeline(seed=0).pose_at(1.0)  # no plan yet: idle life only
