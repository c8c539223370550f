"""`avatar models {list,download,verify}`: see, fetch and check the model files.

The agent's CLI calls `register(subparsers)`; each sub-command stores its handler in `args.func`,
which returns the process exit code (0 fine, 1 something missing or corrupt, 2 bad usage).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.download import download
from models.errors import ModelsError
from models.registry import MODEL_SETS, ModelSet, load_model_set, model_set, set_dir
from models.verify import verify
from models.whisper import whisper_dir, whisper_files, whisper_names


def register(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """Add the `models` command and its sub-commands to an argparse sub-parser group; returns
    the group of `models` sub-commands, so that packages above (the LivePortrait export) can add
    theirs."""
    models = subparsers.add_parser(
        "models",
        help="list, download and verify model files (LivePortrait, Whisper, the voice, the LLM)",
    )
    commands = models.add_subparsers(dest="models_command", metavar="COMMAND", required=True)

    listing = commands.add_parser("list", help="show the files, their sizes and which are present")
    _add_common(listing)
    listing.set_defaults(func=run_list)

    fetch = commands.add_parser("download", help="download (or import) and verify the files")
    _add_common(fetch)
    fetch.add_argument("--offline", action="store_true", help="use local files only, no network")
    fetch.add_argument(
        "--from-folder", type=Path, metavar="PATH",
        help="copy the files from this folder instead of the hub (air-gapped machines)",
    )
    fetch.add_argument("--quiet", action="store_true", help="no progress bars")
    fetch.set_defaults(func=run_download)

    check = commands.add_parser("verify", help="check sizes and SHA-256; exit code 1 on problems")
    _add_common(check)
    check.set_defaults(func=run_verify)
    return commands


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name", nargs="?", default="liveportrait", metavar="NAME",
        help=f"liveportrait (default), tts-supertonic (the neural voice), llm (the "
        f"conversational model) or a speech model: "
        f"{', '.join(whisper_names())}",
    )
    parser.add_argument(
        "--models-dir", type=Path, metavar="DIR",
        help="models folder (default: $AVATAR_MODELS_DIR or ~/.cache/portrait-agent/models)",
    )
    parser.add_argument(
        "--registry", type=Path, metavar="FILE",
        help="a JSON file list to use instead of the built-in list NAME (mirrors)",
    )


def _model_set(args: argparse.Namespace) -> ModelSet:
    if args.registry:
        return load_model_set(args.registry)
    if args.name in MODEL_SETS:
        return model_set(args.name)
    return whisper_files(args.name)


def _folder(args: argparse.Namespace, files: ModelSet) -> Path:
    """The models folder (a model set's own subfolder), or a Whisper model's folder."""
    if files.name in whisper_names():
        return whisper_dir(files.name, args.models_dir)
    return set_dir(args.models_dir, files)


def run_list(args: argparse.Namespace) -> int:
    """Print every file with its size and whether it is present (size check only, fast)."""
    try:
        files = _model_set(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = verify(_folder(args, files), model_set=files, check_hash=False)
    print(f"{files.name}: {files.repo_id}@{files.revision} -> {report.models_dir}")
    for check in report.checks:
        state = "present" if check.usable else check.state.value
        print(f"  {state:<10} {check.entry.size / 1e6:9.1f} MB  {check.entry.path}")
    present = sum(check.usable for check in report.checks)
    print(f"{present}/{len(report.checks)} present, {files.total_size / 1e6:.0f} MB in all")
    if files.notice:
        print(f"note: {files.notice}")
    return 0


def run_download(args: argparse.Namespace) -> int:
    """Download or import the files; errors become one clear message and exit code 1."""
    try:
        files = _model_set(args)
        root = _folder(args, files)
        print(f"{files.name}: {len(files.files)} files, {files.total_size / 1e6:.0f} MB -> {root}")
        download(
            root, local_files_only=args.offline, progress=not args.quiet,
            from_folder=args.from_folder, model_set=files,
        )
    except (ModelsError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"all {len(files.files)} files present and verified in {root}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Hash every file; print one line per file; exit code 1 when any is missing or corrupt."""
    try:
        files = _model_set(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = verify(_folder(args, files), model_set=files)
    for check in report.checks:
        print(f"  {check.line()}")
    if report.ok:
        print(f"all {len(report.checks)} files verified in {report.models_dir}")
        return 0
    bad = sum(not check.usable for check in report.checks)
    print(f"{bad} of {len(report.checks)} files missing or corrupt in {report.models_dir}; "
          f"run `avatar models download {files.name}` to repair.", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point: `python -m models.cli models verify`."""
    parser = argparse.ArgumentParser(prog="avatar")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
