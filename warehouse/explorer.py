"""The explorer's reads: overview, entity, story, search and alerts, each within an analyst's
filters (topic, date range, language, site, entity label).

Plain functions over a DuckDB connection to a newswatch warehouse or its analyst snapshot; the
SQL lives in sql/explorer.sql and every value is a bound parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Literal

import duckdb

from warehouse.sql import dict_rows, named_queries

Bucket = Literal["day", "hour"]
DEFAULT_DAYS = 30
MAX_TERMS = 8
_PARAM = re.compile(r"\$([a-z_]+)")
# A word: a run of letters and digits, as the search index (queries.sql: insert_article_terms)
# splits titles and texts.
_TERM = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Filters:
    """What an analyst narrowed the view to; None is "any". Dates are whole UTC days."""

    topic: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    language: str | None = None
    site: str | None = None
    label: str | None = None

    def fast(self) -> bool:
        """Whether the trend tables (kept per topic and day) answer this scope exactly."""
        return self.language is None and self.site is None


@cache
def _queries() -> dict[str, str]:
    """The named statements of sql/explorer.sql."""
    return named_queries("explorer.sql")


def _by_source(conn: duckdb.DuckDBPyConnection, filters: Filters) -> bool:
    """Whether a language or site filter can be answered from entity_days_by_source, which
    only the analyst snapshot holds (the warehouse itself is read by an article scan)."""
    return not filters.fast() and _has_table(conn, "entity_days_by_source")


def _has_table(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connection's database has table `name` (older snapshots lack newer ones)."""
    row = conn.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = current_database() AND table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])


def _pick(conn: duckdb.DuckDBPyConnection, name: str, filters: Filters) -> str:
    """The statement `name` answering the filters: from the trend tables when they can,
    else over the scope's articles."""
    if filters.fast():
        return _queries()[f"{name}_fast"]
    if _by_source(conn, filters):
        fast = _queries()[f"{name}_fast"]
        if "entity_days d" in fast:
            fast = fast.replace("entity_days d", "entity_days_by_source d")
            fragment = _queries()["day_in_sources"]
        else:  # lists of stories: those whose opening article is in the sources
            fragment = _queries()["story_in_sources"]
        return fast.replace("/* sources */", _strip_comments(fragment).strip())
    return _scoped(name, filters.topic is not None)


def _strip_comments(sql: str) -> str:
    """A statement without its leading comment lines."""
    lines = sql.splitlines()
    while lines and lines[0].lstrip().startswith("--"):
        lines.pop(0)
    return "\n".join(lines)


@cache
def _scoped(name: str, topic: bool = False) -> str:
    """A named statement run over the `scope` of the filters (one WITH clause for both);
    `topic`: the scope of one topic."""
    body = _strip_comments(_queries()[name])
    fragment = _queries()["scope_topic" if topic else "scope"]
    scope = f"scope AS (\n{_strip_comments(fragment)}\n)"
    if body.upper().startswith("WITH "):
        return f"WITH {scope},\n{body[5:]}"
    return f"WITH {scope}\n{body}"


