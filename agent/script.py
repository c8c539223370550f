"""Script files: a YAML list of timed utterances and plans, validated with line-accurate errors.

```yaml
portrait: face.jpg        # optional, relative to the script file
seed: 0                   # idle-life seed (blinks, sway)
fps: 30                   # default output rate of `avatar render`
size: [512, 512]          # optional output size (width, height)
end_hold: 1.0             # seconds rendered after the last event
events:
  - say: 웃어줘             # through the same interpreter as the live app
  - at: 4.0                # absolute time in seconds (default: when the previous event ends)
    say: 말해봐
    reply: 안녕하세요!      # spoken by a talk step
  - plan: {steps: [{intent: nod, repeat: 2}]}
    hold: 1.0              # keep each step's expression 1 s at its peak
  - pause: 1.5
```

Errors name the file and the line: the YAML is composed into a node tree that keeps each node's
position, and pydantic's error locations are walked back through that tree. Before composing,
one pass over the parser's events bounds nesting (`MAX_DEPTH`) and the size the document has
once its aliases are expanded (`MAX_NODES`), so a few hundred bytes of nested aliases (a "billion
laughs" file) are refused at once instead of taking minutes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from agent._files import not_a_regular_file
from agent.config import MAX_SEED, check_fps
from contracts import INTENTS, Step

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings a script may use (real scripts need about 6)."""
MAX_NODES = 1_000_000
"""Most values a script may hold with every alias expanded (10 000 events fit easily)."""


class ScriptError(ValueError):
    """A script cannot be used; the message names the file, the line and the problem."""


class ScriptPlan(BaseModel):
    """An explicit plan inside a script event: steps in order and an optional reply."""

    model_config = ConfigDict(extra="forbid")

    steps: list[Step] = Field(min_length=1, max_length=20)
    """The steps, each as in `avatar plan --json` (intent, intensity, repeat, ...)."""
    reply: str | None = Field(default=None, min_length=1, max_length=2000)
    """What the avatar says while a talk/chat step plays."""


class ScriptEvent(BaseModel):
    """One thing that happens in a script: exactly one of `say`, `plan` or `pause`."""

    model_config = ConfigDict(extra="forbid")

    at: float | None = Field(default=None, ge=0.0, le=36_000.0)
    """Start time in seconds from the beginning; None: when the previous event ends."""
    say: str | None = Field(default=None, max_length=2000)
    """An utterance, interpreted exactly as if typed into the console."""
    plan: ScriptPlan | None = None
    """An explicit plan, played as given."""
    pause: float | None = Field(default=None, gt=0.0, le=600.0)
    """Seconds of nothing new (idle life goes on)."""
    reply: str | None = Field(default=None, max_length=2000)
    """Reply text for `say`/`plan` events; a talk step speaks it (one is added if missing)."""
    hold: float | None = Field(default=None, ge=0.0, le=600.0)
    """Seconds every step of this event holds its expression at the peak."""

    @field_validator("say", "reply")
    @classmethod
    def _not_blank(cls, text: str | None) -> str | None:
        if text is not None and not text.strip():
            raise ValueError("text is empty; write what should be said")
        return text

    @model_validator(mode="after")
    def _one_action(self) -> ScriptEvent:
        actions = [name for name in ("say", "plan", "pause") if getattr(self, name) is not None]
        if len(actions) != 1:
            found = ", ".join(actions) if actions else "none"
            raise ValueError(f"an event needs exactly one of say, plan, pause (found: {found})")
        if self.pause is not None and (self.reply is not None or self.hold is not None):
            raise ValueError("reply and hold belong to say/plan events, not to a pause")
        return self


class Script(BaseModel):
    """A whole script file (see the module docstring for the format)."""

    model_config = ConfigDict(extra="forbid")

    portrait: Path | None = None
    """Portrait photo; relative paths are relative to the script file. None: the configured one."""
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    """Seed of the idle life, so a render is the same every time."""
    fps: float = 30.0
    """Frames per second of `avatar render` unless `--fps` says otherwise."""
    size: tuple[int, int] | None = None
    """Output (width, height); None: the portrait's size."""
    end_hold: float = Field(default=1.0, ge=0.0, le=600.0)
    """Seconds rendered after the last event has finished."""
    events: list[ScriptEvent] = Field(min_length=1, max_length=10_000)
    """What happens, in order."""
    _path: Path = PrivateAttr(default=Path("<script>"))
    _event_lines: list[int] = PrivateAttr(default_factory=list)

    @property
    def path(self) -> Path:
        """The file the script was read from."""
        return self._path

    def location(self, index: int) -> str:
        """'file, line N' of event `index`, for error messages."""
        lines = self._event_lines
        line = lines[index] if index < len(lines) else 1
        return f"{self._path}, line {line}"

    @field_validator("fps")
    @classmethod
    def _fps_in_range(cls, fps: float) -> float:
        return check_fps(fps)

    @field_validator("size")
    @classmethod
    def _sensible_size(cls, size: tuple[int, int] | None) -> tuple[int, int] | None:
        if size is not None and not all(16 <= side <= 4096 for side in size):
            raise ValueError(f"size is [width, height], each 16..4096 pixels; got {list(size)}")
        return size


