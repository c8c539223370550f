"""Render outputs that appear whole or not at all, with one writer per output path.

A render writes into a staging file or folder beside its target (same disk, so the final rename
is atomic) and holds an exclusive lock on the target while it does. Only a finished render
replaces the target; an error, Ctrl+C, SIGTERM or SIGKILL leaves the previous output as it was.
Staging paths left behind by a killed render are removed by the next render of the same target
(it holds the lock, so no live render owns them).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import logging
import os
import re
import secrets
import shutil
from pathlib import Path

log = logging.getLogger("avatar.renderer")

SPEECH_WAV = "speech.wav"
"""The speech track of a render to a PNG folder, beside its frames."""

FOLDER_ENTRY = re.compile(rf"frame_\d{{6}}\.png|{re.escape(SPEECH_WAV)}")
"""What a folder output holds: numbered PNG frames (`frame_000000.png`, ...) and the speech."""

_STAGING = ".partial"
_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths atomically (Linux)
_AT_FDCWD = -100


class OutputBusyError(OSError):
    """Another render is writing the same output path right now."""


class StagedOutput:
    """A locked output `target` and the staging `path` its content is written to first.

    `commit()` moves the staging file or folder into place; `discard()` removes it. Either one
    releases the lock; both are idempotent.

    Attributes:
        target: the output the user asked for.
        path: where the writer writes (a file, or a folder when `folder` is set).
        existed: whether `target` existed when the render started.
    """

    def __init__(self, target: Path, *, folder: bool) -> None:
        self.target = Path(os.path.abspath(target))
        self._folder = folder
        self._lock_fd: int | None = _acquire_lock(self.target)
        try:
            self.existed = os.path.lexists(self.target)
            if folder and self.existed:
                _check_frames_only(self.target)
            _remove_stale_staging(self.target)
            self.path = _make_staging(self.target, folder)
        except BaseException:
            self._release()
            raise

    def commit(self) -> Path:
        """Put the finished output in place of the target; returns the target."""
        if self._lock_fd is None:
            return self.target
        try:
            if self._folder and self.existed:
                _swap_folders(self.path, self.target)
            else:
                os.replace(self.path, self.target)
        except BaseException:
            self.discard()
            raise
        self._release()
        return self.target

    def discard(self) -> None:
        """Remove the staging output; the target stays as it was."""
        if self._lock_fd is None:
            return
        try:
            _remove(self.path)
        finally:
            self._release()

    def _release(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(_lock_path(self.target))  # unlink before unlocking (see _acquire_lock)
            os.close(fd)


def _lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def _acquire_lock(target: Path) -> int:
    """An exclusive `flock` on the target's lock file; refuses at once when another holds it.

    The holder unlinks the lock file before unlocking, so a lock taken on a file that was
    unlinked meanwhile is retried on the new file: two renders never both hold the lock.
    """
    path = _lock_path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"cannot write {target}: {exc.strerror or exc}; choose a location you can write to"
        ) from exc
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise OSError(
                f"cannot write {target}: {exc.strerror or exc}; choose a location you can write to"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise OutputBusyError(
                f"another render is writing {target}{who}; wait for it to finish or choose "
                "another output path"
            ) from None
        try:
            current = os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(fd).st_ino:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            return fd
        os.close(fd)


def _check_frames_only(folder: Path) -> None:
    """A folder output is replaced as a whole, so it may hold nothing but numbered frames."""
    if not folder.is_dir():
        return
    others = sorted(
        entry.name for entry in folder.iterdir() if not FOLDER_ENTRY.fullmatch(entry.name)
    )
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise ValueError(
            f"{folder} holds other files than frames ({shown}); PNG frames go to a new folder "
            f"or one that holds only frame_NNNNNN.png files (and {SPEECH_WAV})"
        )


def _remove_stale_staging(target: Path) -> None:
    """Staging paths of this target that a killed render left (the lock says none is live)."""
    # a second leading dot: the sound muxer's temporary file beside a staged mp4
    ours = re.compile(rf"\.?\.{re.escape(target.name)}\.[0-9a-f]{{8}}{_STAGING}")
    for name in os.listdir(target.parent):
        if ours.match(name):
            log.info("removing %s, left by an interrupted render", target.parent / name)
            _remove(target.parent / name)


def _make_staging(target: Path, folder: bool) -> Path:
    """A new staging file or folder beside `target`, with the default permissions (umask)."""
    while True:
        path = target.with_name(f".{target.name}.{secrets.token_hex(4)}{_STAGING}{target.suffix}")
        try:
            if folder:
                os.mkdir(path, 0o777)
            else:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            raise OSError(
                f"cannot write {target}: {exc.strerror or exc}; choose a location you can write to"
            ) from exc


def _swap_folders(staging: Path, target: Path) -> None:
    """Put `staging` at `target` and remove the old folder; one atomic exchange on Linux."""
    if not _exchange(staging, target):
        old = target.with_name(f".{target.name}.{secrets.token_hex(4)}{_STAGING}-old")
        os.rename(target, old)
        os.rename(staging, target)
        staging = old
    _remove(staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) \
        if libc_name else None
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, f"cannot replace {b}: {os.strerror(code)}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
