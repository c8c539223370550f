"""Hangul syllable ⇄ jamo arithmetic (Unicode 3.0 algorithm), with an IME-style composer.

Typing slips leave loose compatibility jamo next to syllables ("우ㅅ어", "웃어주ㅓ"); composing
them the way a two-set keyboard would ("웃어", "웃어줘") lets the classifier see the word the user
meant. Jamo strings also feed the classifier's typo-tolerant n-gram features.
"""

from __future__ import annotations

SYLLABLE_FIRST = 0xAC00
SYLLABLE_LAST = 0xD7A3

LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
TAILS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

_COMPOUND_VOWELS = {
    ("ㅗ", "ㅏ"): "ㅘ",
    ("ㅗ", "ㅐ"): "ㅙ",
    ("ㅗ", "ㅣ"): "ㅚ",
    ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ",
    ("ㅜ", "ㅣ"): "ㅟ",
    ("ㅡ", "ㅣ"): "ㅢ",
}
_COMPOUND_TAILS = {
    ("ㄱ", "ㅅ"): "ㄳ",
    ("ㄴ", "ㅈ"): "ㄵ",
    ("ㄴ", "ㅎ"): "ㄶ",
    ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ",
    ("ㄹ", "ㅂ"): "ㄼ",
    ("ㄹ", "ㅅ"): "ㄽ",
    ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ",
    ("ㄹ", "ㅎ"): "ㅀ",
    ("ㅂ", "ㅅ"): "ㅄ",
}
_SPLIT_TAILS = {compound: pair for pair, compound in _COMPOUND_TAILS.items()}

# Conjoining jamo (U+1100 block) → compatibility jamo (U+3130 block). NFKC turns compatibility
# jamo into conjoining ones, so normalisation maps them back before composing.
_CONJOINING_LEADS = dict(zip(range(0x1100, 0x1113), LEADS, strict=True))
_CONJOINING_VOWELS = dict(zip(range(0x1161, 0x1176), VOWELS, strict=True))
_CONJOINING_TAILS = dict(zip(range(0x11A8, 0x11C3), TAILS[1:], strict=True))
CONJOINING_TO_COMPAT = {**_CONJOINING_LEADS, **_CONJOINING_VOWELS, **_CONJOINING_TAILS}


def is_syllable(char: str) -> bool:
    """True for a precomposed Hangul syllable (가..힣)."""
    return SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


def is_jamo(char: str) -> bool:
    """True for a compatibility jamo letter (ㄱ..ㅣ)."""
    return 0x3131 <= ord(char) <= 0x3163


def is_consonant(char: str) -> bool:
    """True for a compatibility consonant jamo (ㄱ..ㅎ)."""
    return 0x3131 <= ord(char) <= 0x314E


def is_vowel(char: str) -> bool:
    """True for a compatibility vowel jamo (ㅏ..ㅣ)."""
    return 0x314F <= ord(char) <= 0x3163


def has_hangul(text: str) -> bool:
    """True when the text contains any Hangul syllable or jamo."""
    return any(is_syllable(char) or is_jamo(char) for char in text)


def split_syllable(char: str) -> tuple[str, str, str]:
    """A syllable's (lead, vowel, tail) compatibility jamo; tail is "" when there is none."""
    index = ord(char) - SYLLABLE_FIRST
    lead, rest = divmod(index, 21 * 28)
    vowel, tail = divmod(rest, 28)
    return LEADS[lead], VOWELS[vowel], TAILS[tail]


def join_syllable(lead: str, vowel: str, tail: str = "") -> str:
    """The syllable made of (lead, vowel, tail) compatibility jamo."""
    index = (LEADS.index(lead) * 21 + VOWELS.index(vowel)) * 28 + TAILS.index(tail)
    return chr(SYLLABLE_FIRST + index)


def to_jamo(text: str) -> str:
    """Every syllable spelled out as compatibility jamo; other characters unchanged."""
    return "".join("".join(split_syllable(c)) if is_syllable(c) else c for c in text)


def liaison(text: str) -> str:
    """Text as pronounced across a vowel-initial syllable: "감아" → "가마", "웃어" → "우서".

    People often type Korean the way it sounds; spelling both forms the same way makes the
    phonetic typo look like the word. ㅎ before a vowel is silent ("좋아" → "조아"); ㅇ stays.
    """
    chars = list(text)
    for index in range(len(chars) - 1):
        current, following = chars[index], chars[index + 1]
        if not (is_syllable(current) and is_syllable(following)):
            continue
        lead, vowel, tail = split_syllable(current)
        next_lead, next_vowel, next_tail = split_syllable(following)
        if not tail or tail == "ㅇ" or next_lead != "ㅇ":
            continue
        kept, moved = _SPLIT_TAILS.get(tail, ("", tail))
        if moved == "ㅎ":
            moved = "ㅇ"
        if moved not in LEADS:
            continue
        chars[index] = join_syllable(lead, vowel, kept)
        chars[index + 1] = join_syllable(moved, next_vowel, next_tail)
    return "".join(chars)


def compose(jamo: str) -> str:
    """Compose a run of compatibility jamo the way a two-set Korean keyboard would.

    Letters that cannot join a syllable (a consonant followed by a consonant, a vowel with no
    consonant before it) stay as they are.
    """
    out: list[str] = []
    lead = vowel = tail = ""

    def flush() -> None:
        nonlocal lead, vowel, tail
        if lead and vowel:
            out.append(join_syllable(lead, vowel, tail))
        else:
            out.append(lead + vowel)
        lead = vowel = tail = ""

    for char in jamo:
        if is_consonant(char):
            if lead and vowel and not tail and char in TAILS:
                tail = char
            elif tail and (tail, char) in _COMPOUND_TAILS:
                tail = _COMPOUND_TAILS[(tail, char)]
            else:
                flush()
                lead = char
        elif is_vowel(char):
            if lead and not vowel:
                vowel = char
            elif lead and vowel and not tail and (vowel, char) in _COMPOUND_VOWELS:
                vowel = _COMPOUND_VOWELS[(vowel, char)]
            elif tail:
                first, moved = _SPLIT_TAILS.get(tail, ("", tail))
                tail = first
                flush()
                lead, vowel = moved, char
            else:
                flush()
                out.append(char)
        else:
            flush()
            out.append(char)
    flush()
    return "".join(out)
