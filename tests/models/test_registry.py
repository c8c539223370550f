"""The packaged LivePortrait file list and the models-folder location rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from models import ModelFile, default_models_dir, liveportrait_files

SHARED_FACTS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "docs" / "liveportrait_hf_files.json"
)


def test_packaged_list_matches_the_published_files() -> None:
    facts = json.loads(SHARED_FACTS.read_text())
    files = liveportrait_files()

    assert files.repo_id == facts["repo_id"] == "KlingTeam/LivePortrait"
    assert [(f.path, f.size, f.sha256) for f in files.files] == [
        (f["path"], f["size"], f["sha256"]) for f in facts["files"]
    ]
    assert files.total_size == 658_941_445


def test_models_dir_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AVATAR_MODELS_DIR", str(tmp_path / "weights"))
    assert default_models_dir() == tmp_path / "weights"
    monkeypatch.delenv("AVATAR_MODELS_DIR")
    assert default_models_dir() == Path.home() / ".cache" / "portrait-agent" / "models"


@pytest.mark.parametrize("path", ["../escape.pth", "/abs/file.pth", "a//b.pth", "a\\b.pth"])
def test_file_paths_must_stay_inside_the_models_folder(path: str) -> None:
    with pytest.raises(ValidationError, match="relative POSIX path"):
        ModelFile(path=path, size=1, sha256="0" * 64)
