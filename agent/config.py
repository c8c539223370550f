"""The one `Settings` object: defaults, then a TOML file, then `AVATAR_*` env vars, then overrides.

Every option has a default that works offline with no GPU and no weights. `load_settings` is the
only loader; the CLI turns its flags into overrides so no default is declared twice.
"""

from __future__ import annotations

import contextvars
import os
import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from agent._files import not_a_regular_file
from intents.llm.settings import LLMSettings
from renderer.window_types import parse_chord

REPO_ROOT = Path(__file__).resolve().parents[1]
ASSETS_DIR = REPO_ROOT / "assets"
DEFAULT_PORTRAIT = ASSETS_DIR / "portrait.png"
CONFIG_ENV = "AVATAR_CONFIG"
EngineName = Literal["auto", "liveportrait", "fallback"]
ENGINE_NAMES: tuple[EngineName, ...] = typing.get_args(EngineName)
BackendName = Literal["torch", "onnxruntime", "tensorrt"]
BACKEND_NAMES: tuple[BackendName, ...] = typing.get_args(BackendName)
MIN_FPS, MAX_FPS = 1.0, 120.0
"""The one frame-rate range: live loop, `--fps` and scripts."""
MAX_SEED = 2**32 - 1
"""Seeds are 0..MAX_SEED (what the idle life's random generator accepts)."""
MIN_WINDOW_SIDE, MAX_WINDOW_SIDE = 16, 8192
_DEVICE = re.compile(r"(cpu|mps|cuda)(?::(\d+))?")

_TOML_VALUES: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "avatar_toml_values", default=None
)


class _PathUnless:
    """Marks a str setting that names a file unless it is one of `words` (e.g. "stdin"), so a
    config file's relative value is resolved against the file's folder like every `Path`."""

    def __init__(self, *words: str) -> None:
        self.words = words


class ConfigError(ValueError):
    """The configuration file or a setting is invalid; the message names the file/line or key."""


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "portrait-agent"


class WindowSettings(BaseModel):
    """The pygame window that shows the portrait."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Open the window at start (the console still runs without it)."""
    size: tuple[int, int] = Field(default=(512, 512))
    """Window size in pixels, (width, height); frames are scaled to fit, keeping the aspect."""
    fullscreen: bool = False
    """Start fullscreen (kiosk mode always does)."""
    overlay: bool = False
    """Draw the small fps/engine overlay in a corner of the window."""
    hide_cursor: bool = False
    """Hide the mouse cursor over the window (kiosk mode always does)."""
    exit_combo: str = "ctrl+shift+q"
    """Key combination that closes the window; in kiosk mode it ends the program."""
    title: str = "portrait-agent"
    """Window title."""

    @field_validator("size")
    @classmethod
    def _sensible_size(cls, size: tuple[int, int]) -> tuple[int, int]:
        if not all(MIN_WINDOW_SIDE <= side <= MAX_WINDOW_SIDE for side in size):
            raise ValueError(
                f"the window size is [width, height], each {MIN_WINDOW_SIDE}..{MAX_WINDOW_SIDE} "
                f"pixels; got {list(size)}"
            )
        return size

    @field_validator("exit_combo")
    @classmethod
    def _known_keys(cls, combo: str) -> str:
        return parse_chord(combo)


class SpeechSettings(BaseModel):
    """The avatar's voice: which one, how loud, and how much of a reply it reads aloud."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Speak replies aloud (and put them into rendered videos)."""
    muted: bool = False
    """No sound (`--mute`, `/mute`); the mouth still moves with the words."""
    voice: Literal["auto", "espeak", "supertonic"] = "auto"
    """"auto": the neural voice when `avatar models download tts-supertonic` fetched it, else
    the embedded eSpeak NG; or name one."""
    style: str = "F1"
    """Speaker of the neural voice (F1..F5, M1..M5)."""
    volume: float = Field(default=1.0, ge=0.0, le=1.0)
    """Output volume, 0..1."""
    max_chars: int = Field(default=1000, ge=1, le=20_000)
    """Longer replies are read up to the last sentence that fits (the rest stays text)."""
    rate_wpm: int = Field(default=165, ge=80, le=450)
    """Speaking rate of eSpeak NG in words per minute."""
    device: str | None = None
    """Sound output device (a name or index as `python -m sounddevice` lists; None: default)."""


