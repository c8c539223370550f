"""`avatar bench --engine tts`: text → first audio sample, and the real-time factor, per voice.

First audio is the time from handing a reply to `stream()` until its first sentence's samples
exist (what the speaker can start playing); the real-time factor is synthesis time over audio
duration for whole replies. Korean and English replies alternate. The neural voice is measured
when `avatar models download tts-supertonic` has fetched it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from voice.tts import Voice, stream
from voice.tts.synthesis import TtsError

REPLIES = (
    "안녕하세요, 만나서 반가워요. 오늘 기분은 어떠세요?",
    "Hello, nice to meet you. How are you feeling today?",
    "좋아요, 그럼 웃어 볼게요!",
    "Sure, I can smile for you. Watch this!",
)


def measure(voice: Voice, utterances: int) -> dict[str, Any]:
    """First-audio latency percentiles (ms) and the real-time factor of `voice`."""
    first_ms, synth_s, audio_s = [], 0.0, 0.0
    next(stream(REPLIES[0], voice=voice))  # warm-up: library load, first-call allocations
    for index in range(utterances):
        started = time.perf_counter()
        for count, piece in enumerate(stream(REPLIES[index % len(REPLIES)], voice=voice)):
            if count == 0:
                first_ms.append((time.perf_counter() - started) * 1000.0)
            audio_s += piece.duration
        synth_s += time.perf_counter() - started
    return {
        "voice": voice.name,
        "sample_rate": voice.sample_rate,
        "utterances": utterances,
        "first_audio_ms_p50": float(np.percentile(first_ms, 50)),
        "first_audio_ms_p95": float(np.percentile(first_ms, 95)),
        "real_time_factor": synth_s / audio_s if audio_s else 0.0,
        "audio_s": audio_s,
    }


def run_bench(
    utterances: int = 40, models_dir: str | Path | None = None, style: str | None = None
) -> dict[str, Any]:
    """Figures for eSpeak NG and, when downloaded, the neural voice."""
    from voice.tts.espeak import EspeakVoice
    from voice.tts.supertonic import SupertonicVoice, present

    result: dict[str, Any] = {"espeak": measure(EspeakVoice(), utterances)}
    if not present(models_dir):
        result["supertonic"] = "not downloaded (avatar models download tts-supertonic)"
        return result
    try:
        neural = SupertonicVoice.from_models_dir(models_dir, style=style)
    except TtsError as exc:
        result["supertonic"] = f"unusable: {exc}"
        return result
    result["supertonic"] = measure(neural, max(4, utterances // 4))
    return result
