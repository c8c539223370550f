"""The page in a real browser: Debian's headless Chromium driven by Playwright (no download).

Loads the page from a real server, types "웃어줘", sees the chip and the live image change in the
face region, moves a slider, uploads a portrait, records and downloads; screenshots go to the
test's tmp dir (`pytest --basetemp DIR` keeps them where you want).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.events import PortraitChanged
from tests.agent._helpers import PORTRAIT, EventLog, wait_until
from tests.web._helpers import Served, serving

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# The astronaut's face box (x0, y0, x1, y1) in the default portrait, read off the picture by eye
# (tests/fallback/_helpers.FACE_BY_EYE); the mouth is its lower third.
FACE = (177, 66, 272, 161)
MOUTH = (190, 130, 260, 161)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")

# Reads what the page shows: the live <img> drawn into a canvas, the box's RGB values.
READ_BOX = """([x0, y0, x1, y1]) => {
  const img = document.getElementById("live");
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  return Array.from(context.getImageData(x0, y0, x1 - x0, y1 - y0).data);
}"""


@pytest.fixture
def page_on(tmp_path: Path) -> Iterator[tuple[Served, object]]:
    from playwright.sync_api import sync_playwright

    with serving(tmp_path / "server") as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(served.url + "/")
        yield served, page
        browser.close()


def _box(page: object, box: tuple[int, int, int, int]) -> np.ndarray:
    values = page.evaluate(READ_BOX, list(box))  # type: ignore[attr-defined]
    pixels = np.asarray(values, dtype=np.float64)
    return pixels.reshape(box[3] - box[1], box[2] - box[0], 4)[..., :3]


def _shot(page: object, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def test_the_page_drives_the_portrait(page_on: tuple[Served, object], tmp_path: Path) -> None:
    served, page = page_on
    events = EventLog()
    served.conversation.subscribe(events)
    page.wait_for_function(  # type: ignore[attr-defined]
        "document.getElementById('live').naturalWidth === 512"
    )
    assert page.locator("#intents button").count() == 21  # type: ignore[attr-defined]
    assert page.locator("#channels input[type=range]").count() == 12  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "document.getElementById('status').textContent.includes('fps')"
    )
    _shot(page, tmp_path, "1-loaded")

    # Hold the head still with its three sliders (idle sway would move the mouth region as
    # much as a smile); the smile is not a head channel, so it still shows.
    for name in ("head_pitch", "head_yaw", "head_roll"):
        page.locator(f"#ch-{name}").fill("0")  # type: ignore[attr-defined]
    wait_until(
        lambda: served.conversation.latest_frame().pose.head_roll == 0.0,  # type: ignore[union-attr]
        what="the head held by the sliders",
    )
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    # Control: how much the mouth region changes by idle life alone over a while.
    idle = [_box(page, MOUTH)]
    for _ in range(6):
        page.wait_for_timeout(150)  # type: ignore[attr-defined]
        idle.append(_box(page, MOUTH))
    idle_change = max(np.abs(frame - idle[0]).mean() for frame in idle[1:])

    page.fill("#text", "웃어줘")  # type: ignore[attr-defined]
    page.press("#text", "Enter")  # type: ignore[attr-defined]
    chip = page.locator("#log .chip").first  # type: ignore[attr-defined]
    chip.wait_for(timeout=10_000)
    assert chip.inner_text().startswith("미소 · smile")
    assert "웃어줘" in page.locator("#log li").first.inner_text()  # type: ignore[attr-defined]
    smiled = 0.0
    for _ in range(40):  # the smile's attack takes a few hundred milliseconds
        page.wait_for_timeout(50)  # type: ignore[attr-defined]
        smiled = max(smiled, float(np.abs(_box(page, MOUTH) - idle[0]).mean()))
    _shot(page, tmp_path, "2-smiling")
    assert smiled > 3.0 and smiled > 2.0 * idle_change, (smiled, idle_change)

    slider = page.locator("#ch-head_yaw")  # type: ignore[attr-defined]
    slider.fill("-20")
    wait_until(
        lambda: abs(served.conversation.latest_frame().pose.head_yaw + 20.0) < 1e-6,  # type: ignore[union-attr]
        what="the slider's head turn in the rendered pose",
    )
    assert page.locator("#channels output").nth(1).inner_text() == "-20°"  # type: ignore[attr-defined]
    _shot(page, tmp_path, "3-slider")
    page.click("#release")  # type: ignore[attr-defined]
    wait_until(
        lambda: abs(served.conversation.latest_frame().pose.head_yaw + 20.0) > 5.0,  # type: ignore[union-attr]
        what="the release",
    )

    mirrored = tmp_path / "mirrored.png"
    Image.open(PORTRAIT).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirrored)
    page.set_input_files("#portrait", str(mirrored))  # type: ignore[attr-defined]
    wait_until(lambda: events.of(PortraitChanged), what="the uploaded portrait")
    assert Path(events.of(PortraitChanged)[-1].path).name.startswith("upload-")
    page.locator("#log li", has_text="새 사진").first.wait_for(timeout=10_000)  # type: ignore[attr-defined]
    _shot(page, tmp_path, "4-uploaded")

    page.click("#record")  # type: ignore[attr-defined]
    page.locator("#record.recording").wait_for(timeout=10_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.click("#record")  # type: ignore[attr-defined]
    link = page.locator("#download")  # type: ignore[attr-defined]
    link.wait_for(state="visible", timeout=10_000)
    with page.expect_download() as download:  # type: ignore[attr-defined]
        link.click()
    saved = tmp_path / "recording.mp4"
    download.value.save_as(saved)
    assert saved.read_bytes()[4:8] == b"ftyp"  # an MP4 container
    keep = Path(__import__("os").environ.get("AVATAR_WEB_SHOTS", ""))
    if keep.name:
        keep.mkdir(parents=True, exist_ok=True)
        for shot in tmp_path.glob("*.png"):
            shutil.copy(shot, keep / shot.name)


def test_the_page_asks_for_the_token_once(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with serving(tmp_path, token="page-token-1234") as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        asked: list[str] = []

        def answer(dialog: object) -> None:
            asked.append(dialog.message)  # type: ignore[attr-defined]
            dialog.accept("page-token-1234")  # type: ignore[attr-defined]

        page.on("dialog", answer)
        page.goto(served.url + "/")
        page.wait_for_function("document.getElementById('live').naturalWidth === 512")
        assert page.locator("#intents button").count() == 21
        page.wait_for_function("document.getElementById('status').textContent.includes('fps')")
        assert len(asked) == 1 and "token" in asked[0]
        browser.close()


def test_the_page_fits_a_phone(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with serving(tmp_path) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        page.goto(served.url + "/")
        page.wait_for_function("document.getElementById('live').naturalWidth === 512")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
        live = page.locator("#live").bounding_box()
        assert live is not None and 300 <= live["width"] <= 390
        _shot(page, tmp_path, "phone")
        browser.close()
