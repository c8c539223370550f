"""`avatar listen FILE...` and `avatar voice devices`: speech input from the command line.

    avatar listen command.wav --json     # one JSON line per utterance, with its plan
    avatar voice devices                 # the microphones PortAudio sees

`listen` runs the same VAD, recognizer and interpreter as the live app, as fast as the CPU
allows; silence or noise prints nothing. Failures end with one `avatar: ...` line and exit 2
(raised as `CommandError`/`ValueError` for `agent.cli` to report).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agent._commands import CommandError, announce, settings_from_args
from contracts.text import json_printable, printable


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `listen` and `voice` to the `avatar` sub-commands."""
    listen = commands.add_parser(
        "listen", help="recognise spoken commands in audio files and print their plans",
        description="Find every utterance in the files (WAV, FLAC, MP3, ...), recognise it and "
        "print its plan. Silence and noise print nothing.",
    )
    listen.add_argument("files", nargs="+", type=Path, metavar="FILE", help="audio files")
    listen.add_argument("--json", action="store_true",
                        help="one JSON object per utterance: file, start, end, text, language, "
                        "confidence, plan")
    listen.add_argument("--language", choices=("ko", "en", "auto"),
                        help="spoken language (default: voice.language, else auto)")
    listen.add_argument("--model", help="whisper model name (default: voice.model, else auto)")
    listen.add_argument("--config", type=Path, metavar="TOML", default=argparse.SUPPRESS,
                        help="settings file")
    listen.set_defaults(func=run_listen)

    voice = commands.add_parser("voice", help="speech input: list the microphones")
    actions = voice.add_subparsers(dest="voice_command", metavar="COMMAND", required=True)
    devices = actions.add_parser("devices", help="list the input devices PortAudio sees")
    devices.set_defaults(func=run_devices)


def run_listen(args: argparse.Namespace) -> int:
    """Recognise every utterance of every file; exit 2 when any file could not be used."""
    from agent.listener import recognizer_options, vad_options
    from intents import load_interpreter
    from models import ModelsError
    from voice.audio import AudioFileError
    from voice.loading import choose_model, load_recognizer
    from voice.recognizer import MultilingualModelNeeded, multilingual_hint
    from voice.sources import FileSource
    from voice.vad import Segmenter, SileroVad, detect_utterances

    overrides = {"language": args.language, "model": args.model}
    settings = settings_from_args(args)
    voice = settings.voice.model_copy(
        update={key: value for key, value in overrides.items() if value is not None}
    )
    try:
        choice = choose_model(voice.model, settings.models_dir, voice.compute_device)
    except ModelsError as exc:
        raise CommandError(str(exc)) from exc
    if choice.english_only:
        if voice.language == "ko":
            raise MultilingualModelNeeded(multilingual_hint(choice.name))
        announce(f"voice: {choice.note}")
    recognizer = load_recognizer(choice, recognizer_options(voice, choice.english_only))
    interpreter = load_interpreter()
    vad = SileroVad()
    _use_utf8_stdout()
    failed = []
    for path in args.files:
        vad.reset()
        segmenter = Segmenter(vad, vad_options(voice))
        try:
            for utterance in detect_utterances(FileSource(path), segmenter):
                heard = recognizer.transcribe(utterance.audio, speech_ratio=utterance.speech_ratio)
                if heard.rejected or not heard.text:
                    continue
                plan = interpreter.interpret(heard.text)
                record = _record(path, utterance.start, utterance.end, heard, plan.to_output())
                print(_format(record, args.json), flush=True)
        except AudioFileError as exc:
            announce(str(exc))
            failed.append(path)
    if failed:
        raise CommandError(f"{len(failed)} of {len(args.files)} files could not be read")
    return 0


def _record(path: Path, start: float, end: float, heard: Any, plan: dict[str, Any]) -> dict:
    return {
        "file": str(path),
        "start": round(start, 3),
        "end": round(end, 3),
        "text": heard.text,
        "language": heard.language,
        "confidence": round(heard.confidence, 3),
        "plan": plan,
    }


def _format(record: dict[str, Any], as_json: bool) -> str:
    if as_json:
        return json_printable(json.dumps(record, ensure_ascii=False))
    steps = " → ".join(
        f"{step['intent']}×{step['repeat']}" if step["repeat"] > 1 else str(step["intent"])
        for step in record["plan"]["steps"]
    )
    said = printable(record["text"])
    return (
        f"{record['file']} {record['start']:.2f}–{record['end']:.2f} s: {said} → {steps}  "
        f"({record['confidence']:.2f})"
    )


def run_devices(args: argparse.Namespace) -> int:
    """Print one line per input device; a clear line when there is none."""
    from voice.sources import list_input_devices

    devices = list_input_devices()
    if not devices:
        print("no input devices: PortAudio lists no microphone (plug one in, or check that "
              "this user may use the sound card)")
        return 0
    for device in devices:
        mark = "  (default)" if device.default else ""
        print(f"{device.index:3d}  {device.name}  {device.channels} ch, "
              f"{device.sample_rate:.0f} Hz{mark}")
    return 0


def _use_utf8_stdout() -> None:
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8")
