"""Settings: defaults, TOML < env < overrides, paths relative to the file, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import DEFAULT_PORTRAIT, ConfigError, Settings, load_settings
from tests.agent._helpers import REPO


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AVATAR_* variable from the developer's shell may leak into these tests."""
    import os

    for name in list(os.environ):
        if name.startswith("AVATAR_"):
            monkeypatch.delenv(name)


def write(tmp_path: Path, text: str, name: str = "avatar.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_work_offline() -> None:
    settings = load_settings()
    assert settings.engine == "auto"
    assert settings.portrait == DEFAULT_PORTRAIT and DEFAULT_PORTRAIT.is_file()
    assert settings.target_fps == 30
    assert settings.window.enabled and settings.window.exit_combo == "ctrl+shift+q"
    assert settings.kiosk.attract_script.is_file()


def test_toml_then_env_then_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(
        tmp_path,
        'engine = "fallback"\ntarget_fps = 24\nseed = 5\n'
        "[window]\nsize = [640, 480]\nfullscreen = true\noverlay = true\n",
    )
    monkeypatch.setenv("AVATAR_TARGET_FPS", "20")
    monkeypatch.setenv("AVATAR_WINDOW__FULLSCREEN", "false")
    settings = load_settings(path, seed=9, window={"overlay": False})

    assert settings.engine == "fallback"  # only in the file
    assert settings.window.size == (640, 480)  # only in the file
    assert settings.target_fps == 20  # env beats the file
    assert settings.window.fullscreen is False  # nested env beats the file
    assert settings.seed == 9  # override beats the file
    assert settings.window.overlay is False  # nested override beats the file


def test_override_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATAR_ENGINE", "liveportrait")
    assert load_settings(engine="fallback").engine == "fallback"
    assert load_settings().engine == "liveportrait"


def test_none_overrides_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, 'engine = "fallback"\n')
    assert load_settings(path, engine=None, portrait=None).engine == "fallback"


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATAR_CONFIG", str(write(tmp_path, "seed = 42\n")))
    assert load_settings().seed == 42


def test_relative_paths_in_the_file_are_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    path = write(
        folder,
        'portrait = "me.jpg"\n[kiosk]\nattract_script = "loop.yaml"\ninput = "feed/in.fifo"\n',
    )
    monkeypatch.chdir(tmp_path)
    settings = load_settings(path)
    assert settings.portrait == folder / "me.jpg"
    assert settings.kiosk.attract_script == folder / "loop.yaml"
    assert settings.kiosk.input == str(folder / "feed" / "in.fifo")
    assert load_settings(write(folder, '[kiosk]\ninput = "stdin"\n')).kiosk.input == "stdin"


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'engine = "fallback"\n[window]\nsize = = 3\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message and "line 3" in message and "invalid TOML" in message


def test_unfinished_toml_names_the_last_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'seed = 1\n[window]\nsize = [1,\n')
    with pytest.raises(ConfigError, match=r"line 3: invalid TOML"):
        load_settings(path)


def test_invalid_value_names_key_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'seed = 1\n\n[window]\nenabled = true\nsize = "big"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert f"config file '{path}', line 5" in str(info.value)
    assert "window.size" in str(info.value)


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[kiosk]\nidle_secs = 3\n")
    with pytest.raises(ConfigError, match=r"line 2: setting 'kiosk.idle_secs'"):
        load_settings(path)


def test_bad_env_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATAR_ENGINE", "gpu")
    with pytest.raises(ConfigError, match="setting 'engine'"):
        load_settings()


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml")


def test_kiosk_example_file_is_valid() -> None:
    settings = load_settings(REPO / "assets" / "kiosk.example.toml")
    assert settings.window.exit_combo == "ctrl+shift+q"
    assert settings.kiosk.input == "stdin"


def test_every_field_has_a_docstring() -> None:
    from agent.config import KioskSettings, WindowSettings

    for model in (Settings, WindowSettings, KioskSettings):
        undocumented = [name for name, field in model.model_fields.items() if not field.description]
        assert not undocumented, f"{model.__name__}: {undocumented}"
