"""Voice activity: Silero VAD on onnxruntime, and the segmenter that turns it into utterances.

`SileroVad` runs the ONNX model that ships inside the `silero-vad` package (no torch, no download)
on 512-sample windows at 16 kHz, carrying the model's recurrent state and the 64 samples of
context it expects in front of each window. `Segmenter` turns per-window speech probabilities into
speech-start and speech-end events with a minimum speech length, an end-of-speech silence, a
pre-roll (so the first syllable is kept) and a maximum utterance length.
"""

from __future__ import annotations

import importlib.util
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.audio import SAMPLE_RATE
from voice.sources import BLOCK, BLOCK_S, AudioSource

_CONTEXT = 64  # samples of the previous window the 16 kHz model sees in front of each window
_STATE_SHAPE = (2, 1, 128)
_READ_TIMEOUT_S = 0.1


def silero_model_path() -> Path:
    """The ONNX model file inside the installed `silero-vad` package.

    Raises:
        RuntimeError: the package is not installed (it is part of the default install).
    """
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("voice activity detection needs the silero-vad package (pip install "
                           "silero-vad)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "silero_vad.onnx"


class SileroVad:
    """Speech probability per 32 ms window.

    Args:
        model_path: the ONNX file (default: the one in the `silero-vad` package).
    """

    def __init__(self, model_path: Path | None = None) -> None:
        from models.onnx_runtime import inference_session, ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # a window is ~0.1 ms of work; threads only add latency
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = inference_session(model_path or silero_model_path(), options=options)
        self._sr = np.array(SAMPLE_RATE, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        """Forget the recurrent state (a new, unrelated stream starts)."""
        self._state = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)

    def probability(self, window: np.ndarray) -> float:
        """Speech probability 0..1 of one `(512,)` float32 window at 16 kHz."""
        if window.shape != (BLOCK,):
            raise ValueError(f"the VAD takes windows of {BLOCK} samples, got {window.shape}")
        x = np.concatenate([self._context, window.astype(np.float32, copy=False)])[None, :]
        out, self._state = self._session.run(
            None, {"input": x, "state": self._state, "sr": self._sr}
        )
        self._context = x[0, -_CONTEXT:]
        return float(out[0, 0])


@dataclass(frozen=True, slots=True)
class VadOptions:
    """How speech is cut into utterances.

    Attributes:
        threshold: speech probability at or above which a window counts as speech.
        min_speech_s: speech shorter than this is ignored (clicks, a cough).
        end_silence_s: silence that ends an utterance.
        pre_roll_s: audio kept from before the detected start (the first syllable's onset).
        max_utterance_s: an utterance is cut here even if the person keeps talking.
    """

    threshold: float = 0.5
    min_speech_s: float = 0.25
    end_silence_s: float = 0.5
    pre_roll_s: float = 0.3
    max_utterance_s: float = 15.0

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"VAD threshold must be between 0 and 1, got {self.threshold}")
        if self.max_utterance_s <= self.min_speech_s:
            raise ValueError("max_utterance_s must be longer than min_speech_s")

    @property
    def off_threshold(self) -> float:
        """Below this a window is silence (hysteresis, as Silero recommends: threshold − 0.15)."""
        return max(0.01, self.threshold - 0.15)


@dataclass(frozen=True, slots=True)
class SpeechStart:
    """Speech began. Attributes: start, seconds into the stream where it began."""

    start: float


@dataclass(frozen=True, slots=True)
class SpeechEnd:
    """An utterance is complete.

    Attributes:
        start: stream seconds where the speech began.
        end: stream seconds where the last speech window ended.
        audio: the samples from `start - pre_roll` to the end of the detection (float32, 16 kHz).
        speech_ratio: share of windows in the utterance that were speech (0..1).
        cut: True when `max_utterance_s` ended it, not silence.
    """

    start: float
    end: float
    audio: np.ndarray
    speech_ratio: float
    cut: bool = False


SegmenterEvent = SpeechStart | SpeechEnd


