"""Warehouse load rate: mention rows per second through `Warehouse.load` (the pipeline's path)
and through a bulk insert of the same rows, plus the cost of re-loading the same batches.

    .venv/bin/python -m bench.load                      # 5 batches x 200 articles x ~10 mentions
    .venv/bin/python -m bench.load --batches 5 --profile

Batches look like the pipeline's: 200 articles of ~450 words, ~10 mentions each over a
Zipf-like pool of 20,000 entities, 36 LSH buckets per article (as `extractors.stories` makes),
one topic match and one item outcome each. The bulk path is bench code, not the pipeline's: the
same rows inserted with one `INSERT ... SELECT unnest(?), unnest(?), ...` per table and batch
(list parameters, no pandas or pyarrow), with the same ON CONFLICT rules, so the achievable rate
of a set-based `Warehouse.load` can be read next to the current one.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from warehouse.store import (
    QUERIES,
    ArticleRecord,
    ItemOutcome,
    LoadBatch,
    Warehouse,
    _article_row,
    entity_id,
    stable_key,
)

TARGET_ROWS_S = 200_000
MENTION_SECONDS: list[float] = []  # the bulk mention statement alone, per batch
LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT")
WORDS = ["the", "minister", "said", "on", "tuesday", "that", "officials", "would", "meet"]


def entity_pool(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """n (name, label) pairs."""
    return [
        (f"Entity {i:05d} {rng.choice(WORDS).title()}", LABELS[i % len(LABELS)]) for i in range(n)
    ]


def make_batches(
    batches: int, size: int, mentions: int, entities: int, seed: int
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
            n = b * size + i
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


def mention_count(batches: Sequence[LoadBatch]) -> int:
    """Mention rows in the batches."""
    return sum(len(a.mentions) for b in batches for a in b.articles)


def load_real(db: Path, batches: Sequence[LoadBatch]) -> tuple[float, float, int]:
    """Seconds for Warehouse.load of every batch, seconds for loading them again, and the
    mention rows in the table after both."""
    with Warehouse(db) as wh:
        t0 = time.perf_counter()
        for b in batches:
            wh.load(b)
        first = time.perf_counter() - t0
        before = table_counts(wh)
        t0 = time.perf_counter()
        again = [wh.load(b) for b in batches]
        second = time.perf_counter() - t0
        after = table_counts(wh)
        changed = sum(s.articles_new + s.mentions_new + s.entities_new for s in again)
        assert before == after and changed == 0, (before, after, changed)
        return first, second, after["mentions"]


def table_counts(wh: Warehouse) -> dict[str, int]:
    """Row counts of the tables a load writes."""
    tables = ("articles", "mentions", "entities", "topic_matches", "story_index", "stories")
    return {t: wh.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # type: ignore[index]


BULK_ARTICLES = """
INSERT INTO articles (article_key, url, canonical_url, source, site, title, text, published,
                      fetched_at, language, content_hash, words, run_id, story_key, text_hash,
                      copy_of, copy_kind, copy_score)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::TIMESTAMP[]), unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]))
ON CONFLICT (article_key) DO NOTHING
"""
BULK_TOPICS = """
INSERT INTO topic_matches (article_key, topic, terms)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[][]))
ON CONFLICT (article_key, topic) DO NOTHING
"""
BULK_ENTITIES = """
INSERT INTO entities (entity_id, name, label)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]))
ON CONFLICT (entity_id) DO NOTHING
"""
BULK_MENTIONS = """
INSERT INTO mentions (article_key, entity_id, count)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]))
ON CONFLICT (article_key, entity_id) DO NOTHING
"""
BULK_BUCKETS = """
INSERT INTO story_index (bucket, article_key, day)
SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]), ?
"""
BULK_SEEN = """
INSERT INTO seen_items AS s (url_key, url, source, guid, title, first_seen, last_attempt, status,
                             attempts, reason, article_key)
SELECT k, u, src, g, ti, fs, la, st, 1, r, ak FROM (SELECT unnest(?::VARCHAR[]) AS k,
    unnest(?::VARCHAR[]) AS u, unnest(?::VARCHAR[]) AS src, unnest(?::VARCHAR[]) AS g,
    unnest(?::VARCHAR[]) AS ti, unnest(?::TIMESTAMP[]) AS fs, unnest(?::TIMESTAMP[]) AS la,
    unnest(?::VARCHAR[]) AS st, unnest(?::VARCHAR[]) AS r, unnest(?::VARCHAR[]) AS ak)
ON CONFLICT (url_key) DO UPDATE SET
    last_attempt = excluded.last_attempt, status = excluded.status, attempts = s.attempts + 1,
    reason = excluded.reason, article_key = coalesce(excluded.article_key, s.article_key)
