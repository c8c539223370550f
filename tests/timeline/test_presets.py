"""The packaged preset file: complete, shaped as EXPRESSIONS.md says; bad files rejected clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import animator.timeline
from animator.timeline import PresetError, load_presets
from contracts.plan import INTENTS

PACKAGED = Path(animator.timeline.__file__).with_name("presets.yaml")


def test_every_intent_has_a_preset() -> None:
    presets = load_presets()
    assert set(presets.presets) == set(INTENTS)
    for intent in INTENTS:
        assert presets.get(intent) is presets.presets[intent]


def test_unknown_intent_lookup_names_the_known_ones() -> None:
    with pytest.raises(PresetError, match=r"no preset for intent 'grin'.*smile"):
        load_presets().get("grin")


def test_only_close_eyes_and_look_intents_hold() -> None:
    holding = {intent for intent in INTENTS if load_presets().get(intent).holds}
    assert holding == {"close_eyes", "look_left", "look_right", "look_up", "look_down"}


def test_talk_and_chat_are_speech_and_oscillating_intents_have_motions() -> None:
    presets = load_presets()
    assert {i for i in INTENTS if presets.get(i).kind == "speech"} == {"talk", "chat"}
    assert [m.channel for m in presets.get("nod").motions] == ["head_pitch"]
    assert [m.channel for m in presets.get("shake_head").motions] == ["head_yaw"]
    assert presets.get("laugh").motions and presets.get("talk").motions


def test_targets_follow_the_screen_direction_conventions() -> None:
    """look_left moves eyes and head toward screen left (−), look_up toward up (+), etc."""
    t = {intent: load_presets().get(intent).targets for intent in INTENTS}
    assert t["look_left"]["gaze_x"] < 0 and t["look_left"]["head_yaw"] < 0
    assert t["look_right"]["gaze_x"] > 0 and t["look_right"]["head_yaw"] > 0
    assert t["look_up"]["gaze_y"] > 0 and t["look_up"]["head_pitch"] > 0
    assert t["look_down"]["gaze_y"] < 0 and t["look_down"]["head_pitch"] < 0
    for look in ("look_left", "look_right", "look_up", "look_down"):
        gaze = max(abs(t[look].get("gaze_x", 0.0)), abs(t[look].get("gaze_y", 0.0)))
        head = max(abs(t[look].get("head_yaw", 0.0)), abs(t[look].get("head_pitch", 0.0)))
        assert gaze == pytest.approx(0.9) and 8.0 <= head <= 10.0


def test_expressions_look_like_their_names() -> None:
    t = {intent: load_presets().get(intent).targets for intent in INTENTS}
    assert t["smile"] == {"smile": 0.9, "eye_open": -0.15, "mouth_wide": 0.3}
    assert t["blink"] == {"eye_open": -1.0} and t["close_eyes"] == {"eye_open": -1.0}
    assert t["wink"]["wink"] == 1.0 and t["wink"]["smile"] == pytest.approx(0.5)
    assert t["surprise"]["eye_open"] > 0 and t["surprise"]["eyebrow"] > 0
    assert t["surprise"]["mouth_open"] > 0
    assert t["sad"]["smile"] < 0 and t["sad"]["gaze_y"] < 0 and t["sad"]["head_pitch"] < 0
    assert t["angry"]["eyebrow"] < 0 and t["angry"]["eye_open"] == pytest.approx(-0.3)
    assert t["fear"]["eyebrow"] > 0 and t["fear"]["eye_open"] > 0 and t["fear"]["mouth_wide"] > 0
    assert t["disgust"]["smile"] < 0 and t["disgust"]["head_pitch"] > 0
    assert t["confused"]["head_roll"] != 0 and t["confused"]["smile"] == pytest.approx(-0.2)
    assert t["kiss"]["mouth_round"] == 1.0 and t["kiss"]["eye_open"] == pytest.approx(-0.5)
    assert t["laugh"]["mouth_open"] > 0 and t["laugh"]["smile"] > 0
    assert t["neutral"] == {} and t["nod"] == {}


def test_blink_closes_for_about_150_ms() -> None:
    blink = load_presets().get("blink")
    closed = blink.attack / 2 + blink.hold + blink.release / 2  # lids past half-way
    assert 0.08 <= closed <= 0.2


# --- bad files -------------------------------------------------------------------------------


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "presets.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _packaged() -> dict[str, Any]:
    return yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))


def _error(path: Path) -> str:
    with pytest.raises(PresetError) as info:
        load_presets(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_a_copy_of_the_packaged_file_loads(tmp_path: Path) -> None:
    assert load_presets(_write(tmp_path, _packaged())) == load_presets()


def test_unknown_intent_is_named(tmp_path: Path) -> None:
    data = _packaged()
    data["presets"]["grin"] = data["presets"]["smile"]
    message = _error(_write(tmp_path, data))
    assert "presets.grin: unknown intent 'grin'" in message
    assert "smile" in message  # lists what is known


def test_missing_intents_are_listed(tmp_path: Path) -> None:
    data = _packaged()
    del data["presets"]["wink"], data["presets"]["nod"]
    message = _error(_write(tmp_path, data))
    assert "missing presets for intents: wink, nod" in message


def test_unknown_channel_is_named(tmp_path: Path) -> None:
    data = _packaged()
    data["presets"]["smile"]["targets"]["grin"] = 0.5
    assert "presets.smile.targets.grin: unknown channel 'grin'" in _error(_write(tmp_path, data))


def test_target_out_of_range_is_named(tmp_path: Path) -> None:
    data = _packaged()
    data["presets"]["sad"]["targets"]["head_pitch"] = -45.0
    message = _error(_write(tmp_path, data))
    assert "presets.sad.targets" in message and "head_pitch=-45.0 is outside" in message


@pytest.mark.parametrize(
    ("intent", "field", "value", "fragment"),
    [
        ("blink", "attack", -0.1, "presets.blink.attack"),
        ("blink", "release", 0.0, "presets.blink.release"),
        ("smile", "hold", 100.0, "presets.smile.hold"),
        ("smile", "easing", "linear", "presets.smile.easing"),
        ("smile", "full_intensity", 0.0, "presets.smile.full_intensity"),
        ("smile", "kind", "mood", "presets.smile.kind"),
        ("smile", "colour", "red", "presets.smile.colour"),
    ],
)
def test_bad_field_is_named(
    tmp_path: Path, intent: str, field: str, value: object, fragment: str
) -> None:
    data = _packaged()
    data["presets"][intent][field] = value
    assert fragment in _error(_write(tmp_path, data))


def test_bad_motion_is_named(tmp_path: Path) -> None:
    data = _packaged()
    data["presets"]["nod"]["motions"][0]["amplitude"] = -90.0
    data["presets"]["shake_head"]["motions"][0]["waveform"] = "square"
    message = _error(_write(tmp_path, data))
    assert "presets.nod.motions.0: amplitude -90.0 is larger than the whole head_pitch" in message
    assert "presets.shake_head.motions.0.waveform" in message


def test_bad_hold_timeout_is_named(tmp_path: Path) -> None:
    data = _packaged()
    data["hold_timeout"] = 0
    assert "hold_timeout" in _error(_write(tmp_path, data))


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "presets.yaml"
    path.write_text("presets:\n  smile:\n    targets: {smile: 0.9\n    attack: 0.4\n", "utf-8")
    message = _error(path)
    assert "not valid YAML" in message and "line " in message


def test_not_a_mapping(tmp_path: Path) -> None:
    assert "expected a mapping" in _error(_write(tmp_path, ["smile", "wink"]))


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot read the preset file" in _error(tmp_path / "nope.yaml")
