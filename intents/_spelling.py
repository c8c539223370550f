"""One-typo correction of English words against the classifier's own word list.

Character n-grams tolerate most typos, but a short word with two letters swapped ("blnik",
"wnik") shares too few n-grams with the real word. When a segment scores low, the interpreter
asks this corrector for words within one edit (insert, delete, substitute, swap adjacent) of a
word the model knows, and scores the corrected text instead. Hangul is left alone: its jamo
n-grams already absorb jamo-level slips.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[a-z]{4,}")


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
        for word in sorted(self._importance):
            for key in _deletions(word) | {word}:
                self._index.setdefault(key, []).append(word)

    def correct_word(self, word: str) -> str:
        """The most important known word one edit away, or the word itself.

        A known word is kept unless a neighbour matters at least twice as much: the word list
        holds a few typos itself ("wnik"), learnt from noisy training text.
        """
        if not _WORD.fullmatch(word):
            return word
        candidates = {c for key in _deletions(word) | {word} for c in self._index.get(key, ())}
        fitting = sorted(c for c in candidates if c != word and within_one_edit(word, c))
        if not fitting:
            return word
        best = max(fitting, key=lambda candidate: self._importance[candidate])
        if self._importance.get(word, 0.0) * 2 >= self._importance[best]:
            return word
        return best

    def correct(self, words: Iterable[str]) -> list[str]:
        """Each word corrected on its own."""
        return [self.correct_word(word) for word in words]
