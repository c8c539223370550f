"""Input clean-up before segmentation and classification.

Chat input is messy: full-width letters, decomposed or loose jamo from typing slips, laughter and
crying runs (ㅋㅋ, ㅎㅎ, ㅠㅠ), emoji, elongations ("웃어어어어", "smiiiile"), repeated punctuation.
`normalize` maps all of that onto one canonical lowercase form so that the classifier sees the
words, not the noise; quoted words become the single word "quote". It never raises: any string
in gives a (possibly empty) string out.
"""

from __future__ import annotations

import re
import unicodedata

from intents._hangul import (
    CONJOINING_TO_COMPAT,
    compose,
    is_consonant,
    is_jamo,
    is_syllable,
    to_jamo,
)

# Punctuation that carries structure (clause breaks, questions, quotes); everything else that is
# not a letter, digit or space becomes a space.
KEPT_PUNCTUATION = frozenset(",.!?;:'\"")
_CHAR_MAP = str.maketrans({"‘": "'", "’": "'", "`": "'", "“": '"', "”": '"', "×": "x", "…": "."})
# Arrows between commands ("윙크→뽀뽀", "smile -> wink") mean "then": they become commas.
_ARROW = re.compile(r"\s*(?:-+>|=+>|[→⇒➡➔⟶])\s*")
# "1,000,000번": digit groups are one number, not a clause break; "-5 times": a minus sign
# before a number is a word, so that a negative count is never read as a positive one.
_DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_MINUS_SIGN = re.compile(r"(?<![\w.])[-−‐‑–—]\s?(?=\d)")
_LAUGH_RUN = re.compile(r"[ㅋㅎㅠㅜㄷㄱㅡ]{2,}")
# A single laughing/crying letter is noise unless a vowel follows it (then it may be a typing
# slip that composes, "ㅎㅐ" → "해"); ㅠ/ㅜ after a consonant letter are such slips too.
_LONE_NOISE_JAMO = re.compile(r"[ㅋㅎ](?![ㅏ-ㅣ])|(?<![ㄱ-ㅎ])[ㅠㅜ]")
_REPEATED_CHAR = re.compile(r"(.)\1{2,}")
_REPEATED_PUNCT = re.compile(r"([,.!?;:'\"])[,.!?;:'\"\s]*\1+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])")
_SPACES = re.compile(r"\s+")
_HANGUL_RUN = re.compile(r"[가-힣ㄱ-ㅣ]+")
# Words in quotes are what to say ("say 'hello'", "'안녕'이라고 해봐"), not what to do: they are
# replaced by the word "quote" so that their content can neither split nor steer the step.
_QUOTED = re.compile(r"(?:(?<=\s)|^)(['\"])(?:(?!\1).){1,200}?\1(?=\s|$|[가-힣,.!?])")
_READABLE = re.compile(r"[a-z0-9가-힣ㄱ-ㅣ]")
# A face described by the sound that goes with it ("make a 'huh?' face", "'헐' 하는 표정"): the
# sound becomes the word for the face, before quotes are set aside as words to say.
_FACE_SOUNDS_EN = {
    **dict.fromkeys(("huh", "hm", "hmm", "eh", "umm"), "confused"),
    **dict.fromkeys(("wow", "whoa", "woah", "omg", "oh", "gasp", "ooh", "woo"), "surprised"),
    **dict.fromkeys(("eww", "ew", "yuck", "ugh", "blech", "bleh", "gross", "ick"), "disgusted"),
    **dict.fromkeys(("grr", "grrr", "hmph", "argh", "rawr"), "angry"),
    **dict.fromkeys(("eek", "yikes", "aah", "ahh", "eep"), "scared"),
    **dict.fromkeys(("boohoo", "sob", "waah", "aww"), "sad"),
    **dict.fromkeys(("yay", "woohoo", "hehe", "cheese"), "happy"),
    **dict.fromkeys(("mwah", "muah", "smooch"), "kissy"),
}
_FACE_SOUNDS_KO = {
    **dict.fromkeys(("헐", "헉", "어머", "우와", "깜짝", "허걱"), "놀란"),
    **dict.fromkeys(("엥", "뭐지", "갸웃"), "어리둥절한"),
    **dict.fromkeys(("웩", "으웩", "우웩", "윽", "우엑"), "역겨운"),
    **dict.fromkeys(("흥", "칫", "씩씩", "으르렁"), "화난"),
    **dict.fromkeys(("흑흑", "엉엉", "훌쩍"), "슬픈"),
    **dict.fromkeys(("으악", "꺅", "히익", "덜덜"), "겁먹은"),
    **dict.fromkeys(("히히", "헤헤", "야호", "룰루"), "웃는"),
    **dict.fromkeys(("쪽", "뽀뽀"), "뽀뽀하는"),
}