def _run(conn: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Execute with the parameters the statement names (DuckDB refuses unused ones)."""
    wanted = set(_PARAM.findall(sql))
    return dict_rows(conn.execute(sql, {k: v for k, v in params.items() if k in wanted}))


def window(conn: duckdb.DuckDBPyConnection, filters: Filters) -> Filters:
    """The filters with both dates set: by default the last 30 days up to the newest article."""
    if filters.since is not None and filters.until is not None:
        return filters
    row = _run(conn, _queries()["bounds"], {})[0]
    newest = row["newest"].date() if row["newest"] else datetime.now().date()
    until = filters.until or newest
    since = filters.since or until - timedelta(days=DEFAULT_DAYS - 1)
    return replace(filters, since=min(since, until), until=until)


def _params(filters: Filters, **extra: Any) -> dict[str, Any]:
    """Bound parameters for a scope: `until` becomes the exclusive end of its day."""
    f = filters
    assert f.since is not None and f.until is not None, "call window() first"
    return {
        "topic": f.topic,
        "since": datetime.combine(f.since, time()),
        "until": datetime.combine(f.until + timedelta(days=1), time()),
        "language": f.language,
        "site": f.site,
        "label": f.label,
        **extra,
    }


def choices(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The values each filter menu offers: topics, languages, sites, labels."""
    out: dict[str, list[str]] = {"topic": [], "language": [], "site": [], "label": []}
    for r in _run(conn, _queries()["choices"], {}):
        out[r["kind"]].append(r["value"])
    return out


def days(conn: duckdb.DuckDBPyConnection, filters: Filters) -> list[dict[str, Any]]:
    """Articles and stories per day of the scope, every day of the window (zeros included)."""
    counted = {
        r["day"]: r
        for r in _run(conn, _scoped("days", filters.topic is not None), _params(filters))
    }
    assert filters.since is not None and filters.until is not None
    out, day = [], filters.since
    while day <= filters.until:
        r = counted.get(day)
        out.append(
            {"day": day, "articles": r["articles"] if r else 0, "stories": r["stories"] if r else 0}
        )
        day += timedelta(days=1)
    return out


def top_entities(
    conn: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 20
) -> list[dict[str, Any]]:
    """The entities named in the most stories of the scope."""
    sql = _pick(conn, "top_entities", filters)
    return _run(conn, sql, _params(filters, limit=limit))


def rising(
    conn: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 10
) -> list[dict[str, Any]]:
    """Entities whose stories on the window's last day beat their daily average before."""
    sql = _pick(conn, "rising", filters)
    return _run(conn, sql, _params(filters, limit=limit))


def newest_alerts(
    conn: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 10
) -> list[dict[str, Any]]:
    """The latest alerts of the topic, with how each channel's delivery stands."""
    return _run(conn, _queries()["newest_alerts"], {"topic": filters.topic, "limit": limit})


def feed_health(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every source: last success, last error, failures in a row, articles stored."""
    return _run(conn, _queries()["feed_health"], {})


def entity_ids(
    conn: duckdb.DuckDBPyConnection, entity: str, label: str | None = None
) -> list[dict[str, Any]]:
    """The stored entities an analyst means by `entity` (name, alias or written form)."""
    return _run(conn, _queries()["entity_ids"], {"entity": entity, "label": label})


def _numbers(ids: list[str]) -> list[int]:
    """The entity numbers (keys of the trend tables) of entity ids."""
    return [int(i, 16) for i in ids]


def entity_series(
    conn: duckdb.DuckDBPyConnection, ids: list[str], filters: Filters, by: Bucket = "day"
) -> list[dict[str, Any]]:
    """Mentions, articles and stories of the entity per bucket of the scope (gaps left out)."""
    if by not in ("day", "hour"):
        raise ValueError(f"bucket must be 'day' or 'hour', not {by!r}")
    # The source table is kept per day: hours with a language or site filter scan articles.
    if by == "day" or filters.fast():
        sql = _pick(conn, "entity_series", filters)
    else:
        sql = _scoped("entity_series", filters.topic is not None)
    params = _params(filters, ids=ids, nos=_numbers(ids), by=by)
    return _run(conn, sql, params)


def entity_stories(
    conn: duckdb.DuckDBPyConnection,
    ids: list[str],
    filters: Filters,
    bucket: tuple[datetime, datetime] | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """The stories naming the entity, optionally only those in one bucket of its chart."""
    start, end = bucket if bucket else (None, None)
    params = _params(
        filters, ids=ids, nos=_numbers(ids), bucket_start=start, bucket_end=end, limit=limit
    )
    sql = _pick(conn, "entity_stories", filters)
    return _run(conn, sql, params)


def entity_partners(
    conn: duckdb.DuckDBPyConnection, ids: list[str], filters: Filters, limit: int = 15
) -> list[dict[str, Any]]:
    """Entities named in the same stories, by distinct stories."""
    sql = _pick(conn, "entity_partners", filters)
    return _run(conn, sql, _params(filters, ids=ids, nos=_numbers(ids), limit=limit))


def entity_forms(conn: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict[str, Any]]:
    """How the entity is written, per language."""
    return _run(conn, _queries()["entity_forms"], {"ids": ids})


def story(conn: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any] | None:
    """A story's own row, or None."""
    rows = _run(conn, _queries()["story"], {"story": key})
    return rows[0] if rows else None


def story_articles(conn: duckdb.DuckDBPyConnection, key: str) -> list[dict[str, Any]]:
    """Every article (copy) of a story, the opening one first."""
    return _run(conn, _queries()["story_articles"], {"story": key})


def story_merges(conn: duckdb.DuckDBPyConnection, key: str) -> list[dict[str, Any]]:
    """Stories merged into this one, with their evidence."""
    return _run(conn, _queries()["story_merges"], {"story": key})


def story_alerts(conn: duckdb.DuckDBPyConnection, key: str) -> list[dict[str, Any]]:
    """The alerts sent for a story."""
    return _run(conn, _queries()["story_alerts"], {"story": key})


def alerts(
    conn: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 500
) -> list[dict[str, Any]]:
    """The outbox within the filters: one row per alert and channel, newest first."""
    return _run(conn, _queries()["alerts"], _params(filters, limit=limit))


def search_terms(query: str) -> list[str]:
    """The lower-case words of a search, at most MAX_TERMS, each once."""
    words = [w.lower() for w in _TERM.findall(query)]
    return list(dict.fromkeys(words))[:MAX_TERMS]


class NoSearchIndex(Exception):
    """The database has no word index yet: a snapshot published by a newswatch older than
    migration 012, until the next writing run republishes it."""


def search(
    conn: duckdb.DuckDBPyConnection, query: str, filters: Filters, limit: int = 50
) -> list[dict[str, Any]]:
    """Articles of the scope holding every word of `query`, best BM25 score first."""
    terms = search_terms(query)
    if not terms:
        return []
    if not _has_table(conn, "article_terms"):
        raise NoSearchIndex("no word index in this snapshot yet")
    params = _params(filters, terms=terms, limit=limit)
    sources = filters.language is not None or filters.site is not None
    sql = _search_sql(len(terms) == 1, filters.topic is not None, sources)
    return _run(conn, sql, params)


@cache
def _search_sql(one_word: bool, topic: bool, sources: bool) -> str:
    """The search statement, with the filters that are set (each one more semi-join)."""
    q = _queries()
    found = [_strip_comments(q["search"])]
    if topic:
        found.append(_strip_comments(q["search_in_topic"]))
    if sources:
        found.append(_strip_comments(q["search_in_sources"]))
    return ",\n".join(
        [
            _strip_comments(q["search_stats"]),
            _strip_comments(q["search_ranked_one" if one_word else "search_ranked"]),
            "\n".join(found) + "\n)",
            _strip_comments(q["search_best"]),
        ]
    )


def suggest(conn: duckdb.DuckDBPyConnection, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Entity names with a word starting with `prefix`, most stories first."""
    if not prefix.strip():
        return []
    return _run(conn, _queries()["suggest"], {"prefix": prefix.strip(), "limit": limit})
