"""The speech of a rendered script: every reply synthesised once, placed at its cue's time.

Render time is script time, so a line spoken at cue time c starts at sample round(c · rate) and
the mouth reads the same clock (t − c seconds into the line). A later cue interrupts the line as
a new utterance does live. The same script and seed give the same samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.config import Settings
from agent.cues import Schedule
from animator.timeline.lipsync import AudioClock
from animator.timeline.speech import DEFAULT_LINE
from contracts import Plan, SpeechTiming
from renderer import SPEECH_WAV
from renderer.soundtrack import replace_with_sound, write_wav
from voice.tts import Synthesis, Voice, synthesize


def spoken_line(plan: Plan) -> str | None:
    """What the avatar says aloud for `plan`: its reply, else the text of its first talk/chat
    step, else a short greeting when it has a talk step; None when it says nothing."""
    if plan.reply:
        return plan.reply
    for step in plan.steps:
        if step.intent in ("talk", "chat") and step.text:
            return step.text
    if any(step.intent == "talk" for step in plan.steps):
        return DEFAULT_LINE
    return None


class LineBook:
    """Synthesises each distinct line once (scripts repeat lines) with one voice.

    Args:
        voice: the voice that speaks.
        max_chars: longer lines are cut at a sentence end first.
    """

    def __init__(self, voice: Voice, max_chars: int) -> None:
        self.voice = voice
        self._max_chars = max_chars
        self._lines: dict[str, Synthesis] = {}

    def line(self, plan: Plan) -> Synthesis | None:
        """The speech of `plan`, or None when it says nothing (or nothing speakable)."""
        from voice.tts import cap

        text = spoken_line(plan)
        if text is None:
            return None
        if text not in self._lines:
            self._lines[text] = synthesize(cap(text, self._max_chars)[0], voice=self.voice)
        found = self._lines[text]
        return found if len(found.audio) else None

    def seconds(self, plan: Plan) -> float:
        """How long saying `plan`'s line takes (0 when silent)."""
        line = self.line(plan)
        return line.duration if line is not None else 0.0


def script_line_book(settings: Settings) -> tuple[LineBook | None, list[str]]:
    """The voice that says a script's lines (None when speech is off) and notes about it.

    `avatar render` and `avatar play` both time their events with it, so the show and the video
    agree; muted speech still times the lines (the mouth moves with the words, silently).
    """
    speech = settings.speech
    if not speech.enabled:
        return None, []
    from voice.tts.choice import choose_voice

    voice, notes = choose_voice(
        speech.voice, models_dir=settings.models_dir, style=speech.style,
        rate_wpm=speech.rate_wpm,
    )
    return LineBook(voice, speech.max_chars), notes


@dataclass(frozen=True, slots=True)
class Soundtrack:
    """The audio of a whole render and the timing of each cue's line.

    Attributes:
        audio: (N,) float32 mono samples, N = round(duration · sample_rate).
        sample_rate: samples per second.
        timings: cue index → the timing of the line it speaks.
    """

    audio: np.ndarray
    sample_rate: int
    timings: dict[int, SpeechTiming]


def build_soundtrack(schedule: Schedule, book: LineBook, duration: float) -> Soundtrack:
    """Place every cue's line at its cue time, cut where the next cue starts."""
    rate = book.voice.sample_rate
    audio = np.zeros(round(duration * rate), dtype=np.float32)
    timings: dict[int, SpeechTiming] = {}
    cues = schedule.cues
    for index, cue in enumerate(cues):
        line = book.line(cue.plan)
        if line is None:
            continue
        start = round(cue.at * rate)
        stop = round(cues[index + 1].at * rate) if index + 1 < len(cues) else len(audio)
        stop = min(stop, len(audio), start + len(line.audio))
        if stop > start:
            audio[start:stop] = line.audio[: stop - start]
            timings[index] = line.timing
    return Soundtrack(audio, rate, timings)


def line_clock(at: float) -> AudioClock:
    """The render's audio clock for a line starting at script time `at`."""
    return lambda t: t - at


def write_speech(out: Path, staged: Path, audio: np.ndarray, sample_rate: int) -> None:
    """Put `audio` into the staged output of `out`: an AAC track in an mp4, else a .wav beside
    a GIF or inside a PNG folder (see `speech_path`)."""
    if out.suffix.lower() == ".mp4":
        replace_with_sound(staged, audio, sample_rate)
    else:
        wav = out.with_suffix(".wav") if out.suffix else staged / SPEECH_WAV
        write_wav(wav, audio, sample_rate)


def speech_path(out: Path) -> Path:
    """Where `write_speech` puts the sound of output `out`."""
    if out.suffix.lower() == ".mp4":
        return out
    return out.with_suffix(".wav") if out.suffix else out / SPEECH_WAV
