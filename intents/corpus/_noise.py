"""Realistic damage for generated utterances: typos, jamo slips, spacing, chat noise, elongation.

Each function takes a `random.Random`, so the corpus stays reproducible.
"""

from __future__ import annotations

import random

from intents._hangul import is_syllable, join_syllable, split_syllable

# Vowels and consonants that sit next to each other on the two-set keyboard, or that people
# confuse when typing fast (ㅝ→ㅓ in "웃어저", ㅘ→ㅏ in "해바").
_VOWEL_SLIPS = {
    "ㅝ": "ㅓㅜ", "ㅘ": "ㅏㅗ", "ㅓ": "ㅕㅏ", "ㅕ": "ㅓㅑ", "ㅏ": "ㅑㅓ", "ㅐ": "ㅔㅒ",
    "ㅔ": "ㅐㅖ",
    "ㅗ": "ㅛㅜ", "ㅜ": "ㅠㅗ", "ㅠ": "ㅜ", "ㅡ": "ㅜ", "ㅣ": "ㅢ", "ㅙ": "ㅚㅞ", "ㅚ": "ㅙㅞ",
}
_CONSONANT_SLIPS = {
    "ㅂ": "ㅈ", "ㅈ": "ㅂㄷ", "ㄷ": "ㅈㄱ", "ㄱ": "ㄷㅅ", "ㅅ": "ㄱ", "ㅁ": "ㄴ", "ㄴ": "ㅁㅇ",
    "ㅇ": "ㄴㄹ", "ㄹ": "ㅇㅎ", "ㅎ": "ㄹ", "ㅋ": "ㅌ", "ㅌ": "ㅋㅊ", "ㅊ": "ㅌㅍ", "ㅍ": "ㅊ",
}
_QWERTY_NEIGHBOURS = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok",
    "o": "ipl", "p": "ol", "a": "qsz", "s": "awdz", "d": "sefx", "f": "drgc", "g": "fthv",
    "h": "gyjb", "j": "hukn", "k": "jilm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv",
    "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}
PREFIX_NOISE = (
    "ㅋㅋ ", "ㅎㅎ ", "ㅋㅋㅋㅋ ", "헐 ", "아 ", "음... ", "오오 ", "lol ", "haha ", "ok ",
)
SUFFIX_NOISE = (
    "~", "~~", "!!", "!", " ㅋㅋ", " ㅎㅎ", "ㅋㅋㅋ", " ㅠㅠ", " ^^", " 😊", " 😂", "ㅎ", "..",
    " ♥", " lol", " haha", "!!!", " :)", " 🙏", "~!",
)


def korean_typo(word: str, rng: random.Random) -> str:
    """One slip in one syllable of a Korean word: a neighbouring jamo, a lost or loose tail."""
    positions = [index for index, char in enumerate(word) if is_syllable(char)]
    if not positions:
        return word
    index = rng.choice(positions)
    lead, vowel, tail = split_syllable(word[index])
    kind = rng.randrange(5)
    if kind == 0 and vowel in _VOWEL_SLIPS:
        replaced = join_syllable(lead, rng.choice(_VOWEL_SLIPS[vowel]), tail)
    elif kind == 1 and lead in _CONSONANT_SLIPS:
        replaced = join_syllable(rng.choice(_CONSONANT_SLIPS[lead]), vowel, tail)
    elif kind == 2 and tail:
        replaced = join_syllable(lead, vowel) + tail  # the tail typed as a loose letter
    elif kind == 3:
        replaced = word[index] + lead  # a stray letter, as when a key is hit twice
    else:
        replaced = join_syllable(lead, vowel) if tail else word[index] + vowel
    return word[:index] + replaced + word[index + 1 :]


def english_typo(word: str, rng: random.Random) -> str:
    """One slip in an English word: swapped, dropped, doubled or neighbouring letter."""
    if len(word) < 3 or not word.isalpha():
        return word
    index = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
    if kind == 1:
        return word[:index] + word[index + 1 :]
    if kind == 2:
        return word[:index] + word[index] + word[index:]
    neighbours = _QWERTY_NEIGHBOURS.get(word[index], word[index])
    return word[:index] + rng.choice(neighbours) + word[index + 1 :]


def typo(text: str, rng: random.Random, protected: tuple[str, ...] = ()) -> str:
    """The text with one word damaged; words containing a `protected` string are left alone."""
    words = text.split(" ")
    candidates = [
        index
        for index, word in enumerate(words)
        if len(word) >= 2 and not any(mark in word for mark in protected)
    ]
    if not candidates:
        return text
    index = rng.choice(candidates)
    word = words[index]
    words[index] = korean_typo(word, rng) if any(map(is_syllable, word)) else english_typo(
        word, rng
    )
    return " ".join(words)


def respace(text: str, rng: random.Random) -> str:
    """Korean spacing as people really type it: none at all, or a space between syllables."""
    kind = rng.randrange(3)
    if kind == 0:
        return text.replace(" ", "")
    if kind == 1:
        return " ".join(char for char in text if char != " ")
    words = text.split(" ")
    if len(words) < 2:
        return text
    index = rng.randrange(len(words) - 1)
    return " ".join([*words[:index], words[index] + words[index + 1], *words[index + 2 :]])


def chat_noise(text: str, rng: random.Random) -> str:
    """Laughter, tildes, emoji and the like around the utterance."""
    if rng.random() < 0.35:
        text = rng.choice(PREFIX_NOISE) + text
    return text + rng.choice(SUFFIX_NOISE)


def elongate(text: str, rng: random.Random) -> str:
    """Stretch one letter or syllable ("웃어어어", "smiiile")."""
    positions = [index for index, char in enumerate(text) if char.isalpha()]
    if not positions:
        return text
    index = rng.choice(positions[len(positions) // 2 :])
    return text[: index + 1] + text[index] * rng.randint(2, 4) + text[index + 1 :]


def shout(text: str, rng: random.Random) -> str:
    """Upper- or title-case English letters."""
    return text.upper() if rng.random() < 0.5 else text.title()
