"""The embedded default voice: eSpeak NG from the `espeakng-loader` wheel, through ctypes.

The wheel ships `libespeak-ng.so` and its data (Korean included), so nothing is installed on the
system. Synthesis runs in eSpeak's synchronous mode: the library calls our callback with blocks
of 16-bit samples and a list of events; phoneme events carry the sample position where each
phoneme starts, which becomes the unit timing. eSpeak keeps global state, so one lock serialises
every call in the process.
"""

from __future__ import annotations

import ctypes
import logging
import threading

import numpy as np

from contracts import SpeechTiming, TimedUnit
from voice.tts.phonemes import split_stress, viseme_of
from voice.tts.synthesis import Synthesis, TtsError, loudness_weights, units_in_order
from voice.tts.text import Language

log = logging.getLogger("avatar.voice")

NAME = "eSpeak NG"
VOICES: dict[Language, str] = {"ko": "ko", "en": "en-us"}
DEFAULT_RATE_WPM = 165
"""Words per minute (eSpeak's default is 175; a little slower reads better on a face)."""

_OUTPUT_SYNCHRONOUS = 2
_INIT_PHONEME_EVENTS = 0x0001
_INIT_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_PARAM_VOLUME = 2
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class _Library:
    """The loaded library, initialised once per process."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise TtsError(
                "eSpeak NG is not installed; run `pip install espeakng-loader`"
            ) from exc
        try:
            self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except OSError as exc:
            raise TtsError(f"cannot load libespeak-ng ({exc}); reinstall espeakng-loader") from exc
        data = str(espeakng_loader.get_data_path()).encode()
        options = _INIT_PHONEME_EVENTS | _INIT_DONT_EXIT
        self.sample_rate = int(self.lib.espeak_Initialize(_OUTPUT_SYNCHRONOUS, 100, data, options))
        if self.sample_rate <= 0:
            raise TtsError(f"eSpeak NG could not start (data folder {data.decode()})")
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.chunks: list[np.ndarray] = []
        self.phonemes: list[tuple[int, str]] = []
        self._callback = _Callback(self._collect)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: ctypes._Pointer, count: int, events: ctypes._Pointer) -> int:
        if count > 0:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_PHONEME:
                name = bytes(event.id.string).split(b"\0")[0].decode("ascii", "replace")
                self.phonemes.append((int(event.sample), name))
            index += 1
        return 0


_LOCK = threading.Lock()
_LIBRARY: _Library | None = None


def _library() -> _Library:
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = _Library()
    return _LIBRARY


class EspeakVoice:
    """eSpeak NG speaking Korean ("ko") and American English ("en-us").

    Args:
        rate_wpm: speaking rate in words per minute (80..450).

    Raises:
        TtsError: the library or its data cannot be loaded.
    """

    name = NAME

    def __init__(self, rate_wpm: int = DEFAULT_RATE_WPM) -> None:
        with _LOCK:
            self.sample_rate = _library().sample_rate
        self._rate = max(80, min(450, int(rate_wpm)))

    def speak(self, text: str, language: Language) -> Synthesis:
        """`text` read by the `language` voice, with one unit per phoneme."""
        encoded = text.encode("utf-8")
        with _LOCK:
            library = _library()
            library.chunks, library.phonemes = [], []
            if library.lib.espeak_SetVoiceByName(VOICES[language].encode()) != 0:
                raise TtsError(f"eSpeak NG has no {VOICES[language]!r} voice; reinstall its data")
            library.lib.espeak_SetParameter(_PARAM_RATE, self._rate, 0)
            library.lib.espeak_SetParameter(_PARAM_VOLUME, 100, 0)
            library.lib.espeak_Synth(encoded, len(encoded) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
            library.lib.espeak_Synchronize()
            chunks, phonemes = library.chunks, library.phonemes
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        audio = (samples.astype(np.float32) / 32768.0).astype(np.float32)
        timing = _timing(audio, self.sample_rate, phonemes, language)
        return Synthesis(text, audio, self.sample_rate, timing)


def _timing(
    audio: np.ndarray, rate: int, phonemes: list[tuple[int, str]], language: Language
) -> SpeechTiming:
    """Units from the phoneme events: each lasts until the next one starts (or the audio ends)."""
    duration = len(audio) / rate
    starts = [min(sample, len(audio)) / rate for sample, _ in phonemes]
    ends = [*starts[1:], duration]
    spans = list(zip(starts, ends, strict=True))
    weights = loudness_weights(audio, rate, spans)
    units = []
    for (start, end), (_, mnemonic), weight in zip(spans, phonemes, weights, strict=True):
        phoneme, stress = split_stress(mnemonic)
        if not phoneme:
            continue
        units.append(
            TimedUnit(
                symbol=mnemonic[:16], viseme=viseme_of(phoneme), start=start, end=max(start, end),
                stress=stress, weight=weight,
            )
        )
    return SpeechTiming(
        units=units_in_order(units), duration=duration, language=language, voice=NAME
    )
