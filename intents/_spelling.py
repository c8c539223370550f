"""Spelling repairs tried when a segment scores low: English typos and sound-alikes, Korean
cute spellings.

Character n-grams tolerate most typos, but a short word with two letters swapped ("blnik",
"wnik") shares too few n-grams with the real word, and a word spelt by ear ("laff", "smyle",
"winc") may share almost none. When a segment scores low, the interpreter asks this corrector
for a known word within one edit (insert, delete, substitute, swap adjacent), else one that
sounds the same (`sound_key`), and scores the corrected text instead.

Korean jamo n-grams absorb one-jamo slips, but cute spellings change jamo systematically:
tense for aspirated consonants ("윙끄" for 윙크), a glide after ㅅ/ㅈ/ㅊ ("무셔워" for 무서워),
a nasal or rounded request ending ("해용", "해조" for 해요, 해줘). `plain_korean_variants` undoes
each habit; the interpreter keeps a variant only if it gives a confident expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from intents._hangul import is_syllable, join_syllable, split_syllable

_WORD = re.compile(r"[a-z]{4,}")
# Spellings of one sound, in order: "laugh" and "laff" both become "laf", "smyle" → "smile".
_SOUNDS = (
    (re.compile(r"ph"), "f"), (re.compile(r"(?<=[aeiou])u?gh"), "f"), (re.compile(r"ck"), "k"),
    (re.compile(r"q"), "k"), (re.compile(r"c(?=[eiy])"), "s"), (re.compile(r"c"), "k"),
    (re.compile(r"(?<=.)y"), "i"), (re.compile(r"z"), "s"), (re.compile(r"(.)\1+"), r"\1"),
)
_TENSE_TO_ASPIRATED = {"ㄲ": "ㅋ", "ㄸ": "ㅌ", "ㅃ": "ㅍ", "ㅉ": "ㅊ"}
_GLIDE_TO_PLAIN = {"ㅕ": "ㅓ", "ㅛ": "ㅗ", "ㅠ": "ㅜ", "ㅑ": "ㅏ"}
_SIBILANTS = frozenset("ㅅㅆㅈㅉㅊ")
# "해용" → "해요", "웃어죵" → "웃어죠", "놀래봥" → "놀래봐"; then "해조/해죠/해져/해쥬" → "해줘".
_WORD_END = re.compile(r"[가-힣](?=\s|$|[,.!?~])")
_NASAL_VOWELS = frozenset("ㅛㅘㅗㅑㅕ")
_ROUND_REQUEST = re.compile(r"(?<=[해어아여워봐와])(?:조|죠|져|쥬|듀)(?=\s|$|[,.!?~])")


def sound_key(word: str) -> str:
    """How an English word sounds, roughly: spellings of one sound and doubled letters merged."""
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


def plain_korean_variants(text: str) -> list[str]:
    """The text with each cute-spelling habit undone (each on its own, then all together);
    only the variants that differ from the text."""
    steps = (_aspirate, _unglide, _plain_ending)
    variants = [step(text) for step in steps]
    combined = text
    for step in steps:
        combined = step(combined)
    variants.append(combined)
    return list(dict.fromkeys(variant for variant in variants if variant != text))


def _map_syllables(text: str, change: Callable[[str, str, str], tuple[str, str, str]]) -> str:
    out = []
    for char in text:
        out.append(join_syllable(*change(*split_syllable(char))) if is_syllable(char) else char)
    return "".join(out)


def _aspirate(text: str) -> str:
    return _map_syllables(
        text, lambda lead, vowel, tail: (_TENSE_TO_ASPIRATED.get(lead, lead), vowel, tail))


def _unglide(text: str) -> str:
    return _map_syllables(text, lambda lead, vowel, tail: (
        lead, _GLIDE_TO_PLAIN.get(vowel, vowel) if lead in _SIBILANTS else vowel, tail))


def _plain_ending(text: str) -> str:
    return _ROUND_REQUEST.sub("줘", _WORD_END.sub(_denasalise, text))


def _denasalise(match: re.Match[str]) -> str:
    lead, vowel, tail = split_syllable(match.group())
    return join_syllable(lead, vowel) if tail == "ㅇ" and vowel in _NASAL_VOWELS else match.group()


def _deletions(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


def within_one_edit(first: str, second: str) -> bool:
    """True when the words differ by at most one insert, delete, substitution or adjacent swap."""
    if first == second:
        return True
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        diffs = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                and first[diffs[0]] == second[diffs[1]] and first[diffs[1]] == second[diffs[0]])
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


class SpellingCorrector:
    """Maps a misspelt word to the known word one edit away (the most important one on ties).

    Args:
        importance: known word → how much it matters to the classifier; only lowercase ASCII
            words of 4+ letters are used. Ties go to the higher importance, then alphabetically.
    """

    def __init__(self, importance: Mapping[str, float]) -> None:
        self._importance = {w: s for w, s in importance.items() if _WORD.fullmatch(w)}
        self._index: dict[str, list[str]] = {}
        self._sounds: dict[str, list[str]] = {}
        for word in sorted(self._importance):
            for key in _deletions(word) | {word}:
                self._index.setdefault(key, []).append(word)
            self._sounds.setdefault(sound_key(word), []).append(word)

    def correct_word(self, word: str) -> str:
        """The most important known word one edit away (else one that sounds the same), or the
        word itself.

        A known word is kept unless a neighbour matters at least twice as much: the word list
        holds a few typos itself ("wnik"), learnt from noisy training text.
        """
        if not _WORD.fullmatch(word):
            return word
        candidates = {c for key in _deletions(word) | {word} for c in self._index.get(key, ())}
        fitting = sorted(c for c in candidates if c != word and within_one_edit(word, c))
        if not fitting:
            fitting = sorted(c for c in self._sounds.get(sound_key(word), ()) if c != word)
        if not fitting:
            return word
        best = max(fitting, key=lambda candidate: self._importance[candidate])
        if self._importance.get(word, 0.0) * 2 >= self._importance[best]:
            return word
        return best

    def correct(self, words: Iterable[str]) -> list[str]:
        """Each word corrected on its own."""
        return [self.correct_word(word) for word in words]
