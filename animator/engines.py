"""Engine selection: LivePortrait when its weights are present, the weight-free fallback otherwise.

Both engines are imported lazily, so choosing the fallback never imports torch-heavy LivePortrait
code, and a broken LivePortrait install degrades to the fallback with a note instead of a crash.
"""

from __future__ import annotations

import logging
import typing
from pathlib import Path
from typing import Literal

from contracts import Engine

log = logging.getLogger("avatar.animator")

EngineChoice = Literal["auto", "liveportrait", "fallback"]
ENGINE_CHOICES: tuple[EngineChoice, ...] = typing.get_args(EngineChoice)
GET_WEIGHTS_ADVICE = "Get them with: avatar models download"
WEIGHTS_MISSING_NOTE = (
    f"LivePortrait weights not found — running the fallback engine. {GET_WEIGHTS_ADVICE}"
)


def create_engine(
    name: str = "auto",
    *,
    models_dir: str | Path | None = None,
    device: str | None = None,
    backend: str = "torch",
) -> tuple[Engine, list[str]]:
    """Build the engine called `name` and return it with notes for the user.

    Args:
        name: "auto" (LivePortrait if its weights load, else the fallback), "liveportrait" or
            "fallback".
        models_dir: folder with the LivePortrait weights (None: the models cache).
        device: torch device for LivePortrait (None: CUDA when available, else CPU).
        backend: what runs LivePortrait's networks: "torch", "onnxruntime" or "tensorrt".

    Returns:
        (engine, notes): notes are short user-facing lines, e.g. why the fallback runs.

    Raises:
        ValueError: unknown name, or "liveportrait" when its weights are missing or fail to load
            (the message says how to get them).
    """
    if name == "fallback":
        return _fallback(), []
    if name == "liveportrait":
        return _liveportrait(models_dir, device, backend), []
    if name == "auto":
        try:
            return _liveportrait(models_dir, device, backend), []
        except _WeightsMissing:
            return _fallback(), [WEIGHTS_MISSING_NOTE]
        except ValueError as exc:
            log.warning("LivePortrait unavailable: %s", exc)
            return _fallback(), [f"{exc} — running the fallback engine."]
    choices = ", ".join(ENGINE_CHOICES)
    raise ValueError(f"unknown engine {name!r}; choose one of: {choices}.")


class _WeightsMissing(ValueError):
    """LivePortrait's weight files are not there (as opposed to failing to load)."""


def _fallback() -> Engine:
    from animator.fallback import FallbackEngine

    return FallbackEngine()


def _liveportrait(models_dir: str | Path | None, device: str | None, backend: str) -> Engine:
    try:
        from animator.liveportrait.engine import LivePortraitEngine, LivePortraitOptions
        from models import ModelsCorruptError, ModelsMissingError
    except ImportError as exc:
        raise ValueError(f"LivePortrait engine cannot be imported ({exc})") from exc
    try:
        options = LivePortraitOptions(backend=backend)  # type: ignore[arg-type]
        return LivePortraitEngine.from_models_dir(
            models_dir=models_dir, device=device, options=options  # type: ignore[arg-type]
        )
    except ModelsMissingError as exc:
        count = len(exc.missing)
        message = (
            f"LivePortrait weights not found in {exc.models_dir} ({count} file"
            f"{'s' if count != 1 else ''} missing). {GET_WEIGHTS_ADVICE}"
        )
        raise _WeightsMissing(message) from exc
    except ModelsCorruptError as exc:
        count = len(exc.problems)
        raise ValueError(
            f"LivePortrait weights failed verification ({count} file{'s' if count != 1 else ''}: "
            f"{'; '.join(exc.problems)}). Repair them with: avatar models download"
        ) from exc
    except (RuntimeError, OSError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"LivePortrait failed to load: {first_line}") from exc
