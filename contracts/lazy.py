"""Lazy package attributes: a package's public names are imported from their modules on first use.

`agent`, `animator` and `renderer` re-export names whose modules are expensive to import (the
engines pull in PyTorch, the window pulls in pygame); a user of one cheap part should not pay for
the others.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module-level `__getattr__` for `package` that loads each name from `homes[name]`.

    The value is cached in the package's namespace, so the import happens once.

    Raises (from the returned function):
        AttributeError: the name is not one of the package's lazy names.
    """

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return load
