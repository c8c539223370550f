"""Intent presets as data: `presets.yaml` validated into pydantic models at load time.

One preset per intent of EXPRESSIONS.md: channel targets at full intensity, an attack/hold/release
envelope with an easing curve, optional oscillating motions (nod, head shake, laugh, talk) and
whether the pose holds until the next plan. A bad file raises `PresetError` naming the file, the
entry (e.g. `presets.smile.targets.smiel`) and what is wrong, before anything plays.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from animator.timeline.easing import EasingName
from contracts.plan import INTENTS, IntentName
from contracts.pose import CHANNEL_NAMES, ChannelName, Pose

DEFAULT_PRESETS_PATH = Path(__file__).with_name("presets.yaml")

PresetKind = Literal["expression", "gesture", "speech", "reset"]
Waveform = Literal["sine", "pulse"]


class PresetError(ValueError):
    """The preset file is missing, is not YAML, or does not describe every intent correctly."""


class Motion(BaseModel):
    """An oscillation added on top of a preset's targets (a nod, a head shake, laugh bobs).

    Attributes:
        channel: the channel that oscillates.
        amplitude: peak offset at full intensity, in the channel's unit; the sign is the direction.
        frequency: cycles per second.
        waveform: "sine" swings to both sides (+amplitude, then −amplitude); "pulse" is a smooth
            hump (1 − cos)/2 that goes from 0 to `amplitude` and back once per cycle.
        cycles: cycles per `repeat`; None keeps oscillating for the whole step (talking).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: ChannelName
    amplitude: float
    frequency: float = Field(gt=0.0, le=12.0)
    waveform: Waveform
    cycles: int | None = Field(default=None, ge=1, le=20)

    @model_validator(mode="after")
    def _amplitude_fits_channel(self) -> Motion:
        spec = Pose.spec(self.channel)
        if abs(self.amplitude) > spec.high - spec.low:
            raise ValueError(
                f"amplitude {self.amplitude} is larger than the whole {self.channel} range "
                f"{spec.low:g}..{spec.high:g}"
            )
        return self


class Preset(BaseModel):
    """How one intent plays.

    Attributes:
        kind: "expression" (a sustained face; carried on through a following talk/chat step),
            "gesture" (a brief action), "speech" (talk/chat: the speech layer moves the mouth)
            or "reset" (neutral).
        targets: channel values at full intensity; channels not named go to rest (0).
        attack: seconds to blend into the targets.
        hold: seconds the targets stay (extended while a motion or speech is still playing).
        release: seconds to blend back to rest.
        easing: the curve of attack and release.
        holds: when it is a plan's last step, keep the targets until the next plan or the
            file's `hold_timeout` (close_eyes, look_*).
        suppress_blink: no idle blink starts while the step is in its attack or hold.
        full_intensity: the step intensity at which the targets are reached in full; lower
            intensities scale them down linearly. Below 1.0 for all-or-nothing actions (a blink at
            the default intensity 0.7 should still close the eyes).
        motions: oscillations added on top of the targets.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PresetKind
    targets: dict[ChannelName, float] = Field(default_factory=dict)
    attack: float = Field(gt=0.0, le=10.0)
    hold: float = Field(ge=0.0, le=60.0)
    release: float = Field(gt=0.0, le=10.0)
    easing: EasingName = "smootherstep"
    holds: bool = False
    suppress_blink: bool = False
    full_intensity: float = Field(default=1.0, gt=0.0, le=1.0)
    motions: tuple[Motion, ...] = ()

    @field_validator("targets")
    @classmethod
    def _targets_in_range(cls, targets: dict[ChannelName, float]) -> dict[ChannelName, float]:
        for name, value in targets.items():
            spec = Pose.spec(name)
            if not spec.low <= value <= spec.high:
                raise ValueError(
                    f"target {name}={value} is outside its range {spec.low:g}..{spec.high:g}"
                )
        return targets


class Presets(BaseModel):
    """Every intent's preset plus the timeout of holding intents.

    Attributes:
        hold_timeout: seconds a holding intent (close_eyes, look_*) stays before it releases on
            its own when no new plan arrives.
        presets: one preset per intent name; all intents of EXPRESSIONS.md must be present.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    hold_timeout: float = Field(default=8.0, gt=0.0, le=600.0)
    presets: dict[IntentName, Preset]

    @model_validator(mode="after")
    def _every_intent_present(self) -> Presets:
        missing = [intent for intent in INTENTS if intent not in self.presets]
        if missing:
            raise ValueError(
                f"missing presets for intents: {', '.join(missing)} "
                "(every intent of EXPRESSIONS.md needs one)"
            )
        return self

    def get(self, intent: str) -> Preset:
        """The preset of `intent`; PresetError naming the known intents when there is none."""
        try:
            return self.presets[intent]  # type: ignore[index]
        except KeyError:
            raise PresetError(
                f"no preset for intent {intent!r}; known intents: {', '.join(self.presets)}"
            ) from None


def load_presets(path: Path | None = None) -> Presets:
    """Load and validate a preset file (default: the packaged `presets.yaml`, loaded once).

    Raises:
        PresetError: the file cannot be read, is not YAML, or fails validation; the message
            names the file and every bad entry.
    """
    if path is None:
        return _default_presets()
    return _load(Path(path))


@functools.cache
def _default_presets() -> Presets:
    return _load(DEFAULT_PRESETS_PATH)


def _load(path: Path) -> Presets:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PresetError(f"{path}: cannot read the preset file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PresetError(f"{path}:{where}: not valid YAML: {problem}") from exc
    if not isinstance(data, dict):
        raise PresetError(
            f"{path}: expected a mapping with 'presets' (and optionally 'hold_timeout'), "
            f"got {type(data).__name__}"
        )
    try:
        return Presets.model_validate(data)
    except ValidationError as exc:
        lines = "\n".join(f"  {_describe(error)}" for error in exc.errors())
        raise PresetError(f"{path}: invalid preset file:\n{lines}") from exc


def _describe(error: Any) -> str:
    """One validation error as `dotted.location: message`, with known names for bad keys."""
    loc = [str(part) for part in error["loc"]]
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        parent = loc[-2] if len(loc) >= 2 else ""
        known = INTENTS if parent == "presets" else CHANNEL_NAMES
        what = "intent" if parent == "presets" else "channel"
        return f"{'.'.join(loc)}: unknown {what} {error['input']!r}; known: {', '.join(known)}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{'.'.join(loc) or '<file>'}: {message}"
