"""Talking: mouth shapes per syllable, lip closures, timing from the text, smile kept on."""

from __future__ import annotations

import numpy as np
import pytest

from animator.timeline import Timeline
from contracts import Step
from tests.timeline._helpers import ch, plan, sample

T0 = 10.0
MOUTH = ("mouth_open", "mouth_wide", "mouth_round")


def _talk(text: str | None = None, *, reply: str | None = None, **step: object) -> np.ndarray:
    """Frames (240 fps) of a talk step saying `text`, with idle life off."""
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="talk", text=text, intensity=1.0, **step), reply=reply), T0)
    return sample(timeline, T0, timeline.busy_until(), fps=240)


def _busy(text: str | None, *, reply: str | None = None, intent: str = "talk") -> float:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent=intent, text=text), reply=reply), T0)  # type: ignore[arg-type]
    return timeline.busy_until() - T0


@pytest.mark.parametrize(
    ("text", "dominant"),
    [("아", "mouth_open"), ("이", "mouth_wide"), ("우", "mouth_round"), ("오", "mouth_round"),
     ("에", "mouth_wide"), ("ah", "mouth_open"), ("see", "mouth_wide"), ("zoo", "mouth_round")],
)  # fmt: skip
def test_vowel_picks_the_mouth_shape(text: str, dominant: str) -> None:
    poses = _talk(text)
    mouth = poses[:, [ch(name) for name in MOUTH]]
    peak = mouth[np.argmax(mouth.sum(axis=1))]
    assert MOUTH[int(np.argmax(peak))] == dominant
    assert peak.max() > 0.3


def _gap_opening(text: str) -> float:
    """How far the mouth stays open between the two syllables' peaks of mouth_open."""
    opening = _talk(text)[:, ch("mouth_open")]
    peaks = [
        i
        for i in range(1, len(opening) - 1)
        if opening[i] >= opening[i - 1] and opening[i] > opening[i + 1] and opening[i] > 0.4
    ]
    assert len(peaks) == 2, peaks
    return float(opening[peaks[0] : peaks[1]].min())


@pytest.mark.parametrize(
    ("closing", "open_"),
    [("암아", "안아"), ("아마", "아하"), ("압아", "악아"), ("mama", "haha")],
)
def test_bilabials_close_the_lips(closing: str, open_: str) -> None:
    """Final ㅁ/ㅂ (and initial ㅁ, Latin m) press the lips shut between the vowels."""
    assert _gap_opening(closing) < 0.05
    assert _gap_opening(open_) > 0.15


def test_duration_follows_the_text_at_five_to_seven_syllables_a_second() -> None:
    ten = "가나다라마바사아자차"
    extra = _busy(ten * 2) - _busy(ten)
    assert 10 / 7 <= extra <= 10 / 5
    assert _busy("hello there my friend") > _busy("hello")


def test_spaces_and_punctuation_are_short_pauses() -> None:
    plain = _busy("가나다라")
    assert _busy("가나 다라") - plain == pytest.approx(0.06)
    comma, stop = _busy("가나, 다라") - plain, _busy("가나. 다라") - plain
    assert 0.1 < comma < stop < 0.5
    assert _busy("가나!!! 다라") == pytest.approx(_busy("가나. 다라"))


def test_reply_is_spoken_when_the_step_has_no_text() -> None:
    short, long_ = _busy(None, reply="네"), _busy(None, reply="네, 알겠습니다. 바로 해 볼게요.")
    assert long_ - short > 1.5
    assert _busy(None, intent="chat") > 1.0  # a default line
    assert _busy("네", reply="아주 긴 대답입니다 정말로 길어요") == pytest.approx(short)


def test_repeat_says_the_line_again_and_duration_stretches_it() -> None:
    once = _busy("안녕하세요")
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="talk", text="안녕하세요", repeat=2)), T0)
    assert timeline.busy_until() - T0 > 2 * once - 0.5
    poses = _talk("안녕하세요", duration=4.0)
    assert len(poses) == pytest.approx(4.0 * 240, abs=2)
    late = poses[int(2.5 * 240) : int(3.3 * 240), ch("mouth_open")]
    assert late.max() > 0.3  # still talking late into the stretched line


def test_a_smile_survives_talking() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="smile"), Step(intent="talk", text="안녕하세요 반갑습니다")), T0)
    poses = sample(timeline, T0, timeline.busy_until())
    talking = np.array([timeline.active_step(T0 + i / 60).intent == "talk"  # type: ignore[union-attr]
                        for i in range(len(poses) - 1)] + [False])  # fmt: skip
    held_smile = 0.9 * 0.7
    smile = poses[talking, ch("smile")]
    mouth_open = poses[talking, ch("mouth_open")]
    assert talking.sum() > 60
    assert smile[:-30] == pytest.approx(np.full(len(smile) - 30, held_smile))  # until the release
    assert mouth_open.max() - mouth_open.min() > 0.3
    assert timeline.pose_at(timeline.busy_until()).is_rest(tol=0.0)


def test_explicit_targets_on_talk_stay_while_the_mouth_moves() -> None:
    poses = _talk("네 좋아요", targets={"smile": 0.8, "eyebrow": 0.5})
    middle = poses[len(poses) // 3 : 2 * len(poses) // 3]
    assert middle[:, ch("smile")] == pytest.approx(np.full(len(middle), 0.8))
    assert middle[:, ch("mouth_open")].max() > 0.3


def test_gestures_are_not_carried_into_talk() -> None:
    timeline = Timeline(idle=False)
    timeline.play(plan(Step(intent="wink"), Step(intent="talk", text="안녕")), T0)
    talk_start = next(
        T0 + i / 240 for i in range(2000) if timeline.active_step(T0 + i / 240).intent == "talk"
    )  # type: ignore[union-attr]
    assert timeline.pose_at(talk_start + 0.1).wink == 0.0


def test_mouth_rests_before_and_after_the_line() -> None:
    poses = _talk("안녕")
    assert np.all(poses[0, [ch(name) for name in MOUTH]] == 0.0)
    assert np.all(poses[-1] == 0.0)
