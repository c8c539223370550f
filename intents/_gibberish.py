"""How much of a message looks like words at all ("asdfgh", "ㅁㄴㅇㄹ" do not).

The classifier is trained to call keyboard mashes `chat`, and it does so with high probability;
but a plan's confidence should say how sure the interpreter is that it *understood*. A chat
plan's confidence is therefore scaled by the share of its words that are plausible: known to the
model, or shaped like a word (a vowel, no long consonant cluster, no run of neighbouring keys;
mostly common Hangul syllables — seen by the model or in KS X 1001, which holds the 2 350 in
everyday use out of 11 172 — and no stray jamo beyond shorthand like "ㅇㅇ").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POSITION = {key: (row, column) for row, keys in enumerate(_KEY_ROWS)
                 for column, key in enumerate(keys)}
_KEY_RUN = 4  # this many neighbouring keys in a row, in one direction ("asdf", "poiu")
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xz]{4,}")
_VOWEL = re.compile(r"[aeiouy]")
_LATIN = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"[a-z]+|[가-힣ㄱ-ㅣ]+|\d+")
_LOOSE_JAMO = re.compile(r"[ㄱ-ㅣ]")
# Jamo shorthand of chat: yes, ok, go go, no no, sorry, thanks, congrats, bye, hi, really…
_SHORTHAND = frozenset({
    "ㅇㅇ", "ㅇㅋ", "ㄱㄱ", "ㄴㄴ", "ㅈㅅ", "ㄳ", "ㄱㅅ", "ㅊㅋ", "ㅂㅂ", "ㅎㅇ", "ㅇㅈ", "ㄹㅇ",
    "ㅅㄱ",
    "ㄷㄷ", "ㅎㄷㄷ", "ㅋ", "ㅎ", "ㅠ", "ㅜ",
})


def _key_run(word: str) -> int:
    """The longest run of letters typed on neighbouring keys of one row, in one direction."""
    longest = run = 1
    step = 0
    for first, second in itertools.pairwise(word):
        a, b = _KEY_POSITION.get(first), _KEY_POSITION.get(second)
        this = b[1] - a[1] if a and b and a[0] == b[0] and abs(b[1] - a[1]) == 1 else 0
        run = run + 1 if this and this == step else (2 if this else 1)
        step = this
        longest = max(longest, run)
    return longest


class WordShape:
    """Tells plausible words from mashes.

    Args:
        known_words: words the model has features for.
        known_chars: single characters the model has features for (Hangul syllables seen).
    """

    def __init__(self, known_words: Iterable[str], known_chars: Iterable[str]) -> None:
        self._words = frozenset(known_words)
        self._chars = frozenset(known_chars)

    def plausible(self, token: str) -> bool:
        """Whether one token (Latin letters, Hangul or digits) could be a word."""
        if token.isdigit() or token in _SHORTHAND:
            return True
        if _LATIN.fullmatch(token):
            if _key_run(token) >= _KEY_RUN:
                return False
            return token in self._words or (
                _VOWEL.search(token) is not None and not _CONSONANT_RUN.search(token))
        if token in self._words:
            return True
        loose = len(_LOOSE_JAMO.findall(token))
        if loose >= 2 or loose == len(token):
            return False
        syllables = [char for char in token if not _LOOSE_JAMO.match(char)]
        return sum(self._common(char) for char in syllables) * 2 >= len(syllables)

    def _common(self, syllable: str) -> bool:
        """Seen by the model, or one of the 2 350 syllables of KS X 1001 (all but rare ones)."""
        if syllable in self._chars:
            return True
        try:
            syllable.encode("euc-kr")
        except UnicodeEncodeError:
            return False
        return True

    def share(self, text: str) -> float:
        """Share of the letters of a normalised text in tokens that could be words (1.0 when
        there are none): a long mash outweighs a short real word next to it."""
        tokens = _TOKEN.findall(text)
        if not tokens:
            return 1.0
        return sum(len(token) for token in tokens if self.plausible(token)) / sum(map(len, tokens))
