"""`lazy_getattr`: package names load from their home module on first use, once."""

from __future__ import annotations

import json
import sys
import types

import pytest

from contracts.lazy import lazy_getattr


def test_names_load_on_first_use_and_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    package = types.ModuleType("lazy_probe")
    package.__getattr__ = lazy_getattr("lazy_probe", {"dumps": "json"})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lazy_probe", package)
    assert "dumps" not in vars(package)
    assert package.dumps is json.dumps
    assert vars(package)["dumps"] is json.dumps  # cached: no second lookup


def test_unknown_names_raise_attribute_error(monkeypatch: pytest.MonkeyPatch) -> None:
    package = types.ModuleType("lazy_probe")
    package.__getattr__ = lazy_getattr("lazy_probe", {"dumps": "json"})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lazy_probe", package)
    with pytest.raises(AttributeError, match="module 'lazy_probe' has no attribute 'loads'"):
        package.loads  # noqa: B018
