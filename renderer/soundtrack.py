"""Sound for rendered videos: mux a mono speech track into an mp4 as AAC, or write a .wav.

Frames are encoded first (by `video`); the audio is added afterwards by copying the video
packets unchanged into a new mp4 beside an AAC stream (PyAV, FFmpeg's native AAC encoder). The
container carries no creation time, so the same frames and samples give the same bytes.
"""

from __future__ import annotations

import logging
import os
import wave
from pathlib import Path

import numpy as np

log = logging.getLogger("avatar.renderer")

AAC_FRAME = 1024
AAC_BIT_RATE = 96_000


def to_pcm16(audio: np.ndarray) -> np.ndarray:
    """(N,) float samples in [-1, 1] → (N,) int16 (clipped)."""
    return (np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767.0).round().astype(
        np.int16
    )


def write_wav(path: Path, audio: np.ndarray, sample_rate: int) -> Path:
    """Write mono 16-bit PCM `audio` (float, [-1, 1]) to `path`; returns it.

    Raises:
        OSError: the file cannot be written (names it).
    """
    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(int(sample_rate))
            out.writeframes(to_pcm16(audio).tobytes())
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def mux_audio(video: Path, audio: np.ndarray, sample_rate: int, out: Path) -> Path:
    """Write `out`: the video stream of `video` (copied) plus `audio` as mono AAC.

    Args:
        video: an mp4 with one video stream.
        audio: (N,) float32 mono samples in [-1, 1], as long as the video should sound.
        sample_rate: samples per second.
        out: the new file (may not be `video`).

    Raises:
        RuntimeError: PyAV cannot read the video or write the result (says why).
    """
    import av

    pcm = to_pcm16(audio)
    try:
        with av.open(str(video)) as source, av.open(
            str(out), "w", format="mp4", options={"movflags": "+faststart"}
        ) as target:
            target.metadata.clear()
            video_in = source.streams.video[0]
            video_out = target.add_stream_from_template(video_in)
            audio_out = target.add_stream("aac", rate=int(sample_rate), layout="mono")
            audio_out.bit_rate = AAC_BIT_RATE
            for packet in source.demux(video_in):
                if packet.dts is None:
                    continue
                packet.stream = video_out
                target.mux(packet)
            for start in range(0, len(pcm), AAC_FRAME):
                chunk = pcm[start : start + AAC_FRAME]
                frame = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
                frame.sample_rate = int(sample_rate)
                frame.pts = start
                target.mux(audio_out.encode(frame))
            target.mux(audio_out.encode(None))
    except av.FFmpegError as exc:
        raise RuntimeError(f"cannot add the sound track to {out}: {exc}") from exc
    return out


def replace_with_sound(video: Path, audio: np.ndarray, sample_rate: int) -> Path:
    """Give the mp4 at `video` the sound `audio`, in place (through a temporary sibling)."""
    partial = video.with_name(f".{video.stem}.sound{video.suffix}")
    try:
        mux_audio(video, audio, sample_rate, partial)
        os.replace(partial, video)
    finally:
        if partial.exists():
            partial.unlink()
    log.info("sound track added to %s", video)
    return video
