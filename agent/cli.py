"""`avatar`: the one command-line entry point.

`avatar` alone opens the Textual console with the window; sub-commands: `kiosk`, `serve`,
`render`, `play`, `chat`, `plan` (from `intents.cli`), `models` (from `models.cli`), `bench` and
`faces`.

Every failure ends with one line on stderr, "avatar: <what went wrong and what to do>", and exit
code 2; tracebacks only appear with `--log-level debug`.

This module is the one place outside `tui/` that imports `tui`, and only inside the default
command's handler: DESIGN.md says no package imports `tui`; the CLI entry point is the sole,
deliberate exception, kept lazy so `avatar render` and friends never load Textual.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NoReturn

from agent import _commands
from agent.config import BACKEND_NAMES as BACKEND_CHOICES
from agent.config import MAX_FPS, MAX_SEED, MIN_FPS, check_device, check_fps
from animator.engines import ENGINE_CHOICES

EXIT_USAGE = 2
LOG_LEVELS = ("debug", "info", "warning", "error")


def main(argv: list[str] | None = None) -> int:
    """Run the `avatar` command with `argv` (default: `sys.argv[1:]`); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.log_level == "debug"
    try:
        _commands.setup_logging(args.log_level, getattr(args, "func", None))
        _check_text(args)
        func = getattr(args, "func", _commands.run_console)
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the single place that turns any failure into one line
        if debug:
            traceback.print_exc()
        print(f"avatar: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE


def _one_line(exc: BaseException) -> str:
    """A short message for `exc`; unexpected exception types are named so bugs stay visible."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, (ValueError, OSError, _commands.CommandError)):
        return message
    return f"unexpected {type(exc).__name__}: {message} (run with --log-level debug for details)"


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line (sub-command parsers inherit it)."""

    def error(self, message: str) -> NoReturn:
        """Print 'avatar render: <problem> (see avatar render --help)' and exit with 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, sub-commands included."""
    parser = _Parser(
        prog="avatar",
        description="A portrait photo you can talk to (Korean and English).",
        epilog="Without a command: the console and the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    _add_common(parser, suppress=False)
    parser.add_argument(
        "--no-window", action="store_true", help="run without the pygame window"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_kiosk(commands)
    _add_serve(commands)
    _add_render(commands)
    _add_play(commands)
    _add_chat(commands)
    _add_bench(commands)
    _add_prerender(commands)
    _add_faces(commands)
    _register_external(commands)
    return parser


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options valid before and after the command (`avatar --engine fallback render ...`)."""
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config", type=Path, metavar="TOML", default=default,
        help="settings file (default: $AVATAR_CONFIG, else built-in defaults)",
    )
    parser.add_argument(
        "--portrait", type=Path, metavar="PATH", default=default,
        help="portrait photo (JPEG, PNG or WebP)",
    )
    parser.add_argument(
        "--face", type=_parse_face, metavar="N", default=default,
        help="which face to animate when the photo has several, from 1 left to right "
        "(`avatar faces PHOTO` lists them; default: the largest)",
    )
    parser.add_argument(
        "--engine", choices=ENGINE_CHOICES, default=default,
        help="auto: LivePortrait when its weights are present, else the fallback",
    )
    parser.add_argument(
        "--backend", choices=BACKEND_CHOICES, default=default,
        help="what runs LivePortrait: torch (default), onnxruntime or tensorrt (NVIDIA GPU)",
    )
    parser.add_argument(
        "--mute", action="store_true", default=default,
        help="no sound from the avatar's voice (the mouth still moves)",
    )
    parser.add_argument(
        "--log-level", choices=LOG_LEVELS, default=argparse.SUPPRESS if suppress else "warning",
        help="logging detail; 'debug' also shows tracebacks",
    )


def _add_kiosk(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kiosk = commands.add_parser(
        "kiosk", help="fullscreen, unattended: text from stdin or a FIFO, attract loop",
        description="Run unattended. Exit with the window's exit combination "
        "(default ctrl+shift+q), SIGTERM or SIGINT. See assets/kiosk.example.toml.",
    )
    _add_common(kiosk, suppress=True)
    kiosk.add_argument("--input", metavar="PATH", help="'stdin' or a FIFO/text file to read")
    kiosk.add_argument(
        "--serve", action="store_true", help="also serve the web API and page (see avatar serve)"
    )
    _add_web(kiosk)
    kiosk.set_defaults(func=_commands.run_kiosk)


def _add_serve(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser(
        "serve", help="the web API and browser page (http://127.0.0.1:8765/)",
        description="Serve the portrait over HTTP/WebSocket with a browser page. Loopback only "
        "unless --token is given. Stop with Ctrl+C or SIGTERM.",
    )
    _add_web(serve)
    serve.add_argument(
        "--window", action="store_true", help="also open the pygame window on this machine"
    )
    _add_common(serve, suppress=True)
    serve.set_defaults(func=_commands.run_serve)


def _add_web(parser: argparse.ArgumentParser) -> None:
    """--host/--port/--token of the web server (defaults: the [web] settings)."""
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=_parse_port, help="TCP port (default 8765; 0: any free port)"
    )
    parser.add_argument(
        "--token", help="require 'Authorization: Bearer TOKEN' (needed beyond loopback)"
    )


def _add_render(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    render = commands.add_parser("render", help="render a script to .mp4, .gif or a PNG folder")
    render.add_argument("script", type=Path, help="YAML script (see assets/scripts/demo.yaml)")
    render.add_argument(
        "-o", "--output", type=Path, required=True,
        help="out.mp4 (H.264), out.gif, or a folder for PNG frames",
    )
    render.add_argument(
        "--fps", type=_parse_fps,
        help=f"frames per second, {MIN_FPS:g}..{MAX_FPS:g} (default: the script's)",
    )
    render.add_argument("--size", type=_parse_size, help="WIDTHxHEIGHT, e.g. 512x512")
    render.add_argument(
        "--seed", type=_parse_seed, help=f"idle-life seed, 0..{MAX_SEED} (default: the script's)"
    )
    render.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_common(render, suppress=True)
    render.set_defaults(func=_commands.run_render)


def _add_play(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    play = commands.add_parser(
        "play", help="play a script live in the window",
        description="Play a YAML script live in the pygame window at wall-clock pace, through "
        "the same interpreter and engine as the console; `avatar render` makes a video instead.",
    )
    play.add_argument("script", type=Path, help="YAML script")
    _add_common(play, suppress=True)
    play.set_defaults(func=_commands.run_play)


def _add_chat(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    chat = commands.add_parser(
        "chat", help="a plain line-mode conversation (no console): SSH, scripts, pipes",
        description="Talk to the portrait one line at a time; /reset forgets the conversation, "
        "/quit or the end of the input leaves.",
    )
    chat.add_argument("--window", action="store_true", help="also open the portrait window")
    chat.add_argument("--llm", metavar="MODEL_DIR_OR_ID", help="the LLM (overrides llm.model)")
    chat.add_argument("--llm-url", metavar="URL", help="an OpenAI-compatible server (llm.url)")
    chat.add_argument("--llm-model", metavar="NAME", help="the server's model (llm.server_model)")
    _add_common(chat, suppress=True)
    chat.set_defaults(func=_commands.run_chat)


def _add_bench(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bench = commands.add_parser(
        "bench", help="measure engine and interpreter speed",
        description="Measure speed and print the figures (text, or one JSON object with "
        "--json): the fallback engine's frames per second, LivePortrait per stage and batch "
        "size, or the intent interpreter's latency.",
    )
    bench.add_argument(
        "--engine", dest="bench_engine",
        choices=("fallback", "liveportrait", "intents", "tts", "voice", "llm", "web"),
        default="fallback", help="what to measure (default: fallback)",
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument(
        "--batches", type=_parse_batches, default=(1, 4, 8),
        help="liveportrait batch sizes, e.g. 1,4,8"
    )
    bench.add_argument("--frames", type=int, help="frames (or utterances) per measurement")
    bench.add_argument(
        "--device", type=_parse_device,
        help="torch device for liveportrait: cpu, cuda, cuda:N, mps (default: cuda if any)",
    )
    bench.add_argument(
        "--backend", choices=BACKEND_CHOICES, default=argparse.SUPPRESS,
        help="what runs liveportrait: torch (default), onnxruntime or tensorrt",
    )
    bench.add_argument(
        "--precision", choices=("auto", "float32", "float16", "bfloat16"), default="auto",
        help="liveportrait precision (auto: float16 on CUDA, float32 on the CPU)",
    )
    bench.add_argument(
        "--compile", choices=("auto", "off", "default", "reduce-overhead", "max-autotune"),
        default="auto", help="torch.compile mode for the torch backend (auto: CUDA graphs on CUDA)",
    )
    bench.add_argument("--models-dir", type=Path, help="LivePortrait weights folder")
    bench.set_defaults(func=_commands.run_bench)


def _add_prerender(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    prerender = commands.add_parser(
        "prerender", help="render a portrait's expressions once for CPU-only machines",
        description="Render every expression preset of the portrait with LivePortrait and save "
        "the frames. A CPU engine then shows them for those expressions, and the nearest "
        "prerendered frame for every other pose (idle life, talking). Needs the LivePortrait "
        "weights; takes seconds per frame on a CPU, seconds in all on a GPU.",
    )
    prerender.add_argument(
        "--intents", type=_parse_intents, metavar="NAMES",
        help="comma-separated intents (default: every expression)",
    )
    prerender.add_argument(
        "--intensity", type=float, default=0.7, help="expression intensity 0..1 (default 0.7)"
    )
    prerender.add_argument(
        "--fps", type=_parse_fps, default=8.0,
        help="poses per second of each expression, 1..120 (default 8)",
    )
    prerender.add_argument(
        "--device", type=_parse_device, help="torch device: cpu, cuda, cuda:N (default: cuda)"
    )
    prerender.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_common(prerender, suppress=True)
    prerender.set_defaults(func=_commands.run_prerender)


def _parse_intents(text: str) -> tuple[str, ...]:
    from contracts import INTENTS

    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in INTENTS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown intent {', '.join(unknown) or text!r}; choose from {', '.join(INTENTS)}"
        )
    return names


def _add_faces(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    faces = commands.add_parser(
        "faces", help="list the faces in a photo, numbered for --face N",
        description="List every face the engine finds in PHOTO, numbered from 1 left to right "
        "as --face N and /face N count them; --out draws the numbered boxes into a PNG.",
    )
    faces.add_argument("photo", type=Path, help="the photo (JPEG, PNG or WebP)")
    faces.add_argument(
        "--out", type=Path, metavar="PNG", help="write the photo with numbered boxes"
    )
    faces.add_argument(
        "--engine", choices=ENGINE_CHOICES, default=argparse.SUPPRESS,
        help="whose face detector to use (default: the configured engine)",
    )
    faces.add_argument("--config", type=Path, metavar="TOML", default=argparse.SUPPRESS)
    faces.set_defaults(func=_commands.run_faces)


def _register_external(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`plan` and `models` belong to their packages, `listen` and `voice` to `agent.voice_cli`;
    they set `func` themselves."""
    from agent import say_cli, voice_cli
    from intents import cli as intents_cli
    from models import cli as models_cli

    intents_cli.register(commands)
    _add_export_onnx(models_cli.register(commands))
    voice_cli.register(commands)
    say_cli.register(commands)


def _add_export_onnx(models: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`avatar models export-onnx`: lives here because models/ must not import the animator."""
    export = models.add_parser(
        "export-onnx", help="export the LivePortrait networks to ONNX (one file per network)",
        description="Write appearance_feature_extractor.onnx, motion_extractor.onnx, "
        "warping_module.onnx, spade_generator.onnx, stitching.onnx, lip.onnx and eye.onnx "
        "with a dynamic batch axis.",
    )
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="target folder")
    export.add_argument(
        "--seeded", action="store_true",
        help="export the test fixture's seeded weights instead of the downloaded ones",
    )
    export.add_argument("--fp16", action="store_true", help="convolutional networks in float16")
    export.add_argument(
        "--tensorrt", action="store_true",
        help="write the warping network with 4-D sampling only (builds in TensorRT)",
    )
    export.add_argument(
        "--networks", type=_parse_networks, metavar="NAMES",
        help="comma-separated subset, e.g. stitching,lip,eye (default: all seven)",
    )
    export.add_argument(
        "--models-dir", type=Path, metavar="DIR",
        help="weights folder (default: $AVATAR_MODELS_DIR or ~/.cache/portrait-agent/models)",
    )
    export.set_defaults(func=_commands.run_export_onnx)


def _parse_networks(text: str) -> tuple[str, ...]:
    from animator.liveportrait.config import NETWORK_NAMES

    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in NETWORK_NAMES]
    if unknown or not names:
        choices = ", ".join(NETWORK_NAMES)
        raise argparse.ArgumentTypeError(
            f"unknown network {', '.join(unknown) or text!r}; choose from {choices}"
        )
    return names


def _parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: write the size as WIDTHxHEIGHT") from exc
    if not (16 <= width <= 4096 and 16 <= height <= 4096):
        raise argparse.ArgumentTypeError(f"{text!r}: each side must be 16..4096 pixels")
    return width, height


def _parse_port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: a port is a number 0..65535")
    return int(text)


def _parse_fps(text: str) -> float:
    try:
        return check_fps(float(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r}: frames per second must be a number, {MIN_FPS:g}..{MAX_FPS:g}"
        ) from exc


def _parse_seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: the seed is a whole number") from exc
    if not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text!r}: the seed must be 0..{MAX_SEED}")
    return seed


def _parse_device(text: str) -> str:
    try:
        return check_device(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _check_text(args: argparse.Namespace) -> None:
    """Refuse text arguments that are not UTF-8 (the shell passed raw bytes): one clear line
    here instead of an encoding error deep inside. Paths may hold any bytes and are not checked.
    """
    for value in vars(args).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not _encodes(item):
                shown = item.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise ValueError(
                    f"'{shown}' is not valid UTF-8 text; check the terminal's encoding (locale)"
                )


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_face(text: str) -> int:
    try:
        number = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: a face number is 1, 2, ...") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: faces are numbered from 1")
    return number


def _parse_batches(text: str) -> tuple[int, ...]:
    try:
        batches = tuple(int(part) for part in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: write batch sizes like 1,4,8") from exc
    if not batches or min(batches) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: batch sizes are positive integers")
    return batches


def _version() -> str:
    try:
        return version("portrait-agent")
    except PackageNotFoundError:
        return "0.1.0 (not installed)"


if __name__ == "__main__":
    sys.exit(main())
