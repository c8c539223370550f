"""What each intent does and how to ask for it: the vocabulary users can discover.

One table, shown by the console's `/intents` and command palette and by `avatar plan --list`
(EXPRESSIONS.md has the same list with the motion details). Every example is interpreted as its
intent by the embedded classifier; a test keeps it so.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.plan import INTENTS, IntentName


@dataclass(frozen=True, slots=True)
class IntentGuide:
    """One intent, for people.

    Attributes:
        intent: the intent name.
        does: what the portrait does, a few words.
        examples: things to type (Korean first, then English) that ask for it.
    """

    intent: IntentName
    does: str
    examples: tuple[str, ...]


VOCABULARY: tuple[IntentGuide, ...] = (
    IntentGuide("smile", "smiles, then returns", ("웃어줘", "smile")),
    IntentGuide("laugh", "laughs with an open mouth", ("깔깔 웃어", "laugh")),
    IntentGuide("blink", "blinks both eyes", ("눈 깜빡여", "blink twice")),
    IntentGuide("wink", "winks one eye", ("윙크해", "wink at me")),
    IntentGuide("talk", "moves the mouth as if speaking", ("말해봐", "say something")),
    IntentGuide("surprise", "eyes wide, brows up, mouth open", ("놀라봐", "look surprised")),
    IntentGuide("sad", "mouth corners down, brows up", ("슬퍼해", "look sad")),
    IntentGuide("angry", "brows down, lips pressed", ("화내봐", "be angry")),
    IntentGuide("fear", "brows up, eyes wide", ("무서워해", "look scared")),
    IntentGuide("disgust", "upper lip raised, head back", ("역겨워해", "look disgusted")),
    IntentGuide("confused", "one brow up, head tilted", ("갸우뚱해봐", "look confused")),
    IntentGuide("close_eyes", "closes the eyes and keeps them", ("눈 감아", "close your eyes")),
    IntentGuide("nod", "nods", ("고개 끄덕여", "nod twice")),
    IntentGuide("shake_head", "shakes the head", ("도리도리", "shake your head")),
    IntentGuide("look_left", "looks to the screen's left", ("왼쪽 봐", "look left")),
    IntentGuide("look_right", "looks to the screen's right", ("오른쪽 봐", "look right")),
    IntentGuide("look_up", "looks up", ("위를 봐", "look up")),
    IntentGuide("look_down", "looks down", ("아래 봐", "look down")),
    IntentGuide("kiss", "puckers the lips", ("뽀뽀해줘", "blow a kiss")),
    IntentGuide("neutral", "back to rest; stops what plays", ("원래대로", "stop")),
    IntentGuide("chat", "answers and talks (not an expression)", ("안녕?", "how are you?")),
)
"""Every intent once, in `INTENTS` order."""

assert tuple(guide.intent for guide in VOCABULARY) == INTENTS, "one guide per intent, in order"


def guide(intent: str) -> IntentGuide | None:
    """The guide for `intent`, or None for an unknown name."""
    return next((entry for entry in VOCABULARY if entry.intent == intent), None)
