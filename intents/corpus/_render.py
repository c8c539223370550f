"""Render one phrase family as one step: a request, a sequence half, or a negation.

The renderer decides the modifiers itself (from its own word lists with their buckets), so the
gold intensity and repeat of every row come from the generator, not from the code under test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from contracts.plan import DEFAULT_INTENSITY
from intents.corpus import _english as E
from intents.corpus import _korean as K
from intents.corpus._cores import EnCore, KoCore, KoNounCore, KoVerbCore

NO_MODIFIERS = frozenset({"talk", "neutral", "chat"})
COUNTABLE = frozenset({"blink", "wink", "nod", "shake_head", "kiss", "laugh", "smile", "surprise"})
HELD_TEMPLATE_EVERY = 7


@dataclass(frozen=True, slots=True)
class Rendered:
    """One rendered step.

    Attributes:
        text: the words.
        intensity: gold intensity bucket.
        repeat: gold repeat count.
        marks: modifier words that were inserted (typos must not touch them).
        template: template id, for the held-out split.
    """

    text: str
    intensity: float = DEFAULT_INTENSITY
    repeat: int = 1
    marks: tuple[str, ...] = ()
    template: str = ""

    @property
    def held(self) -> bool:
        """Whether the template is one of those kept out of training."""
        return bool(self.template) and int(self.template[2:]) % HELD_TEMPLATE_EVERY == 5


@dataclass(frozen=True, slots=True)
class _Mods:
    strength: str = ""
    intensity: float = DEFAULT_INTENSITY
    count: str = ""
    repeat: int = 1

    @property
    def marks(self) -> tuple[str, ...]:
        return tuple(word for word in (self.strength, self.count) if word)


def _ko_mods(intent: str, rng: random.Random, countable: bool = True) -> _Mods:
    if intent in NO_MODIFIERS:
        return _Mods()
    strength, intensity = "", DEFAULT_INTENSITY
    roll = rng.random()
    if roll < 0.15:
        strength, intensity = rng.choice(K.LOW_WORDS), 0.35
    elif roll < 0.3:
        words = K.HIGH_WORDS + (K.SMILE_HIGH_WORDS if intent in ("smile", "laugh") else ())
        strength, intensity = rng.choice(words), 1.0
    count, repeat = "", 1
    if countable and rng.random() < (0.25 if intent in COUNTABLE else 0.04):
        count, repeat = rng.choice(K.COUNT_WORDS)
    return _Mods(strength, intensity, count, repeat)


def _en_mods(intent: str, rng: random.Random, options: tuple[tuple[str, float], ...]) -> _Mods:
    if intent in NO_MODIFIERS:
        return _Mods()
    strength, intensity = "", DEFAULT_INTENSITY
    if rng.random() < 0.3:
        strength, intensity = rng.choice(options)
    count, repeat = "", 1
    if rng.random() < (0.25 if intent in COUNTABLE else 0.04):
        count, repeat = rng.choice(E.COUNTS)
    return _Mods(strength, intensity, count, repeat)


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _ko_head(core: KoVerbCore, rng: random.Random) -> str:
    """The object (with or without its particle or 좀) and the phrase's own adverb."""
    if not core.obj:
        return core.adverb
    options = [core.obj, f"{core.obj} 좀"]
    if core.particle:
        options += [f"{core.obj}{core.particle}", f"{core.obj}{core.particle}"]
    return _join(rng.choice(options), core.adverb)


def _ko_verb_phrase(core: KoVerbCore, form: str, mods: _Mods, rng: random.Random) -> str:
    """Object, modifiers and a verb form in a natural order ("고개 두 번 크게 끄덕여")."""
    head = _ko_head(core, rng)
    middle = [mods.strength, mods.count]
    if rng.random() < 0.5:
        middle.reverse()
    if head and mods.strength and rng.random() < 0.4:
        head, middle = _join(mods.strength, head), [mods.count]
    between = _join(*middle)
    if core.verb.a == "해" and head and not between:
        return head + rng.choice(("", " ")) + form
    return _join(head, between, form)


def ko_request(core: KoCore, intent: str, rng: random.Random) -> Rendered:
    """A full Korean request for one step, with a random prefix and modifiers."""
    prefix = rng.choice(K.PREFIXES)
    if isinstance(core, KoNounCore):
        index = rng.randrange(len(K.NOUN_FORMS))
        template = K.NOUN_FORMS[index]
        mods = _ko_mods(intent, rng, countable="한" not in template)
        noun = _join(mods.strength, core.noun, mods.count)
        return Rendered(prefix + template.format(n=noun), mods.intensity, mods.repeat,
                        mods.marks, f"kn{index}")
    index = rng.randrange(len(K.REQUESTS))
    mods = _ko_mods(intent, rng)
    form = K.fill(K.REQUESTS[index], core.verb)
    text = prefix + _ko_verb_phrase(core, form, mods, rng)
    return Rendered(text, mods.intensity, mods.repeat, mods.marks, f"kv{index}")


def ko_first(core: KoVerbCore, intent: str, rng: random.Random) -> tuple[Rendered, bool]:
    """The first half of a Korean sequence ("활짝 웃다가"); True when the order reverses."""
    index = rng.randrange(len(K.SEQUENCE_FIRST))
    template, reverses = K.SEQUENCE_FIRST[index]
    mods = _ko_mods(intent, rng)
    text = _ko_verb_phrase(core, K.fill(template, core.verb), mods, rng)
    return Rendered(text, mods.intensity, mods.repeat, mods.marks, f"ks{index}"), reverses


def ko_negation(core: KoVerbCore, rng: random.Random, then: bool = False) -> Rendered:
    """"웃지 마", "웃는 거 그만해"; with `then`, the "-지 말고" half of an instead-sequence."""
    templates = K.NEGATED_THEN if then else K.NEGATIONS
    index = rng.randrange(len(templates))
    text = _ko_verb_phrase(core, K.fill(templates[index], core.verb), _Mods(), rng)
    return Rendered(text, template=f"kg{index}")


def _en_np(core: EnCore, mods: _Mods) -> str:
    return E.fix_articles(f"a {_join(mods.strength, core.text)}")


def en_request(core: EnCore, intent: str, rng: random.Random) -> Rendered:
    """A full English request for one step."""
    if core.kind == "vp":
        after = rng.random() < 0.6
        mods = _en_mods(intent, rng, E.VP_AFTER if after else E.VP_BEFORE)
        phrase = _join(core.text, mods.strength) if after else _join(mods.strength, core.text)
        index = rng.randrange(len(E.VP_FRAMES))
        text = E.VP_FRAMES[index].format(x=_join(phrase, mods.count))
        return Rendered(text, mods.intensity, mods.repeat, mods.marks, f"ev{index}")
    if core.kind == "np":
        mods = _en_mods(intent, rng, E.NP_MODIFIERS)
        index = rng.randrange(len(E.NP_FRAMES))
        text = E.NP_FRAMES[index].format(np=_en_np(core, mods))
        if mods.count:
            text = f"{text[:-1]} {mods.count}?" if text.endswith("?") else f"{text} {mods.count}"
        return Rendered(text, mods.intensity, mods.repeat, mods.marks, f"en{index}")
    if core.kind == "adj":
        mods = _en_mods(intent, rng, E.ADJ_MODIFIERS)
        index = rng.randrange(len(E.ADJ_FRAMES))
        text = E.fix_articles(E.ADJ_FRAMES[index].format(adj=_join(mods.strength, core.text)))
        return Rendered(text, mods.intensity, 1, mods.marks[:1], f"ea{index}")
    index = rng.randrange(len(E.FIXED_FRAMES))
    return Rendered(E.FIXED_FRAMES[index].format(x=core.text), template=f"ef{index}")


def en_bare(core: EnCore, intent: str, rng: random.Random) -> Rendered:
    """One English step without a frame, for sequences ("smile a little", "look sad")."""
    if core.kind == "vp":
        mods = _en_mods(intent, rng, E.VP_AFTER)
        return Rendered(_join(core.text, mods.strength, mods.count), mods.intensity, mods.repeat,
                        mods.marks)
    if core.kind == "np":
        mods = _en_mods(intent, rng, E.NP_MODIFIERS)
        verb = rng.choice(("give me", "do", "show me"))
        return Rendered(_join(verb, _en_np(core, mods), mods.count), mods.intensity, mods.repeat,
                        mods.marks)
    if core.kind == "adj":
        mods = _en_mods(intent, rng, E.ADJ_MODIFIERS)
        adjective = _join(mods.strength, core.text)
        frame = rng.choice(("look {adj}", "act {adj}", "be {adj}", "look {adj}"))
        return Rendered(frame.format(adj=adjective), mods.intensity, 1, mods.marks[:1])
    return Rendered(core.text)


def en_negation(core: EnCore, rng: random.Random) -> Rendered:
    """"don't smile", "stop nodding", "don't look sad"."""
    if core.kind == "adj":
        options = ("don't look {a}", "don't be {a}", "stop looking {a}", "stop being {a}",
                   "no more {a} faces", "don't act {a}", "quit looking {a}")
        index = rng.randrange(len(options))
        return Rendered(options[index].format(a=core.text), template=f"ed{index}")
    if core.kind == "np":
        options = ("no more {n}s", "stop making {a} {n}", "don't give me {a} {n}", "enough {n}s")
        index = rng.randrange(len(options))
        text = E.fix_articles(options[index].format(n=core.text, a="a"))
        return Rendered(text, template=f"ep{index}")
    index = rng.randrange(len(E.NEGATIONS))
    ing = core.ing or core.text
    return Rendered(E.NEGATIONS[index].format(x=core.text, ing=ing), template=f"eg{index}")
