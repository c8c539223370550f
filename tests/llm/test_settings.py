"""`[llm]` settings: from the config file, the environment and the command line, all documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import ConfigError, load_settings
from intents.llm import LLMSettings

REPO = Path(__file__).resolve().parents[2]


def test_the_config_file_environment_and_flags_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "avatar.toml"
    config.write_text('[llm]\nname = "Mina"\nreply_chars = 90\ndeadline_s = 4\n', encoding="utf-8")
    monkeypatch.setenv("AVATAR_LLM__LANGUAGE", "en")
    settings = load_settings(config, llm={"url": "http://gpu-box:8000/v1"})
    llm = settings.llm
    assert (llm.name, llm.reply_chars, llm.deadline_s) == ("Mina", 90, 4.0)
    assert llm.language == "en" and llm.url == "http://gpu-box:8000/v1"
    assert llm.model == "auto" and llm.memory_turns == 6  # untouched defaults stay


def test_a_bad_value_names_the_key_and_the_line(tmp_path: Path) -> None:
    config = tmp_path / "avatar.toml"
    config.write_text('[llm]\nname = "Mina"\nreply_chars = 5\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert f"config file '{config}', line 3: setting 'llm.reply_chars'" in str(caught.value)


def test_the_kiosk_example_configures_the_llm() -> None:
    settings = load_settings(REPO / "assets" / "kiosk.example.toml")
    assert settings.llm.model == "auto" and settings.llm.deadline_s == 2.5


def test_every_llm_setting_is_documented() -> None:
    undocumented = [name for name, field in LLMSettings.model_fields.items()
                    if not field.description]
    assert not undocumented
