"""The handlers behind the `avatar` sub-commands; `agent.cli` only parses and reports errors."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from agent._portrait import read_portrait
from agent.config import Settings, load_settings
from agent.events import Event, ExitRequested, WindowStateChanged

log = logging.getLogger("avatar.agent")


class CommandError(Exception):
    """A command cannot do its job; the message tells the user what to do instead."""


class _StderrLog(logging.StreamHandler):  # type: ignore[type-arg]
    """The terminal's log stream; remembers what it printed so `announce` says nothing twice
    (the engine's missing-weights note is both logged and part of the status notes)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.shown: deque[str] = deque(maxlen=64)

    def emit(self, record: logging.LogRecord) -> None:
        """Print `record` and remember its message."""
        super().emit(record)
        self.shown.append(record.getMessage())


def setup_logging(level: str, handler: Callable[..., Any] | None) -> None:
    """Log `avatar.*` records at `level`; to stderr except for the console, whose log panel
    shows them (a stderr stream would scribble over the Textual screen)."""
    logger = logging.getLogger("avatar")
    logger.setLevel(level.upper())
    if handler is not None and not logger.handlers:
        stream = _StderrLog()
        stream.setLevel(level.upper())
        stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(stream)


def settings_from_args(args: argparse.Namespace, **overrides: Any) -> Settings:
    """Settings from `--config`, the environment, the flags that were given and `overrides`
    (which win over the flags)."""
    flags = {
        "portrait": getattr(args, "portrait", None), "engine": getattr(args, "engine", None),
        "face": getattr(args, "face", None), "backend": getattr(args, "backend", None),
        "speech": {"muted": True} if getattr(args, "mute", None) else None,
    }
    return load_settings(getattr(args, "config", None), **{**flags, **overrides})


def announce(line: str) -> None:
    """A status line for the person at the terminal (stderr keeps stdout for data); skipped
    when the log on stderr has just shown the same message."""
    logged = (h for h in logging.getLogger("avatar").handlers if isinstance(h, _StderrLog))
    if any(line in handler.shown for handler in logged):
        return
    print(f"avatar: {line}", file=sys.stderr, flush=True)


def run_console(args: argparse.Namespace) -> int:
    """Default command: the Textual console plus the window."""
    overrides: dict[str, Any] = {"window": {"enabled": False}} if args.no_window else {}
    settings = settings_from_args(args, **overrides)
    read_portrait(settings.portrait)  # a bad path is one line here, not a console that closes
    from tui import run_console as console  # the CLI's one sanctioned import of tui (see cli)

    return console(settings)


def run_kiosk(args: argparse.Namespace) -> int:
    """`avatar kiosk`: fullscreen and unattended until the exit combination or a signal;
    `--serve` adds the web server beside it."""
    from agent.kiosk import Kiosk

    overrides: dict[str, Any] = {"kiosk": {"input": args.input}} if args.input else {}
    settings = settings_from_args(args, **overrides, web=_web_flags(args))
    extra = []
    if args.serve:
        from web import WebServer  # the CLI starts the web front-end lazily, as it does tui

        extra.append(WebServer(settings.web))  # refuses an exposed host without a token
    return Kiosk(settings, announce=announce, extra=extra).run()


def run_serve(args: argparse.Namespace) -> int:
    """`avatar serve`: the web API and page (with the window when `--window`)."""
    settings = settings_from_args(args, web=_web_flags(args))
    from web.security import check_exposure

    check_exposure(settings.web.host, settings.web.token)  # before any model loads
    read_portrait(settings.portrait)
    from web import run_serve as serve

    return serve(settings, window=args.window, announce=announce)


def _web_flags(args: argparse.Namespace) -> dict[str, Any] | None:
    """The [web] settings the --host/--port/--token flags give (None: none given)."""
    flags = {key: getattr(args, key, None) for key in ("host", "port", "token")}
    given = {key: value for key, value in flags.items() if value is not None}
    return given or None


def run_render(args: argparse.Namespace) -> int:
    """`avatar render SCRIPT -o OUT`: the script to a video file, with a progress bar."""
    from tqdm import tqdm

    from agent.render import RenderOptions, prepare_render
    from renderer.video import output_format

    output_format(args.output)  # an unknown suffix is refused before any work
    settings = settings_from_args(args)
    options = RenderOptions(
        fps=args.fps, size=args.size, seed=args.seed,
        engine=getattr(args, "engine", None), portrait=getattr(args, "portrait", None),
    )
    job = prepare_render(args.script, settings, options)
    for note in job.notes:
        announce(note)
    announce(f"rendering with the {job.engine.status_line()}")
    existed = os.path.lexists(args.output)
    received = [int(signal.SIGINT)]
    try:
        with _terminate_as_interrupt(received), tqdm(
            total=job.total_frames, unit="frame", file=sys.stderr, disable=args.quiet,
            desc=args.output.name, leave=False,
        ) as bar:
            result = job.write(
                args.output, on_progress=lambda done, _total: bar.update(done - bar.n)
            )
    except KeyboardInterrupt:
        kept = f"{args.output} left unchanged" if existed else f"nothing written to {args.output}"
        announce(f"render interrupted; {kept}")
        return 128 + received[-1]
    width, height = result.size
    print(
        f"{result.path}: {result.frames} frames, {width}x{height} at {result.fps:g} fps, "
        f"{result.frames / result.fps:.1f} s"
        + (f", speech in {result.sound.name}" if result.sound is not None else "")
    )
    return 0


@contextlib.contextmanager
def _terminate_as_interrupt(received: list[int]) -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt like Ctrl+C does, so a stopped render cleans up the
    same way; the signal's number is appended to `received`."""

    def on_terminate(signum: int, _frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_play(args: argparse.Namespace) -> int:
    """`avatar play SCRIPT`: the script live in the window, at wall-clock pace."""
    from agent.components import Assembly, standard_components
    from agent.conversation import Conversation
    from agent.cues import schedule_script
    from agent.playback import play_live
    from agent.script import load_script
    from agent.soundtrack import script_line_book
    from intents import load_interpreter

    script = load_script(args.script)
    portrait = getattr(args, "portrait", None) or script.portrait  # the flag wins
    settings = settings_from_args(args, seed=script.seed, portrait=portrait)
    book, _ = script_line_book(settings)  # the lines take as long as in `avatar render`
    schedule = schedule_script(script, load_interpreter(), book.seconds if book else None)
    conversation = Conversation(settings, window=True)
    assembly = Assembly(conversation, standard_components(settings, "play"))
    assembly.start()
    stop = threading.Event()

    def on_event(event: Event) -> None:
        if isinstance(event, ExitRequested) or (
            isinstance(event, WindowStateChanged) and event.state in ("closed", "crashed")
        ):
            stop.set()

    conversation.subscribe(on_event)
    try:
        status = conversation.status()
        announce(f"playing {args.script} ({schedule.duration:.1f} s) with the "
                 f"{status.engine.status_line()}")
        for note in status.notes:
            announce(note)
        if conversation.window_state != "open":
            raise CommandError(
                f"the window is {conversation.window_state}; `avatar play` needs one. "
                "Use `avatar render` to make a video instead."
            )
        play_live(conversation, schedule, stop)
    finally:
        assembly.stop()
    return 0


def run_export_onnx(args: argparse.Namespace) -> int:
    """`avatar models export-onnx --out DIR`: one ONNX file per LivePortrait network."""
    from animator.liveportrait.checkpoint import load_networks
    from animator.liveportrait.onnx_export import export_onnx
    from animator.liveportrait.seeded import seeded_networks
    from models import verify
    from models.registry import resolve_models_dir

    if args.seeded:
        networks = seeded_networks()
    else:
        root = resolve_models_dir(args.models_dir)
        missing = verify(root, check_hash=False).missing
        if missing:
            raise CommandError(
                f"LivePortrait weights not found in {root} ({len(missing)} files missing). Get "
                "them with `avatar models download`, or export the seeded stand-in with --seeded."
            )
        try:
            networks = load_networks(root)
        except Exception as exc:
            raise CommandError(
                f"cannot load the LivePortrait weights from {root}: {exc}. Get them with "
                "`avatar models download`, or export the seeded stand-in with --seeded."
            ) from exc
    paths = export_onnx(
        networks, args.out, fp16=args.fp16, volume_sampling="4d" if args.tensorrt else "5d",
        names=args.networks,
    )
    for path in paths:
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    return 0


def run_prerender(args: argparse.Namespace) -> int:
    """`avatar prerender`: the portrait's expression presets rendered once and saved."""
    from tqdm import tqdm

    from agent._portrait import prepare_portrait
    from animator.engines import create_engine
    from animator.liveportrait.prerender import prerender, preset_poses

    if not 0.0 <= args.intensity <= 1.0 or not 0.5 <= args.fps <= 60.0:
        raise CommandError("--intensity must be 0..1 and --fps 0.5..60")
    settings = settings_from_args(args)
    image = read_portrait(settings.portrait)
    engine, _ = create_engine(
        "liveportrait", models_dir=settings.models_dir,
        device=args.device or settings.device, backend=settings.backend,
    )
    source = prepare_portrait(engine, image, settings.portrait, settings.face)
    poses = preset_poses(args.intents, args.intensity, args.fps)
    announce(f"prerendering {len(poses)} poses with the {engine.info.status_line()}")
    with tqdm(total=len(poses), unit="frame", file=sys.stderr, disable=args.quiet,
              leave=False) as bar:
        path = prerender(
            engine, source, poses,  # type: ignore[arg-type]
            lambda done, _total: bar.update(done - bar.n),
        )
    print(f"{path}: {len(poses)} frames. On a CPU, poses that were not prerendered (idle life, "
          "talking, other intensities) show the nearest prerendered frame.")
    return 0


def run_chat(args: argparse.Namespace) -> int:
    """`avatar chat`: line-mode conversation on stdin/stdout."""
    from agent.chat import run_chat as chat

    llm = {"model": args.llm, "url": args.llm_url, "server_model": args.llm_model}
    given = {key: value for key, value in llm.items() if value is not None}
    settings = settings_from_args(args, **({"llm": given} if given else {}))
    return chat(settings, window=args.window)


def run_faces(args: argparse.Namespace) -> int:
    """`avatar faces PHOTO [--out PNG]`: every face with its number and box, as --face counts."""
    from agent._portrait import draw_face_boxes, photo_faces
    from animator.engines import create_engine

    settings = settings_from_args(args)
    engine, notes = create_engine(
        settings.engine, models_dir=settings.models_dir, device=settings.device
    )
    for note in notes:
        announce(note)
    image, boxes = photo_faces(engine, args.photo)
    height, width = image.shape[:2]
    count = "no face" if not boxes else "1 face" if len(boxes) == 1 else f"{len(boxes)} faces"
    print(f"{args.photo}: {count} ({width}x{height}, {engine.info.name} detector)")
    largest = max(range(len(boxes)), key=lambda i: _area(boxes[i]), default=-1)
    for number, (x0, y0, x1, y1) in enumerate(boxes, start=1):
        mark = "  (largest)" if number - 1 == largest and len(boxes) > 1 else ""
        print(f"  face {number}: x {x0}-{x1}, y {y0}-{y1} ({x1 - x0}x{y1 - y0} px){mark}")
    if args.out is not None:
        draw_face_boxes(image, boxes, args.out)
        print(f"{args.out}: the photo with numbered boxes")
    return 0


def _area(box: tuple[int, int, int, int]) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def run_bench(args: argparse.Namespace) -> int:
    """`avatar bench`: print the numbers of the chosen benchmark (text or JSON)."""
    result = _bench_result(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_tree(result)
    return 0


def _bench_result(args: argparse.Namespace) -> dict[str, Any]:
    frames = {"frames": args.frames} if args.frames else {}
    if args.bench_engine == "fallback":
        from animator.fallback.bench import run_bench as fallback_bench
        from animator.fallback.bench import run_large_bench

        # one frame per call: batching does not apply
        return {**fallback_bench(**frames), "large_portrait": run_large_bench(**frames)}
    if args.bench_engine == "tts":
        from voice.tts.bench import run_bench as tts_bench

        return tts_bench(**({"utterances": args.frames} if args.frames else {}))
    if args.bench_engine == "liveportrait":
        from animator.liveportrait.bench import run_bench as liveportrait_bench

        return liveportrait_bench(
            batches=args.batches, device=args.device, models_dir=args.models_dir, **frames,
            backend=getattr(args, "backend", None) or "torch", precision=args.precision,
            compile=args.compile,
        )
    if args.bench_engine == "web":
        from web.bench import run_bench as web_bench

        return web_bench(**({"requests": args.frames} if args.frames else {}))
    if args.bench_engine == "voice":
        from agent.voice_bench import run_bench as voice_bench

        return voice_bench(models_dir=args.models_dir, **(
            {"utterances": args.frames} if args.frames else {}
        ))
    if args.bench_engine == "llm":
        from intents.llm.bench import run_bench as llm_bench

        return llm_bench(runs=args.frames or 3, device=args.device)
    try:
        from intents.bench import run_bench as intents_bench
    except ImportError as exc:
        raise CommandError(f"the intents benchmark is not available ({exc})") from exc
    return intents_bench(**({"utterances": args.frames} if args.frames else {}))


def _print_tree(value: Any, indent: str = "") -> None:
    """Nested dicts/lists as indented 'key: value' lines; floats with 3 significant decimals."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item and not _flat_list(item):
                print(f"{indent}{key}:")
                _print_tree(item, indent + "  ")
            else:
                print(f"{indent}{key}: {_format(item)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            print(f"{indent}- [{index}]")
            _print_tree(item, indent + "  ")
    else:
        print(f"{indent}{_format(value)}")


def _flat_list(item: Any) -> bool:
    return isinstance(item, list) and all(not isinstance(x, dict | list) for x in item)


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return ", ".join(_format(item) for item in value)
    return str(value)
