"""The conversational LLM behind the classifier: router, constrained decoding, local or served.

    from intents.llm import LLMSettings, build_interpreter
    interpreter = build_interpreter(LLMSettings(url="http://gpu-box:8000/v1"), on_state=print)
    for part in interpreter.interpret_stream("오늘 기분 어때?"):
        ...  # PlanReady (start the face), ReplySentence..., LLMTrace

Without a model or server, `build_interpreter` returns the classifier itself: everything behaves
as without this package.
"""

from __future__ import annotations

from pathlib import Path

from intents import load_interpreter
from intents._interpreter import Interpreter
from intents.llm._backend import Backend, BackendError
from intents.llm.router import Router, StateCallback
from intents.llm.settings import AUTO, OFF, LLMSettings
from models.registry import llm_files, set_dir
from models.verify import verify


def default_model_folder(models_dir: str | Path | None = None) -> Path | None:
    """The folder `avatar models download llm` filled, if all its files are there."""
    files = llm_files()
    folder = set_dir(models_dir, files)
    return folder if verify(folder, model_set=files, check_hash=False).ok else None


def build_interpreter(
    settings: LLMSettings,
    *,
    models_dir: str | Path | None = None,
    on_state: StateCallback | None = None,
    wait: bool = False,
) -> Interpreter:
    """The router for these settings, or the plain classifier when no LLM is configured.

    Args:
        settings: the `[llm]` settings.
        models_dir: where `avatar models download llm` put the default model.
        on_state: called with (state line, problem) whenever the LLM's state changes.
        wait: load the model before returning (the CLI); else it loads in the background and
            the classifier answers meanwhile.

    Raises:
        FileNotFoundError: the classifier model is missing (see `load_interpreter`).
    """
    classifier = load_interpreter()
    if settings.url:
        url = settings.url
        router = Router(classifier, settings, lambda: _connect(url, settings), source=url,
                        on_state=on_state)
    else:
        model = _model_source(settings, models_dir)
        if model is None:
            if on_state is not None:
                on_state(_off_line(settings), False)
            return classifier
        router = Router(classifier, settings, lambda: _load_local(model, settings),
                        source=Path(model).name or model, on_state=on_state)
    router.start(wait=wait)
    return router


def _model_source(settings: LLMSettings, models_dir: str | Path | None) -> str | None:
    if settings.model == OFF:
        return None
    if settings.model == AUTO:
        folder = default_model_folder(models_dir)
        return str(folder) if folder is not None else None
    return settings.model


def _off_line(settings: LLMSettings) -> str:
    if settings.model == AUTO:
        return "off (`avatar models download llm` or llm.url turns it on)"
    return "off"


def _connect(url: str, settings: LLMSettings) -> Backend:
    from intents.llm.server import ServerBackend

    backend = ServerBackend(url, settings)
    backend.connect()
    return backend


def _load_local(model: str, settings: LLMSettings) -> Backend:
    from intents.llm._prompt import system_prompt
    from intents.llm.local import LocalBackend

    backend = LocalBackend.load(model, settings, device=settings.device)
    backend.warm(system_prompt(settings))
    return backend


__all__ = [
    "BackendError",
    "LLMSettings",
    "Router",
    "StateCallback",
    "build_interpreter",
    "default_model_folder",
]