def _face_sound_pattern(sounds: dict[str, str], face: str) -> re.Pattern[str]:
    alternation = "|".join(re.escape(sound) for sound in sorted(sounds, key=len, reverse=True))
    return re.compile(rf"(['\"]?)\b({alternation})[?!.~]*\1\s*{face}")


_FACE_SOUND_EN = _face_sound_pattern(_FACE_SOUNDS_EN, r"(?=(?:face|expression|look)\b)")
_FACE_SOUND_KO = _face_sound_pattern(
    _FACE_SOUNDS_KO, r"(?:(?:하는|같은|하는\s*듯한|스러운)\s*)?(?=표정|얼굴)")


def normalize(text: str) -> str:
    """Canonical form of one utterance: NFKC, lowercase, noise stripped, jamo composed.

    Args:
        text: raw user input, any Unicode (control characters and binary garbage included).

    Returns:
        The cleaned text with single spaces; empty when nothing meaningful is left.
    """
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    text = _ARROW.sub(", ", text)
    text = _MINUS_SIGN.sub(" minus ", _DIGIT_GROUP.sub("", text)).replace("%", " percent ")
    text = "".join(_clean_char(char) for char in text).lower()
    text = _SPACES.sub(" ", text)
    text = _LAUGH_RUN.sub(" ", text)
    text = _LONE_NOISE_JAMO.sub(" ", text)
    text = _HANGUL_RUN.sub(lambda match: _repair_hangul(match.group()), text)
    text = _REPEATED_CHAR.sub(r"\1\1", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _FACE_SOUND_EN.sub(lambda m: f"{_FACE_SOUNDS_EN[m.group(2)]} ", text)
    text = _FACE_SOUND_KO.sub(lambda m: f"{_FACE_SOUNDS_KO[m.group(2)]} ", text)
    text = _QUOTED.sub(" quote", text)
    text = _SPACES.sub(" ", text).strip(" ,.;:'\"")
    return "" if all(char in KEPT_PUNCTUATION for char in text) else text


def readable_share(text: str) -> float:
    """Share of the letters and digits that are Hangul, ASCII letters or digits (0 if none).

    The classifier knows Korean and English; text whose letters are mostly something else
    (binary garbage decoded as Latin-1, other scripts) is not worth a guess.
    """
    chars = [char for char in text if char.isalnum()]
    if not chars:
        return 0.0
    return sum(1 for char in chars if _READABLE.match(char)) / len(chars)


def _clean_char(char: str) -> str:
    """Keep letters, digits and structural punctuation; map everything else to a space."""
    compat = CONJOINING_TO_COMPAT.get(ord(char))
    if compat is not None:
        return compat
    if char in KEPT_PUNCTUATION:
        return char
    category = unicodedata.category(char)
    if category[0] in "LN":
        return char
    return " "


def _repair_hangul(run: str) -> str:
    """Compose loose jamo inside a Hangul word and drop consonants stranded between syllables.

    A run of jamo alone ("ㅇㅇ", "ㄱㄱ") is chat shorthand and is left as it is.
    """
    if not any(is_jamo(char) for char in run) or not any(is_syllable(c) for c in run):
        return run
    composed = compose(to_jamo(run))
    return "".join(
        char
        for index, char in enumerate(composed)
        if not (is_consonant(char) and _next_to_syllable(composed, index))
    )


def _next_to_syllable(text: str, index: int) -> bool:
    before = index > 0 and is_syllable(text[index - 1])
    after = index + 1 < len(text) and is_syllable(text[index + 1])
    return before or after
