"""Model registry: which files each engine needs, download with progress, verification, offline use.

Nothing here touches the network on import; `download` is the only networked call.
"""

from __future__ import annotations

from models.download import download
from models.errors import HubUnreachableError, ModelsCorruptError, ModelsError, ModelsMissingError
from models.registry import ModelFile, ModelSet, default_models_dir, liveportrait_files
from models.verify import VerifyReport, verify

__all__ = [
    "HubUnreachableError",
    "ModelFile",
    "ModelSet",
    "ModelsCorruptError",
    "ModelsError",
    "ModelsMissingError",
    "VerifyReport",
    "default_models_dir",
    "download",
    "liveportrait_files",
    "verify",
]