class Segmenter:
    """Feeds 512-sample blocks through the VAD and reports utterance boundaries.

    Args:
        vad: the speech-probability model (anything with `probability` and `reset`).
        options: thresholds and durations.
    """

    def __init__(self, vad: SileroVad, options: VadOptions | None = None) -> None:
        self.vad = vad
        self.options = options or VadOptions()
        self._pre_roll: deque[np.ndarray] = deque(
            maxlen=max(1, round(self.options.pre_roll_s / BLOCK_S))
        )
        self._blocks_seen = 0
        self._clear()

    def _clear(self) -> None:
        self._onset: float | None = None  # first speech window of a candidate utterance
        self._announced = False
        self._last_speech_end = 0.0
        self._audio: list[np.ndarray] = []
        self._speech_windows = 0
        self._windows = 0
        self._lead = 0  # pre-roll blocks at the head of _audio

    @property
    def now(self) -> float:
        """Stream seconds consumed so far."""
        return self._blocks_seen * BLOCK_S

    @property
    def in_speech(self) -> bool:
        """True while an announced utterance is running."""
        return self._announced

    @property
    def speech_end(self) -> float:
        """Stream seconds where the running utterance's last speech window ended (0: none)."""
        return self._last_speech_end if self._announced else 0.0

    @property
    def silence_s(self) -> float:
        """Silence since the running utterance's last speech window (0 when none runs)."""
        return self.now - self._last_speech_end if self._announced else 0.0

    @property
    def speech_ratio(self) -> float:
        """Share of speech windows in the running utterance so far."""
        return self._speech_windows / max(1, self._windows)

    def reset(self) -> None:
        """Drop any utterance in progress and the model state (muted, mode change)."""
        self.vad.reset()
        self._pre_roll.clear()
        self._clear()

    def audio_so_far(self) -> np.ndarray:
        """The running utterance's audio (for partial transcripts); empty when none runs."""
        if not self._announced or not self._audio:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(self._audio)

    def feed(self, block: np.ndarray) -> list[SegmenterEvent]:
        """Process one block; returns the events it caused, in order."""
        options = self.options
        begin = self.now
        self._blocks_seen += 1
        end = self.now
        probability = self.vad.probability(block)
        if self._onset is None:
            if probability >= options.threshold:
                self._onset = begin
                self._last_speech_end = end
                self._audio = [*self._pre_roll, block]
                self._lead = len(self._pre_roll)
                self._speech_windows, self._windows = 1, 1
                self._pre_roll.clear()
            else:
                self._pre_roll.append(block)
            return self._maybe_announce()
        self._audio.append(block)
        self._windows += 1
        if probability >= options.off_threshold:
            self._last_speech_end = end
            self._speech_windows += probability >= options.threshold
        silence = end - self._last_speech_end
        events = self._maybe_announce()
        if silence >= options.end_silence_s:
            events.extend(self._finish(cut=False))
        elif end - self._onset >= options.max_utterance_s:
            events.extend(self._finish(cut=True))
        return events

    def flush(self) -> list[SegmenterEvent]:
        """The stream ended: finish an announced utterance, drop a too-short one."""
        return self._finish(cut=False) if self._onset is not None else []

    def _maybe_announce(self) -> list[SegmenterEvent]:
        if self._onset is None or self._announced:
            return []
        if self._last_speech_end - self._onset >= self.options.min_speech_s:
            self._announced = True
            return [SpeechStart(start=self._onset)]
        return []

    def _finish(self, *, cut: bool) -> list[SegmenterEvent]:
        assert self._onset is not None
        events: list[SegmenterEvent] = []
        if self._announced:
            ratio = self._speech_windows / max(1, self._windows)
            events.append(SpeechEnd(
                start=self._onset,
                end=self._last_speech_end,
                audio=np.concatenate(self._audio),
                speech_ratio=ratio,
                cut=cut,
            ))
        trailing = self._audio[self._lead :][-self._pre_roll.maxlen :] if not cut else []
        self._clear()
        self._pre_roll.extend(trailing)  # a new onset right after may need this audio
        return events


def detect_utterances(source: AudioSource, segmenter: Segmenter) -> Iterator[SpeechEnd]:
    """Every utterance in a finite source, in order, as fast as the VAD runs (`avatar listen`)."""
    source.start()
    try:
        while True:
            block = source.read(_READ_TIMEOUT_S)
            if block is None:
                if source.finished:
                    break
                continue
            for event in segmenter.feed(block):
                if isinstance(event, SpeechEnd):
                    yield event
        for event in segmenter.flush():
            if isinstance(event, SpeechEnd):
                yield event
    finally:
        source.stop()
