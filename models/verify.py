"""Check model files against the registry: presence, size, and a streaming SHA-256."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.registry import ModelFile, ModelSet, liveportrait_files, resolve_models_dir

_CHUNK = 1 << 20


class FileState(enum.Enum):
    """Outcome of checking one file."""

    OK = "ok"
    PRESENT = "present"  # size matches; the hash was not computed
    MISSING = "missing"
    WRONG_SIZE = "wrong size"
    CORRUPT = "corrupt"


@dataclass(frozen=True, slots=True)
class FileCheck:
    """The result for one registry entry.

    Attributes:
        entry: the registry entry.
        path: where the file was looked for.
        state: what was found.
        detail: a human-readable explanation for a problem ("" when fine).
    """

    entry: ModelFile
    path: Path
    state: FileState
    detail: str = ""

    @property
    def usable(self) -> bool:
        """True when the file is there with the right size (and hash, if it was checked)."""
        return self.state in (FileState.OK, FileState.PRESENT)

    def line(self) -> str:
        """'relative/path: state (detail)' for reports."""
        tail = f" ({self.detail})" if self.detail else ""
        return f"{self.entry.path}: {self.state.value}{tail}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """All file checks of one model set in one folder.

    Attributes:
        models_dir: the folder checked.
        checks: one result per registry entry, in registry order.
    """

    models_dir: Path
    checks: tuple[FileCheck, ...]

    @property
    def ok(self) -> bool:
        """True when every file is usable."""
        return all(check.usable for check in self.checks)

    @property
    def missing(self) -> list[str]:
        """Relative paths of absent files."""
        return [c.entry.path for c in self.checks if c.state is FileState.MISSING]

    @property
    def problems(self) -> list[str]:
        """One line per present-but-bad file (wrong size or hash)."""
        bad = (FileState.WRONG_SIZE, FileState.CORRUPT)
        return [c.line() for c in self.checks if c.state in bad]


def sha256_file(path: Path, on_chunk: Callable[[int], None] | None = None) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks so memory stays flat for large weights.

    Args:
        path: file to hash.
        on_chunk: called with the byte count of each chunk read (progress bars).
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
    return digest.hexdigest()


def check_file(entry: ModelFile, path: Path, *, check_hash: bool = True) -> FileCheck:
    """Check one file: exists, has the registry size, and (optionally) the registry SHA-256."""
    if not path.is_file():
        return FileCheck(entry, path, FileState.MISSING)
    size = path.stat().st_size
    if size != entry.size:
        detail = f"{size:,} bytes, expected {entry.size:,}"
        return FileCheck(entry, path, FileState.WRONG_SIZE, detail)
    if not check_hash:
        return FileCheck(entry, path, FileState.PRESENT)
    digest = sha256_file(path)
    if digest != entry.sha256:
        detail = f"sha256 {digest[:12]}…, expected {entry.sha256[:12]}…"
        return FileCheck(entry, path, FileState.CORRUPT, detail)
    return FileCheck(entry, path, FileState.OK)


def verify(
    models_dir: str | Path | None = None,
    *,
    model_set: ModelSet | None = None,
    check_hash: bool = True,
) -> VerifyReport:
    """Check every file of `model_set` (default: LivePortrait) in `models_dir`.

    Args:
        models_dir: folder to check (None: the default models folder).
        model_set: which files to expect.
        check_hash: False checks presence and size only (fast: no file is read).

    Returns:
        The per-file report; it never raises for missing or bad files.
    """
    root = resolve_models_dir(models_dir)
    files = model_set if model_set is not None else liveportrait_files()
    checks = tuple(
        check_file(entry, root / entry.path, check_hash=check_hash) for entry in files.files
    )
    return VerifyReport(root, checks)
