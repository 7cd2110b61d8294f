"""The one loader of newswatch's SQL: named statements and migrations from warehouse/sql/."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

SQL_DIR = resources.files("warehouse") / "sql"
_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def named_queries(filename: str) -> dict[str, str]:
    """The statements of one file in sql/, each under its `-- name:` marker."""
    text = (SQL_DIR / filename).read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def sql_file(filename: str) -> str:
    """A whole file of sql/, such as the views."""
    return (SQL_DIR / filename).read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str]]:
    """(version, sql) for every file in sql/migrations, in order."""
    found = []
    for entry in (SQL_DIR / "migrations").iterdir():
        match = re.match(r"^(\d+)_.*\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


QUERIES = named_queries("queries.sql")
TREND_SQL = named_queries("trends_refresh.sql")
