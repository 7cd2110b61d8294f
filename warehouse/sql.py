"""The one loader of newswatch's SQL: named statements and migrations from warehouse/sql/."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import duckdb

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


def dict_rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of an executed statement as dicts keyed by column name."""
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def named_rows(
    conn: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Run a named statement of queries.sql; its rows as dicts."""
    return dict_rows(conn.execute(QUERIES[name], list(params)))
