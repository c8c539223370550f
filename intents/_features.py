"""Sparse text features for the intent classifier: character, jamo and word n-grams.

Why these: Korean spacing is unreliable, so character n-grams are taken with the spaces removed.
Typos change one jamo rather than a whole syllable ("웃어저" vs "웃어줘"), so Hangul is also
spelled out as jamo, as pronounced ("감아" and the phonetic typo "가마" spell the same). English
is mostly word-shaped, so word uni- and bigrams add the phrase structure. Features are strings;
the model maps the known ones to rows of its weight matrix.
"""

from __future__ import annotations

import itertools

from intents._hangul import has_hangul, liaison, to_jamo

CHAR_ORDERS = (1, 2, 3, 4)
JAMO_ORDERS = (2, 3, 4)


def _ngrams(text: str, orders: tuple[int, ...], prefix: str) -> set[str]:
    return {
        prefix + text[start : start + order]
        for order in orders
        for start in range(len(text) - order + 1)
    }


def extract(text: str) -> set[str]:
    """The feature strings of one normalised segment (empty text → no features)."""
    squeezed = text.replace(" ", "")
    if not squeezed:
        return set()
    features = _ngrams(f"<{squeezed}>", CHAR_ORDERS, "c:")
    if has_hangul(squeezed):
        features |= _ngrams(f"<{to_jamo(liaison(squeezed))}>", JAMO_ORDERS, "j:")
    words = ["<", *text.split(), ">"]
    features.update(f"w:{word}" for word in words[1:-1])
    features.update(f"b:{first}_{second}" for first, second in itertools.pairwise(words))
    return features
