"""The DuckDB warehouse: migrations, idempotent loads, views, errors, a real file."""

from datetime import datetime, timedelta

import duckdb
import pytest

from common.sitelines import LineStats
from warehouse.records import ArticleRecord, ErrorRecord, ItemOutcome, LoadBatch, SourcePoll
from warehouse.sql import migrations
from warehouse.store import Warehouse, WarehouseError

T0 = datetime(2022, 1, 10, 12, 0)


def article(key: str, when: datetime, mentions: dict, topics=None) -> ArticleRecord:
    return ArticleRecord(
        article_key=key,
        url=f"https://a.example/{key}",
        canonical_url=f"https://a.example/{key}",
        source="s",
        site="a.example",
        title=f"Title {key}",
        text=f"text of {key} " * 50,
        published=when,
        fetched_at=when + timedelta(hours=1),
        language="en",
        content_hash=f"h{key}",
        topics=topics or {"csto": ("csto",)},
        mentions=mentions,
        site_lines=(("line1", "Follow us"),),
    )


CSTO = ("Collective Security Treaty Organization", "ORG")
TOKAYEV = ("Kassym-Jomart Tokayev", "PERSON")
PUTIN = ("Vladimir Putin", "PERSON")


def sample_batch() -> LoadBatch:
    arts = [
        article("a1", T0 - timedelta(days=5), {CSTO: 2, TOKAYEV: 1}),
        article("a2", T0 - timedelta(days=3), {CSTO: 1}),
        article("a3", T0 - timedelta(hours=2), {CSTO: 3, TOKAYEV: 2, PUTIN: 1}),
        article("a4", T0, {PUTIN: 4, TOKAYEV: 1}),
    ]
    outcomes = [
        ItemOutcome(
            f"k{a.article_key}", a.url, "s", None, a.title, "stored", article_key=a.article_key
        )
        for a in arts
    ]
    return LoadBatch("run1", articles=arts, outcomes=outcomes)


