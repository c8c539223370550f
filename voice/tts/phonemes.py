"""eSpeak NG phoneme mnemonics → visemes, for English and Korean.

eSpeak names phonemes in ASCII ("'a", "tS", "oU", "N"); a leading ' or , marks primary or
secondary stress and a trailing : or ; length. Consonants map by place of articulation; vowels
and diphthongs by their first (most visible) quality; Korean vowels use the same letters (ㅓ is
"@", ㅡ is "W" or "u-", ㅐ/ㅔ "E"/"e").
"""

from __future__ import annotations

from contracts import Viseme

_CONSONANTS: dict[str, Viseme] = {
    "p": "PP", "b": "PP", "m": "PP", "p#": "PP", "b#": "PP",
    "f": "FF", "v": "FF",
    "T": "TH", "D": "TH",
    "t": "DD", "d": "DD", "t#": "DD", "d#": "DD", "t2": "DD", "d2": "DD", "*": "DD",
    "k": "kk", "g": "kk", "N": "kk", "x": "kk", "h": "kk", "q": "kk", "k#": "kk", "g#": "kk",
    "tS": "CH", "dZ": "CH", "S": "CH", "Z": "CH", "c": "CH", "J": "CH", "tS#": "CH", "ts": "CH",
    "s": "SS", "z": "SS", "s#": "SS",
    "n": "nn", "l": "nn", "L": "nn", "n^": "nn", "l/": "nn", "l#": "nn",
    "r": "RR", "R": "RR", "r-": "RR", "r/": "RR", "3:": "RR",
    "j": "I", "w": "U",
    "_": "sil", "_:": "sil", "_!": "sil", "_|": "sil", "?": "sil", "_^_": "sil",
}  # fmt: skip
_VOWEL_STARTS: dict[str, Viseme] = {
    "a": "aa", "A": "aa", "&": "aa", "V": "aa",
    "e": "E", "E": "E", "@": "E", "3": "E",
    "i": "I", "I": "I", "y": "I", "W": "I", "Y": "I",
    "o": "O", "O": "O", "0": "O",
    "u": "U", "U": "U",
}  # fmt: skip


def split_stress(mnemonic: str) -> tuple[str, float]:
    """(phoneme without stress marks, stress 1.0 / 0.5 / 0.0)."""
    stress = 0.0
    name = mnemonic
    while name[:1] in ("'", ","):
        stress = max(stress, 1.0 if name[0] == "'" else 0.5)
        name = name[1:]
    return name, stress


def viseme_of(phoneme: str) -> Viseme:
    """The viseme of one eSpeak phoneme (stress marks already removed); unknown → "sil"."""
    if phoneme in _CONSONANTS:
        return _CONSONANTS[phoneme]
    bare = phoneme.rstrip(":;")
    if bare in _CONSONANTS:
        return _CONSONANTS[bare]
    if phoneme.startswith("u-"):  # Korean ㅡ
        return "I"
    return _VOWEL_STARTS.get(phoneme[:1], "sil") if phoneme else "sil"
