"""Model files cannot be swapped or shared unnoticed: copies of our own, hashes checked at load
(remembered per unchanged file), unreadable files reported one by one, never called present."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from animator.liveportrait.engine import LivePortraitEngine
from models import ModelsCorruptError, ModelSet, download, liveportrait_files, verify
from models.verify import HASH_CACHE_FILE, FileState
from tests.e2e._helpers import avatar_env

REPO = Path(__file__).resolve().parents[2]


def write_stick(stick: Path, payloads: dict[str, bytes]) -> None:
    for relative, data in payloads.items():
        path = stick / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o666)  # world-writable on the stick


def test_from_folder_makes_private_copies_with_safe_modes(
    model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path
) -> None:
    stick = tmp_path / "usb"
    write_stick(stick, payloads)
    root = download(tmp_path / "models", model_set=model_set, from_folder=stick)
    for relative in payloads:
        copy, source = (root / relative).stat(), (stick / relative).stat()
        assert copy.st_ino != source.st_ino  # not a hard link to the stick's file
        assert copy.st_mode & 0o022 == 0, oct(copy.st_mode)  # nobody else may write it
    (stick / "base/motion.pth").write_bytes(b"\0" * len(payloads["base/motion.pth"]))
    assert verify(root, model_set=model_set).ok  # a later write to the source changes nothing


def test_cached_verification_catches_tampering_that_keeps_size_and_mtime(
    model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path
) -> None:
    write_stick(tmp_path / "usb", payloads)
    root = download(tmp_path / "models", model_set=model_set, from_folder=tmp_path / "usb")
    assert verify(root, model_set=model_set, cached=True).ok
    assert (root / HASH_CACHE_FILE).is_file()

    target = root / "base/appearance.pth"
    before = target.stat()
    with target.open("r+b") as handle:  # one flipped byte, same size ...
        first = handle.read(1)
        handle.seek(0)
        handle.write(bytes([first[0] ^ 0xFF]))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and the old mtime
    report = verify(root, model_set=model_set, cached=True)
    assert [check.state for check in report.checks] == [
        FileState.CORRUPT, FileState.OK, FileState.OK,
    ]


def test_cached_verification_trusts_only_its_record_of_an_unchanged_file(
    model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path
) -> None:
    write_stick(tmp_path / "usb", payloads)
    root = download(tmp_path / "models", model_set=model_set, from_folder=tmp_path / "usb")
    assert verify(root, model_set=model_set, cached=True).ok
    cache = root / HASH_CACHE_FILE
    text = cache.read_text(encoding="utf-8")
    digest = model_set.file("base/motion.pth").sha256
    cache.write_text(text.replace(digest, "0" * 64), encoding="utf-8")
    # The record is used as long as the file is unchanged (so the file was not read again) ...
    cached = verify(root, model_set=model_set, cached=True)
    assert cached.checks[1].state is FileState.CORRUPT
    assert verify(root, model_set=model_set).ok  # ... while a full check reads the bytes
    (root / "base/motion.pth").touch()  # any change of the file's stat voids the record
    assert verify(root, model_set=model_set, cached=True).ok


def test_the_engine_refuses_weights_of_the_right_size_but_wrong_bytes(tmp_path: Path) -> None:
    for entry in liveportrait_files().files:
        path = tmp_path / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.truncate(entry.size)  # sparse zeros: the sizes all match
    with pytest.raises(ModelsCorruptError, match=r"appearance_feature_extractor\.pth: corrupt"):
        LivePortraitEngine.from_models_dir(tmp_path, device="cpu")


def run_without_file_permission_override(*args: str) -> subprocess.CompletedProcess[str]:
    """`avatar ARGS` where file permissions apply (root loses its override via setpriv)."""
    command = [sys.executable, "-m", "agent.cli", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot apply")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, env=avatar_env(), cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_verify_and_list_report_every_unreadable_file(
    model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path
) -> None:
    write_stick(tmp_path / "usb", payloads)
    root = download(tmp_path / "models", model_set=model_set, from_folder=tmp_path / "usb")
    registry = tmp_path / "tiny.json"
    registry.write_text(model_set.model_dump_json(), encoding="utf-8")
    (root / "base/appearance.pth").chmod(0)
    (root / "detector/det.onnx").chmod(0)
    common = ("--models-dir", str(root), "--registry", str(registry))

    checked = run_without_file_permission_override("models", "verify", *common)
    assert checked.returncode == 1, checked.stderr
    assert "Traceback" not in checked.stderr
    lines = checked.stdout.splitlines()
    assert "  base/appearance.pth: unreadable (Permission denied)" in lines
    assert "  base/motion.pth: ok" in lines
    assert "  detector/det.onnx: unreadable (Permission denied)" in lines
    assert "2 of 3 files missing or corrupt" in checked.stderr

    listed = run_without_file_permission_override("models", "list", *common)
    assert listed.returncode == 0, listed.stderr
    states = {line.split()[-1]: line.split()[0] for line in listed.stdout.splitlines()[1:4]}
    assert states == {
        "base/appearance.pth": "unreadable", "base/motion.pth": "present",
        "detector/det.onnx": "unreadable",
    }
    assert "1/3 present" in listed.stdout
