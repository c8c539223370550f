"""Which model files each engine needs, as data: hub repository, revision, paths, sizes, SHA-256.

The LivePortrait list lives in `liveportrait.json` beside this module (copied from the published
files' LFS pointers), so a new revision is a data change, not a code change. The same JSON format
can describe a mirror or a test repository (`load_model_set`).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

MODELS_DIR_ENV = "AVATAR_MODELS_DIR"
_PACKAGED = Path(__file__).with_name("liveportrait.json")
_SUPERTONIC = Path(__file__).with_name("tts-supertonic.json")
_LLM = Path(__file__).with_name("llm.json")


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
        folder: subfolder of the models folder the files go in ("": the folder itself).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    repo_id: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
    revision: str = "main"
    files: tuple[ModelFile, ...]
    former_repo_ids: tuple[str, ...] = ()
    note: str = ""
    notice: str = ""
    folder: str = Field(default="", pattern=r"^[\w.-]*$")

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
def supertonic_files() -> ModelSet:
    """The Supertonic 2 neural voice (Korean and English on CPU through onnxruntime)."""
    return load_model_set(_SUPERTONIC)


@functools.cache
def llm_files() -> ModelSet:
    """The default conversational LLM (Qwen2.5-0.5B-Instruct, Apache-2.0)."""
    return load_model_set(_LLM)


MODEL_SETS = ("liveportrait", "tts-supertonic", "llm")
"""Names `avatar models ... NAME` accepts."""


def model_set(name: str) -> ModelSet:
    """The built-in model set called `name` (one of `MODEL_SETS`).

    Raises:
        ValueError: unknown name (lists the known ones).
    """
    if name == "liveportrait":
        return liveportrait_files()
    if name == "tts-supertonic":
        return supertonic_files()
    if name == "llm":
        return llm_files()
    raise ValueError(f"unknown model set {name!r}; choose one of: {', '.join(MODEL_SETS)}")


def set_dir(models_dir: str | Path | None, files: ModelSet) -> Path:
    """Where `files` live: the models folder (see `resolve_models_dir`) plus `files.folder`."""
    root = resolve_models_dir(models_dir)
    return root / files.folder if files.folder else root


def default_models_dir() -> Path:
    """Where models live: $AVATAR_MODELS_DIR, else ~/.cache/portrait-agent/models."""
    override = os.environ.get(MODELS_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "portrait-agent" / "models"


def resolve_models_dir(models_dir: str | Path | None) -> Path:
    """`models_dir` if given (with ~ expanded), else `default_models_dir()`."""
    return Path(models_dir).expanduser() if models_dir is not None else default_models_dir()
