"""Preparing reply text for a voice: what can be said aloud, in which language, in what pieces.

Replies come from the classifier, an LLM or a script and may hold emoji, symbols, both scripts in
one sentence, or thousands of characters. A voice gets clean sentences of bounded length, each
cut into runs of one script so that Korean is read by a Korean voice and English by an English
one.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Language = Literal["ko", "en"]
LANGUAGES: tuple[Language, ...] = ("ko", "en")
MAX_SENTENCE_CHARS = 200
"""Longer sentences are cut at a comma or a space, so each piece starts speaking quickly."""

_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])[\"'”’)\]]*\s+|\n+")
_SOFT_BREAK = re.compile(r"[,;:、，]\s*|\s+")
_SPACES = re.compile(r"\s+")


class UnsupportedLanguage(ValueError):
    """A reply's language has no voice; the message names the ones there are."""


def script_of(char: str) -> Language | None:
    """"ko" for Hangul, "en" for Latin letters, None for everything else (digits, marks)."""
    code = ord(char)
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "ko"
    base = unicodedata.normalize("NFD", char)[:1].lower()
    return "en" if "a" <= base <= "z" else None


def detect_language(text: str, default: Language = "en") -> Language:
    """The script most of `text`'s letters are written in ("ko" or "en"), `default` without
    letters."""
    counts = {"ko": 0, "en": 0}
    for char in text:
        script = script_of(char)
        if script is not None:
            counts[script] += 1
    if counts["ko"] == counts["en"] == 0:
        return default
    return "ko" if counts["ko"] >= counts["en"] else "en"


def check_language(language: str | None) -> Language | None:
    """`language` as a voice language ("ko"/"en", region tags allowed), None when not given.

    Raises:
        UnsupportedLanguage: any other language.
    """
    if language is None:
        return None
    base = language.strip().lower().replace("_", "-").split("-")[0]
    if base in LANGUAGES:
        return base  # type: ignore[return-value]
    raise UnsupportedLanguage(
        f"no voice speaks {language!r}; the avatar speaks Korean (ko) and English (en)"
    )


def speakable(text: str) -> str:
    """`text` with what a voice cannot say removed: emoji, pictographs, control characters and
    symbols other than punctuation; whitespace collapsed."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category[0] in "LNP" or char.isspace():
            kept.append(char)
        elif category in ("Sm", "Sc"):  # + = % $ are read out
            kept.append(char)
        else:
            kept.append(" ")
    cleaned = "\n".join(_SPACES.sub(" ", line).strip() for line in "".join(kept).splitlines())
    if not any(char.isalnum() for char in cleaned):
        return ""
    return cleaned.strip()


def sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """`text` split after sentence-ending marks and line breaks; pieces longer than `max_chars`
    are cut at the last comma or space before the limit (or hard at the limit)."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > max_chars:
            cut = _last_break(sentence, max_chars)
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if any(char.isalnum() for char in sentence):
            pieces.append(sentence)
    return pieces


def _last_break(sentence: str, limit: int) -> int:
    """Index just after the last soft break within `limit` characters (at least half-way)."""
    best = limit
    for match in _SOFT_BREAK.finditer(sentence, 0, limit):
        if match.end() >= limit // 2:
            best = match.end()
    return best


def script_runs(sentence: str, language: Language) -> list[tuple[Language, str]]:
    """`sentence` as consecutive (language, text) runs of one script each.

    Characters of neither script (digits, spaces, punctuation) join the run before them, or the
    first run; a sentence without letters is one run in `language`.
    """
    runs: list[tuple[Language, list[str]]] = []
    pending: list[str] = []
    for char in sentence:
        script = script_of(char)
        if script is None:
            (runs[-1][1] if runs else pending).append(char)
            continue
        if not runs or runs[-1][0] != script:
            runs.append((script, [*pending, char]))
            pending = []
        else:
            runs[-1][1].append(char)
    if not runs:
        return [(language, sentence)]
    merged = [(lang, "".join(chars).strip()) for lang, chars in runs]
    return [(lang, text) for lang, text in merged if text]


def cap(text: str, max_chars: int) -> tuple[str, bool]:
    """`text` cut to at most `max_chars` characters, at the last sentence end (or soft break)
    before the limit; True when something was cut."""
    if len(text) <= max_chars:
        return text, False
    ends = [m.start() for m in _SENTENCE_END.finditer(text, 0, max_chars + 1)]
    cut = ends[-1] if ends and ends[-1] >= max_chars // 2 else _last_break(text, max_chars)
    return text[:cut].rstrip(), True
