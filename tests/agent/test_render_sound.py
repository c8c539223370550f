"""Rendered videos speak: AAC in the mp4 in sync with the frames, .wav beside GIFs, lip sync
measured on the rendered clip."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PIL import Image

from agent.render import RenderOptions, prepare_render
from animator.fallback.landmarks import detect_landmarks
from contracts import Frame
from tests.agent._helpers import PORTRAIT, make_settings
from tests.e2e._helpers import avatar

SCRIPT = """\
seed: 2
fps: {fps}
events:
  - say: 웃어줘
  - say: 말해봐
    reply: 안녕하세요, 만나서 반가워요.
  - pause: 0.6
  - plan: {{steps: [{{intent: nod}}], reply: "Hello, nice to meet you. How are you today?"}}
end_hold: 0.6
"""


def write_script(tmp_path: Path, fps: int) -> Path:
    path = tmp_path / f"talk{fps}.yaml"
    path.write_text(SCRIPT.format(fps=fps), encoding="utf-8")
    return path


def read_audio(path: Path) -> tuple[np.ndarray, int, float, float]:
    """(samples, rate, audio duration, video duration) as PyAV reads them."""
    with av.open(str(path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        video_s = float(video.duration * video.time_base)
        audio_s = float(audio.duration * audio.time_base)
        rate = audio.codec_context.sample_rate
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    return samples.astype(np.float64), rate, audio_s, video_s


def window_rms(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    chunk = samples[int(start * rate) : int(end * rate)]
    return float(np.sqrt(np.mean(chunk * chunk))) if len(chunk) else 0.0


def test_render_puts_the_replies_into_the_mp4_in_sync(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    job = prepare_render(write_script(tmp_path, 15), settings)
    out = tmp_path / "talk.mp4"
    result = job.write(out)
    assert result.sound == out
    samples, rate, audio_s, video_s = read_audio(out)
    assert abs(audio_s - video_s) <= 0.05
    assert video_s == pytest.approx(result.frames / result.fps, abs=1e-6)
    lines = sorted(job._soundtrack.timings.items())
    cues = job._schedule.cues
    assert [index for index, _ in lines] == [1, 2], "the two replies, not the smile"
    spans = [(cues[i].at, cues[i].at + timing.duration) for i, timing in lines]
    for start, end in spans:
        assert window_rms(samples, rate, start, end) > 0.02, f"speech at {start:.2f} s"
    silent = [(0.0, spans[0][0]), (spans[0][1] + 0.1, spans[1][0]), (spans[1][1] + 0.1, video_s)]
    for start, end in silent:
        assert end - start > 0.3
        assert window_rms(samples, rate, start, end) < 0.002, f"silence {start:.2f}-{end:.2f} s"


def test_same_script_and_seed_give_identical_bytes(tmp_path: Path) -> None:
    """Two `avatar render` runs of one script: the same audio and video bytes."""
    script = write_script(tmp_path, 8)
    outputs = [tmp_path / "one.mp4", tmp_path / "two.mp4"]
    for out in outputs:
        done = avatar(
            "render", script, "-o", out, "--size", "128x128", "--quiet", "--engine", "fallback",
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    with av.open(str(outputs[0])) as container:
        assert container.streams.audio, "the file has sound"


def test_gif_output_writes_the_speech_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "talk.gif"
    result = prepare_render(write_script(tmp_path, 8), make_settings(tmp_path)).write(out)
    assert result.sound == tmp_path / "talk.wav"
    with av.open(str(result.sound)) as container:
        stream = container.streams.audio[0]
        assert float(stream.duration * stream.time_base) == pytest.approx(
            result.frames / result.fps, abs=0.01
        )


def test_muted_render_has_no_sound(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, speech={"muted": True})
    out = tmp_path / "quiet.mp4"
    assert prepare_render(write_script(tmp_path, 8), settings).write(out).sound is None
    with av.open(str(out)) as container:
        assert not container.streams.audio


def lag_and_r(signal: np.ndarray, follower: np.ndarray, fps: int) -> tuple[float, float]:
    """Lag (s, positive: `follower` is late) and Pearson r at the cross-correlation peak."""
    best = (0.0, -1.0)
    for lag in range(-8, 9):
        a = signal[: len(signal) - lag] if lag >= 0 else signal[-lag:]
        b = follower[lag:] if lag >= 0 else follower[: len(follower) + lag]
        r = float(np.corrcoef(a, b)[0, 1])
        if r > best[1]:
            best = (lag / fps, r)
    return best


def test_lip_sync_measured_on_the_rendered_clip(tmp_path: Path) -> None:
    fps, size = 60, 256
    settings = make_settings(tmp_path)
    job = prepare_render(write_script(tmp_path, fps), settings, RenderOptions(size=(size, size)))
    opening: list[float] = []
    out = tmp_path / "sync.mp4"

    def keep(frame: Frame) -> None:
        opening.append(frame.pose.mouth_open)

    job.write(out, on_frame=keep)
    samples, rate, _, _ = read_audio(out)
    with av.open(str(out)) as container:
        grey = np.stack(
            [f.to_ndarray(format="gray").astype(np.float64) for f in container.decode(video=0)]
        )
    hop = rate / fps
    envelope = np.array([
        window_rms(samples, rate, (i - 0.5) * hop / rate, (i + 0.5) * hop / rate)
        for i in range(len(grey))
    ])
    portrait = np.array(Image.open(PORTRAIT).convert("RGB"))
    scale = size / max(portrait.shape[:2])
    small = cv2.resize(portrait, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    landmarks, _ = detect_landmarks(small)
    top = (size - small.shape[0]) // 2
    left = (size - small.shape[1]) // 2
    cx, cy = landmarks.mouth_center[0] + left, landmarks.mouth_center[1] + top
    mw = landmarks.mouth_width
    rows = slice(int(cy - 0.4 * mw), int(cy + 0.8 * mw))
    region = grey[:, rows, int(cx - 0.7 * mw) : int(cx + 0.7 * mw)]
    pixel_change = np.abs(region - region[0]).mean(axis=(1, 2))
    for name, follower in (("mouth_open", np.array(opening)), ("mouth pixels", pixel_change)):
        lag, r = lag_and_r(envelope, follower, fps)
        assert abs(lag) <= 0.040, f"{name}: lag {lag * 1000:.0f} ms"
        assert r >= 0.5, f"{name}: r = {r:.2f}"
