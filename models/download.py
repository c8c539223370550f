"""Fetch the model files into the models folder: from the hub, or from a local folder (kiosks).

Files keep their hub paths under the models folder (the layout LivePortrait's own code expects
under `pretrained_weights/`). Every file is checked against the registry (size and SHA-256) before
it counts as present, so a half-finished or tampered download is never used.
"""

from __future__ import annotations

import contextlib
import fcntl
import inspect
import logging
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from tqdm import tqdm

from models.errors import HubUnreachableError, ModelsCorruptError, ModelsError, ModelsMissingError
from models.registry import ModelFile, ModelSet, liveportrait_files, resolve_models_dir
from models.verify import FileCheck, FileState, check_file, verify

log = logging.getLogger("avatar.models")

DEFAULT_ENDPOINT = "https://huggingface.co"
PROBE_TIMEOUT_S = 10.0
_OFFLINE_HINT = (
    "Offline mode is on, so they were left as they are. Run `avatar models download` with network "
    "access, or use `avatar models download --from-folder PATH`."
)
_TRUE = {"1", "true", "yes", "on"}
_FICLONE = 0x40049409  # Linux ioctl: make `dest` share `source`'s extents, copy-on-write


def download(
    models_dir: str | Path | None = None,
    *,
    local_files_only: bool = False,
    progress: bool = True,
    from_folder: str | Path | None = None,
    model_set: ModelSet | None = None,
    endpoint: str | None = None,
) -> Path:
    """Make every file of `model_set` present and verified in `models_dir`; return that folder.

    Files already present with the right size and SHA-256 are kept; bad ones are replaced.

    Args:
        models_dir: destination (None: $AVATAR_MODELS_DIR or ~/.cache/portrait-agent/models).
        local_files_only: never touch the network (also on when $HF_HUB_OFFLINE is set).
        progress: show tqdm progress bars.
        from_folder: copy (or reflink) the files from this folder instead of the hub; it may
            hold the hub layout or just the file names anywhere below it. Implies no network.
        model_set: which files (default: LivePortrait).
        endpoint: hub URL (None: $HF_ENDPOINT, else huggingface.co).

    Raises:
        ModelsMissingError: files are absent and may not or could not be fetched.
        ModelsCorruptError: a fetched or imported file fails verification.
        HubUnreachableError: the hub did not answer.
        ModelsError: the hub refused a file (wrong repository, revision or access).
    """
    root = resolve_models_dir(models_dir)
    files = model_set if model_set is not None else liveportrait_files()
    bad = [check for check in verify(root, model_set=files).checks if not check.usable]
    if not bad:
        log.info("all %d %s files verified in %s", len(files.files), files.name, root)
        return root
    offline = local_files_only or _env_flag("HF_HUB_OFFLINE")
    if from_folder is None and offline:
        problems = [check.line() for check in bad if check.state is not FileState.MISSING]
        if problems:
            raise ModelsCorruptError(problems, hint=_OFFLINE_HINT)
        _require_complete(root, files, "Offline mode is on, so nothing was downloaded.")
    todo = _clear(bad)
    _make_folder(root)
    if from_folder is not None:
        _import_folder(Path(from_folder).expanduser(), root, todo)
        _require_complete(root, files, f"They were not found under {from_folder}.")
        return root
    hub = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    _probe_hub(hub, files, todo[0])
    _fetch_from_hub(hub, root, files, todo, progress=progress)
    return root


def _clear(bad: list[FileCheck]) -> list[ModelFile]:
    """Delete present-but-bad copies so they get replaced; return the entries to fetch."""
    for check in bad:
        if check.state is not FileState.MISSING:
            log.warning("replacing %s", check.line())
            check.path.unlink()
    return [check.entry for check in bad]


