"""The optional wake name: with `voice.wake_name = "하나"` only "하나야, 웃어줘" acts."""

from __future__ import annotations

import re
import unicodedata

_NAME_SEPARATORS = re.compile(r"^[\s,.!?~:;、，。-]+")


def strip_wake_name(text: str, name: str) -> str | None:
    """The command after the wake name, or None when `text` does not start with it.

    Case, full-width forms and the punctuation after the name are ignored; a Korean vocative
    ending on the name ("하나야", "하나야,") counts as the name.

        strip_wake_name("하나야, 웃어줘", "하나") == "웃어줘"
        strip_wake_name("Hana, wink twice", "hana") == "wink twice"
        strip_wake_name("웃어줘", "하나") is None
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    wanted = unicodedata.normalize("NFKC", name).strip()
    if not wanted or not folded.lower().startswith(wanted.lower()):
        return None
    rest = folded[len(wanted):]
    for ending in ("야", "아", "님"):
        if rest.startswith(ending):
            rest = rest[len(ending):]
            break
    if rest and rest[0].isalnum() and not _NAME_SEPARATORS.match(rest):
        return None  # "Hanako" is not "Hana"
    rest = _NAME_SEPARATORS.sub("", rest)
    return rest or None
