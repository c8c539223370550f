"""Which model files each engine needs, as data: hub repository, revision, paths, sizes, SHA-256.

The LivePortrait list lives in `liveportrait.json` and the default LLM's in `llm.json` beside this
module (copied from the published files' LFS pointers), so a new revision is a data change, not a
code change. The same JSON format can describe a mirror or a test repository (`load_model_set`).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

MODELS_DIR_ENV = "AVATAR_MODELS_DIR"
_PACKAGED = Path(__file__).with_name("liveportrait.json")
_PACKAGED_LLM = Path(__file__).with_name("llm.json")


class ModelFile(BaseModel):
    """One file of a model set.

    Attributes:
        path: path inside the hub repository; the same relative path is used in the models folder.
        size: size in bytes.
        sha256: lowercase hex SHA-256 of the file's bytes.
        role: what the file is for, shown by `avatar models list`.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    role: str = ""

    @field_validator("path")
    @classmethod
    def _relative_posix(cls, value: str) -> str:
        parts = value.split("/")
        if value.startswith("/") or "\\" in value or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"model file path must be a relative POSIX path, got {value!r}")
        return value


class ModelSet(BaseModel):
    """A named set of files from one hub repository.

    Attributes:
        name: short alias ("liveportrait").
        repo_id: hub repository, "owner/name".
        revision: branch, tag or commit to download.
        files: every file the engine needs.
        former_repo_ids: earlier names of the repository (for messages only).
        note: where the facts come from.
        notice: licence or usage notice shown to the user.
        folder: sub-folder of the models folder that holds the files (their hub paths below it);
            "" keeps the hub paths at the top, as LivePortrait's layout expects.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    repo_id: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    revision: str = "main"
    files: tuple[ModelFile, ...]
    former_repo_ids: tuple[str, ...] = ()
    note: str = ""
    notice: str = ""
    folder: str = ""

    @field_validator("folder")
    @classmethod
    def _plain_folder(cls, value: str) -> str:
        if value and (value.startswith("/") or "\\" in value or ".." in value.split("/")):
            raise ValueError(f"model set folder must be a relative POSIX path, got {value!r}")
        return value

    def base(self, models_dir: Path) -> Path:
        """Where this set's files live inside `models_dir`."""
        return models_dir / self.folder if self.folder else models_dir

    @property
    def total_size(self) -> int:
        """Sum of the file sizes in bytes."""
        return sum(f.size for f in self.files)

    def file(self, path: str) -> ModelFile:
        """The entry for `path`; raises KeyError naming the known paths."""
        for entry in self.files:
            if entry.path == path:
                return entry
        raise KeyError(f"{path!r} is not part of model set {self.name!r}")


def load_model_set(path: str | Path) -> ModelSet:
    """Read a model set from a JSON file in the `liveportrait.json` format.

    Raises:
        ValueError: the file is missing or not a valid model set (the message names the file).
    """
    path = Path(path)
    try:
        return ModelSet.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise ValueError(f"{path}: cannot read model list ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise ValueError(f"{path}: not a valid model list: {exc}") from exc


@functools.cache
def liveportrait_files() -> ModelSet:
    """The official LivePortrait human-model files (weights plus face detection/landmarks)."""
    return load_model_set(_PACKAGED)


@functools.cache
def llm_files() -> ModelSet:
    """The default conversational LLM (Qwen2.5-0.5B-Instruct, Apache-2.0)."""
    return load_model_set(_PACKAGED_LLM)


MODEL_SETS = {"liveportrait": liveportrait_files, "llm": llm_files}
"""The built-in model sets by name (`avatar models download NAME`)."""


def default_models_dir() -> Path:
    """Where models live: $AVATAR_MODELS_DIR, else ~/.cache/portrait-agent/models."""
    override = os.environ.get(MODELS_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "portrait-agent" / "models"


def resolve_models_dir(models_dir: str | Path | None) -> Path:
    """`models_dir` if given (with ~ expanded), else `default_models_dir()`."""
    return Path(models_dir).expanduser() if models_dir is not None else default_models_dir()
