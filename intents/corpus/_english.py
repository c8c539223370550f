"""English sentence templates and modifier phrasings for the corpus generator.

Templates are grouped by the kind of core they take (verb phrase, noun, state, fixed word); the
index of a template is its id for the held-out split.
"""

from __future__ import annotations

import re

VP_FRAMES: tuple[str, ...] = (
    "{x}", "{x} please", "please {x}", "can you {x}?", "could you {x}?", "would you {x}?",
    "can u {x}", "{x} for me", "i want you to {x}", "i'd like you to {x}", "let me see you {x}",
    "go ahead and {x}", "try to {x}", "will you {x}?", "{x}!", "{x} now", "now {x}", "hey {x}",
    "ok {x}", "pls {x}", "just {x}", "can you please {x}?", "could you please {x} for me?",
    "{x} for me please", "you should {x}", "i need you to {x}", "let's see you {x}", "{x} plz",
    "do me a favor and {x}", "quick, {x}", "why don't you {x}?", "how about you {x}?",
    "can you {x} for me?", "could u {x} pls", "you gotta {x}", "{x}, please", "kindly {x}",
    "hey, can you {x}?", "wanna {x}?", "try and {x}", "show me how you {x}", "okay now {x}",
    "{x} real quick", "can you just {x}?", "alright, {x}", "please {x} for me", "{x} ok?",
    "time to {x}", "so {x}", "yo {x}", "c'mon, {x}",
    "are you able to {x}?", "i wanna see you {x}", "could you maybe {x}?",
)
NP_FRAMES: tuple[str, ...] = (
    "give me {np}", "show me {np}", "{np} please", "can i get {np}?", "let's see {np}",
    "how about {np}?", "i want {np}", "can you give me {np}?", "give us {np}", "{np}!",
    "{np} for me", "i'd love {np}", "do {np}", "make {np}", "gimme {np}", "let me see {np}",
    "could you do {np}?", "can you make {np}?", "i want to see {np}", "{np} pls",
    "show us {np}", "can we get {np}?", "please give me {np}", "do {np} for me",
)
ADJ_FRAMES: tuple[str, ...] = (
    "look {adj}", "be {adj}", "act {adj}", "make a {adj} face", "{adj} face",
    "show me a {adj} face",
    "give me a {adj} face", "pull a {adj} face", "put on a {adj} face", "can you look {adj}?",
    "try to look {adj}", "pretend to be {adj}", "pretend you're {adj}", "show me your {adj} face",
    "do a {adj} face", "let me see a {adj} face", "make a {adj} expression",
    "{adj} expression please", "act like you're {adj}", "get {adj}", "{adj}!", "{adj} look",
    "could you look {adj}?", "look {adj} for me", "can you act {adj}?", "show me {adj}",
    "give me your best {adj} face", "make your face look {adj}", "feel {adj}",
    "what does a {adj} face look like?", "what do you look like when you're {adj}?",
    "show me what {adj} looks like", "let's see your {adj} face",
)
FIXED_FRAMES: tuple[str, ...] = ("{x}", "{x}!", "{x} please", "{x} for me", "now {x}", "{x} ok")

# (phrase, intensity) placed after a verb phrase, before it, inside a noun phrase, before an adj.
VP_AFTER: tuple[tuple[str, float], ...] = (
    ("a little", 0.35), ("slightly", 0.35), ("a bit", 0.35), ("a little bit", 0.35),
    ("gently", 0.35), ("softly", 0.35), ("a lot", 1.0), ("really big", 1.0), ("big", 1.0),
    ("hard", 1.0), ("as much as you can", 1.0), ("really hard", 1.0), ("super big", 1.0),
)
VP_BEFORE: tuple[tuple[str, float], ...] = (
    ("slightly", 0.35), ("gently", 0.35), ("softly", 0.35), ("just slightly", 0.35),
    ("kinda", 0.35), ("a little", 0.35), ("really", 1.0),
)
NP_MODIFIERS: tuple[tuple[str, float], ...] = (
    ("little", 0.35), ("small", 0.35), ("tiny", 0.35), ("slight", 0.35), ("subtle", 0.35),
    ("soft", 0.35), ("gentle", 0.35), ("big", 1.0), ("huge", 1.0), ("wide", 1.0),
    ("massive", 1.0), ("really big", 1.0), ("very big", 1.0), ("super big", 1.0),
    ("broad", 1.0),
)
ADJ_MODIFIERS: tuple[tuple[str, float], ...] = (
    ("a little", 0.35), ("slightly", 0.35), ("a bit", 0.35), ("kinda", 0.35), ("somewhat", 0.35),
    ("mildly", 0.35), ("very", 1.0), ("really", 1.0), ("super", 1.0), ("extremely", 1.0),
    ("totally", 1.0), ("really really", 1.0),
)
COUNTS: tuple[tuple[str, int], ...] = (
    ("twice", 2), ("two times", 2), ("2 times", 2), ("three times", 3), ("3 times", 3),
    ("x2", 2), ("x3", 3), ("four times", 4), ("a couple of times", 2), ("once", 1),
    ("5 times", 5), ("2x", 2), ("a few times", 3), ("several times", 3),
)

SEQUENCE_JOINS: tuple[tuple[str, bool], ...] = (
    ("{x} then {y}", False), ("{x} and then {y}", False), ("{x}, then {y}", False),
    ("{x} and {y}", False), ("{x}, {y}", False), ("first {x}, then {y}", False),
    ("{x}, after that {y}", False), ("{x}. then {y}", False), ("{x}, and then {y}", False),
    ("{x} before you {y}", False), ("{y} after you {x}", False), ("{x} and after that {y}", False),
    ("{x} then {y} please", False), ("can you {x} and then {y}?", False),
    ("first {x} and then {y}", False), ("{x}, afterwards {y}", False),
)
NEGATIONS: tuple[str, ...] = (
    "don't {x}", "do not {x}", "stop {ing}", "no more {ing}", "quit {ing}", "please stop {ing}",
    "stop {ing} please", "can you stop {ing}?", "dont {x}", "enough {ing}", "never {x}",
    "please don't {x}", "stop {ing} now", "no {ing}", "could you stop {ing}?", "stop {ing} already",
    "enough with the {ing}", "cut out the {ing}",
)
NEGATED_THEN: tuple[str, ...] = (
    "don't {x}, {y} instead", "stop {ing} and {y}", "don't {x}, just {y}", "instead of {ing}, {y}",
)


_A_BEFORE_VOWEL = re.compile(r"\ba (?=[aeiou])")


def fix_articles(text: str) -> str:
    """"a angry face" → "an angry face"."""
    return _A_BEFORE_VOWEL.sub("an ", text)
