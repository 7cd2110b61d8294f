"""The benches' data (name lists, templates, word tables), kept in bench/data/ rather than in
Python literals and read once per process."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

_DATA = resources.files("bench") / "data"


@cache
def text(name: str) -> str:
    """A text file of bench/data/, exactly as written."""
    return (_DATA / name).read_text(encoding="utf-8")


def _restore(value: Any) -> Any:
    """JSON back to the Python values it was written from (tuples and non-text keys kept)."""
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"tuple"}:
            return tuple(_restore(v) for v in value["tuple"])
        if set(value) == {"dict"}:
            return {_restore(k): _restore(v) for k, v in value["dict"]}
        return {k: _restore(v) for k, v in value.items()}
    return value


@cache
def data(name: str) -> Any:
    """A JSON file of bench/data/ as the Python value it holds."""
    return _restore(json.loads(text(name)))
