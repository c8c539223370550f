"""Speech made at test time: eSpeak NG phrases, silence and noise, with the true speech spans.

The spans come from the synthesized clip itself (eSpeak writes exact digital silence around and
between words), never from the code under test.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

RATE = 16_000
SILENT = 1e-3  # below this a sample of an eSpeak clip is its digital silence


def require_tools() -> None:
    """Skip (with the install command) when eSpeak NG or SoX is missing."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (scripts/system-deps.sh installs them)")


def say(text: str, folder: Path, *, voice: str = "en-us") -> np.ndarray:
    """`text` spoken by eSpeak NG as 16 kHz mono float32 (resampled by SoX)."""
    require_tools()
    raw = folder / "espeak_raw.wav"
    out = folder / "espeak_16k.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True)
    # -D: no dither, so the same text always gives the same samples (sox dithers randomly)
    subprocess.run(["sox", "-D", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)],
                   check=True)
    return read_wav(out)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit mono WAV as float32 samples."""
    with wave.open(str(path), "rb") as handle:
        data = handle.readframes(handle.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """float32 samples in [-1, 1] → 16-bit mono WAV."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())
    return path


def silence(seconds: float) -> np.ndarray:
    """Digital silence."""
    return np.zeros(round(seconds * RATE), dtype=np.float32)


@dataclass(frozen=True)
class Recording:
    """Samples plus the true (start, end) seconds of each spoken phrase."""

    samples: np.ndarray
    spans: tuple[tuple[float, float], ...]

    def write(self, path: Path) -> Path:
        """Save as a 16 kHz WAV."""
        return write_wav(path, self.samples)


def compose(parts: list[np.ndarray | float], folder: Path) -> Recording:
    """Concatenate clips and pauses (floats are seconds of silence); spans come from the clips."""
    pieces: list[np.ndarray] = []
    spans: list[tuple[float, float]] = []
    offset = 0
    for part in parts:
        clip = silence(part) if isinstance(part, float) else part
        if not isinstance(part, float):
            voiced = np.nonzero(np.abs(clip) > SILENT)[0]
            spans.append(((offset + voiced[0]) / RATE, (offset + voiced[-1] + 1) / RATE))
        pieces.append(clip)
        offset += len(clip)
    return Recording(np.concatenate(pieces), tuple(spans))


def white_noise(seconds: float, level: float, seed: int) -> np.ndarray:
    """Gaussian white noise at RMS `level`."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(round(seconds * RATE)) * level).astype(np.float32)


def pink_noise(seconds: float, level: float, seed: int) -> np.ndarray:
    """1/f noise (white noise shaped in the frequency domain) at RMS `level`."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / RATE)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0.0
    pink = np.fft.irfft(spectrum, n)
    return (pink / np.sqrt(np.mean(pink**2)) * level).astype(np.float32)


def tones(seconds: float, level: float) -> np.ndarray:
    """Music-like: a sequence of sustained chords (three partials each), half a second per note."""
    t = np.arange(round(0.5 * RATE)) / RATE
    notes = [220.0, 277.2, 329.6, 440.0, 392.0, 349.2, 293.7, 261.6]
    out = []
    envelope = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.02)
    for index in range(round(seconds / 0.5)):
        base = notes[index % len(notes)]
        chord = sum(np.sin(2 * np.pi * base * k * t) / k for k in (1, 2, 3))
        out.append(chord * envelope)
    music = np.concatenate(out)
    return (music / np.sqrt(np.mean(music**2)) * level).astype(np.float32)