def _make_folder(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelsError(
            f"{root}: cannot create the models folder ({exc.strerror or exc}). Choose another "
            "folder with --models-dir or $AVATAR_MODELS_DIR."
        ) from exc


def _require_complete(root: Path, files: ModelSet, why: str) -> None:
    report = verify(root, model_set=files, check_hash=False)
    if report.missing:
        hint = (
            f"{why} Run `avatar models download` on a machine with internet access, or copy the "
            "files there and use `avatar models download --from-folder PATH`."
        )
        raise ModelsMissingError(root, report.missing, hint=hint)


def _import_folder(folder: Path, root: Path, todo: list[ModelFile]) -> None:
    """Copy the files of `todo` found under `folder` into `root`; each copy is verified before it
    takes the file's place (so a source changed while it was copied is caught too)."""
    if not folder.is_dir():
        raise ModelsError(f"{folder}: not a folder. Give the folder that holds the model files.")
    problems = []
    for entry in todo:
        source = _find_in_folder(folder, entry)
        if source is None:
            continue
        problem = _place(source, root / entry.path, entry)
        if problem:
            problems.append(f"{source}: {problem}")
            continue
        log.info("imported %s from %s", entry.path, source)
    if problems:
        raise ModelsCorruptError(problems, hint="Copy intact files into that folder and retry.")


def _find_in_folder(folder: Path, entry: ModelFile) -> Path | None:
    """`folder/<hub path>`, else the only file below `folder` with the same name and size."""
    direct = folder / entry.path
    if direct.is_file():
        return direct
    name = entry.path.rsplit("/", 1)[-1]
    matches = [p for p in folder.rglob(name) if p.is_file() and p.stat().st_size == entry.size]
    return matches[0] if len(matches) == 1 else None


def _place(source: Path, dest: Path, entry: ModelFile) -> str:
    """Copy `source` to `dest` as a new file of ours, verified; returns the problem, or "".

    Never a hard link: the models folder must not share an inode (and so its mode and every
    later write) with a file elsewhere. A reflink is used where the filesystem has them.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        _copy_new(source, partial)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return f"cannot copy ({exc.strerror or exc})"
    check = check_file(entry, partial)
    if not check.usable:
        partial.unlink(missing_ok=True)
        return f"{check.state.value} ({check.detail})"
    os.replace(partial, dest)
    return ""


def _copy_new(source: Path, dest: Path) -> None:
    """Copy into a file created here with mode 0644 (less by the umask), whatever the source's."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with source.open("rb") as reader, os.fdopen(os.open(dest, flags, 0o644), "wb") as writer:
        try:
            fcntl.ioctl(writer.fileno(), _FICLONE, reader.fileno())
        except OSError:  # no reflinks here (other filesystem, or not supported): plain copy
            shutil.copyfileobj(reader, writer, 1 << 20)


def _probe_hub(hub: str, files: ModelSet, entry: ModelFile) -> None:
    """Fail fast with a clear message when the hub does not answer at all.

    Any HTTP status counts as an answer (the download reports refusals precisely); only a
    connection failure or timeout means unreachable. Without this probe the hub client retries
    with back-off for about half a minute before giving up.
    """
    url = _resolve_url(hub, files, entry)
    request = urllib.request.Request(url, method="HEAD")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=PROBE_TIMEOUT_S):
            return
    except urllib.error.HTTPError:
        return
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HubUnreachableError(
            f"cannot reach the model hub at {hub} ({reason}). Check the network connection and "
            "proxy settings (or $HF_ENDPOINT), or copy the files from another machine and run "
            "`avatar models download --from-folder PATH`."
        ) from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _resolve_url(hub: str, files: ModelSet, entry: ModelFile) -> str:
    quoted = urllib.parse.quote(entry.path)
    return f"{hub}/{files.repo_id}/resolve/{urllib.parse.quote(files.revision, safe='')}/{quoted}"


def _fetch_from_hub(
    hub: str, root: Path, files: ModelSet, todo: list[ModelFile], *, progress: bool
) -> None:
    """Download each entry with the hub client, then verify it; bad downloads are deleted."""
    from huggingface_hub import hf_hub_download

    size_mb = sum(entry.size for entry in todo) / 1e6
    log.info("downloading %d files (%.0f MB) from %s into %s", len(todo), size_mb, hub, root)
    problems = []
    with _progress_bars(progress):
        for number, entry in enumerate(todo, start=1):
            log.info("[%d/%d] %s", number, len(todo), entry.path)
            try:
                hf_hub_download(
                    files.repo_id,
                    entry.path,
                    revision=files.revision,
                    local_dir=root,
                    endpoint=hub,
                    **_bar_class(hf_hub_download, progress),
                )
            except _transport_errors() as exc:
                raise _hub_error(hub, files, entry, exc) from None
            check = check_file(entry, root / entry.path)
            if not check.usable:
                (root / entry.path).unlink(missing_ok=True)
                problems.append(check.line())
    if problems:
        hint = "The download was damaged or the hub holds another version; run the download again."
        raise ModelsCorruptError(problems, hint=hint)


def _hub_error(hub: str, files: ModelSet, entry: ModelFile, exc: BaseException) -> ModelsError:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    where = f"{files.repo_id}@{files.revision}/{entry.path} from {hub}"
    if status is not None:
        return ModelsError(
            f"the hub refused {where} (HTTP {status}). Check the repository name and revision in "
            "the model list, and your access token if the repository is gated."
        )
    return HubUnreachableError(
        f"downloading {where} failed ({exc.__class__.__name__}: {exc}). Check the connection and "
        "run `avatar models download` again; finished files are kept."
    )


def _transport_errors() -> tuple[type[BaseException], ...]:
    """OSError plus the HTTP client's own base error (httpx2, httpx or requests by version)."""
    errors: list[type[BaseException]] = [OSError]
    for module_name in ("httpx2", "httpx"):
        with contextlib.suppress(ImportError):
            errors.append(__import__(module_name).HTTPError)
    return tuple(errors)


def _bar_class(hf_hub_download: Callable[..., object], progress: bool) -> dict[str, object]:
    """Ask for plain tqdm bars, which also show when stderr is not a terminal (kiosk logs).

    The hub client's own bars hide themselves off a terminal; clients older than the
    `tqdm_class` parameter keep their default bars.
    """
    if progress and "tqdm_class" in inspect.signature(hf_hub_download).parameters:
        return {"tqdm_class": tqdm}
    return {}


@contextlib.contextmanager
def _progress_bars(enabled: bool) -> Iterator[None]:
    """Switch the hub client's tqdm bars on or off for the duration, then restore them."""
    from huggingface_hub.utils import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )

    was_disabled = are_progress_bars_disabled()
    if enabled:
        enable_progress_bars()
    else:
        disable_progress_bars()
    try:
        yield
    finally:
        (disable_progress_bars if was_disabled else enable_progress_bars)()


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE
