"""Assemble the corpus: single steps, sequences, negations, chat, quoted talk, hand-written lines.

Everything is drawn from one seeded `random.Random`, so the same code always writes the same
JSONL. Rows know which phrase family and template made them; a row whose family or template is
held out goes to the held-out split, so that split measures generalisation to unseen phrasings.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.plan import DEFAULT_INTENSITY, INTENTS
from intents._hangul import has_hangul
from intents.corpus import _chat as C
from intents.corpus import _english as E
from intents.corpus import _korean as K
from intents.corpus import _noise as N
from intents.corpus._cores import EnCore, KoCore, KoNounCore, KoVerbCore
from intents.corpus._handwritten import HANDWRITTEN
from intents.corpus._lexicon_en import ENGLISH
from intents.corpus._lexicon_ko import KOREAN
from intents.corpus._render import (
    Rendered,
    en_bare,
    en_negation,
    en_request,
    ko_first,
    ko_negation,
    ko_request,
)

SEED = 20240607
PER_KO_FAMILY = 24
PER_EN_FAMILY = 22
SEQUENCES = {"ko": 2600, "en": 2000}
INSTEAD_SEQUENCES = {"ko": 300, "en": 250}
GARBAGE_ROWS = 1600
LISTED_ROWS = 900
QUOTES = ("안녕하세요", "사랑해", "반가워요", "화이팅", "고마워", "hello world", "good morning",
          "i love you", "nice to meet you", "have a good day", "오늘도 힘내", "잘 부탁해")
_NOISY_MARKS = (
    "다가", "고", "나서", "다음", "후에", "뒤에", "지", "말", "그만", "면서", "전에", "then", "and",
    "don't", "stop", "never", "quit", "no", "after", "before", "instead",
)
Step3 = tuple[str, float, int]


@dataclass(frozen=True, slots=True)
class Row:
    """One corpus line: the utterance, its gold steps, and per-segment classifier labels."""

    text: str
    steps: tuple[Step3, ...]
    labels: tuple[str, ...]
    family: str
    held: bool

    @property
    def lang(self) -> str:
        """"ko", "en" or "mix" (Hangul and Latin letters)."""
        latin = re.search(r"[a-zA-Z]", self.text) is not None
        if has_hangul(self.text):
            return "mix" if latin else "ko"
        return "en"

    def to_json(self) -> dict[str, object]:
        steps = [{"intent": i, "intensity": s, "repeat": r} for i, s, r in self.steps]
        return {"text": self.text, "steps": steps, "labels": list(self.labels),
                "lang": self.lang, "family": self.family}


def _step(intent: str, rendered: Rendered | None = None, times_said: int = 1) -> Step3:
    """The gold step; an action named N times ("nod nod") without a count plays N times."""
    if intent in ("neutral", "talk", "chat"):
        return (intent, DEFAULT_INTENSITY, 1)
    if rendered is None:
        return (intent, DEFAULT_INTENSITY, times_said)
    return (intent, rendered.intensity, rendered.repeat if rendered.repeat > 1 else times_said)


def _families() -> dict[str, list[tuple[str, str, list[KoCore] | list[EnCore]]]]:
    """(intent, key, cores) per language; Korean cores sharing a key form one family."""
    korean: dict[tuple[str, str], list[KoCore]] = {}
    for intent, cores in KOREAN.items():
        for core in cores:
            korean.setdefault((intent, core.key), []).append(core)
    english = [(intent, core.key, [core]) for intent, cores in ENGLISH.items() for core in cores]
    return {"ko": [(i, k, c) for (i, k), c in korean.items()], "en": english}


def _noisy(row: Row, rendered: Rendered, rng: random.Random) -> Iterator[Row]:
    """Zero or more damaged copies of a single-step row."""
    protected = (*rendered.marks, *_NOISY_MARKS)
    damage = []
    if rng.random() < 0.16:
        damage.append(N.typo(row.text, rng, protected))
    if has_hangul(row.text) and rng.random() < 0.14 and not rendered.marks:
        damage.append(N.respace(row.text, rng))
    if rng.random() < 0.16:
        damage.append(N.chat_noise(row.text, rng))
    if rng.random() < 0.05:
        damage.append(N.elongate(row.text, rng))
    if not has_hangul(row.text) and rng.random() < 0.05:
        damage.append(N.shout(row.text, rng))
    for text in damage:
        yield Row(text, row.steps, row.labels, row.family, row.held)


def _singles(rng: random.Random) -> Iterator[Row]:
    for lang, families in _families().items():
        per_family = PER_KO_FAMILY if lang == "ko" else PER_EN_FAMILY
        for intent, key, cores in families:
            family = f"{intent}/{lang}/{key}"
            for _ in range(per_family):
                core = rng.choice(cores)
                if isinstance(core, EnCore):
                    rendered = en_request(core, intent, rng)
                else:
                    rendered = ko_request(core, intent, rng)
                times = core.times_said if isinstance(core, EnCore) else 1
                row = Row(rendered.text, (_step(intent, rendered, times),), (intent,), family,
                          core.held or rendered.held)
                yield row
                yield from _noisy(row, rendered, rng)
            yield from _negations(intent, family, cores, rng)
            yield from _mixed(intent, family, cores, rng)


def _negations(intent: str, family: str, cores: list, rng: random.Random) -> Iterator[Row]:
    if intent == "neutral":
        return
    for _ in range(6):
        core = rng.choice(cores)
        if isinstance(core, KoNounCore):
            continue
        rendered = en_negation(core, rng) if isinstance(core, EnCore) else ko_negation(core, rng)
        row = Row(rendered.text, (_step("neutral"),), (intent,), f"neg/{family}",
                  core.held or rendered.held)
        yield row
        if rng.random() < 0.2:
            yield Row(N.chat_noise(row.text, rng), row.steps, row.labels, row.family, row.held)


def _mixed(intent: str, family: str, cores: list, rng: random.Random) -> Iterator[Row]:
    """English words with Korean endings: "look left 해줘", "blink 두 번 해봐"."""
    core = cores[0]
    if not isinstance(core, EnCore) or core.kind != "vp" or len(core.text.split()) > 2:
        return
    for index in range(3):
        suffix = rng.choice((" 해줘", " 해봐", " 해 주세요", " 좀 해줘", " 해", "해줘", " 해볼래?"))
        text = core.text + suffix
        yield Row(text, (_step(intent, times_said=core.times_said),), (intent,), f"mix/{family}",
                  core.held or index == 2)


def _sequence_parts(lang: str) -> tuple[list, list]:
    """Families that may come first (no `neutral`; in Korean, only those with a verb) and second."""
    families = _families()[lang]
    first = [
        family
        for family in families
        if family[0] != "neutral"
        and (lang == "en" or any(isinstance(core, KoVerbCore) for core in family[2]))
    ]
    return first, families


def _ko_sequence(rng: random.Random, first: list, second: list) -> Row:
    (i1, k1, c1), (i2, k2, c2) = rng.choice(first), rng.choice(second)
    while i2 == i1:
        i2, k2, c2 = rng.choice(second)
    verbs = [core for core in c1 if isinstance(core, KoVerbCore)]
    core1, core2 = rng.choice(verbs), rng.choice(c2)
    second_part = ko_request(core2, i2, random.Random(rng.random()))
    if rng.random() < 0.8:
        first_part, reverses = ko_first(core1, i1, rng)
        text = f"{first_part.text} {second_part.text.strip()}"
        template = first_part.template
    else:
        first_part, reverses = ko_request(core1, i1, rng), False
        index = rng.randrange(len(K.SEQUENCE_JOINS))
        text = K.SEQUENCE_JOINS[index].format(x=first_part.text, y=second_part.text.strip())
        template = f"kj{index}"
    steps = [(_step(i1, first_part), i1), (_step(i2, second_part), i2)]
    if reverses:
        steps.reverse()
    held = core1.held or core2.held or first_part.held or Rendered("", template=template).held
    return Row(text, tuple(s for s, _ in steps), tuple(label for _, label in steps),
               f"seq/ko/{k1}+{k2}", held)


def _en_sequence(rng: random.Random, first: list, second: list) -> Row:
    (i1, k1, c1), (i2, k2, c2) = rng.choice(first), rng.choice(second)
    while i2 == i1:
        i2, k2, c2 = rng.choice(second)
    part1, part2 = en_bare(c1[0], i1, rng), en_bare(c2[0], i2, rng)
    index = rng.randrange(len(E.SEQUENCE_JOINS))
    template, _ = E.SEQUENCE_JOINS[index]
    text = template.format(x=part1.text, y=part2.text)
    held = c1[0].held or c2[0].held or index % 7 == 5
    steps = (_step(i1, part1, c1[0].times_said), _step(i2, part2, c2[0].times_said))
    return Row(text, steps, (i1, i2), f"seq/en/{k1}+{k2}", held)


def _sequences(rng: random.Random) -> Iterator[Row]:
    for lang, count in SEQUENCES.items():
        first, second = _sequence_parts(lang)
        make = _ko_sequence if lang == "ko" else _en_sequence
        for _ in range(count):
            row = make(rng, first, second)
            yield row
            if rng.random() < 0.1:
                yield Row(N.chat_noise(row.text, rng), row.steps, row.labels, row.family, row.held)


def _instead(rng: random.Random) -> Iterator[Row]:
    """"웃지 말고 윙크해", "don't smile, wink instead" → only the second step plays."""
    for lang, count in INSTEAD_SEQUENCES.items():
        first, second = _sequence_parts(lang)
        for _ in range(count):
            (i1, k1, c1), (i2, k2, c2) = rng.choice(first), rng.choice(second)
            if i1 == i2 or i2 == "neutral":
                continue
            if lang == "ko":
                verbs = [core for core in c1 if isinstance(core, KoVerbCore)]
                if not verbs:
                    continue
                negated = ko_negation(rng.choice(verbs), rng, then=True)
                request = ko_request(rng.choice(c2), i2, rng)
                text, held = f"{negated.text} {request.text.strip()}", negated.held
            else:
                if c1[0].kind != "vp":
                    continue
                request = en_bare(c2[0], i2, rng)
                index = rng.randrange(len(E.NEGATED_THEN))
                text = E.NEGATED_THEN[index].format(x=c1[0].text, ing=c1[0].ing, y=request.text)
                held = index % 7 == 5
            held = held or c1[0].held or c2[0].held
            times = c2[0].times_said if isinstance(c2[0], EnCore) else 1
            yield Row(text, (_step(i2, request, times),), (i1, i2), f"instead/{lang}/{k1}+{k2}",
                      held)


def _chat(rng: random.Random) -> Iterator[Row]:
    chat_step = (_step("chat"),)
    for source, lines in (("ko", C.KOREAN_CHAT), ("en", C.ENGLISH_CHAT)):
        for index, line in enumerate(lines):
            row = Row(line, chat_step, ("chat",), f"chat/{source}/{index}", index % 10 == 2)
            yield row
            for _ in range(2):
                yield Row(N.chat_noise(line, rng), chat_step, ("chat",), row.family, row.held)
    for intent, key, cores in _families()["ko"]:
        for core in cores:
            if not isinstance(core, KoVerbCore) or intent in ("neutral", "talk"):
                continue
            for index in rng.sample(range(len(C.KOREAN_CHAT_TEMPLATES)), 5):
                text = K.fill(C.KOREAN_CHAT_TEMPLATES[index], core.verb)
                if core.obj:
                    head = f"{core.obj}{rng.choice(('', core.particle))} {core.adverb}"
                    text = " ".join(f"{head} {text}".split())
                yield Row(text, chat_step, ("chat",), f"chat/ko/{key}", core.held or index % 8 == 3)
    yield from _english_chat(rng)
    yield from _states_and_unsupported(rng)


def _states_and_unsupported(rng: random.Random) -> Iterator[Row]:
    """"나 너무 슬퍼", "행복해?"; "노래 불러줘", "dance for me": chat, with request-like endings."""
    chat_step = (_step("chat"),)
    for index, state in enumerate(C.KOREAN_STATES):
        for frame in rng.sample(C.KOREAN_STATE_FRAMES, 6):
            yield Row(frame.format(s=state), chat_step, ("chat",), f"chat/state/{index}",
                      index % 7 == 3)
    for index, spec in enumerate(C.KOREAN_UNSUPPORTED):
        verb = K.Verb.parse(spec)
        for template in rng.sample(K.REQUESTS, 8):
            yield Row(K.fill(template, verb), chat_step, ("chat",), f"chat/unsupported/ko{index}",
                      index % 7 == 3)
    for index, phrase in enumerate(C.ENGLISH_UNSUPPORTED):
        for frame in rng.sample(E.VP_FRAMES, 6):
            yield Row(frame.format(x=phrase), chat_step, ("chat",), f"chat/unsupported/en{index}",
                      index % 7 == 3)


def _english_chat(rng: random.Random) -> Iterator[Row]:
    chat_step = (_step("chat"),)
    templates = {"vp": C.ENGLISH_VP_CHAT_TEMPLATES, "adj": C.ENGLISH_ADJ_CHAT_TEMPLATES,
                 "np": C.ENGLISH_NP_CHAT_TEMPLATES}
    for intent, cores in ENGLISH.items():
        if intent in ("neutral", "talk"):
            continue
        for core in cores:
            options = templates.get(core.kind, ())
            for index in rng.sample(range(len(options)), min(4, len(options))):
                text = options[index].format(x=core.text, ing=core.ing, adj=core.text, n=core.text)
                yield Row(text, chat_step, ("chat",), f"chat/en/{core.key}",
                          core.held or index % 8 == 3)


def _quoted_talk(rng: random.Random) -> Iterator[Row]:
    templates = ("'{q}'라고 말해봐", "{q}라고 해봐", '"{q}" 라고 말해 줘', "say '{q}'", 'say "{q}"',
                 "{q}라고 말해줄래?", "can you say '{q}'?", "'{q}' 해봐")
    for index, template in enumerate(templates):
        for quote in rng.sample(QUOTES, 6):
            yield Row(template.format(q=quote), (_step("talk"),), ("talk",), f"quote/{index}",
                      index % 4 == 3)


def _listed(rng: random.Random) -> Iterator[Row]:
    """"웃기 -> 윙크하기 -> 끄덕이기": steps named by their -기 nouns, in a list."""
    families = [family for family in _sequence_parts("ko")[0] if family[0] != "talk"]
    for index in range(LISTED_ROWS):
        picked = rng.sample(families, rng.randint(2, 3))
        parts, held = [], index % 9 == 4
        for _, _, cores in picked:
            core = rng.choice([core for core in cores if isinstance(core, KoVerbCore)])
            form = K.fill(rng.choice(K.LISTED), core.verb)
            parts.append(" ".join(f"{core.obj} {core.adverb} {form}".split()))
            held = held or core.held
        join = K.LIST_JOINS[index % len(K.LIST_JOINS)]
        intents = tuple(intent for intent, _, _ in picked)
        yield Row(join.join(parts), tuple(_step(intent) for intent in intents), intents,
                  f"list/ko/{'+'.join(key for _, key, _ in picked)}", held)


def _garbage(rng: random.Random) -> Iterator[Row]:
    """Keyboard mashes, random syllables and decoded binary: chat, so that odd n-grams in
    unknown text never add up to a confident expression."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for index in range(GARBAGE_ROWS):
        kind = index % 4
        if kind == 0:
            words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
                     for _ in range(rng.randint(1, 4))]
        elif kind == 1:
            words = ["".join(chr(rng.randint(0xAC00, 0xD7A3)) for _ in range(rng.randint(1, 4)))
                     for _ in range(rng.randint(1, 3))]
        elif kind == 2:
            words = [bytes(rng.randrange(256) for _ in range(rng.randint(4, 40))).decode("latin-1")]
        else:
            pool = letters + "0123456789" + "가나다라마바사아자차카타파하ㅋㅎ"
            words = ["".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
                     for _ in range(rng.randint(1, 3))]
        yield Row(" ".join(words), (_step("chat"),), ("chat",), f"noise/{kind}/{index}",
                  index % 5 == 4)


