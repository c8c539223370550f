"""Intensity words and repeat counts inside one segment ("활짝", "a little", "두 번", "twice").

Modifiers are read by rule, not learned: the buckets are part of the output contract
(EXPRESSIONS.md), and a handful of word lists is both exact and easy to extend. The classifier
still sees the modifier words, so it learns to ignore them when choosing the intent.
"""

from __future__ import annotations

import re

from contracts.plan import DEFAULT_INTENSITY, MAX_REPEAT

_DOUBLED_LATIN = re.compile(r"([a-z])\1+")


def _collapse(text: str) -> str:
    """Doubled or stretched English letters read as one ("harddd", "timmmes", "a biiit").

    English modifier words are matched in this form, lists and text alike; Hangul is untouched.
    """
    return _DOUBLED_LATIN.sub(r"\1", text)


def _collapsed(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_collapse(word) for word in words))


def _collapsed_keys(values: dict[str, int]) -> dict[str, int]:
    return {_collapse(word): value for word, value in values.items()}


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

_EN_LOW = _collapsed((
    "a little bit", "a little", "a bit", "a tad", "slightly", "little", "small", "smaller",
    "slight", "soft", "gentle", "softly", "gently", "lightly", "subtly", "subtle", "barely",
    "faintly", "kinda", "kind of", "sort of", "somewhat", "tiny", "a touch", "mildly",
))
_EN_HIGH = _collapsed((
    "big", "bigger", "biggest", "very", "really", "super", "huge", "wide", "widely", "broad",
    "broadly", "a lot", "hard", "harder", "loudly", "loud", "brightly", "extremely", "totally",
    "completely", "massive", "so much", "strongly", "deeply", "extra", "intensely", "wildly",
    "hugely", "as much as you can", "wider", "brighter", "hella", "insanely", "mega",
))
_EN_IDIOMS = re.compile(r"\bout loud\b|\beyes? wide\b|\bwide[- ]eyed\b|\bwide eyes\b")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_EN_LOW_RE = re.compile(rf"\b(?:{_alternation(_EN_LOW)})\b")
_EN_HIGH_RE = re.compile(rf"\b(?:{_alternation(_EN_HIGH)})\b")
# "좀만들어" (written without a space) is 좀 만들어, not 좀만 (a little).
_KO_LOW_RE = re.compile(f"{_alternation(tuple(w for w in _KO_LOW if w != '좀만'))}|좀만(?!들)")
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

# Counts. Rules, the same for every way of writing a number: a count above MAX_REPEAT plays
# MAX_REPEAT times ("스무 번", "a hundred times", "1000000번"); a negative or fractional number is
# no count at all ("-5 times", "2.5번"): it never turns into a positive one.
_KO_UNITS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5,
             "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}
_KO_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60,
            "일흔": 70, "여든": 80, "아흔": 90}
_KO_VAGUE = {"몇": 3, "여러": 3, "서너": 3, "두세": 2, "두어": 2}
_SINO_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SINO_POWERS = {"십": 10, "백": 100, "천": 1000, "만": 10_000, "억": 100_000_000}
_EN_UNITS = _collapsed_keys({
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
})
_EN_POWERS = _collapsed_keys({"hundred": 100, "thousand": 1000, "million": 10**6,
                              "billion": 10**9, "hundreds": 100, "thousands": 1000,
                              "millions": 10**6, "dozens": 12})
_EN_VAGUE = _collapsed_keys({"a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3,
                             "few": 3, "several": 3, "multiple": 3, "many": 3})
_EN_WORD_COUNTS = _collapsed_keys({"once": 1, "twice": 2, "thrice": 3, "double": 2,
                                   "triple": 3})
_MINUS = r"(?:minus|negative|마이너스)\s*"

_KO_NUMBER = (
    r"\d+(?:\.\d+)?|수?(?:[일이삼사오육칠팔구]?[십백천만억])+[일이삼사오육칠팔구]?|"
    rf"(?:{_alternation(tuple(_KO_TENS))})\s?(?:{_alternation(tuple(_KO_UNITS))})?|"
    rf"{_alternation(tuple(_KO_VAGUE))}|{_alternation(tuple(_KO_UNITS))}"
)
_EN_NUMBER_WORD = _alternation((*_EN_UNITS, *_EN_POWERS))
_EN_NUMBER = (
    rf"\d+(?:\.\d+)?|(?:{_EN_NUMBER_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_EN_NUMBER_WORD}))*"
    r"(?:\s+of)?|"
    f"{_alternation(tuple(_EN_VAGUE))}"
)
_KO_COUNT = re.compile(
    rf"({_MINUS})?({_KO_NUMBER})\s*(?:번|차례|회|번씩)(?![가-힣]*(?:째|호))")
_EN_COUNT = re.compile(
    rf"(?<![\w.])({_MINUS})?({_EN_NUMBER})\s*(?:more\s+)?(?:times|x)\b")
# "blow 2 kisses", "three quick winks": a number before the plural of the action.
_EN_NOUN_COUNT = re.compile(
    rf"(?<![\w.])({_MINUS})?({_EN_NUMBER})\s+(?:\w+\s+)?"
    r"(?:kises|winks|blinks|nods|smiles|laughs|head ?shakes)\b"  # collapsed: "kisses"
)
_X_COUNT = re.compile(r"(?:^|\s|[a-z가-힣])x\s?(\d+)\b(?!\.\d)")
_EN_WORD_COUNT = re.compile(rf"\b({_alternation(tuple(_EN_WORD_COUNTS))})\b")
_HUGE_DIGITS = 6  # a number written with more digits is more than any repeat

