"""Lip sync from a voice's timed units: shapes per viseme, coarticulation, emphasis, clocks."""

from __future__ import annotations

import numpy as np
import pytest

from animator.timeline import Timeline
from animator.timeline.lipsync import CUT_S, voice_track
from contracts import SpeechTiming, Step, TimedUnit
from tests.timeline._helpers import plan

T0 = 5.0


def timing(*units: tuple[str, float, float], stress: float = 0.0) -> SpeechTiming:
    """Units (viseme, start, end) back to back, full loudness."""
    timed = [
        TimedUnit(symbol=v, viseme=v, start=s, end=e, stress=stress if v == "aa" else 0.0)
        for v, s, e in units
    ]
    return SpeechTiming(units=tuple(timed), duration=timed[-1].end, language="en", voice="test")


def track_at(spoken: SpeechTiming, tau: float) -> np.ndarray:
    shape, weight = voice_track(spoken).sample(tau)
    return shape * weight


def test_each_vowel_shows_its_own_shape() -> None:
    for viseme, channel in (("aa", 0), ("I", 1), ("U", 2), ("O", 2)):
        spoken = timing(("sil", 0.0, 0.1), (viseme, 0.1, 0.4), ("sil", 0.4, 0.5))
        peak = max((track_at(spoken, 0.1 + i * 0.01) for i in range(30)), key=lambda s: s[:3].sum())
        assert int(np.argmax(peak[:3])) == channel, viseme


def test_lips_close_on_bilabials_between_open_vowels() -> None:
    spoken = timing(("aa", 0.0, 0.2), ("PP", 0.2, 0.3), ("aa", 0.3, 0.5))
    closure = track_at(spoken, 0.2 + 0.35 * 0.1)[0]
    assert closure < 0.05
    hidden = timing(("aa", 0.0, 0.2), ("kk", 0.2, 0.3), ("aa", 0.3, 0.5))
    assert track_at(hidden, 0.2 + 0.35 * 0.1)[0] > 0.4, "coarticulation"


def test_quiet_units_open_less_and_stress_lifts_the_brow() -> None:
    loud = timing(("aa", 0.0, 0.3), stress=1.0)
    quiet = SpeechTiming(
        units=(TimedUnit(symbol="a", viseme="aa", start=0.0, end=0.3, weight=0.2),),
        duration=0.3, language="en", voice="test",
    )
    assert track_at(quiet, 0.1)[0] < 0.6 * track_at(loud, 0.1)[0]
    assert track_at(loud, 0.1)[3] > 0.1 and track_at(loud, 0.1)[4] < -0.5
    assert track_at(quiet, 0.1)[3] == 0.0


def _talking_timeline(spoken: SpeechTiming, start: float) -> tuple[Timeline, int]:
    timeline = Timeline(idle=False)
    plan_id = timeline.play(plan(Step(intent="talk", text="아아아아아아아아아아")), T0)
    timeline.speak(plan_id, spoken, lambda t: t - start)
    return timeline, plan_id


def test_the_mouth_follows_the_voice_clock_not_the_text() -> None:
    spoken = timing(("sil", 0.0, 0.5), ("U", 0.5, 0.9), ("sil", 0.9, 1.2))
    timeline, _ = _talking_timeline(spoken, T0)
    at = [timeline.pose_at(T0 + tau) for tau in (0.25, 0.65, 1.1)]
    assert at[0].mouth_open < 0.05, "silent audio, closed mouth, whatever the text says"
    assert at[1].mouth_round > 0.4
    assert at[2].mouth_open < 0.05
    late, _ = _talking_timeline(spoken, T0 + 0.3)  # the sound card started 0.3 s later
    assert late.pose_at(T0 + 0.65).mouth_round < 0.3
    assert late.pose_at(T0 + 0.95).mouth_round > 0.4


def test_barge_in_closes_the_mouth_and_a_new_plan_silences_the_voice() -> None:
    spoken = timing(*[("aa", i * 0.2, i * 0.2 + 0.2) for i in range(10)])
    timeline, _ = _talking_timeline(spoken, T0)
    timeline.hush(T0 + 0.5)
    assert timeline.pose_at(T0 + 0.5 + CUT_S + 0.01).mouth_open == pytest.approx(0.0, abs=1e-6)
    timeline2, _ = _talking_timeline(spoken, T0)
    timeline2.play(plan(Step(intent="smile")), T0 + 0.5)
    assert timeline2.pose_at(T0 + 1.0).mouth_open < 0.01
