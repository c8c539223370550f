"""The building blocks of the lexicon: one *core* is one way of naming an expression.

A core is a phrase family ("미소 짓다", "give a smile", "look surprised"); the generator renders
each core through many templates. Cores marked `held` never reach training: they measure
whether the classifier generalises to a paraphrase it has not seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from intents.corpus._korean import Verb


@dataclass(frozen=True, slots=True)
class KoVerbCore:
    """An (optional) object plus a verb: "미소(를) 지어", "고개(를) 위아래로 흔들어", "웃어".

    Attributes:
        obj: the object, or "" ("웃어").
        particle: its object particle, used in some renderings ("미소를 지어").
        verb: the verb's forms.
        adverb: words between object and verb that belong to the phrase ("위아래로").
    """

    key: str
    obj: str
    particle: str
    verb: Verb
    held: bool = False
    adverb: str = ""


@dataclass(frozen=True, slots=True)
class KoNounCore:
    """A noun or interjection that works alone: "윙크!", "스마일 부탁해", "도리도리"."""

    key: str
    noun: str
    held: bool = False


@dataclass(frozen=True, slots=True)
class EnCore:
    """An English phrase family.

    Attributes:
        kind: "vp" (verb phrase: "nod your head"), "np" (noun: "smile" → "give me a smile"),
            "adj" (state: "surprised" → "look surprised"), "fixed" (used as written: "mwah").
        text: the phrase.
        ing: gerund form of a verb phrase ("nodding your head"), for "stop …ing".
    """

    key: str
    kind: str
    text: str
    ing: str = ""
    held: bool = False

    @property
    def times_said(self) -> int:
        """"blink blink" names the action twice, so it plays twice; any other phrase once."""
        words = self.text.split()
        return len(words) if len(words) > 1 and len(set(words)) == 1 else 1


KoCore = KoVerbCore | KoNounCore

V = Verb.parse
HADA = Verb.hada("")
JIEO = V("지어|지으|짓|지은|지을|짓는")
BOYEO = V("보여|보여주|보여주|보여준|보여줄|보여주는")
MANDEUREO = V("만들어|만드|만들|만든|만들|만드는")


_OBJ_SPEC = re.compile(r"^(?P<obj>[^(]*)(?:\((?P<particle>[^)]*)\))?(?P<adverb>.*)$")


def vp(obj_spec: str, verb: Verb | str, held: bool = False, key: str = "") -> list[KoCore]:
    """A verb core; `obj_spec` is "", "object", "object(particle)" or "object(particle) adverb",
    e.g. "미소(를)", "고개(를) 위아래로"."""
    verb = V(verb) if isinstance(verb, str) else verb
    parts = _OBJ_SPEC.match(obj_spec)
    assert parts is not None  # the pattern matches any string
    obj, particle, adverb = parts["obj"].strip(), parts["particle"] or "", parts["adverb"].strip()
    name = key or f"{obj}{adverb}{verb.stem}".replace(" ", "")
    return [KoVerbCore(name, obj, particle, verb, held, adverb)]


def noun(word: str, held: bool = False, hada: bool = True) -> list[KoCore]:
    """A noun core, plus "<noun> 해" as a verb core when the noun takes 하다."""
    cores: list[KoCore] = [KoNounCore(word.replace(" ", ""), word, held)]
    if hada:
        cores.append(KoVerbCore(word.replace(" ", ""), word, "", HADA, held))
    return cores


def face(phrase: str, particle: str = "을", held: bool = False) -> list[KoCore]:
    """An expression noun phrase: "놀란 표정" → 지어 / 해 / 보여줘 / 만들어."""
    key = phrase.replace(" ", "")
    return [
        KoVerbCore(key, phrase, particle, verb, held) for verb in (JIEO, HADA, BOYEO, MANDEUREO)
    ]


def en(text: str, ing: str = "", held: bool = False) -> EnCore:
    """An English verb phrase; the gerund is derived unless given."""
    return EnCore(text, "vp", text, ing or gerund(text), held)


def en_np(text: str, held: bool = False) -> EnCore:
    """An English noun ("smile", "kissy face") used as "give me a <noun>"."""
    return EnCore(f"np:{text}", "np", text, "", held)


def en_adj(text: str, held: bool = False) -> EnCore:
    """An English state ("surprised") used as "look <adj>", "make a <adj> face"."""
    return EnCore(f"adj:{text}", "adj", text, "", held)


def en_fixed(text: str, held: bool = False) -> EnCore:
    """An English word used as written ("mwah", "cheese")."""
    return EnCore(f"fixed:{text}", "fixed", text, "", held)


def hold(lexicon: dict[str, list], keys: frozenset[str]) -> dict[str, list]:
    """The lexicon with the families named in `keys` marked held out.

    Raises:
        ValueError: a key names no family (a typo would silently hold nothing out).
    """
    known = {core.key for cores in lexicon.values() for core in cores}
    missing = sorted(keys - known)
    if missing:
        raise ValueError(f"held-out keys name no family: {missing}")
    return {
        intent: [replace(core, held=core.key in keys) for core in cores]
        for intent, cores in lexicon.items()
    }


_DOUBLED = {"nod", "grin", "shut", "get", "nap", "sob", "stop", "drop", "bat", "tap", "wag"}


def gerund(text: str) -> str:
    """The -ing form of a verb phrase's first word ("nod your head" → "nodding your head")."""
    verb, _, rest = text.partition(" ")
    if verb in _DOUBLED:
        ing = f"{verb}{verb[-1]}ing"
    elif verb.endswith("ie"):
        ing = f"{verb[:-2]}ying"
    elif verb.endswith("e") and not verb.endswith("ee"):
        ing = f"{verb[:-1]}ing"
    else:
        ing = f"{verb}ing"
    return f"{ing} {rest}".strip()
