"""Download, verify, repair, offline use and hub failures, against a local HTTP stand-in hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import (
    HubUnreachableError,
    ModelsCorruptError,
    ModelsError,
    ModelSet,
    ModelsMissingError,
    download,
    verify,
)
from models.verify import FileState
from tests.models.hub_server import HubServer


def test_download_fetches_every_file_and_verifies(
    hub: HubServer, model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = download(tmp_path / "models", model_set=model_set, progress=True)

    assert root == tmp_path / "models"
    for path, data in payloads.items():
        assert (root / path).read_bytes() == data
    assert hub.gets == {path: 1 for path in payloads}
    assert verify(root, model_set=model_set).ok
    assert "det.onnx" in capsys.readouterr().err  # the tqdm progress bar names the file


def test_second_download_reuses_verified_files(
    hub: HubServer, model_set: ModelSet, tmp_path: Path
) -> None:
    download(tmp_path, model_set=model_set, progress=False)
    download(tmp_path, model_set=model_set, progress=False)

    assert sum(hub.gets.values()) == len(model_set.files)


def test_corrupt_byte_is_reported_then_repaired(
    hub: HubServer, model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path
) -> None:
    download(tmp_path, model_set=model_set, progress=False)
    damaged = tmp_path / "base/motion.pth"
    data = bytearray(damaged.read_bytes())
    data[100] ^= 0xFF
    damaged.write_bytes(bytes(data))

    report = verify(tmp_path, model_set=model_set)
    states = {check.entry.path: check.state for check in report.checks}
    assert states == {
        "base/appearance.pth": FileState.OK,
        "base/motion.pth": FileState.CORRUPT,
        "detector/det.onnx": FileState.OK,
    }
    assert not report.ok
    assert report.problems[0].startswith("base/motion.pth: corrupt (sha256 ")

    download(tmp_path, model_set=model_set, progress=False)
    assert damaged.read_bytes() == payloads["base/motion.pth"]
    assert hub.gets["base/motion.pth"] == 2
    assert hub.gets["base/appearance.pth"] == 1


def test_missing_and_truncated_files_are_reported(
    hub: HubServer, model_set: ModelSet, tmp_path: Path
) -> None:
    download(tmp_path, model_set=model_set, progress=False)
    (tmp_path / "detector/det.onnx").unlink()
    (tmp_path / "base/appearance.pth").write_bytes(b"short")

    report = verify(tmp_path, model_set=model_set)

    assert report.missing == ["detector/det.onnx"]
    assert report.problems == ["base/appearance.pth: wrong size (5 bytes, expected 3,000)"]


def test_unreachable_hub_gives_a_clear_error(
    hub: HubServer, model_set: ModelSet, tmp_path: Path
) -> None:
    hub.stop()

    with pytest.raises(HubUnreachableError) as caught:
        download(tmp_path, model_set=model_set, progress=False)

    message = str(caught.value)
    assert f"cannot reach the model hub at {hub.url}" in message
    assert "--from-folder" in message
    assert not (tmp_path / "base/motion.pth").exists()


def test_offline_with_cached_files_needs_no_hub(
    hub: HubServer, model_set: ModelSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    download(tmp_path, model_set=model_set, progress=False)
    hub.stop()

    assert download(tmp_path, model_set=model_set, local_files_only=True) == tmp_path
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert download(tmp_path, model_set=model_set) == tmp_path


def test_offline_with_missing_files_lists_them(
    hub: HubServer, model_set: ModelSet, tmp_path: Path
) -> None:
    with pytest.raises(ModelsMissingError) as caught:
        download(tmp_path, model_set=model_set, local_files_only=True)

    assert caught.value.missing == [f.path for f in model_set.files]
    assert "Offline mode is on" in str(caught.value)
    assert "detector/det.onnx" in str(caught.value)
    assert sum(hub.gets.values()) == 0


def test_hub_serving_other_bytes_is_rejected_and_removed(
    hub: HubServer, model_set: ModelSet, tmp_path: Path
) -> None:
    hub.files["base/motion.pth"] = b"x" * 5000  # same size, other content

    with pytest.raises(ModelsCorruptError) as caught:
        download(tmp_path, model_set=model_set, progress=False)

    assert "base/motion.pth: corrupt" in str(caught.value)
    assert not (tmp_path / "base/motion.pth").exists()
    assert (tmp_path / "base/appearance.pth").is_file()


def test_file_absent_on_hub_names_the_status(
    hub: HubServer, model_set: ModelSet, tmp_path: Path
) -> None:
    del hub.files["detector/det.onnx"]

    with pytest.raises(ModelsError) as caught:
        download(tmp_path, model_set=model_set, progress=False)

    assert "refused" in str(caught.value)
    assert "HTTP 404" in str(caught.value)
    assert "detector/det.onnx" in str(caught.value)


def test_from_folder_imports_verified_files_without_network(
    model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    stick = tmp_path / "usb"
    (stick / "base").mkdir(parents=True)
    (stick / "base/appearance.pth").write_bytes(payloads["base/appearance.pth"])  # hub layout
    (stick / "base/motion.pth").write_bytes(payloads["base/motion.pth"])
    (stick / "loose").mkdir()
    (stick / "loose/det.onnx").write_bytes(payloads["detector/det.onnx"])  # found by name

    root = download(tmp_path / "models", model_set=model_set, from_folder=stick)

    assert verify(root, model_set=model_set).ok


def test_from_folder_rejects_a_bad_copy_and_reports_missing(
    model_set: ModelSet, payloads: dict[str, bytes], tmp_path: Path
) -> None:
    stick = tmp_path / "usb"
    (stick / "base").mkdir(parents=True)
    bad = bytearray(payloads["base/motion.pth"])
    bad[0] ^= 1
    (stick / "base/motion.pth").write_bytes(bytes(bad))

    with pytest.raises(ModelsCorruptError, match=r"usb/base/motion.pth: corrupt"):
        download(tmp_path / "models", model_set=model_set, from_folder=stick)

    (stick / "base/motion.pth").write_bytes(payloads["base/motion.pth"])
    with pytest.raises(ModelsMissingError) as caught:
        download(tmp_path / "models", model_set=model_set, from_folder=stick)
    assert caught.value.missing == ["base/appearance.pth", "detector/det.onnx"]
    assert str(stick) in str(caught.value)


def test_offline_leaves_a_corrupt_file_alone_and_says_so(
    hub: HubServer, model_set: ModelSet, tmp_path: Path
) -> None:
    download(tmp_path, model_set=model_set, progress=False)
    damaged = tmp_path / "base/appearance.pth"
    damaged.write_bytes(b"\0" * 3000)

    with pytest.raises(ModelsCorruptError) as caught:
        download(tmp_path, model_set=model_set, local_files_only=True)

    assert "base/appearance.pth: corrupt" in str(caught.value)
    assert "Offline mode is on" in str(caught.value)
    assert damaged.read_bytes() == b"\0" * 3000
