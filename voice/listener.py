"""The listening loop: source → VAD segmenter → recognizer, gated by push-to-talk or hands-free.

`Listener` owns two threads. The capture thread reads 32 ms blocks, reports the input level,
runs the segmenter while the gate is open (hands-free; push-to-talk while armed; never while
muted) and queues finished utterances. The recognition thread loads the model once, then decodes
utterances in order, plus partial transcripts of the growing utterance when it has nothing else to
do. Everything the outside world needs to know goes out through `ListenerEvents` callbacks, so the
listener knows nothing about the conversation it feeds.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voice.audio import SAMPLE_RATE
from voice.listener_events import Heard, ListenerEvents, Mode, Phase
from voice.recognizer import Recognizer, Transcript
from voice.sources import AudioDeviceError, AudioSource
from voice.vad import Segmenter, SpeechEnd, SpeechStart

log = logging.getLogger("avatar.voice")

READ_TIMEOUT_S = 0.1
LEVEL_INTERVAL_S = 0.1
MIN_PARTIAL_S = 0.3
"""Partial transcripts start once this much of the utterance was heard."""
SPECULATE_AFTER_S = 0.2
"""Once this much silence follows speech, the utterance is decoded speculatively: if no more
speech comes before the end-of-speech silence is complete, that transcript is the final one and
the decode has overlapped the wait (on a slow CPU that hides most of the decode)."""
PARTIAL_MAX_RTF = 0.5
"""Partials are skipped while decoding takes more than half the audio's duration: on a slow or
busy machine they would only delay the final transcript."""


@dataclass(frozen=True, slots=True)
class _Job:
    audio: np.ndarray
    final: bool
    segment: SpeechEnd | None = None
    decided_at: float = 0.0
    speculative_end: float | None = None  # the speech end a speculative decode stands for
    speech_ratio: float = 1.0


class Listener:
    """Listens on `source` and reports utterances through `events`.

    Args:
        source: the audio source (microphone or file); started and stopped by the listener.
        segmenter: the VAD segmenter.
        recognizer: a recognizer, or a function that loads one (called on the recognition
            thread, so a slow model load never holds up the caller).
        events: where to report.
        mode: the initial mode.
        partial_interval_s: shortest time between partial decodes (0 turns partials off).
        ptt_timeout_s: push-to-talk disarms itself after this long without speech.
    """

    def __init__(
        self,
        source: AudioSource,
        segmenter: Segmenter,
        recognizer: Recognizer | Callable[[], Recognizer],
        events: ListenerEvents,
        *,
        mode: Mode = Mode.HANDS_FREE,
        partial_interval_s: float = 0.7,
        ptt_timeout_s: float = 8.0,
    ) -> None:
        self.source = source
        self.segmenter = segmenter
        self.events = events
        self.partial_interval_s = partial_interval_s
        self.ptt_timeout_s = ptt_timeout_s
        self._recognizer_or_factory = recognizer
        self._recognizer: Recognizer | None = None
        self._mode = mode
        self._armed_at: float | None = None
        self._muted = False
        self._reset_pending = False  # set by `mute`, done by the capture thread
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._finals_pending = 0
        self._busy = False
        self._stop = threading.Event()
        self._detached = False  # stopped: a thread that outlived `stop` reports no more phases
        self._capture_done = threading.Event()
        self._idle = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._phase = Phase.OFF
        self._wall_start = 0.0
        self._speculated = 0.0  # speech end of the last speculative decode queued
        self._speculation: tuple[float, Transcript] | None = None
        self.real_time_factor = 0.0
        """Decode time over audio time of the last final transcript (0 before the first)."""
        self._lock = threading.RLock()  # callbacks run under it and may call back in
        self._phase_lock = threading.RLock()  # the phase changes and is reported in order

    # ----------------------------------------------------------------- control

    def start(self) -> None:
        """Start the source and both threads.

        Raises:
            AudioDeviceError / voice.audio.AudioFileError: the source cannot start.
        """
        self.source.start()
        self._wall_start = time.time()  # stream second 0 (a microphone runs in real time)
        self._stop.clear()
        self._detached = False
        self._capture_done.clear()
        self._threads = [
            threading.Thread(target=self._recognize_loop, name="voice-recognize", daemon=True),
            threading.Thread(target=self._capture_loop, name="voice-capture", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop both threads and the source; pending utterances are dropped."""
        self._stop.set()
        self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout=5.0)
        self._detached = True
        self._threads = []
        self.source.stop()

    @property
    def mode(self) -> Mode:
        """The current mode."""
        return self._mode

    @property
    def phase(self) -> Phase:
        """The current phase (the listening indicator)."""
        return self._phase

    @property
    def recognizer(self) -> Recognizer | None:
        """The loaded recognizer, or None while it loads (or when loading failed)."""
        return self._recognizer

    @property
    def armed(self) -> bool:
        """True while push-to-talk waits for (or hears) its one utterance."""
        return self._armed_at is not None

    def set_mode(self, mode: Mode) -> None:
        """Switch mode; an utterance in progress is dropped."""
        with self._lock:
            self._mode = mode
            self._armed_at = None
            self.segmenter.reset()
        self._update_phase()

    def push_to_talk(self) -> bool:
        """The push-to-talk key: arm for one utterance, or cancel when armed.

        Returns:
            True when now armed.
        """
        with self._lock:
            if self._mode is not Mode.PUSH_TO_TALK:
                self._mode = Mode.PUSH_TO_TALK
            if self._armed_at is None:
                self._armed_at = time.monotonic()
            else:
                self._armed_at = None
                self.segmenter.reset()
            armed = self._armed_at is not None
        self._update_phase()
        return armed

    def mute(self, muted: bool) -> None:
        """Stop acting on speech (the avatar is talking) or resume.

        It takes no lock the capture thread holds: the avatar's speech state may change on a
        thread that the capture thread's own callbacks wait for (a barge-in)."""
        if muted and not self._muted:
            self._reset_pending = True  # the speech heard so far is dropped before the next block
        self._muted = muted
        self._update_phase()

    def wait_until_done(self, timeout: float) -> bool:
        """For finite sources: wait until the source is exhausted and every utterance decoded.

        Returns:
            True when done within `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        if not self._capture_done.wait(timeout):
            return False
        with self._idle:
            return self._idle.wait_for(
                lambda: self._finals_pending == 0, max(0.0, deadline - time.monotonic())
            )

    # ----------------------------------------------------------------- capture thread

    def _gate_open(self) -> bool:
        if self._muted or (self._recognizer is None and self._phase is Phase.FAILED):
            return False
        return self._mode is Mode.HANDS_FREE or (
            self._mode is Mode.PUSH_TO_TALK and self._armed_at is not None
        )

    def _capture_loop(self) -> None:
        # The meter is paced by audio time, not the wall clock: ten readings per second of
        # sound whether a microphone delivers it live or a file as fast as it decodes.
        level_peak, level_due, audio_s, last_partial = 0.0, 0.0, 0.0, 0.0
        try:
            while not self._stop.is_set():
                try:
                    block = self.source.read(READ_TIMEOUT_S)
                except AudioDeviceError as exc:
                    self._fail(str(exc))
                    return
                if block is None:
                    if self.source.finished:
                        with self._lock:
                            self._apply_mute()
                            self._handle(self.segmenter.flush())
                        return
                    self._check_ptt_timeout()
                    continue
                level_peak = max(level_peak, _rms(block))
                audio_s += len(block) / SAMPLE_RATE
                if audio_s >= level_due:
                    self.events.on_level(_level(level_peak), self.source_overflows)
                    level_peak, level_due = 0.0, audio_s + LEVEL_INTERVAL_S
                now = time.monotonic()  # partials are paced by the wall clock: decoding costs it
                with self._lock:
                    self._apply_mute()
                    if not self._gate_open():
                        continue
                    self._handle(self.segmenter.feed(block))
                    if self._wants_speculation():
                        self._speculated = self.segmenter.speech_end
                        self._jobs.put(_Job(
                            self.segmenter.audio_so_far(), final=False,
                            speculative_end=self._speculated,
                            speech_ratio=self.segmenter.speech_ratio,
                        ))
                    elif self._wants_partial(now, last_partial):
                        last_partial = now
                        self._jobs.put(_Job(self.segmenter.audio_so_far(), final=False))
                self._check_ptt_timeout()
        except Exception as exc:  # a bug here must end listening visibly, not silently
            log.exception("voice capture failed")
            self._fail(f"listening stopped: {exc}")
        finally:
            self._capture_done.set()

    def _apply_mute(self) -> None:
        if self._reset_pending:
            self._reset_pending = False
            self.segmenter.reset()

    @property
    def source_overflows(self) -> int:
        """Blocks the source dropped (microphone ring overflows)."""
        return int(getattr(self.source, "overflows", 0))

    def _wants_speculation(self) -> bool:
        segmenter = self.segmenter
        return (
            segmenter.in_speech
            and segmenter.silence_s >= SPECULATE_AFTER_S
            and segmenter.speech_end != self._speculated
        )

    def _wants_partial(self, now: float, last: float) -> bool:
        return (
            self.partial_interval_s > 0
            and self.segmenter.in_speech
            and now - last >= self.partial_interval_s
            and not self._busy
            and self._jobs.empty()
            and self.real_time_factor < PARTIAL_MAX_RTF
        )

    def _handle(self, events: list[SpeechStart | SpeechEnd]) -> None:
        for event in events:
            now = time.monotonic()
            if isinstance(event, SpeechStart):
                self._set_phase(Phase.HEARING)
                self.events.on_speech_started(now)
                continue
            self.events.on_speech_ended(now, event.end - event.start)
            with self._idle:
                self._finals_pending += 1
            self._jobs.put(_Job(event.audio, True, event, now))
            if self._mode is Mode.PUSH_TO_TALK:
                self._armed_at = None
            self._set_phase(Phase.RECOGNIZING)

    def _check_ptt_timeout(self) -> None:
        armed_at = self._armed_at
        if armed_at is None or self.segmenter.in_speech:
            return
        if time.monotonic() - armed_at >= self.ptt_timeout_s:
            with self._lock:
                self._armed_at = None
                self.segmenter.reset()
            self._update_phase()

    # ----------------------------------------------------------------- recognition thread

    def _recognize_loop(self) -> None:
        if not self._load():
            return
        while True:
            job = self._jobs.get()
            if job is None or self._stop.is_set():
                return
            if not job.final and job.speculative_end is None and self._finals_waiting():
                continue  # a final transcript matters more than a stale partial
            self._busy = True
            try:
                self._decode(job)
            except Exception as exc:  # keep listening: one bad decode must not end voice
                log.exception("speech recognition failed")
                if not self._stop.is_set():
                    self.events.on_error(f"speech recognition failed: {exc}")
            finally:
                self._busy = False
                if job.final:
                    with self._idle:
                        self._finals_pending -= 1
                        self._idle.notify_all()
                    self._update_phase()

    def _finals_waiting(self) -> bool:
        with self._idle:
            return self._finals_pending > 0

    def _load(self) -> bool:
        target = self._recognizer_or_factory
        if not callable(getattr(target, "transcribe", None)):
            self._set_phase(Phase.LOADING)
            try:
                target = target()  # type: ignore[operator]
            except Exception as exc:
                log.debug("loading the recognizer failed", exc_info=True)
                self._fail(str(exc))
                return False
        self._recognizer = target  # type: ignore[assignment]
        self._update_phase()
        return True

    def _decode(self, job: _Job) -> None:
        recognizer = self._recognizer
        assert recognizer is not None
        if job.speculative_end is not None:
            transcript = recognizer.transcribe(job.audio, speech_ratio=job.speech_ratio)
            self._speculation = (job.speculative_end, transcript)
            return
        if not job.final:
            if len(job.audio) / SAMPLE_RATE < MIN_PARTIAL_S:
                return
            partial = recognizer.transcribe(job.audio)
            if partial.text and not self._finals_waiting() and not self._stop.is_set():
                self.events.on_partial(partial.text)
            return
        segment = job.segment
        assert segment is not None
        speculation, self._speculation = self._speculation, None
        if speculation is not None and speculation[0] == segment.end:
            transcript = speculation[1]  # no speech after the speculative decode: it is final
            log.debug("final transcript from the speculative decode: %r", transcript.text)
        else:
            transcript = recognizer.transcribe(job.audio, speech_ratio=segment.speech_ratio)
        self.real_time_factor = transcript.decode_s / max(1e-3, len(job.audio) / SAMPLE_RATE)
        if self._stop.is_set():
            return  # stopped while decoding (`/voice off`, another microphone): not for us now
        if transcript.rejected or not transcript.text:
            self.events.on_rejected(transcript.rejected or "empty")
            return
        self.events.on_heard(Heard(
            transcript=transcript,
            start=segment.start,
            end=segment.end,
            started_at=self._wall_start + segment.start,
            ended_at=self._wall_start + segment.end,
            decided_at=job.decided_at,
        ))

    # ----------------------------------------------------------------- phase

    def _fail(self, message: str) -> None:
        if self._stop.is_set():
            log.debug("after stop: %s", message)
            return
        self._set_phase(Phase.FAILED)
        self.events.on_error(message)

    def _update_phase(self) -> None:
        with self._phase_lock:  # computed and reported as one step: the last report is current
            self._update_phase_locked()

    def _update_phase_locked(self) -> None:
        if self._phase in (Phase.FAILED, Phase.LOADING) and self._recognizer is None:
            return
        if self._mode is Mode.OFF:
            phase = Phase.OFF
        elif self._muted:
            phase = Phase.MUTED
        elif self._finals_waiting():
            phase = Phase.RECOGNIZING
        elif self.segmenter.in_speech:
            phase = Phase.HEARING
        elif self._mode is Mode.PUSH_TO_TALK and self._armed_at is None:
            phase = Phase.IDLE
        else:
            phase = Phase.LISTENING
        self._set_phase(phase)

    def _set_phase(self, phase: Phase) -> None:
        """Report a new phase; a stopped listener reports nothing (another may run now)."""
        with self._phase_lock:
            if phase is not self._phase and not self._detached:
                self._phase = phase
                self.events.on_phase(phase)


def _rms(block: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))


def _level(rms: float) -> float:
    """RMS → 0..1 on a −60..0 dBFS scale (what a level meter shows)."""
    if rms <= 1e-6:
        return 0.0
    return min(1.0, max(0.0, (20.0 * math.log10(rms) + 60.0) / 60.0))
