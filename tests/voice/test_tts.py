"""Speech out: eSpeak NG through ctypes, text preparation, audio-derived visemes."""

from __future__ import annotations

import numpy as np
import pytest

from contracts import TimedUnit
from voice.tts import UnsupportedLanguage, cap, stream, synthesize
from voice.tts.espeak import EspeakVoice
from voice.tts.from_audio import timing_from_audio
from voice.tts.text import script_runs, sentences, speakable

KOREAN = ["안녕하세요, 만나서 반가워요.", "오늘 날씨가 정말 좋네요.", "웃어 줄까요?"]
ENGLISH = ["Hello, nice to meet you.", "The weather is lovely today.", "Shall I smile for you?"]


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio.astype(np.float64))))) if len(audio) else 0.0


def syllables(text: str) -> int:
    """Hangul syllables, or English vowel groups: an independent count of what is said."""
    hangul = sum(0xAC00 <= ord(c) <= 0xD7A3 for c in text)
    if hangul:
        return hangul
    import re

    return len(re.findall(r"[aeiouy]+", text.lower()))


@pytest.mark.parametrize(
    ("text", "language"), [(t, "ko") for t in KOREAN] + [(t, "en") for t in ENGLISH]
)
def test_espeak_speaks_korean_and_english_with_timed_phonemes(text: str, language: str) -> None:
    spoken = EspeakVoice().speak(text, language)  # type: ignore[arg-type]
    assert spoken.sample_rate == 22050
    assert spoken.audio.dtype == np.float32
    assert rms(spoken.audio) > 0.02, "audible"
    per_syllable = spoken.duration / syllables(text)
    assert 0.08 <= per_syllable <= 0.45, per_syllable
    units = spoken.timing.units
    assert len(units) >= syllables(text)
    starts = [u.start for u in units]
    assert starts == sorted(starts)
    assert all(u.end >= u.start for u in units)
    assert units[0].start < 0.05
    assert units[-1].end == pytest.approx(spoken.duration, abs=0.005)
    covered = sum(u.end - u.start for u in units)
    assert covered >= 0.97 * spoken.duration, "units cover the audio without gaps"


def test_phoneme_times_match_the_sound() -> None:
    """Vowel units are loud and pauses quiet in the audio itself, so the times are right."""
    spoken = EspeakVoice().speak("Hello there, how are you today? Fine, thanks.", "en")
    rate = spoken.sample_rate

    def level(unit: TimedUnit) -> float:
        return rms(spoken.audio[int(unit.start * rate) : int(unit.end * rate)])

    vowels = [level(u) for u in spoken.timing.units if u.viseme in ("aa", "E", "I", "O", "U")]
    pauses = [level(u) for u in spoken.timing.units if u.viseme == "sil" and u.end - u.start > 0.05]
    assert pauses, "the comma and the full stop are pauses"
    assert max(pauses) < 0.25 * float(np.median(vowels))


def test_stress_and_lip_closures_are_reported() -> None:
    units = EspeakVoice().speak("Mom bought a map.", "en").timing.units
    assert sum(u.viseme == "PP" for u in units) >= 3  # m, m/b, m, p
    assert any(u.stress == 1.0 for u in units)
    korean = EspeakVoice().speak("엄마 밥 먹어요.", "ko").timing.units
    assert sum(u.viseme == "PP" for u in korean) >= 4  # ㅁ ㅁ ㅂ ㅂ ㅁ
    assert {u.viseme for u in korean} >= {"aa", "E", "O"}


def test_stream_speaks_sentence_by_sentence_in_each_language() -> None:
    pieces = list(stream("Hello there. 반가워요! How are you?"))
    assert [p.text for p in pieces] == ["Hello there.", "반가워요!", "How are you?"]
    assert [p.timing.language for p in pieces] == ["en", "ko", "en"]
    assert all(rms(p.audio) > 0.02 for p in pieces)


def test_mixed_script_sentence_reads_each_run_with_its_voice() -> None:
    assert script_runs("오늘 meeting 있어요.", "ko") == [
        ("ko", "오늘"), ("en", "meeting"), ("ko", "있어요.")
    ]
    mixed = synthesize("오늘 meeting 있어요.")
    korean_only = synthesize("오늘 있어요.")
    assert mixed.duration > korean_only.duration + 0.2, "the English word is spoken too"
    assert rms(mixed.audio) > 0.02


@pytest.mark.parametrize("text", ["", "   ", "😀😀🎉", "♥♥ ★"])
def test_nothing_speakable_gives_no_audio(text: str) -> None:
    assert speakable(text) == ""
    spoken = synthesize(text)
    assert len(spoken.audio) == 0 and spoken.timing.units == ()


def test_emoji_inside_text_are_dropped() -> None:
    assert speakable("좋아요 😀 정말!") == "좋아요 정말!"
    assert synthesize("좋아요 😀 정말!").duration == pytest.approx(
        synthesize("좋아요 정말!").duration, abs=0.02
    )


@pytest.mark.parametrize("language", ["fr", "ja", "zz"])
def test_unsupported_language_is_refused_with_the_ones_there_are(language: str) -> None:
    with pytest.raises(UnsupportedLanguage, match=r"Korean \(ko\) and English \(en\)"):
        synthesize("Bonjour", language)


def test_language_tags_with_regions_are_accepted() -> None:
    assert synthesize("Hello", "en-US").timing.language == "en"


def test_long_reply_is_capped_at_a_sentence_end_and_split_short() -> None:
    text = "이것은 긴 문장입니다. " * 400  # 5 200 characters
    capped, cut = cap(text, 1000)
    assert cut and len(capped) <= 1000 and capped.endswith(".")
    pieces = sentences(capped)
    assert all(len(p) <= 200 for p in pieces) and len(pieces) == capped.count(".")
    run_on = "word " * 300
    assert all(len(p) <= 200 for p in sentences(run_on))


def _tone(freqs: list[float], seconds: float, rate: int, amplitude: float) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return amplitude * sum(np.sin(2 * np.pi * f * t) for f in freqs) / len(freqs)


def test_visemes_from_audio_follow_loudness_and_spectrum() -> None:
    rate = 44100
    rng = np.random.default_rng(0)
    silence = np.zeros(int(0.2 * rate))
    open_vowel = _tone([150, 300, 750, 1200, 1500], 0.3, rate, 0.5)  # energy around 1 kHz
    rounded = _tone([150, 300, 450], 0.3, rate, 0.5)  # all energy low
    hiss = np.diff(rng.standard_normal(int(0.2 * rate) + 1)) * 0.1  # high-passed noise
    audio = np.concatenate([silence, open_vowel, silence, rounded, hiss, silence])
    timing = timing_from_audio(audio.astype(np.float32), rate, "en", "test")
    assert timing.timing == "audio"
    assert timing.units[-1].end == pytest.approx(len(audio) / rate, abs=0.011)

    def at(t: float) -> str:
        return next(u.viseme for u in timing.units if u.start <= t < u.end)

    assert at(0.1) == "sil"
    assert at(0.35) == "aa"
    assert at(0.6) == "sil"
    assert at(0.85) in ("O", "U")
    assert at(1.1) == "SS"
    assert at(1.3) == "sil"
    edges = [u.start for u in timing.units if u.viseme == "aa"]
    assert edges[0] == pytest.approx(0.2, abs=0.03), "the vowel starts when its sound does"
