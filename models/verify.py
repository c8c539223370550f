"""Check model files against the registry: presence, size, and a streaming SHA-256.

Engines check the hashes every time they load (a file changed after download must not go
unnoticed). A file's verified hash is remembered in `.verified.json` in the models folder, keyed
by its size, modification and change times, inode and device: an unchanged file is not read
again, and any write, replacement or `touch` makes it be hashed anew.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.registry import ModelFile, ModelSet, liveportrait_files, resolve_models_dir

log = logging.getLogger("avatar.models")

HASH_CACHE_FILE = ".verified.json"
_CHUNK = 1 << 20


class FileState(enum.Enum):
    """Outcome of checking one file."""

    OK = "ok"
    PRESENT = "present"  # size matches; the hash was not computed
    MISSING = "missing"
    WRONG_SIZE = "wrong size"
    CORRUPT = "corrupt"
    UNREADABLE = "unreadable"


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
        """One line per present-but-bad file (wrong size or hash, or unreadable)."""
        bad = (FileState.WRONG_SIZE, FileState.CORRUPT, FileState.UNREADABLE)
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


class HashCache:
    """SHA-256 digests of files already hashed, valid while the file's stat says it is unchanged.

    Kept in `HASH_CACHE_FILE` in the models folder when that can be written, else in memory only.
    """

    def __init__(self, root: Path) -> None:
        self._file = root / HASH_CACHE_FILE
        self._entries: dict[str, dict[str, object]] = {}
        self._changed = False
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(self._file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._entries = loaded

    def sha256(self, path: Path, key: str) -> str:
        """The digest of `path` (remembered as `key`), hashing only when the file changed."""
        before = _identity(path)
        entry = self._entries.get(key)
        if isinstance(entry, dict) and entry.get("stat") == before:
            return str(entry.get("sha256"))
        digest = sha256_file(path)
        if _identity(path) == before:  # not written to while it was being read
            self._entries[key] = {"stat": before, "sha256": digest}
            self._changed = True
        return digest

    def save(self) -> None:
        """Write the cache back (atomically); a read-only models folder just keeps it in memory."""
        if not self._changed:
            return
        partial = self._file.with_name(f"{self._file.name}.{os.getpid()}.part")
        try:
            partial.write_text(json.dumps(self._entries, indent=1), encoding="utf-8")
            os.replace(partial, self._file)
            self._changed = False
        except OSError as exc:
            partial.unlink(missing_ok=True)
            log.debug("cannot save the hash cache %s: %s", self._file, exc)


def _identity(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def check_file(
    entry: ModelFile, path: Path, *, check_hash: bool = True, hashes: HashCache | None = None
) -> FileCheck:
    """Check one file: exists, is readable, has the registry size, and (optionally) the registry
    SHA-256 (through `hashes` when given). Never raises for a bad file: the state says why."""
    try:
        if not path.is_file():
            return FileCheck(entry, path, FileState.MISSING)
        size = path.stat().st_size
    except OSError as exc:
        return FileCheck(entry, path, FileState.UNREADABLE, exc.strerror or str(exc))
    if size != entry.size:
        detail = f"{size:,} bytes, expected {entry.size:,}"
        return FileCheck(entry, path, FileState.WRONG_SIZE, detail)
    try:
        if not check_hash:
            with path.open("rb"):
                return FileCheck(entry, path, FileState.PRESENT)
        digest = hashes.sha256(path, entry.path) if hashes is not None else sha256_file(path)
    except OSError as exc:
        return FileCheck(entry, path, FileState.UNREADABLE, exc.strerror or str(exc))
    if digest != entry.sha256:
        detail = f"sha256 {digest[:12]}…, expected {entry.sha256[:12]}…"
        return FileCheck(entry, path, FileState.CORRUPT, detail)
    return FileCheck(entry, path, FileState.OK)


def verify(
    models_dir: str | Path | None = None,
    *,
    model_set: ModelSet | None = None,
    check_hash: bool = True,
    cached: bool = False,
) -> VerifyReport:
    """Check every file of `model_set` (default: LivePortrait) in `models_dir`.

    Args:
        models_dir: folder to check (None: the default models folder).
        model_set: which files to expect.
        check_hash: False checks presence, readability and size only (no file is read).
        cached: reuse the hashes of files unchanged since they were last hashed (see
            `HashCache`); engines loading weights use this.

    Returns:
        The per-file report; it never raises for missing, unreadable or bad files.
    """
    root = resolve_models_dir(models_dir)
    files = model_set if model_set is not None else liveportrait_files()
    hashes = HashCache(root) if check_hash and cached else None
    checks = tuple(
        check_file(entry, root / entry.path, check_hash=check_hash, hashes=hashes)
        for entry in files.files
    )
    if hashes is not None:
        hashes.save()
    return VerifyReport(root, checks)
