"""Script files: the format, errors that name the line, and how events are placed in time."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.cues import schedule_script
from agent.script import ScriptError, load_script, parse_script
from animator.timeline import Timeline, load_presets
from contracts import Plan, Step
from intents import load_interpreter
from tests.agent._helpers import DEMO_SCRIPT, REPO


def script_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "show.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScriptError) as info:
        load_script(script_file(tmp_path, text))
    return str(info.value)


def test_unknown_key_names_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "events:\n  - say: 웃어줘\n  - say: hi\n    colour: red\n")
    assert message == f"{tmp_path / 'show.yaml'}, line 4: events[1].colour: unknown key 'colour'"


def test_negative_pause_names_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "seed: 1\nevents:\n  - say: 웃어줘\n  - pause: -1.5\n")
    assert "line 4: events[1].pause:" in message and "greater than 0" in message


def test_bad_intent_names_its_line_and_the_choices(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        "events:\n  - plan:\n      steps:\n        - intent: smile\n        - intent: dance\n",
    )
    assert "line 5: events[0].plan.steps[1].intent: unknown intent 'dance'" in message
    assert "smile" in message.split("use one of:")[1]


def test_empty_text_names_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "events:\n  - say: hi\n  - say: '   '\n")
    assert "line 3: events[1].say: text is empty" in message


def test_event_without_action_names_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "events:\n  - say: hi\n  - reply: hello\n")
    assert "line 3: events[1]: an event needs exactly one of say, plan, pause" in message


def test_two_actions_in_one_event(tmp_path: Path) -> None:
    message = error_of(tmp_path, "events:\n  - say: hi\n    pause: 2\n")
    assert "line 2: events[0]:" in message and "found: say, pause" in message


def test_malformed_yaml_names_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "events:\n  - say: hi\n    - pause: 1\n")
    assert "show.yaml, line 3: invalid YAML" in message


def test_unterminated_string_names_where_it_started(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'events:\n  - say: "unterminated\n  - pause: 1\n')
    assert "invalid YAML" in message and "started on line 2" in message


def test_not_a_mapping(tmp_path: Path) -> None:
    assert "line 1: a script is a mapping" in error_of(tmp_path, "- say: hi\n")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="file not found"):
        load_script(tmp_path / "nothing.yaml")


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    message = error_of(tmp_path, "size: [5, 5]\nevents:\n  - pause: 0\n")
    assert "line 1: size:" in message and "line 3: events[0].pause:" in message


def test_portrait_is_relative_to_the_script(tmp_path: Path) -> None:
    script = load_script(script_file(tmp_path, "portrait: faces/me.png\nevents:\n  - pause: 1\n"))
    assert script.portrait == tmp_path / "faces" / "me.png"


def test_demo_script_is_valid_and_varied() -> None:
    script = load_script(DEMO_SCRIPT)
    plans = schedule_script(script, load_interpreter())
    intents = {intent for cue in plans.cues for intent in cue.plan.intents}
    assert len(intents - {"chat"}) >= 10, intents
    assert 30.0 <= plans.duration <= 40.0, plans.duration
    texts = [cue.utterance.text for cue in plans.cues if cue.utterance is not None]
    assert any(ord(ch) > 0xAC00 for text in texts for ch in text)  # Korean
    assert any(text.isascii() for text in texts)  # English


def test_events_follow_each_other_when_at_is_missing(tmp_path: Path) -> None:
    script = parse_script(
        "events:\n"
        "  - plan: {steps: [{intent: smile}]}\n"
        "  - pause: 1.5\n"
        "  - plan: {steps: [{intent: nod, repeat: 2}]}\n"
        "  - at: 20\n"
        "    plan: {steps: [{intent: wink}]}\n"
        "end_hold: 0.5\n",
        tmp_path / "s.yaml",
    )
    timeline = Timeline(seed=0, idle=False)
    smile_end = _end_of(timeline, Plan(steps=[Step(intent="smile")]), 0.0)
    schedule = schedule_script(script, load_interpreter())
    starts = [cue.at for cue in schedule.cues]
    assert starts[0] == 0.0
    assert starts[1] == pytest.approx(smile_end + 1.5)
    assert starts[2] == 20.0
    wink_end = _end_of(timeline, Plan(steps=[Step(intent="wink")]), 20.0)
    assert schedule.duration == pytest.approx(wink_end + 0.5)


def test_held_expression_lets_the_next_event_start_soon(tmp_path: Path) -> None:
    script = parse_script(
        "events:\n  - plan: {steps: [{intent: look_left}]}\n  - plan: {steps: [{intent: smile}]}\n",
        tmp_path / "s.yaml",
    )
    schedule = schedule_script(script, load_interpreter())
    attack = load_presets().get("look_left").attack
    # a held expression counts as done 2 s after it has arrived (stated here, not read from
    # agent.cues, so a changed constant shows)
    assert schedule.cues[1].at == pytest.approx(attack + 2.0)


def test_time_going_backwards_names_the_line(tmp_path: Path) -> None:
    script = parse_script(
        "events:\n  - at: 5\n    say: hi\n  - at: 2\n    say: hello\n", tmp_path / "s.yaml"
    )
    with pytest.raises(ScriptError, match=r"s\.yaml, line 4: events\[1\]\.at: 2 s is before"):
        schedule_script(script, load_interpreter())


def test_reply_is_spoken_by_a_talk_step(tmp_path: Path) -> None:
    script = parse_script(
        "events:\n"
        "  - plan: {steps: [{intent: smile}]}\n"
        "    reply: 안녕하세요\n"
        "  - plan: {steps: [{intent: talk}, {intent: nod}]}\n"
        "    reply: hello there\n",
        tmp_path / "s.yaml",
    )
    first, second = (cue.plan for cue in schedule_script(script, load_interpreter()).cues)
    assert first.intents == ["smile", "talk"] and first.steps[1].text == "안녕하세요"
    assert first.reply == "안녕하세요"
    assert second.intents == ["talk", "nod"] and second.steps[0].text == "hello there"


def test_hold_applies_to_every_step(tmp_path: Path) -> None:
    script = parse_script(
        "events:\n  - plan: {steps: [{intent: close_eyes, hold_forever: true}]}\n    hold: 1.2\n",
        tmp_path / "s.yaml",
    )
    (cue,) = schedule_script(script, load_interpreter()).cues
    assert cue.plan.steps[0].hold == 1.2 and not cue.plan.steps[0].hold_forever


def test_say_goes_through_the_interpreter(tmp_path: Path) -> None:
    script = parse_script("events:\n  - say: 웃어줘\n", tmp_path / "s.yaml")
    (cue,) = schedule_script(script, load_interpreter()).cues
    assert cue.plan.intents == ["smile"]
    assert cue.utterance is not None and cue.utterance.source == "script"


def _end_of(timeline: Timeline, plan: Plan, start: float) -> float:
    timeline.play(plan, start)
    return timeline.busy_until()


#: What each bundled script's events are meant to do, read off the scripts by hand: the intents
#: of every event in order ((intent, repeat) per step). A script added to assets/scripts needs
#: its line here.
BUNDLED_SCRIPTS = {
    "demo.yaml": [
        [("smile", 1)], [("wink", 1)], [("surprise", 1), ("smile", 1)], [("nod", 2)],
        [("look_left", 1)], [("sad", 1)], [("close_eyes", 1)], [("talk", 1)],
        [("shake_head", 1)], [("kiss", 1)], [("angry", 1)], [("neutral", 1)], [("laugh", 1)],
        [("chat", 1)],
    ],
    "attract.yaml": [
        [("smile", 1)], [("look_left", 1)], [("look_right", 1)], [("neutral", 1)], [("wink", 1)],
        [("talk", 1)],
    ],
}


def test_repo_scripts_are_valid() -> None:
    paths = sorted((REPO / "assets" / "scripts").glob("*.yaml"))
    for path in paths:
        load_script(path)
    assert sorted(path.name for path in paths) == sorted(BUNDLED_SCRIPTS)
    interpreter = load_interpreter()
    for path in paths:
        cues = schedule_script(load_script(path), interpreter).cues
        played = [[(step.intent, step.repeat) for step in cue.plan.steps] for cue in cues]
        assert played == BUNDLED_SCRIPTS[path.name], path.name
        starts = [cue.at for cue in cues]
        assert starts == sorted(starts) and len(set(starts)) == len(starts), path.name


def test_the_demo_applies_its_reply_and_hold() -> None:
    cues = schedule_script(load_script(DEMO_SCRIPT), load_interpreter()).cues
    (closing,) = [cue for cue in cues if cue.plan.intents == ["close_eyes"]]
    assert closing.plan.steps[0].hold == 1.2
    (talking,) = [cue for cue in cues if cue.plan.intents == ["talk"]]
    assert talking.plan.reply == "안녕하세요! 만나서 반가워요."
    assert talking.plan.steps[0].text == "안녕하세요! 만나서 반가워요."


def test_a_key_given_twice_names_its_second_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "events:\n  - say: 웃어줘\n    say: wink at me\n")
    assert message.endswith(
        "show.yaml, line 3: key 'say' appears twice in the same mapping; keep one"
    )


def alias_bomb(levels: int) -> str:
    """A 'billion laughs' script: each level repeats the previous one nine times."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nevents:\n  - say: hi\n"


def test_an_alias_bomb_is_refused_at_once_with_its_line(tmp_path: Path) -> None:
    text = alias_bomb(12)  # 9**12 values once expanded, from under 1 kB
    assert len(text.encode()) < 1000
    message = error_of(tmp_path, text)
    assert message == (
        f"{tmp_path / 'show.yaml'}, line 7: the script expands to more than 1,000,000 values "
        "(aliases repeat what they point to); use fewer aliases"
    )


def test_aliases_within_bounds_still_work(tmp_path: Path) -> None:
    text = (
        "events:\n  - &wink {plan: {steps: [{intent: wink}]}}\n  - pause: 0.5\n  - *wink\n"
    )
    script = load_script(script_file(tmp_path, text))
    assert [e.plan.steps[0].intent for e in script.events if e.plan] == ["wink", "wink"]


def test_deep_nesting_is_a_clear_error(tmp_path: Path) -> None:
    message = error_of(tmp_path, "seed: 1\nevents: " + "[" * 2000 + "]" * 2000 + "\n")
    assert message == (
        f"{tmp_path / 'show.yaml'}, line 2: lists and mappings are nested more than 32 levels "
        "deep; flatten the script"
    )
