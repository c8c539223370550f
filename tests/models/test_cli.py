"""`avatar models list/download/verify` through argparse, as the agent CLI registers them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from models.cli import register
from models.registry import ModelSet
from tests.models.hub_server import HubServer


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="avatar")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def registry_file(model_set: ModelSet, tmp_path: Path) -> Path:
    path = tmp_path / "registry.json"
    path.write_text(model_set.model_dump_json())
    return path


def test_download_then_verify_then_corrupt(
    hub: HubServer, registry_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--models-dir", str(tmp_path / "m"), "--registry", str(registry_file)]

    assert _run(["models", "download", *common, "--quiet"]) == 0
    assert "all 3 files present and verified" in capsys.readouterr().out

    assert _run(["models", "verify", *common]) == 0
    assert "base/motion.pth: ok" in capsys.readouterr().out

    target = tmp_path / "m/base/motion.pth"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0x01
    target.write_bytes(bytes(data))
    assert _run(["models", "verify", *common]) == 1
    captured = capsys.readouterr()
    assert "base/motion.pth: corrupt (sha256 " in captured.out
    assert "1 of 3 files missing or corrupt" in captured.err


def test_list_shows_present_and_missing(
    hub: HubServer, registry_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--models-dir", str(tmp_path), "--registry", str(registry_file)]
    _run(["models", "download", *common, "--quiet"])
    (tmp_path / "detector/det.onnx").unlink()
    capsys.readouterr()

    assert _run(["models", "list", *common]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[0] == "missing" and "detector/det.onnx" in line for line in lines)
    assert any(line.split()[0] == "present" and "base/motion.pth" in line for line in lines)
    assert "2/3 present" in lines[-1]


def test_unreachable_hub_exits_1_without_traceback(
    hub: HubServer, registry_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.stop()

    code = _run(["models", "download", "--models-dir", str(tmp_path), "--registry",
                 str(registry_file)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot reach the model hub")
    assert "Traceback" not in err


def test_offline_flag_reports_missing_files(
    hub: HubServer, registry_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _run(["models", "download", "--offline", "--models-dir", str(tmp_path),
                 "--registry", str(registry_file)])

    err = capsys.readouterr().err
    assert code == 1
    assert "3 model files missing" in err
    assert sum(hub.gets.values()) == 0


def test_bad_registry_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json")

    assert _run(["models", "verify", "--registry", str(bad)]) == 2
    assert f"{bad}: not a valid model list" in capsys.readouterr().err


def test_unusable_models_folder_is_named(
    hub: HubServer, registry_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the models folder should be")

    code = _run(["models", "download", "--quiet", "--models-dir", str(blocker / "models"),
                 "--registry", str(registry_file)])

    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {blocker / 'models'}: cannot create the models folder" in err
    assert "--models-dir" in err


def test_the_neural_voice_is_listed_and_checked_in_its_own_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--models-dir", str(tmp_path)]
    assert _run(["models", "list", "tts-supertonic", *common]) == 0
    out = capsys.readouterr().out
    assert f"Supertone/supertonic-2@main -> {tmp_path / 'supertonic-2'}" in out
    assert "onnx/vector_estimator.onnx" in out and "voice_styles/M1.json" in out
    assert "0/16 present" in out
    assert _run(["models", "verify", "tts-supertonic", *common]) == 1
    assert "run `avatar models download tts-supertonic` to repair" in capsys.readouterr().err
