"""Laughter, emoji and emoticons that make up a whole message: the user reacts, not commands.

"ㅋㅋㅋㅋ", "lol", "😊", "ㅋㅋㅋ 웃겨", "ㅠㅠ": nothing is asked, but a face that stays blank
looks broken. `reaction_of` names the expression that answers in kind (the portrait laughs when
the user laughs); the interpreter plays it before a short chat reply. Laughter or emoji next to
other words ("ㅋㅋ 웃어봐", "너 귀엽다 ㅋㅋ") are no reaction: those words decide.
"""

from __future__ import annotations

import re
import unicodedata

from contracts.plan import IntentName

# Emoji (variation selectors and skin tones are ignored) and emoticons.
_EMOJI: dict[str, IntentName] = {
    **dict.fromkeys("😂🤣😆😹😁", "laugh"),
    **dict.fromkeys("😀😃😄😊🙂☺😌😇🥰😍❤♥💕💖💗💓💞😻🤗🥳", "smile"),
    **dict.fromkeys("😢😭😿😞😔☹🙁😟🥺🥲", "sad"),
    **dict.fromkeys("😉😜", "wink"),
    **dict.fromkeys("😘😚😗😙💋", "kiss"),
    **dict.fromkeys("😮😲😯😳🙀", "surprise"),
    **dict.fromkeys("😱😨😰", "fear"),
    **dict.fromkeys("😠😡🤬", "angry"),
    **dict.fromkeys("🤢🤮", "disgust"),
    **dict.fromkeys("🤔😕🤨", "confused"),
    "👍": "nod",
}
_EMOTICONS: dict[str, IntentName] = {
    ":d": "laugh", "xd": "laugh", ":)": "smile", ":-)": "smile", "^^": "smile", "^_^": "smile",
    "^-^": "smile", "<3": "smile", ":(": "sad", ":-(": "sad", ":'(": "sad", "t_t": "sad",
    "t.t": "sad", ";)": "wink", ";-)": "wink", ":*": "kiss", ":o": "surprise",
}
_EMOTICON = re.compile("|".join(re.escape(e) for e in sorted(_EMOTICONS, key=len, reverse=True)))
# Laughing and crying words, and "funny!" said about something ("웃겨", "개웃기네", "so funny").
# "웃겨봐" / "웃겨줘" ask for a joke and are no reaction.
_WORDS: tuple[tuple[re.Pattern[str], IntentName], ...] = (
    (re.compile(r"[ㅋㅎ]*ㅋ[ㅋㅎ]*|(?:크|킥|키|캬){2,}|(?:하){2,}|하하+핫?|(?:깔|낄|껄){2,}|"
                r"푸하+|a?(?:ha){2,}h?|(?:ah){2,}|lo+l(?:ol)*|lmf?ao+|rofl|kek|"
                r"(?:개|존|넘|완전)?웃(?:겨|기네|기다|긴다|김|기당|기넹|기넼|기내)요?|"
                r"funny|hilarious|빵터졌다|빵터짐"), "laugh"),
    (re.compile(r"ㅎ+|(?:히|헤|호|흐){2,}|(?:he|hi){2,}h?|hihi|teehee"), "smile"),
    (re.compile(r"[ㅠㅜ]+|(?:흑|엉|훌쩍){2,}|boohoo|sob"), "sad"),
)
# Words that only colour a reaction ("아 ㅋㅋ 진짜 웃기다", "omg lol so funny").
_COLOUR = frozenset({
    "아", "와", "헐", "오", "진짜", "정말", "완전", "너무", "넘", "개", "존나", "겁나", "so",
    "very",
    "really", "too", "omg", "oh", "that's", "thats", "that", "is", "it's", "its", "ㅇㅈ",
})
_IGNORED = re.compile("[\ufe0f\ufe0e\u200d\U0001f3fb-\U0001f3ff]")
_WORD = re.compile(r"[^\s,.!?~;:'\"]+")


def reaction_of(text: str) -> IntentName | None:
    """The expression that answers a message made only of laughter/emoji/emoticons, else None."""
    text = _IGNORED.sub("", text).lower()  # no NFKC: it would turn ㅋ into a conjoining jamo
    found: list[tuple[int, IntentName]] = []
    for match in _EMOTICON.finditer(text):
        found.append((match.start(), _EMOTICONS[match.group()]))
    text = _EMOTICON.sub(" ", text)
    for position, char in enumerate(text):
        if char in _EMOJI:
            found.append((position, _EMOJI[char]))
        elif unicodedata.category(char) == "So":
            return None  # some other symbol: not a reaction we know
    text = "".join(" " if char in _EMOJI else char for char in text)
    for match in _WORD.finditer(text):
        word = match.group()
        reaction = next((intent for pattern, intent in _WORDS if pattern.fullmatch(word)), None)
        if reaction is not None:
            found.append((match.start(), reaction))
        elif word not in _COLOUR:
            return None
    return min(found)[1] if found else None
