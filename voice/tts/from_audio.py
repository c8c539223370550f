"""Visemes from a waveform, for voices that report no phoneme timing (the neural voice).

Every 10 ms the audio's loudness and spectral shape pick a mouth class: quiet → closed; most
energy above 4 kHz → a sibilant; voiced sound by where its spectrum sits (a low centroid with
most energy under 1 kHz → rounded lips, a high one → spread lips, in between → open) and how loud
it is (weak voicing → a nasal/liquid, half-open). Runs of the same class become one unit whose
weight is its loudness. This follows the sound actually produced, not the length of the text.
"""

from __future__ import annotations

import numpy as np

from contracts import SpeechTiming, TimedUnit, Viseme
from voice.tts.synthesis import units_in_order

HOP_S = 0.010
WINDOW_S = 0.025
SILENCE_DB = -32.0
"""Frames this far below the line's loudest are silence."""
WEAK_DB = -14.0
"""Voiced frames this far below the loudest are nasals/liquids."""
HISS_SHARE = 0.45
"""Share of energy above 4 kHz that makes a frame a sibilant."""


Features = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def frame_features(audio: np.ndarray, rate: int) -> Features:
    """Per 10 ms frame: (level in dB below the loudest frame, spectral centroid in Hz, energy
    share under 1 kHz, energy share over 4 kHz)."""
    hop, window = max(1, round(HOP_S * rate)), max(2, round(WINDOW_S * rate))
    count = max(0, (len(audio) - 1) // hop + 1)
    padded = np.concatenate([audio.astype(np.float64), np.zeros(window)])
    frames = np.stack([padded[i * hop : i * hop + window] for i in range(count)]) if count else (
        np.zeros((0, window))
    )
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(window), axis=1)) ** 2
    freqs = np.fft.rfftfreq(window, 1.0 / rate)
    total = spectrum.sum(axis=1) + 1e-12
    rms = np.sqrt(np.mean(frames * frames, axis=1)) + 1e-9
    level = 20.0 * np.log10(rms / rms.max()) if count else np.zeros(0)
    centroid = (spectrum * freqs).sum(axis=1) / total
    low = spectrum[:, freqs < 1000.0].sum(axis=1) / total
    high = spectrum[:, freqs > 4000.0].sum(axis=1) / total
    return level, centroid, low, high


def classify(level: float, centroid: float, low: float, high: float) -> Viseme:
    """The mouth class of one frame's features."""
    if level < SILENCE_DB:
        return "sil"
    if high > HISS_SHARE:
        return "SS"
    if level < WEAK_DB:
        return "nn"
    if low > 0.8 and centroid < 700.0:
        return "U" if level < -6.0 else "O"
    if centroid > 2200.0:
        return "I"
    if centroid > 1500.0:
        return "E"
    return "aa"


def timing_from_audio(audio: np.ndarray, rate: int, language: str, voice: str) -> SpeechTiming:
    """Units covering `audio`, one per run of frames of the same class."""
    duration = len(audio) / rate
    level, centroid, low, high = frame_features(audio, rate)
    labels = [classify(*values) for values in zip(level, centroid, low, high, strict=True)]
    units: list[TimedUnit] = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i < len(labels) and labels[i] == labels[start]:
            continue
        loudness = float(np.mean(10.0 ** (level[start:i] / 20.0)))
        units.append(
            TimedUnit(
                symbol=labels[start], viseme=labels[start], start=start * HOP_S,
                end=min(i * HOP_S, duration), weight=min(1.0, loudness / 0.7),
            )
        )
        start = i
    return SpeechTiming(
        units=units_in_order(units), duration=duration, language=language, voice=voice,
        timing="audio",
    )
