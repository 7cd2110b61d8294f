"""docs/configuration.md lists every setting of the composed `Settings` tree, with the model's
default and its environment variable, and nothing that no longer exists."""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from newswatch.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
# Lists of mappings come from YAML only; their items' keys are written `section[].key`.
YAML_ONLY = ("sources", "topics")
ROW = re.compile(r"^\| `([^`]+)` \| `(.*)` \| (`[^`]+`|YAML only) \|", re.MULTILINE)


def render(value: Any) -> str:
    """A default as the doc shows it: JSON, paths and other objects as text."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return json.dumps(value, default=str, ensure_ascii=False)


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models a field holds: itself, a list's items, or every member of a union."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def model_rows(
    model: type[BaseModel] = Settings, prefix: str = "", env: bool = True
) -> Iterator[tuple[str, str, str]]:
    """(key, default, env name) of every setting under `model`, depth first."""
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        nested = _models(field.annotation)
        is_list = typing.get_origin(field.annotation) is list
        if nested and not is_list:
            yield from model_rows(nested[0], f"{key}.", env)
            continue
        if field.default_factory is not None:
            default = render(field.default_factory())  # type: ignore[call-arg]
        elif field.default is PydanticUndefined:
            default = "required"
        else:
            default = render(field.default)
        in_env = env and name not in YAML_ONLY
        variable = f"`NEWSWATCH__{key.replace('.', '__').upper()}`" if in_env else "YAML only"
        if key == "db_path":
            variable = "`NEWSWATCH_DB`"
        yield key, default, variable
        for item in nested:
            yield from model_rows(item, f"{key}[].", False)


def doc_rows() -> list[tuple[str, str, str]]:
    """The (key, default, env) rows of docs/configuration.md's tables."""
    return [m.groups() for m in ROW.finditer(DOC.read_text(encoding="utf-8"))]


def test_every_setting_is_documented_with_its_default_and_variable():
    # Rows, not keys: a key several channel kinds share is listed once per distinct default.
    documented, expected = set(doc_rows()), set(model_rows())
    missing = sorted(expected - documented)
    stale = sorted(documented - expected)
    assert not missing, f"add to docs/configuration.md (key, default, env): {missing}"
    assert not stale, f"not (or no longer) so in the models, fix docs/configuration.md: {stale}"


def test_the_walk_reaches_nested_kinds():
    keys = {k for k, _, _ in model_rows()}
    # A discriminated union's members, list items and nested sections are all walked.
    assert {"alerts.channels[].url_env", "alerts.channels[].host", "topics[].alerts[].rule"} <= keys
    assert {"sources[].url", "sources[].path", "fetch.max_bytes", "airflow.pool"} <= keys
