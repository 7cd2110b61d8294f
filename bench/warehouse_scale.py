"""Trend queries at scale: a generated warehouse of 1,000,000 articles and ~10,000,000 mentions
in the real schema, and the median and p95 time of each trend query over it.

    .venv/bin/python -m bench.warehouse_scale                       # cached in /tmp
    .venv/bin/python -m bench.warehouse_scale --db /tmp/x.duckdb --regenerate

The warehouse is opened with `Warehouse(path)` (migrations and views as the pipeline makes
them) and filled with INSERT ... SELECT over generate_series: ~50,000 entities with Zipf-like
popularity (rank = 50000^u, so P(rank) ~ 1/rank), ~400 sources of uneven size, 90 days of event
times, stories of 1-5 articles a few hours apart, one topic. Each query runs 2 warm-ups then 20
timed runs (fewer, at least 3, when one run takes over a second: see --budget).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from warehouse.sql import QUERIES
from warehouse.store import Warehouse

TARGET_MS = 100.0
START = "2026-08-25 00:00:00"  # 90 days before the bench date

GENERATE = [
    (
        "entities",
        """
        INSERT INTO entities (entity_id, name, label)
        SELECT substr(md5('e' || i), 1, 16),
               'Entity ' || lpad(i::VARCHAR, 5, '0'),
               ['PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'EVENT'][1 + i % 6]
        FROM generate_series(0, {entities} - 1) t(i)
        """,
    ),
    (
        "articles",
        """
        INSERT INTO articles (article_key, url, canonical_url, source, site, title, text,
                              published, fetched_at, language, content_hash, words, run_id,
                              story_key, text_hash, copy_of, copy_kind, copy_score)
        WITH a AS (
            SELECT i, i // 5 AS blk,
                   -- a block of 5 consecutive articles holds 1-5 stories
                   (i % 5) * (1 + hash(i // 5) % 5) // 5 AS sub,
                   floor(pow(400, hash(i * 7 + 1) / 18446744073709551615.0))::INTEGER AS src
            FROM generate_series(0, {articles} - 1) t(i)
        ),
        b AS (
            SELECT *,
                   TIMESTAMP '{start}'
                     + to_seconds((hash(blk * 31 + sub) % (90 * 86400))::BIGINT)
                     + to_seconds((hash(i * 13) % 21600)::BIGINT) AS t
            FROM a
        )
        SELECT md5('a' || i), 'https://s' || src || '.example/n/' || i,
               'https://s' || src || '.example/n/' || i, 'source-' || src, 's' || src || '.example',
               'Report ' || i, 'Short text of report ' || i, t, t + INTERVAL 7 MINUTE, 'en',
               md5('a' || i), 120, 'gen', md5('s' || blk || '-' || sub), md5('t' || i),
               NULL, NULL, NULL
        FROM b
        """,
    ),
    (
        # A story's key is the key of its first article, as extractors.stories assigns it.
        "story openers",
        """
        UPDATE articles SET story_key = f.first
        FROM (
            SELECT story_key, arg_min(article_key, (fetched_at, article_key)) AS first
            FROM articles GROUP BY story_key
        ) AS f
        WHERE articles.story_key = f.story_key
        """,
    ),
    (
        "topic_matches",
        "INSERT INTO topic_matches SELECT article_key, 'bench', ['the'] FROM articles",
    ),
    (
        "mentions",
        """
        INSERT INTO mentions
        SELECT md5('a' || art), substr(md5('e' || (rank - 1)), 1, 16), sum(n)::INTEGER
        FROM (
            SELECT i // {per} AS art,
                   floor(pow({entities}, hash(i, 'rank') / 18446744073709551615.0))::BIGINT
                       AS rank,
                   1 + i % 3 AS n
            FROM generate_series(0, {articles} * {per} - 1) t(i)
        )
        GROUP BY art, rank
        """,
    ),
    (
        "stories",
        """
        INSERT INTO stories
        SELECT story_key, min(event_time), max(event_time), min(title), min(url),
               list(DISTINCT source), list(DISTINCT site), count(*), now()::TIMESTAMP
        FROM article_events GROUP BY story_key
        """,
    ),
]


def generate(db: Path, articles: int, mentions_per: int, entities: int) -> float:
    """Build the warehouse; return seconds taken."""
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    with Warehouse(db) as wh:
        for name, sql in GENERATE:
            t = time.perf_counter()
            wh.conn.execute(
                sql.format(articles=articles, per=mentions_per, entities=entities, start=START)
            )
            print(f"  {name:<14}{time.perf_counter() - t:>7.1f} s", flush=True)
        t = time.perf_counter()
        wh.rebuild_trends()  # what a migration or a story re-index runs
        print(f"  {'trend tables':<14}{time.perf_counter() - t:>7.1f} s (rebuild_trends)")
        t = time.perf_counter()
        wh.rebuild_search_index()
        print(f"  {'search index':<14}{time.perf_counter() - t:>7.1f} s (rebuild_search_index)")
        wh.conn.execute("CHECKPOINT")
    return time.perf_counter() - t0


def timings(
    fn: Callable[[], Any], runs: int = 20, warm: int = 2, budget: float = 20.0
) -> tuple[float, float, int, int]:
    """(median ms, p95 ms, rows, runs) of fn over `runs` after `warm` warm-ups; a slow query
    gets fewer runs (at least 3) so that one case takes about `budget` seconds."""
    for _ in range(warm):
        t0 = time.perf_counter()
        rows = fn()
        if time.perf_counter() - t0 > budget:  # one run is past the budget: time it once
            ms = (time.perf_counter() - t0) * 1000
            return ms, ms, len(rows), 1
    runs = max(3, min(runs, int(budget / max(time.perf_counter() - t0, 1e-6))))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(rows), runs


def cases(wh: Warehouse, hot: str, mid: str) -> dict[str, Callable[[], Any]]:
    """Every query to time, by name."""
    conn = wh.conn

    def sql(text: str, params: list[Any] | None = None) -> Callable[[], Any]:
        return lambda: conn.execute(text, params or []).fetchall()

    out: dict[str, Callable[[], Any]] = {
        "query top_entities (7 d, top 20)": sql(QUERIES["top_entities"], [7, None, 20]),
        "query top_entities (topic, 7 d)": sql(QUERIES["top_entities"], [7, "bench", 20]),
        "query rising_entities (7 d, top 20)": sql(QUERIES["rising_entities"], [None, 7, 7, 20]),
        "view entity_daily (hot entity)": sql(
            "SELECT * FROM entity_daily WHERE entity = ? ORDER BY day", [hot]
        ),
        "view entity_daily (mid entity)": sql(
            "SELECT * FROM entity_daily WHERE entity = ? ORDER BY day", [mid]
        ),
        "view rising_entities (top 20)": sql("SELECT * FROM rising_entities LIMIT 20"),
        "view cooccurrence (hot entity)": sql(
            "SELECT * FROM cooccurrence WHERE entity_a = ? ORDER BY stories DESC LIMIT 20", [hot]
        ),
        "view cooccurrence (mid entity)": sql(
            "SELECT * FROM cooccurrence WHERE entity_a = ? ORDER BY stories DESC LIMIT 20", [mid]
        ),
        "macro entity_partners (hot, 30 d, all)": sql(
            "SELECT * FROM entity_partners(?, 30)", [hot]
        ),
        "macro entity_partners (hot, 30 d, top 20)": sql(
            "SELECT * FROM entity_partners(?, 30, top := 20)", [hot]
        ),
        "macro entity_partners (mid, 30 d, top 20)": sql(
            "SELECT * FROM entity_partners(?, 30, top := 20)", [mid]
        ),
        "view entity_first_seen (latest 50)": sql(
            "SELECT * FROM entity_first_seen ORDER BY first_seen DESC LIMIT 50"
        ),
    }
    try:
        trends = importlib.import_module("warehouse.trends")
    except ImportError:
        print("warehouse.trends: not importable here, its functions are not timed")
        return out
    calls: dict[str, Callable[[], Any]] = {
        "trends.entity_series (hot, day, 30 d)": lambda: trends.entity_series(conn, hot),
        "trends.entity_series (mid, day, 30 d)": lambda: trends.entity_series(conn, mid),
        "trends.entity_series (hot, hour, 7 d)": lambda: trends.entity_series(
            conn, hot, by="hour", days=7
        ),
        "trends.entity_series (hot, topic, 30 d)": lambda: trends.entity_series(
            conn, hot, topic="bench"
        ),
        "trends.rising (day, 7 d)": lambda: trends.rising(conn),
        "trends.rising (hour, 1 d)": lambda: trends.rising(conn, window="hour", baseline_days=1),
        "trends.top_entities (7 d, 20)": lambda: trends.top_entities(conn, days=7),
        "trends.top_entities (topic, 30 d)": lambda: trends.top_entities(conn, topic="bench"),
        "trends.cooccurring (hot, 30 d)": lambda: trends.cooccurring(conn, hot),
        "trends.cooccurring (mid, 30 d)": lambda: trends.cooccurring(conn, mid),
        "trends.source_volume (day, 30 d)": lambda: trends.source_volume(conn),
        "trends.first_seen (30 d, 50)": lambda: trends.first_seen(conn),
    }
    for name, fn in calls.items():
        base = name.split(" ")[0].removeprefix("trends.")
        if hasattr(trends, base):
            out[name] = fn
    return out


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/newswatch-scale.duckdb"))
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--mentions-per-article", type=int, default=11, help="before dedup")
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per slow case")
    parser.add_argument("--timeout", type=float, default=60.0, help="give up on a case after")
    parser.add_argument("--only", default="", help="time only cases whose name contains this")
    args = parser.parse_args()
    if args.regenerate or not args.db.exists():
        print(f"generating {args.db}:", flush=True)
        took = generate(args.db, args.articles, args.mentions_per_article, args.entities)
        print(f"generation: {took:.1f} s")
    else:
        print(f"using cached {args.db} (--regenerate to rebuild)")
    t0 = time.perf_counter()
    with Warehouse(args.db) as wh:
        print(f"opened (migrations included) in {time.perf_counter() - t0:.1f} s")
        counts = {
            t: wh.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in (
                "articles",
                "mentions",
                "entities",
                "stories",
                "topic_matches",
                "entity_hours",
                "story_entities",
                "source_hours",
            )
        }
        print(", ".join(f"{t} {n:,}" for t, n in counts.items()))
        print(f"file size {args.db.stat().st_size / 2**20:,.0f} MiB")
        ranked = wh.conn.execute(
            "SELECT e.name, count(*) FROM mentions m JOIN entities e USING (entity_id) "
            "GROUP BY ALL ORDER BY 2 DESC"
        ).fetchall()
        hot, mid = ranked[0], ranked[len(ranked) // 100]
        print(f"hot entity {hot[0]} ({hot[1]:,} mentions), mid entity {mid[0]} ({mid[1]:,})")
        print(f"\n{'query':<42}{'median ms':>10}{'p95 ms':>9}{'rows':>7}{'runs':>6}")
        missed = []
        for name, fn in cases(wh, hot[0], mid[0]).items():
            if args.only and args.only not in name:
                continue
            timer = threading.Timer(args.timeout, wh.conn.interrupt)
            timer.start()
            try:
                med, p95, rows, runs = timings(fn, args.runs, budget=args.budget)
            except duckdb.InterruptException:
                print(f"{name:<42}{'> ' + str(int(args.timeout)) + ' s (interrupted)':>23}")
                missed.append(name)
                continue
            finally:
                timer.cancel()
            print(f"{name:<42}{med:>10.1f}{p95:>9.1f}{rows:>7}{runs:>6}", flush=True)
            if med > TARGET_MS:
                missed.append(name)
    print(
        f"\ntarget median <= {TARGET_MS:.0f} ms: "
        + ("met by all" if not missed else f"MISSED by {len(missed)}: {', '.join(missed)}")
    )


if __name__ == "__main__":
    main()