@pytest.fixture
def wh(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as w:
        yield w


def counts(wh: Warehouse) -> tuple:
    return wh.query("run_counts")[0]


def test_migrations_apply_once_and_reopen(tmp_path):
    path = tmp_path / "w.duckdb"
    latest = max(version for version, _ in migrations())
    assert latest >= 3  # 003_feed_health
    with Warehouse(path) as w:
        assert w.schema_version() == latest
    with Warehouse(path) as w:
        assert w.schema_version() == latest
        count = w.conn.execute("SELECT count(*) FROM schema_version").fetchone()[0]
        assert count == latest
    with Warehouse(path, read_only=True) as w:
        assert w.query("run_counts")[0][0] == 0


def test_load_is_idempotent(wh):
    stats = wh.load(sample_batch())
    assert (stats.articles_new, stats.entities_new, stats.mentions_new) == (4, 3, 8)
    first = counts(wh)
    again = wh.load(sample_batch())
    assert (again.articles_new, again.entities_new, again.mentions_new) == (0, 0, 0)
    assert counts(wh) == first == (4, 3, 8, 4, 4)
    # Site-line counts only grow with new articles.
    assert wh.site_line_counts("a.example", ["line1"]) == {"line1": LineStats(4, frozenset())}


def test_views_give_daily_first_seen_rising_and_cooccurrence(wh):
    wh.load(sample_batch())
    daily = wh.conn.execute(
        "SELECT day, mentions, articles FROM entity_daily WHERE entity = ? ORDER BY day", [CSTO[0]]
    ).fetchall()
    assert [(str(d), m, a) for d, m, a in daily] == [
        ("2022-01-05", 2, 1),
        ("2022-01-07", 1, 1),
        ("2022-01-10", 3, 1),
    ]
    first = dict(wh.conn.execute("SELECT entity, first_seen FROM entity_first_seen").fetchall())
    assert first[PUTIN[0]] == T0 - timedelta(hours=2)
    rising = {r[0]: r for r in wh.conn.execute("SELECT * FROM rising_entities").fetchall()}
    # Putin: 2 articles in the last 24 h, none before; Collective Security: 1 vs 2.
    assert rising[PUTIN[0]][2:4] == (2, 0)
    assert rising[CSTO[0]][2:4] == (1, 2)
    assert next(iter(rising)) == PUTIN[0]
    pairs = {
        (a, b): n
        for a, b, n in wh.conn.execute(
            "SELECT entity_a, entity_b, stories FROM cooccurrence"
        ).fetchall()
    }
    # a1 and a3 each open a story naming both; every pair is listed both ways round.
    assert pairs[(CSTO[0], TOKAYEV[0])] == pairs[(TOKAYEV[0], CSTO[0])] == 2
    assert pairs[(PUTIN[0], TOKAYEV[0])] == 2
    topic_rows = wh.conn.execute("SELECT count(*) FROM topic_entity_daily WHERE topic='csto'")
    assert topic_rows.fetchone()[0] > 0


def test_named_trend_queries(wh):
    wh.load(sample_batch())
    top = wh.query_dicts("top_entities", [7, "csto", 10])
    assert top[0]["entity"] == CSTO[0] and top[0]["articles"] == 3
    assert wh.query_dicts("top_entities", [7, "other", 10]) == []
    rising = wh.rising_entities(None, 7, 10)
    assert rising[0]["entity"] == PUTIN[0]


def test_outcomes_errors_and_retries(wh):
    err = ErrorRecord("k1", "fetch", "https://a.example/x", "s", "HTTP 503", 503, True)
    failed = ItemOutcome("k1", "https://a.example/x", "s", None, None, "failed", "HTTP 503")
    wh.load(LoadBatch("r1", outcomes=[failed], errors=[err]))
    assert wh.settled(["k1"], max_attempts=3) == set()
    assert [r[0] for r in wh.query("due_retries", [3, ["s"]])] == ["k1"]
    wh.load(LoadBatch("r2", outcomes=[failed], errors=[err]))
    row = wh.conn.execute("SELECT attempts, reason, resolved_at FROM fetch_errors").fetchone()
    assert row[0] == 2 and row[1] == "HTTP 503" and row[2] is None
    ok = ItemOutcome("k1", "https://a.example/x", "s", None, None, "stored", article_key="a")
    wh.load(LoadBatch("r3", outcomes=[ok]))
    assert wh.settled(["k1"], max_attempts=3) == {"k1"}
    assert wh.conn.execute("SELECT resolved_at FROM fetch_errors").fetchone()[0] is not None
    # An item that keeps failing is settled after max_attempts.
    for run in ("a", "b", "c"):
        wh.load(LoadBatch(run, outcomes=[ItemOutcome("k2", "u", "s", None, None, "failed")]))
    assert wh.settled(["k2"], max_attempts=3) == {"k2"}


def test_source_health(wh):
    wh.load(
        LoadBatch(
            "r",
            polls=[
                SourcePoll(
                    "f",
                    "feed",
                    "https://f.example",
                    ok=True,
                    new_items=5,
                    etag='"v1"',
                    content_hash="h",
                )
            ],
        )
    )
    wh.load(
        LoadBatch(
            "r", polls=[SourcePoll("f", "feed", "https://f.example", ok=False, error="HTTP 500")]
        )
    )
    wh.load(
        LoadBatch(
            "r", polls=[SourcePoll("f", "feed", "https://f.example", ok=False, error="timeout")]
        )
    )
    state = wh.source_state("f")
    assert state.etag == '"v1"' and state.content_hash == "h"
    assert state.consecutive_failures == 2 and state.last_error == "timeout"
    assert state.items_seen == 5
    wh.load(LoadBatch("r", polls=[SourcePoll("f", "feed", "https://f.example", ok=True)]))
    assert wh.source_state("f").consecutive_failures == 0
    assert wh.source_state("nope") is None


def test_failed_load_rolls_back_everything(wh):
    batch = sample_batch()
    batch.outcomes.append(ItemOutcome("kx", None, "s", None, None, "stored"))  # url NOT NULL
    with pytest.raises(duckdb.Error):
        wh.load(batch)
    assert counts(wh) == (0, 0, 0, 0, 0)


def test_read_only_missing_file_and_locked_file(tmp_path):
    with pytest.raises(WarehouseError, match="no warehouse here yet"):
        Warehouse(tmp_path / "none.duckdb", read_only=True)
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a duckdb file at all" * 100)
    with pytest.raises(WarehouseError, match="cannot open DuckDB file"):
        Warehouse(bad)
