"""The trend API over a small hand-built warehouse whose answers are known."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from warehouse import trends
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.store import Warehouse

TOKAYEV = ("Kassym-Jomart Tokayev", "PERSON")
CSTO = ("Collective Security Treaty Organization", "ORG")
PUTIN = ("Vladimir Putin", "PERSON")
MASSIMOV = ("Karim Massimov", "PERSON")


def article(
    key: str,
    when: datetime,
    mentions: dict[tuple[str, str], int],
    *,
    source: str = "herald",
    topic: str = "csto",
    story_key: str | None = None,
) -> ArticleRecord:
    return ArticleRecord(
        article_key=key,
        url=f"https://{source}.example/{key}",
        canonical_url=f"https://{source}.example/{key}",
        source=source,
        site=f"{source}.example",
        title=f"Story {key}",
        text=f"Body of story {key}. " * 20,
        published=when,
        fetched_at=when + timedelta(minutes=30),
        language="en",
        content_hash=f"h-{key}",
        topics={topic: (topic,)},
        mentions=mentions,
        story_key=story_key,
    )


ARTICLES = [
    article("a1", datetime(2022, 1, 10, 10), {TOKAYEV: 2, CSTO: 1}),
    # A copy of a1: one more article, the same story.
    article("a2", datetime(2022, 1, 10, 11), {TOKAYEV: 1, CSTO: 1}, story_key="a1"),
    article("a3", datetime(2022, 1, 8, 9), {TOKAYEV: 1, PUTIN: 1}),
    article("a4", datetime(2022, 1, 5, 12), {CSTO: 1, PUTIN: 1}, source="wire"),
    # The newest event: "now" is 2022-01-10 12:00.
    article("a5", datetime(2022, 1, 10, 12), {MASSIMOV: 1}, topic="other"),
]


def build(path: Path) -> Path:
    with Warehouse(path) as wh:
        wh.load(LoadBatch("r1", articles=ARTICLES))
    return path


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory):
    db = build(tmp_path_factory.mktemp("trends") / "nw.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        yield con


def test_daily_series_fills_empty_days_and_counts_stories_not_copies(conn):
    series = trends.entity_series(conn, "kassym-jomart TOKAYEV", days=7)
    assert [r["bucket"].date().isoformat() for r in series] == [
        f"2022-01-{d:02d}" for d in range(4, 11)
    ]
    by_day = {r["bucket"].day: (r["mentions"], r["articles"], r["stories"]) for r in series}
    assert by_day[10] == (3, 2, 1)  # a1 and its copy a2: two articles, one story
    assert by_day[8] == (1, 1, 1)
    assert by_day[9] == by_day[4] == (0, 0, 0)


def test_hourly_series_and_topic_filter(conn):
    series = trends.entity_series(conn, TOKAYEV[0], by="hour", days=1)
    assert len(series) == 24 and series[-1]["bucket"] == datetime(2022, 1, 10, 12)
    hits = {r["bucket"].hour: (r["articles"], r["stories"]) for r in series if r["articles"]}
    # The copy a2 adds an article in its own hour; the story counts in a1's hour only.
    assert hits == {10: (1, 1), 11: (1, 0)}
    assert sum(r["mentions"] for r in trends.entity_series(conn, CSTO[0], topic="other")) == 0
    assert all(r["mentions"] == 0 for r in trends.entity_series(conn, "Nobody", days=3))
    with pytest.raises(ValueError, match="bucket"):
        trends.entity_series(conn, TOKAYEV[0], by="week")  # type: ignore[arg-type]


def test_rising_counts_distinct_stories_against_the_baseline(conn):
    rows = {r["entity"]: r for r in trends.rising(conn)}
    assert rows["Karim Massimov"]["ratio"] == 2.0  # new today, nothing before
    tok = rows[TOKAYEV[0]]
    assert tok["recent"] == 1  # a1 and a2 are one story
    assert tok["baseline_per_window"] == round(1 / 7, 2) and tok["ratio"] == 1.75
    assert PUTIN[0] not in rows  # nothing in the last 24 h
    assert trends.rising(conn)[0]["entity"] == "Karim Massimov"
    assert "Karim Massimov" not in {r["entity"] for r in trends.rising(conn, topic="csto")}
    hourly = {r["entity"]: r for r in trends.rising(conn, window="hour", baseline_days=1)}
    assert set(hourly) == {"Karim Massimov"}  # only a5 is in the last hour


def test_cooccurring_by_stories(conn):
    rows = trends.cooccurring(conn, "KASSYM-JOMART TOKAYEV")
    assert [(r["entity"], r["stories"]) for r in rows] == [(CSTO[0], 1), (PUTIN[0], 1)]
    assert trends.cooccurring(conn, TOKAYEV[0], days=1) == [
        {"entity": CSTO[0], "label": "ORG", "stories": 1}
    ]


def test_source_volume_has_every_day_for_every_source(conn):
    rows = trends.source_volume(conn, days=7)
    assert len(rows) == 14
    got = {(r["bucket"].day, r["source"]): (r["articles"], r["stories"]) for r in rows}
    assert got[(10, "herald")] == (3, 2)
    assert got[(5, "wire")] == (1, 1)
    assert got[(6, "wire")] == (0, 0)


def test_first_seen_only_entities_new_in_the_window(conn):
    rows = trends.first_seen(conn, days=3)
    assert [(r["entity"], r["title"]) for r in rows] == [
        ("Karim Massimov", "Story a5"),
        (TOKAYEV[0], "Story a3"),
    ]
    assert rows[1]["first_seen"] == datetime(2022, 1, 8, 9)
    assert trends.first_seen(conn, days=3, labels=["ORG"]) == []
    assert len(trends.first_seen(conn, days=30)) == 4


def test_top_entities_and_names(conn):
    top = trends.top_entities(conn, days=30, limit=2)
    assert [(r["entity"], r["stories"]) for r in top] == [(TOKAYEV[0], 2), (CSTO[0], 2)]
    assert trends.entity_names(conn, "csto") == []
    assert trends.entity_names(conn, "vladimir putin") == [PUTIN]
