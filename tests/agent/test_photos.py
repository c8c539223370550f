"""Photos as users bring them: large files run at display size, and a photo with several faces
says which one moves; `--face N`, `Conversation.set_portrait(face=)` and `avatar faces` pick and
show them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from agent import Conversation
from agent._portrait import read_portrait
from agent.cli import main
from agent.events import ErrorOccurred, PortraitChanged
from agent.render import RenderOptions, prepare_render
from animator.errors import PortraitError
from animator.fallback.bench import run_large_bench
from animator.portrait import fit_for_display
from tests.agent._helpers import PORTRAIT, EventLog, make_settings, wait_until

SCRIPT = "seed: 1\nfps: 10\nevents:\n  - say: 웃어줘\nend_hold: 0.2\n"
BOX_COLOUR = (255, 220, 0)


@pytest.fixture(scope="module")
def two_faces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled portrait's head pasted twice: face 1 small on the left, face 2 large."""
    head = np.asarray(Image.open(PORTRAIT).convert("RGB"))[10:230, 120:340]
    canvas = np.full((400, 900, 3), 200, np.uint8)
    canvas[100:320, 60:280] = head
    canvas[60:380, 520:840] = cv2.resize(head, (320, 320))
    path = tmp_path_factory.mktemp("photos") / "two.png"
    Image.fromarray(canvas).save(path)
    return path


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled portrait at 1800 x 1800 on a 2400 x 1800 photo (landscape: the aspect shows)."""
    path = tmp_path_factory.mktemp("photos") / "large.png"
    photo = Image.new("RGB", (2400, 1800), (200, 200, 200))
    photo.paste(Image.open(PORTRAIT).convert("RGB").resize((1800, 1800)), (300, 0))
    photo.save(path, compress_level=1)
    return path


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


# ---------------------------------------------------------------- display size


@pytest.mark.parametrize(
    ("shape", "fit", "expected"),
    [
        ((3000, 4000), None, (768, 1024)),  # long side capped at 1024, aspect kept
        ((3000, 4000), (512, 512), (768, 1024)),  # a smaller output never shrinks below 1024
        ((3000, 4000), (2048, 2048), (1536, 2048)),  # a larger output asks for more
        ((3000, 4000), (4096, 1536), (1536, 2048)),  # ... as much as filling it needs
        ((600, 800), (2048, 2048), (600, 800)),  # never scaled up
    ],
)
def test_photos_are_scaled_to_display_size(
    shape: tuple[int, int], fit: tuple[int, int] | None, expected: tuple[int, int]
) -> None:
    image = np.zeros((*shape, 3), np.uint8)
    assert fit_for_display(image, fit).shape == (*expected, 3)


def test_a_large_file_is_read_at_display_size(large: Path) -> None:
    assert read_portrait(large).shape == (768, 1024, 3)
    assert read_portrait(large, fit=(2048, 2048)).shape == (1536, 2048, 3)


def test_a_large_portrait_renders_display_sized_frames(
    large: Path, script: Path, tmp_path: Path
) -> None:
    job = prepare_render(script, make_settings(tmp_path, portrait=large))
    assert job.size == (1024, 768)
    bigger = prepare_render(
        script, make_settings(tmp_path, portrait=large), RenderOptions(size=(2000, 1500))
    )
    assert bigger.size == (2000, 1500)


def test_the_live_app_shows_a_large_portrait_at_display_size(large: Path, tmp_path: Path) -> None:
    conv = Conversation(make_settings(tmp_path, portrait=large))
    conv.start()
    try:
        wait_until(lambda: conv.latest_frame() is not None, what="a first frame")
        frame = conv.latest_frame()
        assert frame is not None and frame.size == (1024, 768)
    finally:
        conv.stop()


def test_large_portrait_bench_compares_with_the_reference_size() -> None:
    result = run_large_bench(frames=3, side=1600, reference=512)
    assert result["large"]["side"] == 1600 and result["large"]["display"] == [1024, 1024]
    assert result["reference"]["side"] == 512 and result["reference"]["display"] == [512, 512]
    ratio = result["large"]["total_s"] / result["reference"]["total_s"]
    assert result["slowdown"] == pytest.approx(ratio, rel=0.01)


# ---------------------------------------------------------------- several faces


def test_faces_lists_numbered_boxes_and_draws_them(
    two_faces: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "boxes.png"
    assert main(["faces", str(two_faces), "--out", str(out), "--engine", "fallback"]) == 0
    printed = capsys.readouterr().out
    assert f"{two_faces}: 2 faces (900x400, fallback detector)" in printed
    boxes = [
        tuple(int(v) for v in match)
        for match in re.findall(r"face \d: x (\d+)-(\d+), y (\d+)-(\d+)", printed)
    ]
    assert len(boxes) == 2
    (ax0, ax1, _, _), (bx0, bx1, _, _) = boxes
    assert 60 < ax0 < ax1 < 280 < 520 < bx0 < bx1 < 840  # face 1 is the left one
    assert "(largest)" in printed.splitlines()[2]  # face 2's line
    drawn = np.asarray(Image.open(out).convert("RGB"))
    assert drawn.shape == (400, 900, 3)
    for x0, x1, y0, y1 in boxes:
        for x, y in ((x0, y0), (x1, y1), ((x0 + x1) // 2, y1)):
            assert tuple(drawn[y, x]) == BOX_COLOUR


def test_faces_on_a_photo_without_one_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 200), (90, 90, 90)).save(blank)
    assert main(["faces", str(blank), "--engine", "fallback"]) == 0
    assert f"{blank}: no face (300x200, fallback detector)" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0", "two"])
def test_face_flag_must_be_a_number_from_1(
    value: str, script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["render", str(script), "-o", str(tmp_path / "x.gif"), "--face", value])
    assert info.value.code == 2
    assert "--face" in capsys.readouterr().err


def test_render_animates_the_face_asked_for_and_says_so(
    two_faces: Path, script: Path, tmp_path: Path
) -> None:
    default = prepare_render(script, make_settings(tmp_path, portrait=two_faces))
    assert any("animating face 2 (the largest)" in note for note in default.notes)
    chosen = prepare_render(script, make_settings(tmp_path, portrait=two_faces, face=1))
    assert any("animating face 1 as asked" in note for note in chosen.notes)
    with pytest.raises(PortraitError) as info:
        prepare_render(script, make_settings(tmp_path, portrait=two_faces, face=3))
    assert str(info.value).startswith(
        f"portrait '{two_faces}': face 3 was asked for but 2 faces were found; use 1 to 2"
    )


def test_render_cli_face_flag_reaches_the_engine(
    two_faces: Path, script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "render", str(script), "-o", str(tmp_path / "frames"), "--portrait", str(two_faces),
        "--engine", "fallback", "--face", "3", "--quiet",
    ])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"avatar: portrait '{two_faces}': face 3 was asked for but 2 faces were found; "
        "use 1 to 2 (`avatar faces PHOTO` lists them)."
    ]


@pytest.fixture
def live(two_faces: Path, tmp_path: Path) -> Iterator[tuple[Conversation, EventLog]]:
    conv = Conversation(make_settings(tmp_path, portrait=two_faces, face=1))
    log = EventLog()
    conv.subscribe(log)
    conv.start()
    yield conv, log
    conv.stop()


def test_live_app_animates_the_configured_face_and_switches(
    live: tuple[Conversation, EventLog], two_faces: Path
) -> None:
    conv, log = live
    assert "2 faces found; animating face 1 as asked." in conv.status().notes
    conv.set_portrait(two_faces, face=2)
    (changed,) = log.of(PortraitChanged)
    assert changed.notes == ("2 faces found; animating face 2 as asked.",)
    assert "2 faces found; animating face 2 as asked." in conv.status().notes
    with pytest.raises(PortraitError):
        conv.set_portrait(two_faces, face=4)
    (error,) = log.of(ErrorOccurred)
    assert "face 4 was asked for but 2 faces were found" in error.message
    assert "The previous portrait stays." in error.message
    assert "2 faces found; animating face 2 as asked." in conv.status().notes
