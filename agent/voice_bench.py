"""`avatar bench --engine voice`: how fast a spoken command reaches the screen.

eSpeak NG speaks a set of English commands; the clips play in real time (like a microphone) into
the real voice listener on a real `Conversation` (fallback engine, no window). For each utterance
it measures, from the VAD's end-of-speech decision: the transcript, the plan, and the first frame
rendered for that plan; from the VAD's speech-start decision: the first frame of the listening
cue; and the recogniser's real-time factor. The end-of-speech silence the VAD waits for before
deciding is configured (`voice.end_silence_s`) and reported apart.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

COMMANDS = (
    "Smile.", "Please smile and then wink twice.", "Nod your head.", "Blink twice.",
    "Look to the left.", "Shake your head.", "Close your eyes.", "Laugh out loud.",
    "Look surprised.", "Wink at me.", "Look up and then smile.", "Blow me a kiss.",
)
GAP_S = 2.5  # silence after each command: the previous one is decoded before the next starts


def run_bench(utterances: int = len(COMMANDS), models_dir: Path | None = None) -> dict[str, Any]:
    """Speak `utterances` commands into the listener and return the latency figures.

    Raises:
        ValueError: eSpeak NG is not installed, or the listener could not start (the CLI
            prints the message as its one line).
    """
    from agent.config import load_settings

    with tempfile.TemporaryDirectory(prefix="avatar-voice-bench-") as tmp:
        folder = Path(tmp)
        texts = [COMMANDS[i % len(COMMANDS)] for i in range(max(1, utterances))]
        samples = _speak_all(texts, folder)
        settings = load_settings(
            engine="fallback", data_dir=folder / "data", models_dir=models_dir,
            window={"enabled": False}, voice={"enabled": True, "mode": "handsfree"},
        )
        return _measure(settings, samples, len(texts))


def _speak_all(texts: list[str], folder: Path) -> np.ndarray:
    from voice.audio import SAMPLE_RATE, decode_audio

    if shutil.which("espeak-ng") is None:
        raise ValueError("the voice benchmark speaks its commands with espeak-ng; install it "
                           "(scripts/system-deps.sh or `sudo apt-get install espeak-ng`)")
    gap = np.zeros(round(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts = [np.zeros(3 * SAMPLE_RATE, dtype=np.float32)]  # the model loads meanwhile
    for index, text in enumerate(texts):
        path = folder / f"command_{index:02d}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text],
                       check=True, capture_output=True)
        parts += [decode_audio(path), gap]
    return np.concatenate(parts)


def _measure(settings: Any, samples: np.ndarray, expected: int) -> dict[str, Any]:
    from agent.components import Assembly
    from agent.conversation import Conversation
    from agent.events import (
        Event,
        FrameRendered,
        PlanStarted,
        SpeechEnded,
        SpeechStarted,
        UtteranceReceived,
    )
    from agent.listener import LISTENING_CUE, VoiceListener
    from voice.sources import FileSource

    marks: dict[str, list[tuple[float, Any]]] = {
        "end": [], "start": [], "heard": [], "plan": [], "cue": [], "frame": []
    }
    lock = threading.Lock()

    def note(event: Event) -> None:
        now = time.monotonic()
        with lock:
            if isinstance(event, SpeechEnded):
                marks["end"].append((event.at, None))
            elif isinstance(event, SpeechStarted):
                marks["start"].append((event.at, None))
            elif isinstance(event, UtteranceReceived) and event.utterance.source == "voice":
                marks["heard"].append((now, None))
            elif isinstance(event, PlanStarted):
                kind = "cue" if event.plan is LISTENING_CUE else "plan"
                if kind == "cue" or event.utterance is not None:
                    marks[kind].append((now, event.plan_id))
            elif isinstance(event, FrameRendered):
                marks["frame"].append((now, event.plan_id))

    conversation = Conversation(settings)
    conversation.subscribe(note)
    listener = VoiceListener(
        settings, "kiosk", source_factory=lambda: FileSource(samples=samples, paced=True)
    )
    with Assembly(conversation, []):
        listener.start(conversation)
        meter = listener.meter()
        if meter.problem:
            raise ValueError(f"voice: {meter.state}")
        try:
            listener.wait_until_done(len(samples) / 16_000 + 120.0)
            time.sleep(0.3)  # the last plan's first frame (the frame loop runs at 30 fps)
        finally:
            listener.stop()
    return _figures(marks, listener, settings, expected)


def _first_frame(frames: list[tuple[float, Any]], plan_id: int) -> float | None:
    return next((t for t, pid in frames if pid == plan_id), None)


def _figures(
    marks: dict[str, list[tuple[float, Any]]], listener: Any, settings: Any, expected: int
) -> dict[str, Any]:
    ends = [t for t, _ in marks["end"]]
    to_text, to_plan, to_frame, to_cue = [], [], [], []
    for end, (heard, _), (plan_at, plan_id) in zip(ends, marks["heard"], marks["plan"],
                                                    strict=False):
        to_text.append((heard - end) * 1000.0)
        to_plan.append((plan_at - end) * 1000.0)
        frame = _first_frame(marks["frame"], plan_id)
        if frame is not None:
            to_frame.append((frame - end) * 1000.0)
    for (start, _), (_, cue_id) in zip(marks["start"], marks["cue"], strict=False):
        frame = _first_frame(marks["frame"], cue_id)
        if frame is not None:
            to_cue.append((frame - start) * 1000.0)
    rtf = [
        h.transcript.decode_s / max(1e-3, h.end - h.start + settings.voice.pre_roll_s)
        for h in listener.heard
    ]
    recognizer = listener.model
    return {
        "model": recognizer.name if recognizer is not None else None,
        "utterances": expected,
        "recognized": len(listener.heard),
        "end_silence_s": settings.voice.end_silence_s,
        "end_of_speech_to_transcript_ms": _percentiles(to_text),
        "end_of_speech_to_plan_ms": _percentiles(to_plan),
        "end_of_speech_to_first_frame_ms": _percentiles(to_frame),
        "speech_start_to_cue_frame_ms": _percentiles(to_cue),
        "real_time_factor": _percentiles(rtf, digits=3),
    }


def _percentiles(values: list[float], digits: int = 1) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None}
    array = np.asarray(values)
    return {
        "p50": round(float(np.percentile(array, 50)), digits),
        "p95": round(float(np.percentile(array, 95)), digits),
    }
