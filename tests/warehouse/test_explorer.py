"""The explorer's reads on a small warehouse we load ourselves: filters narrow every view, the
fast path (trend tables) agrees with the article scan, search ranks by BM25 and needs every
word, a chart bucket lists exactly the stories behind it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pytest

from warehouse import explorer as ex
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.snapshot import publish_snapshot
from warehouse.store import Warehouse

DAY = datetime(2022, 1, 6, 9)


def article(
    key: str,
    *,
    hours: int,
    lang: str = "en",
    site: str = "a.example",
    text: str = "",
    mentions: dict[tuple[str, str], int] | None = None,
    story: str | None = None,
    topic: bool = True,
) -> ArticleRecord:
    when = DAY + timedelta(hours=hours)
    return ArticleRecord(
        article_key=key,
        url=f"https://{site}/{key}",
        canonical_url=f"https://{site}/{key}",
        source="src",
        site=site,
        title=f"title {key}",
        text=text or "Plain words about the region. " * 20,
        published=when,
        fetched_at=when,
        language=lang,
        content_hash=f"h-{key}",
        topics={"csto": ("csto",)} if topic else {},
        mentions=mentions or {("Kazakhstan", "GPE"): 1},
        story_key=story,
        copy_of=None if story in (None, key) else story,
        copy_kind=None if story in (None, key) else "near",
        copy_score=None if story in (None, key) else 0.93,
    )


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    db = tmp_path_factory.mktemp("explorer") / "nw.duckdb"
    tokayev, csto = ("Kassym-Jomart Tokayev", "PERSON"), ("CSTO", "ORG")
    rows = [
        article(
            "e1",
            hours=0,
            text="CSTO troops land. CSTO CSTO peacekeepers. " * 5,
            mentions={csto: 3, tokayev: 1},
        ),
        article(
            "e2",
            hours=1,
            site="b.example",
            text="Peacekeepers and CSTO troops. " * 5,
            mentions={csto: 1},
            story="e1",
        ),
        article(
            "r1",
            hours=2,
            lang="ru",
            site="c.example",
            text="ОДКБ миротворцы. " * 30,
            mentions={csto: 2, tokayev: 2},
        ),
        article("d2", hours=26, text="Troops leave, a later day. " * 20, mentions={tokayev: 1}),
        article(
            "off",
            hours=3,
            text="Nothing of the topic, troops only. " * 20,
            mentions={("Oil", "ORG"): 1},
            topic=False,
        ),
    ]
    with Warehouse(db) as wh:
        wh.load(LoadBatch("r1", articles=rows))
        yield wh.conn


def scope(**kw) -> ex.Filters:
    return ex.Filters(since=date(2022, 1, 6), until=date(2022, 1, 7), **kw)


def test_the_default_window_ends_at_the_newest_article(conn):
    f = ex.window(conn, ex.Filters())
    assert f.until == date(2022, 1, 7) and f.since == date(2022, 1, 7) - timedelta(days=29)
    days = ex.days(conn, f)
    assert len(days) == 30 and sum(d["articles"] for d in days) == 5
    # e1 and its copy e2 are one story.
    assert [d["stories"] for d in days if d["articles"]] == [3, 1]


def test_filters_narrow_the_views(conn):
    names = {r["entity"]: r["stories"] for r in ex.top_entities(conn, scope())}
    assert names == {"CSTO": 2, "Kassym-Jomart Tokayev": 3, "Oil": 1}
    russian = ex.top_entities(conn, scope(language="ru"))
    assert {(r["entity"], r["stories"]) for r in russian} == {
        ("CSTO", 1),
        ("Kassym-Jomart Tokayev", 1),
    }
    site_b = ex.top_entities(conn, scope(site="b.example"))
    assert [(r["entity"], r["articles"]) for r in site_b] == [("CSTO", 1)]
    on_topic = {r["entity"] for r in ex.top_entities(conn, scope(topic="csto"))}
    assert "Oil" not in on_topic
    people = ex.top_entities(conn, scope(label="PERSON"))
    assert [r["entity"] for r in people] == ["Kassym-Jomart Tokayev"]


def test_the_trend_table_path_agrees_with_the_article_scan(conn):
    f = scope(topic="csto")
    fast = ex.top_entities(conn, f)
    # The same scope through the scan path: a language filter that keeps every article.
    slow_sql = ex._scoped("top_entities", True)
    slow = ex._run(conn, slow_sql, ex._params(f, limit=20))
    assert f.fast()
    assert [(r["entity"], r["stories"], r["articles"]) for r in fast] == [
        (r["entity"], r["stories"], r["articles"]) for r in slow
    ]


def test_the_snapshot_answers_language_and_site_filters_from_its_source_table(conn, tmp_path):
    snap = tmp_path / "analyst.duckdb"
    publish_snapshot(conn, snap)
    with duckdb.connect(str(snap), read_only=True) as sc:
        for f in (
            scope(language="ru"),
            scope(site="c.example"),
            scope(topic="csto", language="en"),
        ):
            assert ex._by_source(sc, f)
            fast = ex.top_entities(sc, f)
            slow = ex.top_entities(conn, f)  # the warehouse has no source table: a scan
            assert not ex._by_source(conn, f)
            assert [(r["entity"], r["stories"], r["articles"], r["mentions"]) for r in fast] == [
                (r["entity"], r["stories"], r["articles"], r["mentions"]) for r in slow
            ]
            ids = [r["entity_id"] for r in ex.entity_ids(sc, "CSTO")]
            assert ex.entity_series(sc, ids, f) == ex.entity_series(conn, ids, f)
            assert ex.entity_partners(sc, ids, f) == ex.entity_partners(conn, ids, f)
            stories = [r["story_key"] for r in ex.entity_stories(sc, ids, f)]
            assert stories == [r["story_key"] for r in ex.entity_stories(conn, ids, f)]
        # e2 copies e1's story on b.example: an article of the site, the story counted where
        # e1 opened it (a.example), as every trend table counts stories.
        site_b = ex.top_entities(sc, scope(site="b.example"))
        assert [(r["entity"], r["stories"], r["articles"]) for r in site_b] == [("CSTO", 0, 1)]
        russian_day = ex.Filters(since=date(2022, 1, 1), until=date(2022, 1, 6), language="ru")
        rising = ex.rising(sc, russian_day)
        assert len(rising) == 2 and rising == ex.rising(conn, russian_day)


def test_an_entity_bucket_lists_the_stories_behind_it(conn):
    ids = [r["entity_id"] for r in ex.entity_ids(conn, "kassym-jomart tokayev")]
    f = scope()
    series = ex.entity_series(conn, ids, f)
    assert [(r["bucket"].date(), r["stories"]) for r in series] == [
        (date(2022, 1, 6), 2),
        (date(2022, 1, 7), 1),
    ]
    day2 = (datetime(2022, 1, 7), datetime(2022, 1, 8))
    assert [s["story_key"] for s in ex.entity_stories(conn, ids, f, day2)] == ["d2"]
    assert {s["story_key"] for s in ex.entity_stories(conn, ids, f)} == {"e1", "r1", "d2"}
    partners = ex.entity_partners(conn, ids, f)
    assert [(p["entity"], p["stories"]) for p in partners] == [("CSTO", 2)]


def test_a_story_lists_every_copy_with_its_evidence(conn):
    copies = ex.story_articles(conn, "e1")
    assert [(a["article_key"], a["copy_kind"]) for a in copies] == [
        ("e1", "original"),
        ("e2", "near"),
    ]
    assert copies[1]["copy_score"] == pytest.approx(0.93)
    assert ex.story(conn, "nope") is None


def test_search_needs_every_word_and_ranks_by_bm25(conn):
    hits = ex.search(conn, "CSTO troops", scope())
    assert [h["article_key"] for h in hits] == ["e1", "e2"]  # e1 says CSTO three times as often
    assert hits[0]["score"] > hits[1]["score"] > 0
    assert [h["article_key"] for h in ex.search(conn, "troops", scope(site="a.example"))][
        -1
    ] != "e2"
    assert ex.search(conn, "одкб", scope())[0]["article_key"] == "r1"  # case-folded Cyrillic
    assert ex.search(conn, "   ", scope()) == []
    # Only words are searched: SQL or regex syntax is just text to look for.
    assert ex.search(conn, "'); DROP TABLE articles; --", scope()) == []
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5


def test_search_matches_whole_words_within_the_dates(conn):
    assert ex.search(conn, "troop", scope()) == []  # a word, not a piece of one
    assert ex.search(conn, "CSTO", scope())[0]["article_key"] == "e1"
    before = ex.Filters(since=date(2022, 1, 1), until=date(2022, 1, 5))
    assert ex.search(conn, "CSTO", before) == []


def test_search_index_is_filled_when_an_old_warehouse_migrates(tmp_path):
    db = tmp_path / "old.duckdb"
    with Warehouse(db) as wh:
        wh.load(LoadBatch(run_id="r", articles=[article("m1", hours=0, text="Almaty curfew")]))
        indexed = wh.conn.execute("SELECT term, tf FROM article_terms ORDER BY term").fetchall()
        # As a warehouse of schema 11 was: no index, its articles already stored.
        wh.conn.execute("DROP TABLE article_terms; DROP TABLE article_docs")
        wh.conn.execute("DELETE FROM schema_version WHERE version >= 12")
    with Warehouse(db) as wh:
        assert wh.conn.execute("SELECT term, tf FROM article_terms ORDER BY term").fetchall() == (
            indexed
        )
        assert ("curfew", 1) in indexed and ("m1", 1) in indexed  # the title is "title m1"
        assert [h["article_key"] for h in ex.search(wh.conn, "almaty", scope())] == ["m1"]


def test_suggest_matches_any_word_of_a_name(conn):
    assert [r["name"] for r in ex.suggest(conn, "toka")] == ["Kassym-Jomart Tokayev"]
    assert [r["name"] for r in ex.suggest(conn, "kassym")] == ["Kassym-Jomart Tokayev"]
    assert ex.suggest(conn, "") == []


def test_the_entity_fast_paths_agree_with_the_article_scan(conn):
    f = scope(topic="csto")
    for name in ("CSTO", "Kassym-Jomart Tokayev"):
        ids = [r["entity_id"] for r in ex.entity_ids(conn, name)]
        params = ex._params(f, ids=ids, by="day", bucket_start=None, bucket_end=None, limit=50)
        slow_series = ex._run(conn, ex._scoped("entity_series", True), params)
        fast_series = ex.entity_series(conn, ids, f)
        assert [(r["bucket"], r["stories"], r["articles"], r["mentions"]) for r in fast_series] == [
            (r["bucket"], r["stories"], r["articles"], r["mentions"]) for r in slow_series
        ]
        slow_stories = {
            r["story_key"] for r in ex._run(conn, ex._scoped("entity_stories", True), params)
        }
        assert {r["story_key"] for r in ex.entity_stories(conn, ids, f)} == slow_stories
        slow_partners = ex._run(conn, ex._scoped("entity_partners", True), params)
        assert ex.entity_partners(conn, ids, f) == slow_partners
