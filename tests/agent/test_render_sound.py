"""Rendered videos speak: AAC in the mp4 in sync with the frames, .wav beside GIFs, lip sync
measured on the rendered clip."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from agent.render import RenderOptions, prepare_render
from bench.bench_lipsync import audio_envelope, mouth_change, peak_lag, read_clip, speech_mask
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
    spans = job.spoken
    assert len(spans) == 2, "the two replies, not the smile"
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


def test_lip_sync_measured_on_the_rendered_clip(tmp_path: Path) -> None:
    """Audio envelope vs mouth_open and vs mouth pixels: peak within 40 ms, r >= 0.5."""
    fps, size = 60, 256
    job = prepare_render(
        write_script(tmp_path, fps), make_settings(tmp_path), RenderOptions(size=(size, size))
    )
    opening: list[float] = []
    out = tmp_path / "sync.mp4"
    job.write(out, on_frame=lambda frame: opening.append(frame.pose.mouth_open))
    grey, samples, rate = read_clip(out)
    envelope = audio_envelope(samples, rate, fps, len(grey))
    mask = speech_mask(job.spoken, fps, len(grey))
    pixels = mouth_change(grey, PORTRAIT, size)
    for name, follower in (("mouth_open", np.array(opening)), ("mouth pixels", pixels)):
        for where in (None, mask):  # the whole clip, and the lines alone
            lag, r = peak_lag(envelope, follower, fps, where)
            assert abs(lag) <= 0.040, f"{name}: lag {lag * 1000:.0f} ms"
            assert r >= 0.5, f"{name}: r = {r:.2f}"


def test_the_next_event_waits_until_the_line_is_said(tmp_path: Path) -> None:
    from agent.cues import schedule_script
    from agent.script import load_script
    from intents import load_interpreter

    script = load_script(write_script(tmp_path, 8))
    by_text = schedule_script(script, load_interpreter())
    by_voice = schedule_script(
        script, load_interpreter(), lambda plan: 6.0 if plan.reply else 0.0
    )
    talk_at = by_voice.cues[1].at
    assert by_voice.cues[2].at == pytest.approx(talk_at + 6.0 + 0.6)  # the line, then the pause
    assert by_text.cues[2].at < by_voice.cues[2].at
