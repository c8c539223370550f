"""`avatar say TEXT [-o OUT]`: the avatar says TEXT aloud in the window, or into a video.

With `-o` it renders a one-line script (talk step, TEXT as the reply) exactly like `avatar
render`, sound included. Without it, it opens the window, speaks through the sound card (or
silently, with a note, when there is none) and returns when the line is over.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from agent import _commands
from agent.events import ErrorOccurred, Event, SpeakingChanged, WindowStateChanged
from contracts import Plan, Step
from voice.tts import speakable

END_HOLD_S = 0.5
LINE_TIMEOUT_S = 600.0
"""Longest a live `avatar say` waits for its line to finish."""


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `avatar say`."""
    say = commands.add_parser(
        "say", help="say a line aloud (live), or into a video with -o",
        description="Say TEXT with the avatar's voice and moving mouth. With -o, render it to "
        ".mp4 (with sound), .gif or a PNG folder (with a .wav beside).",
    )
    say.add_argument("text", help='what to say, e.g. "안녕하세요"')
    say.add_argument("-o", "--output", type=Path, help="render to this file instead of live")
    say.add_argument("--quiet", action="store_true", help="no progress bar")
    say.add_argument("--config", type=Path, metavar="TOML", default=argparse.SUPPRESS)
    say.add_argument("--portrait", type=Path, metavar="PATH", default=argparse.SUPPRESS)
    say.add_argument("--mute", action="store_true", default=argparse.SUPPRESS)
    say.set_defaults(func=run_say)


def line_plan(text: str) -> Plan:
    """A talk step that says `text`."""
    return Plan(steps=[Step(intent="talk", text=text)], reply=text, source="script")


def run_say(args: argparse.Namespace) -> int:
    """Check the text, then render it (`-o`) or speak it live."""
    text = args.text.strip()
    if not text:
        raise _commands.CommandError('nothing to say; give the text in quotes: avatar say "안녕"')
    if not speakable(text):
        raise _commands.CommandError(
            f"nothing to say aloud in {text!r} (only emoji or symbols); write words"
        )
    settings = _commands.settings_from_args(args)
    if args.output is not None:
        return _render(args, text, settings)
    return _live(text, settings)


def _render(args: argparse.Namespace, text: str, settings: object) -> int:
    from agent.render import prepare_render
    from agent.script import Script, ScriptEvent, ScriptPlan

    plan = line_plan(text)
    script = Script(
        events=[ScriptEvent(plan=ScriptPlan(steps=plan.steps, reply=plan.reply))],
        end_hold=END_HOLD_S,
    )
    job = prepare_render(script, settings)  # type: ignore[arg-type]
    for note in job.notes:
        _commands.announce(note)
    result = job.write(args.output)
    sound = f", sound in {result.sound}" if result.sound is not None else ", no sound"
    print(f"{result.path}: {result.frames} frames, {result.frames / result.fps:.1f} s{sound}")
    return 0


def _live(text: str, settings: object) -> int:
    from agent.components import Assembly, standard_components
    from agent.conversation import Conversation

    conversation = Conversation(settings, window=True)  # type: ignore[arg-type]
    speakers = [c for c in standard_components(settings, "play") if c.name == "speech"]  # type: ignore[arg-type]
    if not speakers:
        raise _commands.CommandError("speech is switched off ([speech] enabled = false)")
    done = threading.Event()
    said: list[bool] = []

    def on_event(event: Event) -> None:
        if isinstance(event, SpeakingChanged):
            said.append(event.speaking)
            if not event.speaking:
                done.set()
        elif isinstance(event, WindowStateChanged) and event.state in ("closed", "crashed"):
            done.set()
        elif isinstance(event, ErrorOccurred) and event.source == "speech":
            _commands.announce(event.message)

    conversation.subscribe(on_event)
    with Assembly(conversation, speakers):
        state = conversation.status().component("speech") or "unavailable"
        _commands.announce(f"speaking with {state}")
        conversation.play(line_plan(text))
        if not done.wait(LINE_TIMEOUT_S) or not said:
            print("avatar: the line could not be spoken (see the notes above)", file=sys.stderr)
            return 1
    return 0
