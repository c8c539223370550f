"""Engine selection: LivePortrait when its weights are there, the fallback (said so) otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from animator.engines import WEIGHTS_MISSING_NOTE, create_engine


def test_fallback_by_name_has_no_notes() -> None:
    engine, notes = create_engine("fallback")
    assert engine.info.fallback and not engine.info.real_weights
    assert notes == []


def test_auto_without_weights_runs_the_fallback_and_says_how_to_get_them(tmp_path: Path) -> None:
    engine, notes = create_engine("auto", models_dir=tmp_path / "empty")
    assert engine.info.fallback
    assert notes == [WEIGHTS_MISSING_NOTE]
    assert "avatar models download" in notes[0]


def test_liveportrait_without_weights_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as info:
        create_engine("liveportrait", models_dir=tmp_path / "empty")
    message = str(info.value)
    assert "LivePortrait weights not found" in message
    assert "avatar models download" in message and "\n" not in message


def test_unknown_engine_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="choose one of: auto, liveportrait, fallback"):
        create_engine("dall-e")
