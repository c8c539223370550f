"""Errors of the model registry; every message names the files or the folder and the next step."""

from __future__ import annotations

from pathlib import Path

GET_MODELS_HINT = (
    "Run `avatar models download` (add --from-folder PATH on a machine without internet), "
    "or point --models-dir at a folder that holds them."
)


class ModelsError(RuntimeError):
    """Base class: the model files cannot be used or fetched."""


class ModelsMissingError(ModelsError):
    """Some model files are absent from the models folder.

    Attributes:
        models_dir: the folder that was searched.
        missing: paths (relative to `models_dir`) that are absent.
    """

    def __init__(self, models_dir: Path, missing: list[str], *, hint: str = GET_MODELS_HINT):
        self.models_dir = models_dir
        self.missing = list(missing)
        listed = "\n".join(f"  - {path}" for path in self.missing)
        count = len(self.missing)
        super().__init__(
            f"{count} model file{'s' if count != 1 else ''} missing in {models_dir}:\n{listed}\n"
            f"{hint}"
        )


class ModelsCorruptError(ModelsError):
    """Files are present but their size or SHA-256 differs from the registry.

    Attributes:
        problems: one line per bad file ("path: what is wrong").
    """

    def __init__(self, problems: list[str], *, hint: str = ""):
        self.problems = list(problems)
        listed = "\n".join(f"  - {line}" for line in self.problems)
        tail = f"\n{hint}" if hint else ""
        super().__init__(f"model files failed verification:\n{listed}{tail}")


class HubUnreachableError(ModelsError):
    """The model hub could not be reached (no network, firewall, wrong HF_ENDPOINT)."""
