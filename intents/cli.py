"""`avatar plan`: print the plan for each utterance, as JSON lines or a readable summary.

    avatar plan "웃어줘" "wink twice" --json
    printf '웃어줘\nblink twice\n' | avatar plan --json     # batch: one JSON line per input line
    avatar plan --list                                     # every intent, with examples
    avatar plan --llm-url http://gpu-box:8000/v1 "오늘 기분 어때?"  # chat goes to the LLM

`agent/cli.py` calls `register` to add the sub-command to the `avatar` console script;
`python -m intents.cli plan …` runs it on its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator

from contracts.plan import Plan
from contracts.text import json_printable, printable
from contracts.vocabulary import VOCABULARY
from intents import Interpreter, load_interpreter

SUMMARY_TEXT_CHARS = 200  # a longer utterance is shortened in the readable summary


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `plan` sub-command; it calls `run` with the parsed arguments."""
    parser = subparsers.add_parser(
        "plan",
        help="turn utterances into expression plans",
        description="Interpret Korean/English utterances offline and print their plans. "
        "With no TEXT, read utterances from stdin, one per line.",
    )
    parser.add_argument("texts", nargs="*", metavar="TEXT", help="utterances to interpret")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per utterance (EXPRESSIONS.md format)")
    parser.add_argument("--list", action="store_true",
                        help="list every intent with what it does and examples, then exit")
    parser.add_argument("--llm", metavar="MODEL_DIR_OR_ID",
                        help="route chat through this LLM (a model folder or a cached model id)")
    parser.add_argument("--llm-url", metavar="URL",
                        help="route chat through an OpenAI-compatible server, e.g. "
                        "http://host:8000/v1")
    parser.add_argument("--llm-model", metavar="NAME",
                        help="the model name to ask the server for (default: its first model)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Interpret every utterance and print one line each; 2 if the model cannot be loaded."""
    if args.list:
        _use_utf8()
        for entry in VOCABULARY:
            if args.json:
                print(json.dumps(dataclasses.asdict(entry), ensure_ascii=False))
            else:
                print(f"{entry.intent:<11} {entry.does:<40} {' · '.join(entry.examples)}")
        return 0
    try:
        interpreter = _interpreter(args)
    except (FileNotFoundError, ValueError) as error:
        print(f"avatar plan: {error}", file=sys.stderr)
        return 2
    _use_utf8()
    try:
        for text in args.texts or _stdin_lines():
            if not text.strip():  # a blank line asks for nothing: no plan
                continue
            plan = interpreter.interpret(text)
            line = (json_printable(json.dumps(plan.to_output(), ensure_ascii=False))
                    if args.json else summary(plan))
            print(line, flush=True)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stderr.close()
    return 0


def _interpreter(args: argparse.Namespace) -> Interpreter:
    """The classifier, or the LLM router when --llm/--llm-url is given (loaded before the first
    line; a model that cannot load is a ValueError, said once)."""
    if not (args.llm or args.llm_url):
        return load_interpreter()
    from intents.llm import LLMSettings, Router, build_interpreter

    problems: list[str] = []
    settings = LLMSettings(model=args.llm or "off", url=args.llm_url, server_model=args.llm_model)
    router = build_interpreter(
        settings, on_state=lambda state, problem: problems.append(state) if problem else None,
        wait=True,
    )
    if isinstance(router, Router) and router.backend is None:
        raise ValueError(f"the LLM is unavailable: {router.problem}")
    for state in problems:  # it runs, but something on the way is worth knowing
        print(f"avatar plan: llm: {printable(state)}", file=sys.stderr, flush=True)
    return router


def summary(plan: Plan) -> str:
    """One readable line: `활짝 웃다가 윙크해줘 → smile@1.0 → wink@0.7  (0.97)`.

    User text is shown with its control characters escaped, and shortened when very long.
    """
    steps = []
    for step in plan.steps:
        label = step.intent if step.intent in ("chat", "talk", "neutral") else (
            f"{step.intent}@{round(step.intensity, 2)}"
        )
        steps.append(f"{label}×{step.repeat}" if step.repeat > 1 else label)
    text = plan.text or ""
    if len(text) > SUMMARY_TEXT_CHARS:
        text = f"{text[:SUMMARY_TEXT_CHARS]}… ({len(text)} characters)"
    line = f"{printable(text)} → {' → '.join(steps)}  ({plan.confidence:.2f})"
    return f"{line}  “{printable(plan.reply)}”" if plan.reply else line


def _stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        yield line.rstrip("\r\n")


def _use_utf8() -> None:
    """Read and write UTF-8 whatever the locale says; undecodable input bytes become U+FFFD."""
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "strict")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors=errors)


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point (`python -m intents.cli plan …`) with the same sub-command."""
    parser = argparse.ArgumentParser(prog="python -m intents.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
