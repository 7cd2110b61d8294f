"""The trend tables kept at load time agree with a full rebuild from the base tables."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from warehouse.records import ArticleRecord, LoadBatch
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 7, 9, 15)
CSTO = ("Collective Security Treaty Organization", "ORG")
TOKAYEV = ("Kassym-Jomart Tokayev", "PERSON")
ALMATY = ("Almaty", "GPE")
PUTIN = ("Vladimir Putin", "PERSON")


def article(
    key: str,
    when: datetime,
    mentions: dict[tuple[str, str], int],
    *,
    source: str = "herald",
    topics: tuple[str, ...] = ("csto",),
    story_key: str | None = None,
    mentions_from: str | None = None,
    published: bool = True,
) -> ArticleRecord:
    return ArticleRecord(
        article_key=key,
        url=f"https://{source}.example/{key}",
        canonical_url=f"https://{source}.example/{key}",
        source=source,
        site=f"{source}.example",
        title=f"Report {key}",
        text=f"Text of {key}. " * 10,
        published=when if published else None,
        fetched_at=when + timedelta(minutes=20),
        language="en",
        content_hash=f"h{key}",
        topics={t: (t,) for t in topics},
        mentions=mentions,
        story_key=story_key,
        mentions_from=mentions_from,
    )


BATCHES = [
    [
        article("a1", T0, {CSTO: 2, TOKAYEV: 1}),
        # An exact copy in the same batch: it takes a1's entities at load.
        article("a2", T0 + timedelta(minutes=30), {}, story_key="a1", mentions_from="a1"),
        article("a3", T0 + timedelta(hours=3), {ALMATY: 1, TOKAYEV: 2}, topics=("csto", "kz")),
    ],
    [
        # Same hours again from another source, a copy of an earlier batch's article, an
        # article with no published date and one with no topic.
        article("b1", T0 + timedelta(minutes=5), {CSTO: 1}, source="wire"),
        article(
            "b2",
            T0 + timedelta(hours=3, minutes=40),
            {},
            source="wire",
            story_key="a3",
            mentions_from="a3",
        ),
        article("b3", T0 + timedelta(days=1), {PUTIN: 1, CSTO: 1}, published=False),
        article("b4", T0 + timedelta(days=1, hours=1), {PUTIN: 3}, topics=()),
    ],
    [
        # A backfilled article older than everything: it becomes the entities' first sight.
        article("c1", T0 - timedelta(days=2), {CSTO: 1, ALMATY: 1}, source="archive"),
        # A rewrite joining b3's story with an entity b3 did not name.
        article("c2", T0 + timedelta(days=1, hours=2), {PUTIN: 1, TOKAYEV: 1}, story_key="b3"),
    ],
]

TABLES = {
    "entity_hours": "SELECT topic, entity_no, hour, sum(articles), sum(mentions), sum(stories) "
    "FROM entity_hours GROUP BY ALL HAVING sum(articles) + sum(stories) > 0 ORDER BY ALL",
    "entity_days": "SELECT topic, entity_no, day, articles, mentions, stories "
    "FROM entity_days ORDER BY ALL",
    "story_entities": "SELECT * FROM story_entities ORDER BY ALL",
    "source_hours": "SELECT source, hour, sum(articles), sum(stories) FROM source_hours "
    "GROUP BY ALL ORDER BY ALL",
    "first_seen": "SELECT name, label, first_seen, first_article_key, total_articles, "
    "total_mentions, total_stories FROM entities ORDER BY ALL",
}


def snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}


def load_all(wh: Warehouse) -> None:
    for i, batch in enumerate(BATCHES):
        wh.load(LoadBatch(f"r{i}", articles=batch))


def test_incremental_loads_equal_a_rebuild_and_reloads_change_nothing(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        load_all(wh)
        kept = snapshot(wh.conn)
        load_all(wh)  # every article is known: nothing may be counted twice
        assert snapshot(wh.conn) == kept
        # One row per (topic, entity, hour): loads merge into the hours they touch.
        dupes = wh.conn.execute(
            "SELECT count(*) FROM (SELECT topic, entity_no, hour FROM entity_hours "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()
        assert dupes == (0,)
        days = wh.conn.execute(
            "SELECT topic, entity_no, hour::DATE, sum(articles), sum(mentions), sum(stories) "
            "FROM entity_hours GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        assert [tuple(r) for r in kept["entity_days"]] == days  # days are sums of hours
        wh.rebuild_trends()
        assert snapshot(wh.conn) == kept
    first = {name: (seen, key) for name, _, seen, key, *_ in kept["first_seen"]}
    totals = {name: tuple(rest) for name, _, _, _, *rest in kept["first_seen"]}
    assert totals[CSTO[0]] == (5, 7, 4)
    assert first[CSTO[0]] == (T0 - timedelta(days=2), "c1")
    # b3 has no published date: its event time is when it was fetched.
    assert first[PUTIN[0]] == (T0 + timedelta(days=1, minutes=20), "b3")
    assert first[TOKAYEV[0]] == (T0, "a1")


def test_counts_follow_the_story_rules(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        load_all(wh)
        rows = wh.conn.execute(
            "SELECT e.name, sum(articles), sum(mentions), sum(stories) FROM entity_hours h "
            "JOIN entities e ON ('0x' || e.entity_id)::UBIGINT = h.entity_no "
            "WHERE topic = '' GROUP BY ALL"
        ).fetchall()
        got = {name: (a, m, s) for name, a, m, s in rows}
        # CSTO: a1 (2), its copy a2 (2), b1, b3, c1: five articles in four stories.
        assert got[CSTO[0]] == (5, 7, 4)
        # Tokayev: a1, a2 (copy), a3, b2 (copy of a3), c2 (rewrite): stories a1 and a3 only;
        # the rewrite names him but did not open b3's story.
        assert got[TOKAYEV[0]] == (5, 7, 2)
        topic_kz = wh.conn.execute(
            "SELECT sum(articles), sum(stories) FROM entity_hours WHERE topic = 'kz'"
        ).fetchone()
        assert topic_kz == (2, 2)  # a3's two entities, once each
        untopical = wh.conn.execute(
            "SELECT count(*) FROM entity_hours WHERE topic <> '' AND hour = ?",
            [datetime(2022, 1, 8, 10)],
        ).fetchone()
        assert untopical == (0,)  # b4 has no topic: it counts under '' only
        sources = dict(
            wh.conn.execute(
                "SELECT source, sum(stories) FROM source_hours GROUP BY source"
            ).fetchall()
        )
        # herald opened a1, a3, b3 and b4 (a2 and c2 joined stories); wire opened b1 only.
        assert sources == {"herald": 4, "wire": 1, "archive": 1}


def test_migration_fills_the_trend_tables_of_an_older_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        load_all(wh)
        kept = snapshot(wh.conn)
        # Take the file back to schema version 6, as a warehouse made before the trend tables.
        wh.conn.execute(
            "DROP VIEW entity_daily; DROP VIEW topic_entity_daily; DROP VIEW entity_first_seen;"
            "DROP VIEW rising_entities; DROP VIEW cooccurrence; DROP VIEW entity_numbers;"
            "DROP TABLE entity_hours; DROP TABLE entity_days; DROP TABLE story_entities;"
            "DROP TABLE source_hours;"
            "ALTER TABLE entities DROP COLUMN entity_no;"
            "ALTER TABLE entities DROP COLUMN first_seen;"
            "ALTER TABLE entities DROP COLUMN first_article_key;"
            "ALTER TABLE entities DROP COLUMN total_articles;"
            "ALTER TABLE entities DROP COLUMN total_mentions;"
            "ALTER TABLE entities DROP COLUMN total_stories;"
            # and before migration 008 (entities across languages)
            "DROP VIEW entity_aliases; DROP TABLE entity_links; DROP TABLE entity_forms;"
            "ALTER TABLE articles DROP COLUMN ner_model;"
            "ALTER TABLE articles DROP COLUMN ner_skipped;"
            # and before migration 009 (story merges)
            "DROP TABLE story_merges;"
            "ALTER TABLE site_lines DROP COLUMN stories;"
            "ALTER TABLE site_lines DROP COLUMN marks;"
            # and before migration 010 (buckets of newer signals)
            "DROP TABLE story_rebucket;"
            # and before migration 011 (web-archive files)
            "DROP TABLE warc_files;"
            # and before migration 012 (the search index)
            "DROP TABLE article_terms; DROP TABLE article_docs;"
            "DELETE FROM schema_version WHERE version >= 7"
        )
    with Warehouse(path) as wh:
        assert snapshot(wh.conn) == kept


def test_windows_mixing_days_and_hours_match_a_plain_sum(tmp_path):
    """top_entities reads whole days from entity_days and the ends from entity_hours."""
    from warehouse import trends

    with Warehouse(tmp_path / "w.duckdb") as wh:
        load_all(wh)
        for days in (1, 2, 3, 5, 30):
            expected = wh.conn.execute(
                "SELECT e.name, sum(h.stories), sum(h.articles), sum(h.mentions) "
                "FROM entity_hours h JOIN entities e "
                "ON ('0x' || e.entity_id)::UBIGINT = h.entity_no "
                "WHERE h.topic = '' AND h.hour > "
                "(SELECT max(hour) FROM source_hours) - to_days(?) "
                "GROUP BY ALL ORDER BY 2 DESC, 3 DESC, 4 DESC, 1",
                [days],
            ).fetchall()
            got = trends.top_entities(wh.conn, days=days, limit=50)
            assert [(r["entity"], r["stories"], r["articles"], r["mentions"]) for r in got] == [
                tuple(r) for r in expected
            ], days


def test_entity_partners_macro_agrees_with_the_api(tmp_path):
    from warehouse import trends

    with Warehouse(tmp_path / "w.duckdb") as wh:
        load_all(wh)
        api = [(r["entity"], r["stories"]) for r in trends.cooccurring(wh.conn, "csto", days=30)]
        macro = wh.conn.execute("SELECT entity, stories FROM entity_partners('CSTO', 30)")
        assert api == []  # names match in full, not by abbreviation
        assert macro.fetchall() == []
        api = [(r["entity"], r["stories"]) for r in trends.cooccurring(wh.conn, CSTO[0])]
        macro = wh.conn.execute(
            "SELECT entity, stories FROM entity_partners(?, 30)", [CSTO[0]]
        ).fetchall()
        # a1 (Tokayev), c1 (Almaty) and b3 (Putin) open stories naming the CSTO.
        assert (
            api
            == [tuple(r) for r in macro]
            == [
                (ALMATY[0], 1),
                (TOKAYEV[0], 1),
                (PUTIN[0], 1),
            ]
        )


def test_entity_partners_top_cuts_after_ties(tmp_path):
    from warehouse import trends

    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(
            LoadBatch(
                "r",
                articles=[
                    article("x1", T0, {CSTO: 1, TOKAYEV: 1, ALMATY: 1}),
                    article("x2", T0 + timedelta(hours=1), {CSTO: 1, TOKAYEV: 1}),
                    article("x3", T0 + timedelta(hours=2), {CSTO: 1, PUTIN: 1}),
                ],
            )
        )
        sql = "SELECT entity, stories FROM entity_partners(?, 30, top := ?)"
        assert wh.conn.execute(sql, [CSTO[0], 1]).fetchall() == [(TOKAYEV[0], 2)]
        # Almaty and Putin tie for second place: top := 2 keeps both.
        assert wh.conn.execute(sql, [CSTO[0], 2]).fetchall() == [
            (TOKAYEV[0], 2),
            (ALMATY[0], 1),
            (PUTIN[0], 1),
        ]
        assert len(wh.conn.execute(sql, [CSTO[0], None]).fetchall()) == 3
        assert [r["entity"] for r in trends.cooccurring(wh.conn, CSTO[0], limit=2)] == [
            TOKAYEV[0],
            ALMATY[0],
        ]