def load_script(path: str | Path) -> Script:
    """Read and validate a script file; a relative `portrait` is resolved against its folder.

    Raises:
        ScriptError: missing file, malformed YAML, or invalid content; the message names the
            file and line, e.g. "demo.yaml, line 7: events[2].pause: ...".
    """
    path = Path(path)
    problem = not_a_regular_file(path)
    if problem is not None:
        raise ScriptError(f"script '{path}': {problem}; give the path of a YAML script.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ScriptError(f"script '{path}': file not found.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(f"script '{path}': cannot be read ({exc}).") from exc
    return parse_script(text, path)


def parse_script(text: str, path: Path) -> Script:
    """Validate script `text` whose file is `path` (used for messages and relative paths)."""
    node, data = _compose(text, path)
    if not isinstance(data, dict):
        raise ScriptError(
            f"{path}, line 1: a script is a mapping with an 'events' list; see assets/scripts/"
        )
    try:
        script = Script.model_validate(data)
    except ValidationError as exc:
        raise ScriptError(_describe(exc, node, path)) from exc
    if script.portrait is not None:
        portrait = script.portrait.expanduser()
        script.portrait = portrait if portrait.is_absolute() else path.parent / portrait
    script._path = path
    script._event_lines = [
        _line_of(_node_at(node, ("events", index))) for index in range(len(script.events))
    ]
    return script


def _compose(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    """Parse once into both the node tree (with positions) and the plain Python data."""
    loader = yaml.SafeLoader(text)
    try:
        _check_size(text, path)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.context and exc.context_mark is not None and exc.problem:
            problem += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise ScriptError(f"{path}{line}: invalid YAML: {problem}.") from exc
    except yaml.YAMLError as exc:
        raise ScriptError(f"{path}: invalid YAML: {exc}.") from exc
    finally:
        loader.dispose()
    duplicate = _first_duplicate_key(node)
    if duplicate is not None:
        raise ScriptError(
            f"{path}, line {_line_of(duplicate)}: key '{duplicate.value}' appears twice in the "
            "same mapping; keep one"
        )
    return node, data


def _check_size(text: str, path: Path) -> None:
    """Refuse nesting deeper than `MAX_DEPTH` and more than `MAX_NODES` values after alias
    expansion, from the parser's flat event stream (linear in the text, no recursion)."""
    stack: list[int] = []  # per open collection: its expanded size so far
    anchors: list[str | None] = []
    sizes: dict[str, int] = {}
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise ScriptError(
                    f"{path}, line {event.start_mark.line + 1}: lists and mappings are nested "
                    f"more than {MAX_DEPTH} levels deep; flatten the script"
                )
            stack.append(1)
            anchors.append(event.anchor)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop(), anchors.pop()
        elif isinstance(event, yaml.ScalarEvent):
            size, anchor = 1, event.anchor
        elif isinstance(event, yaml.AliasEvent):
            size, anchor = sizes.get(event.anchor, 1), None
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if stack:
            stack[-1] += size
        if (sum(stack) if stack else size) > MAX_NODES:
            raise ScriptError(
                f"{path}, line {event.start_mark.line + 1}: the script expands to more than "
                f"{MAX_NODES:,} values (aliases repeat what they point to); use fewer aliases"
            )


def _first_duplicate_key(node: yaml.Node | None) -> yaml.Node | None:
    """The second occurrence of a repeated mapping key (YAML would silently keep the last).

    An alias shares its node, so each node is checked once however often it is repeated.
    """
    pending, visited = [node], set()
    while pending:
        current = pending.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        return key
                    seen.add(key.value)
            pending.extend(value for _, value in reversed(current.value))
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(reversed(current.value))
    return None


def _describe(exc: ValidationError, root: yaml.Node | None, path: Path) -> str:
    """One line per problem: 'file, line N: events[2].pause: message'."""
    lines = []
    for error in exc.errors():
        loc = _visible_loc(error["loc"])
        line = _line_of(_node_at(root, loc))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
        elif error["type"] == "literal_error" and loc and loc[-1] == "intent":
            message = f"unknown intent {error['input']!r}; use one of: {', '.join(INTENTS)}"
        lines.append(f"{path}, line {line}: {_format_loc(loc)}: {message}")
    return "\n".join(lines)


def _visible_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop pydantic's internal location parts (e.g. union tags) that are not YAML keys."""
    return tuple(part for part in loc if not (isinstance(part, str) and "[" in part))


def _node_at(root: yaml.Node | None, loc: tuple[int | str, ...]) -> yaml.Node | None:
    """The deepest node along `loc`; a mapping entry is located by its key's line."""
    node = root
    for index, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            entry = next((kv for kv in node.value if kv[0].value == part), None)
            if entry is None:
                return node
            key, node = entry
            if index == len(loc) - 1:
                return key
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _format_loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "script"
