"""Warehouse load rate: mention rows per second through `Warehouse.load` (the pipeline's path,
trend tables included) at several batch sizes, the cost of re-loading the same batches, and
where the time of a batch goes, statement by statement.

    .venv/bin/python -m bench.load                          # batches of 200, 2,000 and 10,000
    .venv/bin/python -m bench.load --sizes 200 --batches 5
    .venv/bin/python -m bench.load --into /tmp/newswatch-scale.duckdb   # into a copy of it
    .venv/bin/python -m bench.load --sizes 10000 --without mentions     # what mentions cost

Batches look like the pipeline's: articles of ~450 words, ~10 mentions each over a Zipf-like
pool of 20,000 entities, 36 LSH buckets per article (as `extractors.stories` makes), one topic
match and one item outcome each. Each size loads into a fresh warehouse, or with `--into` into
a copy of an existing one (e.g. the 1M-article warehouse of `bench.warehouse_scale`), since a
load also reads what is stored (known articles, stories, the trend rows of the hours it adds to).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from common.keys import stable_key
from warehouse.records import ArticleRecord, ItemOutcome, LoadBatch
from warehouse.sql import QUERIES, TREND_SQL
from warehouse.store import Warehouse

TARGET_ROWS_S = 200_000
LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT")
WORDS = ["the", "minister", "said", "on", "tuesday", "that", "officials", "would", "meet"]


def entity_pool(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """n (name, label) pairs."""
    return [
        (f"Entity {i:05d} {rng.choice(WORDS).title()}", LABELS[i % len(LABELS)]) for i in range(n)
    ]


def make_batches(
    batches: int, size: int, mentions: int, entities: int, seed: int, offset: int = 0
) -> list[LoadBatch]:
    """Pipeline-shaped batches of distinct articles with Zipf-like entity popularity."""
    rng = random.Random(seed)
    pool = entity_pool(entities, rng)
    weights = [1 / (i + 1) for i in range(entities)]
    start = datetime(2026, 11, 1)
    text = " ".join(rng.choice(WORDS) for _ in range(450))
    out = []
    for b in range(batches):
        records, outcomes = [], []
        for i in range(size):
            n = offset + b * size + i
            url = f"https://site{n % 400}.example/news/{n}.html"
            key = stable_key(url)
            picked = set(
                rng.choices(range(entities), weights, k=rng.randint(mentions - 4, mentions + 4))
            )
            records.append(
                ArticleRecord(
                    article_key=key,
                    url=url,
                    canonical_url=url,
                    source=f"feed{n % 400}",
                    site=f"site{n % 400}.example",
                    title=f"Report {n}",
                    text=f"{n} {text}",
                    words=451,  # counted in the parallel extract task, as the pipeline does
                    published=start + timedelta(minutes=n),
                    fetched_at=start + timedelta(minutes=n + 5),
                    language="en",
                    content_hash=key,
                    topics={"bench": ("the",)},
                    mentions={pool[e]: rng.randint(1, 5) for e in picked},
                    story_key=key,
                    text_hash=stable_key("text", url),
                    story_buckets=tuple(rng.getrandbits(63) for _ in range(36)),
                )
            )
            outcomes.append(
                ItemOutcome(
                    key, url, f"feed{n % 400}", url, f"Report {n}", "stored", article_key=key
                )
            )
        out.append(LoadBatch(f"bench-{b}", articles=records, outcomes=outcomes))
    return out


def without(batches: Sequence[LoadBatch], parts: set[str]) -> list[LoadBatch]:
    """The batches with article texts cut short, no LSH buckets or no mentions, to see what
    each part of a load costs."""
    changes: dict[str, Any] = {}
    if "text" in parts:
        changes.update(text="a short text", words=3)
    if "buckets" in parts:
        changes["story_buckets"] = ()
    if "mentions" in parts:
        changes["mentions"] = {}
    return [
        dataclasses.replace(b, articles=[dataclasses.replace(a, **changes) for a in b.articles])
        for b in batches
    ]


def mention_count(batches: Sequence[LoadBatch]) -> int:
    """Mention rows in the batches."""
    return sum(len(a.mentions) for b in batches for a in b.articles)


class TimedConnection:
    """A DuckDB connection that adds up the time of each named statement it runs."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.seconds: dict[str, float] = defaultdict(float)
        self.names = {sql: name for name, sql in {**QUERIES, **TREND_SQL}.items()}

    def execute(self, sql: str, *args: Any) -> Any:
        """Run and time one statement."""
        t0 = time.perf_counter()
        try:
            return self.conn.execute(sql, *args)
        finally:
            name = self.names.get(sql, sql.split()[0])
            self.seconds[name] += time.perf_counter() - t0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def table_counts(wh: Warehouse) -> dict[str, int]:
    """Row counts of the tables a load writes."""
    tables = (
        "articles",
        "mentions",
        "entities",
        "topic_matches",
        "story_index",
        "stories",
        "entity_hours",
        "entity_days",
        "story_entities",
        "source_hours",
    )
    return {t: wh.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # type: ignore[index]


def run_size(db: Path, batches: Sequence[LoadBatch]) -> dict[str, Any]:
    """Load every batch, then all of them again; timings and the statement breakdown."""
    with Warehouse(db) as wh:
        timed = TimedConnection(wh.conn)
        wh.conn = timed  # type: ignore[assignment]
        t0 = time.perf_counter()
        for b in batches:
            wh.load(b)
        first = time.perf_counter() - t0
        breakdown = dict(timed.seconds)
        wh.conn = timed.conn
        before = table_counts(wh)
        t0 = time.perf_counter()
        again = [wh.load(b) for b in batches]
        second = time.perf_counter() - t0
        after = table_counts(wh)
        changed = sum(s.articles_new + s.mentions_new + s.entities_new for s in again)
        assert before == after and changed == 0, (before, after, changed)
    return {"first": first, "again": second, "breakdown": breakdown}


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,2000,10000", help="articles per batch")
    parser.add_argument("--batches", type=int, default=3, help="batches per size")
    parser.add_argument("--mentions", type=int, default=10, help="mean mentions per article")
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--into", type=Path, help="load into a copy of this warehouse")
    parser.add_argument(
        "--without",
        default="",
        help="comma-separated parts to leave out of every article: text, buckets, mentions",
    )
    args = parser.parse_args()
    parts = {p for p in args.without.split(",") if p}
    if parts - {"text", "buckets", "mentions"}:
        parser.error(f"--without takes text, buckets, mentions; not {args.without!r}")
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"into: {args.into or 'a new, empty warehouse'}; without: {args.without or 'nothing'}")
    best = best_insert = 0.0
    for size in sizes:
        # Keys are offset far from any earlier run so that every article is new.
        batches = make_batches(
            args.batches, size, args.mentions, args.entities, args.seed, offset=10_000_000
        )
        batches = without(batches, parts)
        rows = mention_count(batches)
        arts = args.batches * size
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "w.duckdb"
            if args.into:
                shutil.copyfile(args.into, db)
                Warehouse(db).close()  # migrate the copy before timing
            r = run_size(db, batches)
        rate = rows / r["first"]
        best = max(best, rate)
        print(
            f"\nbatches of {size:,} articles ({rows / arts:.1f} mentions each): "
            f"{r['first'] / args.batches * 1000:,.0f} ms per batch = {rate:,.0f} mention rows/s, "
            f"{arts / r['first']:,.0f} articles/s; re-load {r['again'] / args.batches * 1000:,.0f}"
            " ms per batch, changed nothing"
        )
        alone = r["breakdown"].get("insert_mention", 0.0)
        if alone:
            best_insert = max(best_insert, rows / alone)
            print(f"    (the mention insert alone: {rows / alone:,.0f} rows/s)")
        total = sum(r["breakdown"].values())
        for name, sec in sorted(r["breakdown"].items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {name:<28}{sec / args.batches * 1000:>9.1f} ms  {sec / total:>5.0%}")
    if parts:
        print(
            f"\n(left out: {', '.join(sorted(parts))}; compare with a full run, no target judged)"
        )
        return
    print(
        f"\ntarget >= {TARGET_ROWS_S:,} mention rows/s into DuckDB: "
        f"{'met' if best_insert >= TARGET_ROWS_S else 'MISSED'} by the mention insert (best "
        f"{best_insert:,.0f} rows/s). Whole loads, which also write each article's text, its "
        f"LSH buckets, its story and the trend tables: best {best:,.0f} mention rows/s "
        f"({'at or above' if best >= TARGET_ROWS_S else 'below'} {TARGET_ROWS_S:,})"
    )


if __name__ == "__main__":
    main()
