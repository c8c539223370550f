"""`avatar render` of the shipped demo: every scripted expression shows where it should.

The demo is rendered by the CLI in a subprocess (fallback engine, 256×256, 10 fps). A second
render of the same length and seed with no events gives the idle-only reference: idle life is a
function of the seed and the time, so frame i of both videos differs only by the expressions.
Face regions come from the fallback engine's own landmarks of the portrait.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from agent.config import load_settings
from agent.cues import Schedule, schedule_script
from agent.render import RenderOptions, render_script
from agent.script import load_script
from animator.fallback import detect_landmarks
from animator.portrait import load_portrait
from intents import load_interpreter
from renderer import read_video_frames
from tests.e2e._helpers import avatar

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "assets" / "scripts" / "demo.yaml"
PORTRAIT = REPO / "assets" / "portrait.png"
FPS = 10
SIDE = 256
VISIBLE = 4.5  # mean absolute difference (0..255) that counts as a visible change
AT_REST = 3.5  # what mp4 coding noise and nothing else leaves
REGIONS_OF_INTENT = {
    "smile": ("mouth",), "sad": ("mouth",), "kiss": ("mouth",), "talk": ("mouth",),
    "laugh": ("mouth",), "chat": ("mouth",), "surprise": ("brows",), "angry": ("brows",),
    "wink": ("right_eye",),
    "close_eyes": ("left_eye", "right_eye"), "look_left": ("left_eye", "right_eye"),
    "nod": ("face",), "shake_head": ("face",),
}

Box = tuple[int, int, int, int]


def face_regions(scale: float) -> dict[str, Box]:
    """Mouth, eyes, brows and face boxes in output pixels, from the engine's landmarks."""
    marks, _ = detect_landmarks(load_portrait(PORTRAIT))
    eye_w = marks.eye_size[0]

    def around(cx: float, cy: float, rx: float, ry: float) -> Box:
        return (round((cx - rx) * scale), round((cy - ry) * scale),
                round((cx + rx) * scale), round((cy + ry) * scale))

    brow_x = (marks.left_brow[0] + marks.right_brow[0]) / 2
    brow_y = (marks.left_brow[1] + marks.right_brow[1]) / 2
    return {
        "mouth": around(*marks.mouth_center, 0.8 * marks.mouth_width, 0.5 * marks.mouth_width),
        "left_eye": around(*marks.left_eye, 0.9 * eye_w, 0.6 * eye_w),
        "right_eye": around(*marks.right_eye, 0.9 * eye_w, 0.6 * eye_w),
        "brows": around(brow_x, brow_y, 1.6 * marks.brow_width, 0.5 * eye_w),
        "face": tuple(round(v * scale) for v in marks.face_box),  # type: ignore[return-value]
        "background": (0, 0, 30, 30),
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, np.ndarray, Schedule]:
    folder = tmp_path_factory.mktemp("demo")
    out = folder / "demo.mp4"
    result = avatar("render", DEMO, "-o", out, "--size", f"{SIDE}x{SIDE}", "--fps", str(FPS),
                    "--engine", "fallback", "--quiet", cwd=folder)
    assert result.returncode == 0, result.stderr
    script = load_script(DEMO)
    schedule = schedule_script(script, load_interpreter())
    idle = folder / "idle.yaml"
    idle.write_text(
        f"seed: {script.seed}\nend_hold: 0\nevents:\n  - pause: {schedule.duration}\n",
        encoding="utf-8",
    )
    settings = load_settings(None, engine="fallback", data_dir=folder / "data")
    render_script(idle, folder / "idle.mp4", settings, RenderOptions(fps=FPS, size=(SIDE, SIDE)))
    demo = np.stack(list(read_video_frames(out))).astype(np.float32)
    reference = np.stack(list(read_video_frames(folder / "idle.mp4"))).astype(np.float32)
    return demo, reference, schedule


def diff(demo: np.ndarray, reference: np.ndarray, index: int, box: Box) -> float:
    x0, y0, x1, y1 = box
    return float(np.abs(demo[index, y0:y1, x0:x1] - reference[index, y0:y1, x0:x1]).mean())


def test_demo_video_has_the_script_length(
    rendered: tuple[np.ndarray, np.ndarray, Schedule],
) -> None:
    demo, reference, schedule = rendered
    assert demo.shape == (math.ceil(schedule.duration * FPS), SIDE, SIDE, 3)
    assert reference.shape == demo.shape


def test_every_expression_changes_its_face_region(
    rendered: tuple[np.ndarray, np.ndarray, Schedule],
) -> None:
    demo, reference, schedule = rendered
    regions = face_regions(SIDE / 512)
    ends = [cue.at for cue in schedule.cues[1:]] + [schedule.duration]
    checked = set()
    for cue, end in zip(schedule.cues, ends, strict=True):
        frames = range(math.ceil(cue.at * FPS), min(len(demo), math.ceil(end * FPS)))
        peak = {name: max(diff(demo, reference, i, box) for i in frames)
                for name, box in regions.items()}
        assert peak["background"] < 1.5, (cue.plan.intents, peak)
        for intent in cue.plan.intents:
            if intent == "neutral":
                last = {name: diff(demo, reference, frames[-1], box)
                        for name, box in regions.items()}
                assert max(last.values()) < AT_REST, ("not back to rest", last)
            for region in REGIONS_OF_INTENT.get(intent, ()):
                assert peak[region] > VISIBLE, (intent, region, peak)
                checked.add(intent)
        if cue.plan.intents == ["wink"]:
            assert peak["right_eye"] > 2 * peak["left_eye"], peak  # the screen-right eye
        if cue.plan.intents == ["close_eyes"]:
            assert min(peak["left_eye"], peak["right_eye"]) > 3 * peak["mouth"], peak
    assert len(checked) >= 10, checked


def test_first_smile_is_in_the_mouth_not_the_eyes(
    rendered: tuple[np.ndarray, np.ndarray, Schedule],
) -> None:
    demo, reference, schedule = rendered
    regions = face_regions(SIDE / 512)
    first = schedule.cues[0]
    assert first.plan.intents == ["smile"] and first.at == 0.0
    frames = range(0, math.ceil(schedule.cues[1].at * FPS))
    mouth = max(diff(demo, reference, i, regions["mouth"]) for i in frames)
    eyes = max(diff(demo, reference, i, regions["left_eye"]) for i in frames)
    assert mouth > VISIBLE and mouth > 1.3 * eyes