def _handwritten() -> Iterator[Row]:
    for index, line in enumerate(HANDWRITTEN):
        text, _, spec = line.partition(" => ")
        steps = tuple(_parse_step(token) for token in spec.split())
        labels = tuple(step[0] for step in steps)
        yield Row(text, steps, labels, f"hand/{index}", index % 3 == 2)


def _parse_step(token: str) -> Step3:
    match = re.fullmatch(r"([a-z_]+?)([\^_]?)(?:\*(\d+))?", token)
    if match is None:
        raise ValueError(f"bad step {token!r} in the hand-written corpus")
    intent, mark, repeat = match.groups()
    if intent not in INTENTS:
        raise ValueError(f"unknown intent {intent!r} in the hand-written corpus")
    intensity = {"^": 1.0, "_": 0.35}.get(mark, DEFAULT_INTENSITY)
    return (intent, intensity, int(repeat or 1))


def build_corpus(seed: int = SEED) -> list[Row]:
    """Every row, in generation order, duplicates (same text) removed keeping the first."""
    rng = random.Random(seed)
    rows: list[Row] = []
    seen: set[str] = set()
    for source in (_handwritten(), _singles(rng), _sequences(rng), _instead(rng), _chat(rng),
                   _quoted_talk(rng), _garbage(rng), _listed(rng)):
        for row in source:
            key = row.text.strip().lower()
            if key and key not in seen:
                seen.add(key)
                rows.append(row)
    return rows
