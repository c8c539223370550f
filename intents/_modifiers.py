"""Intensity words and repeat counts inside one segment ("활짝", "a little", "두 번", "twice").

Modifiers are read by rule, not learned: the buckets are part of the output contract
(EXPRESSIONS.md), and a handful of word lists is both exact and easy to extend. The classifier
still sees the modifier words, so it learns to ignore them when choosing the intent.
"""

from __future__ import annotations

import re

from contracts.plan import DEFAULT_INTENSITY, MAX_REPEAT

LOW_INTENSITY = 0.35
HIGH_INTENSITY = 1.0

# Korean adverbs are matched inside words because spacing is unreliable ("활짝웃어").
_KO_LOW = (
    "살짝", "조금", "쪼금", "약간", "가볍게", "살며시", "슬쩍", "작게", "조그맣게", "은은하게",
    "희미하게", "살포시", "쬐끔", "미세하게", "좀만", "쪼끔", "요만큼", "살짜기",
)
_KO_HIGH = (
    "활짝", "크게", "엄청", "많이", "아주", "완전", "정말", "진짜", "매우", "너무", "환하게",
    "세게", "힘껏", "잔뜩", "최대한", "한껏", "몹시", "되게", "격하게", "왕창", "엄청나게",
    "크으게", "겁나게", "졸라", "존나", "개크게",
)
# "눈 크게 떠" (eyes wide) is the surprise idiom itself, not a strength.
_KO_IDIOMS = re.compile(r"눈(을)?\s*(좀\s*)?(크게|동그랗게)\s*(떠|뜨)")

_EN_LOW = (
    "a little bit", "a little", "a bit", "a tad", "slightly", "little", "small", "smaller",
    "slight", "soft", "gentle", "softly", "gently", "lightly", "subtly", "subtle", "barely",
    "faintly", "kinda", "kind of", "sort of", "somewhat", "tiny", "a touch", "mildly",
)
_EN_HIGH = ("big", "bigger", "biggest", "very", "really", "super", "huge", "wide", "widely",
            "broad", "broadly", "a lot", "hard", "harder", "loudly", "loud", "brightly",
            "extremely", "totally", "completely", "massive", "so much", "strongly", "deeply",
            "extra", "intensely", "wildly", "hugely", "as much as you can", "wider", "brighter",
            "hella", "insanely", "mega")
_EN_IDIOMS = re.compile(r"\bout loud\b|\beyes? wide\b|\bwide[- ]eyed\b|\bwide eyes\b")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_EN_LOW_RE = re.compile(rf"\b(?:{_alternation(_EN_LOW)})\b")
_EN_HIGH_RE = re.compile(rf"\b(?:{_alternation(_EN_HIGH)})\b")
_KO_LOW_RE = re.compile(_alternation(_KO_LOW))
# "아주" only as a word of its own: inside "감아주세요" it is the request ending -아 주-.
# Slang intensifiers only as words of their own or as a prefix: "겁나 무서운 표정" (겁나는 표정 is
# fear itself), "개놀란 표정" (개 is "dog" elsewhere).
_KO_SLANG_HIGH = (
    r"(?<![가-힣])겁나(?=\s+[가-힣])|"
    r"(?<![가-힣])개(?=놀|웃|슬프|슬픈|화난|빡|무서|쫄|역겹|징그|당황|깜짝|크게|활짝)"
)
_KO_HIGH_RE = re.compile(
    f"(?<![가-힣])아주|{_KO_SLANG_HIGH}|"
    f"{_alternation(tuple(word for word in _KO_HIGH if word != '아주'))}"
)

_KO_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
               "아홉": 9, "열": 10, "몇": 3, "여러": 3, "서너": 3, "두세": 2, "두어": 2}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2, "couple of": 2,
               "a few": 3, "few": 3, "several": 3, "multiple": 3, "many": 3}
_EN_WORD_COUNTS = {"once": 1, "twice": 2, "thrice": 3, "double": 2, "triple": 3}

_KO_COUNT = re.compile(
    rf"(\d+|{_alternation(tuple(_KO_NUMBERS))})\s*(?:번|차례|회|번씩)(?![가-힣]*(?:째|호))")
_EN_COUNT = re.compile(
    rf"\b(\d+|{_alternation(tuple(_EN_NUMBERS))})\s*(?:more\s+)?(?:times|x)\b")
# "blow 2 kisses", "three quick winks": a number before the plural of the action.
_EN_NOUN_COUNT = re.compile(
    rf"\b(\d+|{_alternation(tuple(_EN_NUMBERS))})\s+(?:\w+\s+)?"
    r"(?:kisses|winks|blinks|nods|smiles|laughs|head ?shakes)\b"
)
_X_COUNT = re.compile(r"(?:^|\s|[a-z가-힣])x\s?(\d+)\b")
_EN_WORD_COUNT = re.compile(rf"\b({_alternation(tuple(_EN_WORD_COUNTS))})\b")


def intensity_of(text: str) -> float:
    """The intensity bucket named in a normalised segment (0.35, 0.7 or 1.0).

    When both a weak and a strong word occur, the later one wins ("조금 더 크게" → 1.0), since the
    word nearest the verb is the one that modifies it.
    """
    english = _EN_IDIOMS.sub(" ", text)
    korean = _KO_IDIOMS.sub(" ", text)
    found: list[tuple[int, float]] = []
    for pattern, value, source in (
        (_EN_LOW_RE, LOW_INTENSITY, english),
        (_EN_HIGH_RE, HIGH_INTENSITY, english),
        (_KO_LOW_RE, LOW_INTENSITY, korean),
        (_KO_HIGH_RE, HIGH_INTENSITY, korean),
    ):
        found.extend((match.start(), value) for match in pattern.finditer(source))
    if not found:
        return DEFAULT_INTENSITY
    return max(found)[1]


def repeat_of(text: str) -> int:
    """The repeat count named in a normalised segment (1 when none), capped at MAX_REPEAT."""
    counts: list[int] = []
    for match in _KO_COUNT.finditer(text):
        token = match.group(1)
        counts.append(int(token) if token.isdigit() else _KO_NUMBERS[token])
    for pattern in (_EN_COUNT, _EN_NOUN_COUNT):
        for match in pattern.finditer(text):
            token = match.group(1)
            counts.append(int(token) if token.isdigit() else _EN_NUMBERS[token])
    counts.extend(int(match.group(1)) for match in _X_COUNT.finditer(text))
    counts.extend(_EN_WORD_COUNTS[match.group(1)] for match in _EN_WORD_COUNT.finditer(text))
    counts = [count for count in counts if count >= 1]
    if not counts:
        return 1
    return min(counts[-1], MAX_REPEAT)