class KioskSettings(BaseModel):
    """Unattended installations: attract loop, text input, supervision."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    attract: bool = True
    """Play the attract loop after `idle_seconds` without input."""
    attract_script: Path = ASSETS_DIR / "scripts" / "attract.yaml"
    """Script of the attract loop (used unless `attract_texts` is set)."""
    attract_texts: list[str] = Field(default_factory=list)
    """Utterances played in turn as the attract loop instead of the script, when not empty."""
    idle_seconds: float = Field(default=30.0, gt=0.0)
    """Seconds without input before the attract loop starts."""
    input: Annotated[str, _PathUnless("stdin")] = "stdin"
    """Where utterances come from, one per line: "stdin", or the path of a FIFO or a text file
    that other programs append to (relative: to the config file's folder)."""
    restart_backoff_s: float = Field(default=1.0, gt=0.0)
    """First delay before reopening a crashed window; doubles per failure."""
    max_backoff_s: float = Field(default=30.0, gt=0.0)
    """Longest delay between window restarts."""
    engine_error_limit: int = Field(default=20, ge=1)
    """Engine failures within `engine_error_window_s` that make the kiosk re-create the engine."""
    engine_error_window_s: float = Field(default=10.0, gt=0.0)
    """Time window for counting engine failures."""


class ConsoleSettings(BaseModel):
    """The Textual console (`avatar` with no sub-command)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id → key, e.g. {"quick.smile" = "ctrl+1"}; ids: `quick.<intent>`,
    `console.toggle_log`, `input.history_back`, `input.history_forward`, `input.complete`."""


class VoiceSettings(BaseModel):
    """Spoken commands: microphone, voice activity, speech recognition (`[voice]`)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Listen at all (off: no microphone is opened)."""
    mode: Literal["auto", "ptt", "handsfree", "off"] = "auto"
    """"auto": push-to-talk in the console, hands-free in the kiosk; "ptt", "handsfree", "off"."""
    device: int | str | None = None
    """Microphone: PortAudio device number or name (None: the system default input)."""
    model: str = "auto"
    """Whisper model: "auto" (the best downloaded multilingual model, else the packaged English
    tiny.en), or a name from `avatar models list` such as "whisper-small"."""
    language: Literal["auto", "ko", "en"] = "auto"
    """Spoken language; "auto" detects it per utterance (multilingual models only)."""
    compute_device: Literal["auto", "cpu", "cuda"] = "auto"
    """Where Whisper runs: "auto" is CUDA float16 when available, else CPU int8."""
    beam_size: int = Field(default=1, ge=1, le=10)
    """Beam search width; 1 (greedy) is fastest and enough for short commands."""
    temperature: float = Field(default=0.0, ge=0.0, le=1.0)
    """Decoding temperature; 0 is deterministic."""
    vad_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    """Silero speech probability that counts as speech."""
    min_speech_s: float = Field(default=0.25, gt=0.0, le=5.0)
    """Shorter sounds are ignored (clicks, coughs)."""
    end_silence_s: float = Field(default=0.5, gt=0.0, le=5.0)
    """Silence that ends an utterance."""
    pre_roll_s: float = Field(default=0.3, ge=0.0, le=2.0)
    """Audio kept from before speech was detected, so the first syllable is not cut."""
    max_utterance_s: float = Field(default=15.0, gt=1.0, le=60.0)
    """Longest utterance; longer speech is cut here."""
    partial_interval_s: float = Field(default=0.7, ge=0.0, le=10.0)
    """Shortest time between partial transcripts while speaking (0: no partials)."""
    wake_name: str = ""
    """When set (e.g. "하나"), only utterances that start with this name act."""
    ptt_timeout_s: float = Field(default=8.0, gt=0.0, le=120.0)
    """Push-to-talk gives up after this long without speech."""
    talk_key: str = "space"
    """Key in the portrait window that starts push-to-talk (the console also has F12)."""


class WebSettings(BaseModel):
    """`avatar serve` and `avatar kiosk --serve`: the HTTP/WebSocket API and the browser page."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    host: str = "127.0.0.1"
    """Address to listen on; anything but loopback needs a `token`."""
    port: int = Field(default=8765, ge=0, le=65535)
    """TCP port (0: any free port, announced at start)."""
    token: str | None = Field(default=None, min_length=8)
    """Bearer token every route but the page needs; None: no authentication (loopback only)."""
    max_upload_mb: float = Field(default=20.0, gt=0.0, le=200.0)
    """Largest portrait upload in megabytes."""
    commands_per_s: float = Field(default=30.0, gt=0.0)
    """Commands (say, plan, channels, portrait, recording) one client may send per second."""
    command_burst: int = Field(default=60, ge=1)
    """Commands one client may send at once before the rate applies."""
    cors_origins: list[str] = Field(default_factory=list)
    """Web origins allowed to call the API from their pages (none: same origin only)."""


class Settings(BaseSettings):
    """Everything the avatar can be told, with offline-safe defaults."""

    model_config = SettingsConfigDict(
        env_prefix="AVATAR_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
        use_attribute_docstrings=True,
    )

    portrait: Path = DEFAULT_PORTRAIT
    """The portrait photo (JPEG, PNG or WebP)."""
    face: int | None = Field(default=None, ge=1)
    """Which face of a photo with several to animate, numbered from 1 left to right
    (`avatar faces PHOTO` lists them); None: the largest."""
    engine: EngineName = "auto"
    """"auto" (LivePortrait when its weights are present, else the fallback), "liveportrait",
    or "fallback" (weight-free CPU engine)."""
    models_dir: Path | None = None
    """Folder holding the model weights (None: the user cache the `models` command downloads to)."""
    device: str | None = None
    """Torch device for LivePortrait ("cuda", "cuda:1", "cpu"; None: CUDA when available)."""
    backend: BackendName = "torch"
    """What runs the LivePortrait networks: "torch", "onnxruntime" (TensorRT → CUDA → CPU
    providers) or "tensorrt" (engines built once and cached; needs an NVIDIA GPU)."""
    target_fps: float = 30.0
    """Frames per second the live loop aims for; slow engines show fewer frames, never slower
    motion."""
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    """Seed of the idle life (blinks, sway) so sessions and renders are reproducible."""
    data_dir: Path = Field(default_factory=_default_data_dir)
    """Where transcripts (`transcripts/`) and recordings (`recordings/`) are written."""
    window: WindowSettings = Field(default_factory=WindowSettings)
    """The pygame window."""
    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    """Kiosk mode (`avatar kiosk`)."""
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    """The Textual console."""
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    """Spoken commands."""
    speech: SpeechSettings = Field(default_factory=SpeechSettings)
    """The avatar's voice."""
    llm: LLMSettings = Field(default_factory=LLMSettings)
    """The conversational LLM behind the classifier (`[llm]`): model or server, persona, memory."""
    web: WebSettings = Field(default_factory=WebSettings)
    """The web API and page (`avatar serve`)."""

    @field_validator("target_fps")
    @classmethod
    def _fps_in_range(cls, fps: float) -> float:
        return check_fps(fps)

    @field_validator("device")
    @classmethod
    def _usable_device(cls, device: str | None) -> str | None:
        return None if device is None else check_device(device)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Overrides beat env vars, env vars beat the TOML file, the file beats defaults."""
        toml_source = InitSettingsSource(settings_cls, init_kwargs=_TOML_VALUES.get() or {})
        return (init_settings, env_settings, toml_source)

    @property
    def transcripts_dir(self) -> Path:
        """Folder of the per-session JSONL transcripts."""
        return self.data_dir / "transcripts"

    @property
    def recordings_dir(self) -> Path:
        """Folder of the live-session recordings."""
        return self.data_dir / "recordings"


def check_fps(fps: float) -> float:
    """`fps` if it is within `MIN_FPS`..`MAX_FPS` (the one rule for every frame rate).

    Raises:
        ValueError: out of range, infinite or not a number.
    """
    if not MIN_FPS <= fps <= MAX_FPS:  # False for nan too
        raise ValueError(f"frames per second must be {MIN_FPS:g}..{MAX_FPS:g}; got {fps:g}")
    return fps


def check_device(device: str) -> str:
    """`device` if torch can run on it here ("cpu", "cuda", "cuda:N", "mps").

    Raises:
        ValueError: an unknown device name, or a GPU this machine does not have.
    """
    match = _DEVICE.fullmatch(device.strip().lower())
    if match is None:
        raise ValueError(f"unknown device {device!r}; use cpu, cuda, cuda:N or mps")
    kind, index = match.group(1), match.group(2)
    if kind == "cpu":
        return match.group(0)
    import torch  # only when a GPU is named: the check needs the runtime anyway

    if kind == "mps":
        count = 1 if torch.backends.mps.is_available() else 0
    else:
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if int(index or 0) >= count:
        found = f"{count} {kind} device(s)" if count else f"no usable {kind} device"
        raise ValueError(f"device {device!r}: this machine has {found}; use cpu")
    return match.group(0)


def load_settings(config_path: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from the TOML file, `AVATAR_*` env vars and `overrides`, in that order.

    Args:
        config_path: TOML file; None reads `$AVATAR_CONFIG` when set, else no file.
        overrides: field values that win over everything (nested models as dicts); None values
            are ignored so CLI flags that were not given do not override anything.

    Raises:
        ConfigError: the file is missing or not valid TOML (message names file and line), or a
            value is invalid (message names the key and, for file values, the line).
    """
    if config_path is None and os.environ.get(CONFIG_ENV):
        config_path = os.environ[CONFIG_ENV]
    path = Path(config_path).expanduser() if config_path is not None else None
    toml_values = _read_toml(path) if path is not None else {}
    given = {key: value for key, value in overrides.items() if value is not None}
    token = _TOML_VALUES.set(toml_values)
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise ConfigError(_describe_validation_error(exc, path, toml_values)) from exc
    finally:
        _TOML_VALUES.reset(token)


def _read_toml(path: Path) -> dict[str, Any]:
    problem = not_a_regular_file(path)
    if problem is not None:
        raise ConfigError(f"config file '{path}': {problem}; give the path of a TOML file.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"config file '{path}': file not found.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file '{path}': cannot be read ({exc}).") from exc
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_describe_toml_error(path, text, exc)) from exc
    return _resolve_paths(Settings, values, path.parent)


def _describe_toml_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """'config file X, line N, column M: invalid TOML: <problem>.' from tomllib's message."""
    message = str(exc)
    at = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if at:
        problem = message[: at.start()]
        return (
            f"config file '{path}', line {at.group(1)}, column {at.group(2)}: "
            f"invalid TOML: {problem}."
        )
    problem = message.replace(" (at end of document)", "")
    last_line = max(1, len(text.splitlines()))
    return (
        f"config file '{path}', line {last_line}: invalid TOML: {problem} "
        "(the file ends before the value is complete)."
    )


def _resolve_paths(model: type[BaseModel], values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Make relative path values in the file relative to the file's folder, not the cwd."""
    resolved = dict(values)
    for name, field in model.model_fields.items():
        value = resolved.get(name)
        if isinstance(value, dict) and _nested_model(field.annotation):
            resolved[name] = _resolve_paths(_nested_model(field.annotation), value, base)  # type: ignore[arg-type]
        elif isinstance(value, str) and _is_path(field.annotation):
            resolved[name] = _against(base, value)
        elif isinstance(value, str) and any(
            isinstance(mark, _PathUnless) and value not in mark.words for mark in field.metadata
        ):
            resolved[name] = str(_against(base, value))
    return resolved


def _against(base: Path, value: str) -> Path:
    """`value` as a path; a relative one is taken relative to `base`."""
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else base / candidate


def _is_path(annotation: Any) -> bool:
    if annotation is Path:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return Path in typing.get_args(annotation)
    return False


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _describe_validation_error(
    exc: ValidationError, path: Path | None, toml_values: dict[str, Any]
) -> str:
    problems = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"])
        key = ".".join(loc) or "(settings)"
        where = ""
        if path is not None and _has_key(toml_values, loc):
            line = _find_key_line(path, loc)
            where = f"config file '{path}', line {line}: " if line else f"config file '{path}': "
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{where}setting '{key}': {message}")
    return "; ".join(problems)


def _has_key(values: dict[str, Any], loc: tuple[str, ...]) -> bool:
    node: Any = values
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _find_key_line(path: Path, loc: tuple[str, ...]) -> int | None:
    """Line (1-based) of `loc` in the TOML file: `[table]` headers or dotted keys, best effort."""
    table: tuple[str, ...] = ()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        header = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", line)
        if header:
            table = tuple(part.strip() for part in header.group(1).split("."))
            continue
        key = re.match(r"([A-Za-z0-9_.\-\s\"']+?)\s*=", line)
        if key:
            parts = tuple(p.strip().strip("\"'") for p in key.group(1).split("."))
            full = table + parts
            if full == loc[: len(full)] and len(full) >= 1 and full[: len(table)] == table:
                return number
    return None