# "smile 100%" (normalised to "100 percent"), "30프로": the share of the full expression.
_PERCENT = re.compile(
    rf"({_MINUS})?(?<![\d.])(\d+(?:\.\d+)?)\s*(?:퍼센트|프로(?![가-힣])|percent\b|per cent\b)")
# "nod nod nod", "윙크 윙크": the action said once per time; modifiers and fillers repeated for
# emphasis ("very very", "빨리 빨리") are no count.
_REPEATED_WORD = re.compile(r"(?<!\S)(\S{2,})(?:\s+\1)+(?!\S)")
_NOT_REPEATED_ACTIONS = frozenset(_collapse(word) for word in {
    *_KO_LOW, *_KO_HIGH, *_EN_LOW, *_EN_HIGH, "so", "please", "pls", "plz", "now", "more",
    "again", "좀", "빨리", "얼른", "어서", "제발", "다시", "또", "자", "yes", "no", "ok", "okay",
    "ha", "haha", "he", "hehe", "ho", "lol", "하하", "히히", "호호", "헤헤", "쪽",
})


def intensity_of(text: str) -> float:
    """The intensity named in a normalised segment: a bucket (0.35, 0.7 or 1.0) for words, the
    share itself for a percentage ("80%" → 0.8, over 100 % → 1.0, negative ones are ignored).

    When both a weak and a strong word occur, the later one wins ("조금 더 크게" → 1.0), since the
    word nearest the verb is the one that modifies it.
    """
    text = _collapse(text)
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
    for match in _PERCENT.finditer(text):
        if not match.group(1):
            found.append((match.start(), min(float(match.group(2)), 100.0) / 100))
    if not found:
        return DEFAULT_INTENSITY
    return max(found)[1]


def names_only_modifiers(text: str, fillers: frozenset[str]) -> bool:
    """True when a segment names a count, percentage or strength and otherwise only `fillers`
    ("3 times", "like, really big", "세 번")."""
    text = _collapse(text)
    bare = text
    for pattern in (_KO_COUNT, _EN_COUNT, _EN_NOUN_COUNT, _X_COUNT, _EN_WORD_COUNT, _PERCENT,
                    _EN_LOW_RE, _EN_HIGH_RE, _KO_LOW_RE, _KO_HIGH_RE):
        bare = pattern.sub(" ", bare)
    if bare.split() == text.split():
        return False
    known = _collapsed(tuple(fillers))
    return all(word.strip(",.!?;:'\"") in known for word in bare.split())


def repeat_of(text: str) -> int:
    """The repeat count named in a normalised segment (1 when none), capped at MAX_REPEAT.

    The last count written wins, except that a "한 번" beside another count is the softener
    ("두 번 찡긋하는 거 한번 보자" → 2); without one, an action word said N times in a row counts N.
    """
    text = _collapse(text)
    counts: list[int | None] = []
    for pattern in (_KO_COUNT, _EN_COUNT, _EN_NOUN_COUNT):
        counts.extend(_count(match.group(1), match.group(2)) for match in pattern.finditer(text))
    counts.extend(_count(None, match.group(1)) for match in _X_COUNT.finditer(text))
    counts.extend(_EN_WORD_COUNTS[match.group(1)] for match in _EN_WORD_COUNT.finditer(text))
    if not counts:
        counts = [len(match.group().split()) for match in _REPEATED_WORD.finditer(text)
                  if match.group(1) not in _NOT_REPEATED_ACTIONS]
    valid = [count for count in counts if count is not None and count >= 1]
    several = [count for count in valid if count > 1]
    return min((several or valid or [1])[-1], MAX_REPEAT)


def _count(minus: str | None, token: str) -> int | None:
    """The value of a count token, or None when it is no count (negative, fractional)."""
    if minus or "." in token:
        return None
    if token.isdigit():
        return MAX_REPEAT + 1 if len(token) > _HUGE_DIGITS else int(token)
    return _korean_number(token) if _KO_NUMBER_START.match(token) else _english_number(token)


_KO_NUMBER_START = re.compile(r"[가-힣]")


def _korean_number(token: str) -> int:
    """"스물다섯" → 25, "열한" → 11, "백" → 100, "이십" → 20, "수백" → 100, "여러" → 3."""
    token = token.replace(" ", "")
    if token in _KO_VAGUE:
        return _KO_VAGUE[token]
    if token[0] == "수" or any(char in _SINO_POWERS for char in token[:2]):
        return _sino_number(token.removeprefix("수"))
    for tens, value in _KO_TENS.items():
        if token.startswith(tens):
            return value + _KO_UNITS.get(token[len(tens):], 0)
    return _KO_UNITS[token]


def _sino_number(token: str) -> int:
    total, digit = 0, 0
    for char in token:
        if char in _SINO_DIGITS:
            digit = _SINO_DIGITS[char]
        else:
            total += (digit or 1) * _SINO_POWERS[char]
            digit = 0
    return total + digit


def _english_number(token: str) -> int:
    """"twenty-five" → 25, "a hundred" → 100, "hundreds of" → 100, "a couple of" → 2."""
    if token in _EN_VAGUE:
        return _EN_VAGUE[token]
    total, current = 0, 0
    for word in re.split(r"[\s-]+", token):
        if word in ("and", "of"):
            continue
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
        elif _EN_POWERS[word] == 100:
            current = (current or 1) * 100
        else:
            total += (current or 1) * _EN_POWERS[word]
            current = 0
    return total + current