"""


def columns(rows: Sequence[Sequence[object]], width: int) -> list[list[object]]:
    """Rows -> one list per column."""
    return [[r[i] for r in rows] for i in range(width)] if rows else [[] for _ in range(width)]


def bulk_load(wh: Warehouse, batch: LoadBatch) -> int:
    """The article, topic, entity, mention, bucket and outcome writes of Warehouse.load done
    set-based (one statement per table); stories are refreshed as Warehouse.load does.
    Returns the mention rows new to the table."""
    conn = wh.conn
    now = datetime(2026, 11, 23)
    with wh.transaction():
        keys = [a.article_key for a in batch.articles]
        existing = {r[0] for r in conn.execute(QUERIES["existing_articles"], [keys]).fetchall()}
        fresh = [a for a in batch.articles if a.article_key not in existing]
        if not fresh:
            conn.execute(BULK_SEEN, columns([_seen(o, now) for o in batch.outcomes], 10))
            return 0
        conn.execute(BULK_ARTICLES, columns([_article_row(a, batch.run_id) for a in fresh], 18))
        topics = [(a.article_key, t, list(terms)) for a in fresh for t, terms in a.topics.items()]
        conn.execute(BULK_TOPICS, columns(topics, 3))
        ids = {(n, lbl): entity_id(n, lbl) for a in fresh for (n, lbl) in a.mentions}
        conn.execute(BULK_ENTITIES, columns([(e, n, lbl) for (n, lbl), e in ids.items()], 3))
        rows = [(a.article_key, ids[k], c) for a in fresh for k, c in a.mentions.items()]
        before = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]  # type: ignore[index]
        t0 = time.perf_counter()
        conn.execute(BULK_MENTIONS, columns(rows, 3))
        MENTION_SECONDS.append(time.perf_counter() - t0)
        buckets = [(b, a.article_key) for a in fresh for b in a.story_buckets]
        conn.execute(BULK_BUCKETS, [*columns(buckets, 2), now.date()])
        stories = sorted({a.story_key or a.article_key for a in fresh})
        conn.execute(QUERIES["refresh_stories"], [now, stories])
        conn.execute(BULK_SEEN, columns([_seen(o, now) for o in batch.outcomes], 10))
        after = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]  # type: ignore[index]
    return int(after - before)


def _seen(o: ItemOutcome, now: datetime) -> tuple[object, ...]:
    """upsert_seen_item parameters of an outcome."""
    return (
        o.url_key,
        o.url,
        o.source,
        o.guid,
        o.title,
        now,
        now,
        o.status,
        o.reason,
        o.article_key,
    )


def load_bulk(db: Path, batches: Sequence[LoadBatch]) -> tuple[float, float, int]:
    """Like load_real, through bulk_load."""
    with Warehouse(db) as wh:
        t0 = time.perf_counter()
        for b in batches:
            bulk_load(wh, b)
        first = time.perf_counter() - t0
        before = table_counts(wh)
        t0 = time.perf_counter()
        new = sum(bulk_load(wh, b) for b in batches)
        second = time.perf_counter() - t0
        after = table_counts(wh)
        assert before == after and new == 0, (before, after, new)
        return first, second, after["mentions"]


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--size", type=int, default=200, help="articles per batch")
    parser.add_argument("--mentions", type=int, default=10, help="mean mentions per article")
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile Warehouse.load")
    args = parser.parse_args()
    batches = make_batches(args.batches, args.size, args.mentions, args.entities, args.seed)
    rows = mention_count(batches)
    arts = args.batches * args.size
    print(
        f"{args.batches} batches x {args.size} articles, {rows} mention rows "
        f"({rows / arts:.1f} per article)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
        first, again, stored = load_real(Path(tmp) / "real.duckdb", batches)
        if args.profile:
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(15)
        print(
            f"Warehouse.load: {first:.2f} s = {rows / first:,.0f} mention rows/s "
            f"({arts / first:,.0f} articles/s, {first / args.batches * 1000:.0f} ms per batch); "
            f"re-load of the same batches {again:.2f} s ({again / args.batches * 1000:.0f} ms per "
            f"batch), changed nothing; {stored} rows stored"
        )
        bfirst, bagain, bstored = load_bulk(Path(tmp) / "bulk.duckdb", batches)
        print(
            f"bulk (unnest lists): {bfirst:.2f} s = {rows / bfirst:,.0f} mention rows/s "
            f"({arts / bfirst:,.0f} articles/s, {bfirst / args.batches * 1000:.0f} ms per batch); "
            f"re-load {bagain:.2f} s, changed nothing; {bstored} rows stored"
        )
    alone = sum(MENTION_SECONDS[: args.batches])
    print(f"bulk mention statement alone: {alone:.3f} s = {rows / alone:,.0f} mention rows/s")
    ok = rows / first >= TARGET_ROWS_S
    print(
        f"target >= {TARGET_ROWS_S:,} mention rows/s: Warehouse.load {'met' if ok else 'MISSED'}, "
        f"bulk batch {'met' if rows / bfirst >= TARGET_ROWS_S else 'MISSED'}, "
        f"bulk mention statement {'met' if rows / alone >= TARGET_ROWS_S else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
