"""Contracts shared by every package: utterances, plans, poses, frames and the engine interface.

They live in one small bottom-layer package so that `intents`, `animator`, `renderer` and `agent`
can all import them without importing each other (DESIGN.md: "defined once, imported everywhere").
"""

from contracts.engine import Engine, EngineInfo, Source
from contracts.frame import Frame
from contracts.plan import INTENTS, IntentName, Plan, PlanSource, Step
from contracts.pose import CHANNELS, ChannelName, ChannelSpec, Pose
from contracts.speech import VISEMES, SpeechTiming, TimedUnit, Viseme
from contracts.utterance import MAX_UTTERANCE_CHARS, Utterance, UtteranceSource

__all__ = [
    "CHANNELS",
    "INTENTS",
    "MAX_UTTERANCE_CHARS",
    "VISEMES",
    "ChannelName",
    "ChannelSpec",
    "Engine",
    "EngineInfo",
    "Frame",
    "IntentName",
    "Plan",
    "PlanSource",
    "Pose",
    "Source",
    "SpeechTiming",
    "Step",
    "TimedUnit",
    "Utterance",
    "UtteranceSource",
    "Viseme",
]
