"""Audio files → 16 kHz mono float32 samples, with PyAV (FFmpeg) doing decoding and resampling.

PyAV is already installed for the video writer, reads WAV, FLAC, MP3, OGG and the audio of video
files, and resamples any rate and channel layout in one pass, so no second decoder is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
"""The rate every part of speech input works at (Silero VAD and Whisper both expect it)."""


class AudioFileError(ValueError):
    """An audio file cannot be used; the message names the file and the problem."""


def decode_audio(path: str | Path) -> np.ndarray:
    """The whole file as `(n,)` float32 samples in [-1, 1] at 16 kHz, mono (channels averaged).

    Raises:
        AudioFileError: missing, unreadable, not audio, corrupt, or without any sample.
    """
    import av  # imported here: listing devices or loading settings must not load FFmpeg

    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"{path}: no such audio file")
    if path.stat().st_size == 0:
        raise AudioFileError(f"{path}: the file is empty")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioFileError(f"{path}: has no audio stream")
            samples = _decode_stream(container)
    except AudioFileError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise AudioFileError(f"{path}: cannot decode the audio ({_reason(exc)})") from exc
    if samples.size == 0:
        raise AudioFileError(f"{path}: the file holds no audio samples")
    return samples


def _decode_stream(container: object) -> np.ndarray:
    import av

    stream = container.streams.audio[0]  # type: ignore[attr-defined]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    parts: list[np.ndarray] = []
    for frame in container.decode(stream):  # type: ignore[attr-defined]
        for out in resampler.resample(frame):
            parts.append(out.to_ndarray().reshape(-1))
    for out in resampler.resample(None):  # flush the resampler's tail
        parts.append(out.to_ndarray().reshape(-1))
    if not parts:
        return np.zeros(0, dtype=np.float32)
    return np.clip(np.concatenate(parts).astype(np.float32, copy=False), -1.0, 1.0)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
