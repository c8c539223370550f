"""Speech layer: a line of text → mouth shapes over time, one shape per syllable.

Hangul syllables are split into initial/medial/final jamo by Unicode arithmetic; the medial vowel
picks the mouth shape, a bilabial initial (ㅁ ㅂ ㅃ ㅍ) presses the lips together before the vowel
and a bilabial final (ㅁ ㅂ ㅍ and the clusters read as them) closes them after it. Latin words are
split into vowel groups the same way (m/b/p close the lips). Spaces and punctuation are short
pauses with the mouth closed. The line plays at about 6 syllables per second, so its duration
follows its length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import numpy as np

from animator.timeline.easing import smoothstep

SYLLABLE_SECONDS = 0.16  # ≈ 6 syllables per second
LEAD_SECONDS = 0.06  # closed mouth before the first syllable
TAIL_SECONDS = 0.12  # closing after the last one
SPACE_PAUSE = 0.06
COMMA_PAUSE = 0.22
STOP_PAUSE = 0.35
FADE_SECONDS = 0.1  # the layer's weight ramps in and out over this time
DEFAULT_LINE = "안녕하세요, 만나서 반가워요."

Viseme = tuple[float, float, float]  # (mouth_open, mouth_wide, mouth_round) at full intensity
CLOSED: Viseme = (0.0, 0.0, 0.0)
_NEUTRAL: Viseme = (0.45, 0.2, 0.1)  # digits and letters of other scripts
_SCHWA: Viseme = (0.25, 0.1, 0.0)  # Latin words without vowels ("hmm", "psst")

# Medial vowels in Unicode order ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ.
# ㅡ is unrounded (lips neutral to slightly spread), so it is a small "wide", not "round".
_HANGUL_VOWELS: tuple[Viseme, ...] = (
    (0.85, 0.15, 0.0), (0.6, 0.55, 0.0), (0.8, 0.2, 0.0), (0.6, 0.55, 0.0),
    (0.65, 0.0, 0.2), (0.5, 0.6, 0.0), (0.6, 0.05, 0.2), (0.5, 0.6, 0.0),
    (0.35, 0.0, 0.85), (0.7, 0.1, 0.35), (0.55, 0.35, 0.3), (0.35, 0.35, 0.45),
    (0.35, 0.0, 0.85), (0.25, 0.0, 0.95), (0.55, 0.0, 0.45), (0.45, 0.35, 0.35),
    (0.25, 0.4, 0.55), (0.25, 0.0, 0.95), (0.2, 0.35, 0.0), (0.2, 0.55, 0.0),
    (0.2, 0.8, 0.0),
)  # fmt: skip
_VOWEL_EU = 18  # ㅡ, the vowel of a bare consonant ("ㅋㅋ" is read 크크)
_BILABIAL_INITIALS = frozenset({6, 7, 8, 17})  # ㅁ ㅂ ㅃ ㅍ
_BILABIAL_FINALS = frozenset({10, 14, 16, 17, 18})  # ㄻ ㄿ ㅁ ㅂ ㅄ
_BILABIAL_JAMO = frozenset("ㅁㅂㅃㅍ")

_LATIN_VOWELS: dict[str, Viseme] = {
    "a": (0.8, 0.2, 0.0), "e": (0.5, 0.55, 0.0), "i": (0.3, 0.75, 0.0), "y": (0.3, 0.75, 0.0),
    "o": (0.55, 0.0, 0.65), "u": (0.35, 0.0, 0.8),
    "ee": (0.25, 0.85, 0.0), "ea": (0.3, 0.8, 0.0), "ie": (0.3, 0.8, 0.0), "ei": (0.4, 0.7, 0.0),
    "ey": (0.4, 0.7, 0.0), "ai": (0.6, 0.45, 0.0), "ay": (0.6, 0.45, 0.0),
    "oo": (0.25, 0.0, 1.0), "ou": (0.4, 0.0, 0.8), "oa": (0.5, 0.0, 0.7), "ue": (0.3, 0.0, 0.9),
    "au": (0.6, 0.0, 0.5), "oi": (0.5, 0.2, 0.5), "oy": (0.5, 0.2, 0.5),
}  # fmt: skip
_VOWEL_GROUP = re.compile("[aeiouy]+")
_COMMA_MARKS = frozenset(",;:、，~")
_STOP_MARKS = frozenset(".!?…。！？\n")

Coda = Literal["none", "closed", "partial"]


@dataclass(frozen=True, slots=True)
class Syllable:
    """One spoken syllable: its vowel shape and what the lips do around it."""

    viseme: Viseme
    lips_closed_before: bool = False
    coda: Coda = "none"


@dataclass(frozen=True, slots=True)
class Pause:
    """Silence between words or sentences, in seconds."""

    seconds: float


Token = Syllable | Pause


def tokenize(text: str) -> list[Token]:
    """Split `text` into syllables and pauses (runs of pauses merged, none at the ends)."""
    tokens: list[Token] = []
    word: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        letter = _latin_letter(char)
        if letter is not None or (char == "'" and word):
            word.append(letter or "")
            continue
        if word:
            tokens.extend(_latin_word("".join(word)))
            word = []
        token = _char_token(char)
        if token is not None:
            tokens.append(token)
    if word:
        tokens.extend(_latin_word("".join(word)))
    return _merge_pauses(tokens)


def _latin_letter(char: str) -> str | None:
    """`char` as a lower-case a–z letter (accents stripped), or None."""
    base = unicodedata.normalize("NFD", char)[:1].lower()
    return base if "a" <= base <= "z" else None


def _char_token(char: str) -> Token | None:
    code = ord(char)
    if 0xAC00 <= code <= 0xD7A3:  # precomposed Hangul syllable
        index = code - 0xAC00
        initial, medial, final = index // 588, (index % 588) // 28, index % 28
        coda: Coda = "none" if final == 0 else "partial"
        if final in _BILABIAL_FINALS:
            coda = "closed"
        return Syllable(_HANGUL_VOWELS[medial], initial in _BILABIAL_INITIALS, coda)
    if 0x3131 <= code <= 0x314E:  # a bare consonant jamo
        return Syllable(_HANGUL_VOWELS[_VOWEL_EU], char in _BILABIAL_JAMO)
    if 0x314F <= code <= 0x3163:  # a bare vowel jamo
        return Syllable(_HANGUL_VOWELS[code - 0x314F])
    if char in _STOP_MARKS:
        return Pause(STOP_PAUSE)
    if char in _COMMA_MARKS:
        return Pause(COMMA_PAUSE)
    if char.isspace():
        return Pause(SPACE_PAUSE)
    if char.isdigit() or char.isalpha():
        return Syllable(_NEUTRAL)
    return None  # emoji and symbols are not spoken


def _latin_word(word: str) -> list[Token]:
    """Syllables of one lower-case Latin word: one per vowel group."""
    spelled = "j" + word[1:] if word.startswith("y") else word  # initial y is a consonant
    groups = list(_VOWEL_GROUP.finditer(spelled))
    if len(groups) > 1 and groups[-1].group() == "e" and groups[-1].end() == len(spelled):
        groups.pop()  # silent final e ("make", "love")
    if not groups:
        return [Syllable(_SCHWA, _has_bilabial(spelled))]
    starts = [g.start() for g in groups[1:]] + [len(spelled)]
    syllables: list[Token] = []
    previous_end = 0
    for i, group in enumerate(groups):
        before = spelled[previous_end : group.start()]
        after = spelled[group.end() : starts[i]]
        previous_end = group.end()
        if i > 0:  # the consonants between two vowel groups are shared by both syllables
            before = before[len(before) // 2 :]
        if i < len(groups) - 1:
            after = after[: len(after) // 2]
        vowel = group.group()
        viseme = _LATIN_VOWELS.get(vowel[:2]) or _LATIN_VOWELS[vowel[0]]
        coda: Coda = "closed" if _has_bilabial(after) else ("partial" if after else "none")
        syllables.append(Syllable(viseme, _has_bilabial(before), coda))
    return syllables


def _has_bilabial(consonants: str) -> bool:
    return any(c in "mbp" for c in consonants.replace("ph", ""))


def _merge_pauses(tokens: list[Token]) -> list[Token]:
    merged: list[Token] = []
    for token in tokens:
        if isinstance(token, Pause):
            if not merged:
                continue
            last = merged[-1]
            if isinstance(last, Pause):
                merged[-1] = Pause(max(last.seconds, token.seconds))
                continue
        merged.append(token)
    if merged and isinstance(merged[-1], Pause):
        merged.pop()
    return merged


@dataclass(frozen=True, slots=True)
class SpeechTrack:
    """Mouth-shape keyframes for one line, eased between keys.

    Attributes:
        times: (K,) float64 key times in seconds from the start of speech, strictly increasing,
            first 0.0 and last `span`.
        shapes: (K, 3) float64 (mouth_open, mouth_wide, mouth_round) at each key, in [0, 1].
        span: seconds from the first key to the last.
    """

    times: np.ndarray
    shapes: np.ndarray
    span: float

    def sample(self, tau: float) -> tuple[np.ndarray, float]:
        """Mouth shape (3,) and layer weight in [0, 1] at `tau` seconds into the speech."""
        if tau <= 0.0 or tau >= self.span:
            return self.shapes[0] * 0.0, 0.0
        j = int(np.searchsorted(self.times, tau, side="right")) - 1
        t0, t1 = self.times[j], self.times[j + 1]
        shape = self.shapes[j] + (self.shapes[j + 1] - self.shapes[j]) * smoothstep(
            (tau - t0) / (t1 - t0)
        )
        weight = smoothstep(tau / FADE_SECONDS) * smoothstep((self.span - tau) / FADE_SECONDS)
        return shape, float(weight)

    def scaled(self, gain: float) -> SpeechTrack:
        """The same timing with every shape multiplied by `gain` (0..1)."""
        return SpeechTrack(self.times, self.shapes * gain, self.span)

    def stretched(self, span: float) -> SpeechTrack:
        """The same shapes spread over `span` seconds (faster or slower speech)."""
        return SpeechTrack(self.times * (span / self.span), self.shapes, span)


def speech_track(text: str) -> SpeechTrack:
    """The keyframes for saying `text` (full intensity); an empty line is a short closed mouth."""
    keys: list[tuple[float, Viseme]] = [(0.0, CLOSED)]
    t = LEAD_SECONDS
    for token in tokenize(text):
        if isinstance(token, Pause):
            keys.append((t + token.seconds / 2, CLOSED))
            t += token.seconds
            continue
        d = SYLLABLE_SECONDS
        if token.lips_closed_before:
            keys.append((t + 0.15 * d, CLOSED))
        keys.append((t + 0.5 * d, token.viseme))
        if token.coda == "closed":
            keys.append((t + 0.9 * d, CLOSED))
        else:  # the jaw relaxes toward the next syllable, further on a consonant
            relax = 0.45 if token.coda == "partial" else 0.6
            keys.append((t + 0.92 * d, _scaled(token.viseme, relax)))
        t += d
    span = t + TAIL_SECONDS
    keys.append((span, CLOSED))
    times = np.array([time for time, _ in keys], dtype=np.float64)
    shapes = np.array([shape for _, shape in keys], dtype=np.float64)
    return SpeechTrack(times, shapes, span)


def _scaled(viseme: Viseme, gain: float) -> Viseme:
    return (viseme[0] * gain, viseme[1] * gain, viseme[2] * gain)
