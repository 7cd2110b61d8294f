"""Merging stories in the warehouse: articles, summaries and trend counts move together, and
applying a merge again changes nothing."""

from __future__ import annotations

from datetime import timedelta

from common.stories import StoryMerge
from tests.warehouse.test_trend_tables import ALMATY, CSTO, T0, TOKAYEV, article, snapshot
from warehouse.records import LoadBatch
from warehouse.store import Warehouse


def stories_total(wh: Warehouse, name: str) -> int:
    row = wh.conn.execute("SELECT total_stories FROM entities WHERE name = ?", [name]).fetchone()
    assert row is not None
    return int(row[0])


def test_a_bridging_article_merges_two_stories_and_the_counts_follow(tmp_path):
    first = [
        article("x1", T0, {CSTO: 1, TOKAYEV: 1}),
        article("y1", T0 + timedelta(hours=5), {CSTO: 2, ALMATY: 1}, source="wire"),
        article("y2", T0 + timedelta(hours=6), {ALMATY: 1}, story_key="y1"),
    ]
    bridge = LoadBatch(
        "r2",
        articles=[article("z1", T0 + timedelta(hours=7), {CSTO: 1}, story_key="x1")],
        merges=[StoryMerge("y1", "x1", "z1", "y1", 0.31)],
    )
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(LoadBatch("r1", articles=first))
        assert stories_total(wh, CSTO[0]) == 2
        wh.load(bridge)
        keys = ["x1", "y1", "y2", "z1"]
        assert wh.stories_of(keys) == dict.fromkeys(keys, "x1")
        # One story now: y1 stops opening one, so CSTO and Almaty lose it.
        assert stories_total(wh, CSTO[0]) == 1
        assert stories_total(wh, ALMATY[0]) == 0
        overview = wh.conn.execute(
            "SELECT story_key, articles, first_seen FROM story_overview"
        ).fetchall()
        assert overview == [("x1", 4, T0)]
        merges = wh.conn.execute(
            "SELECT merged_key, into_key, article_key, evidence FROM story_merges"
        ).fetchall()
        assert merges == [("y1", "x1", "z1", "y1")]
        kept = snapshot(wh.conn)
        # Applying the same batch again (a retried load) changes nothing ...
        wh.load(bridge)
        assert snapshot(wh.conn) == kept
        # ... and the incremental counts are what a rebuild from the base tables gives.
        wh.rebuild_trends()
        assert snapshot(wh.conn) == kept


def test_an_article_decided_before_a_merge_lands_in_the_survivor(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(
            LoadBatch(
                "r1",
                articles=[
                    article("x1", T0, {CSTO: 1}),
                    article("y1", T0 + timedelta(hours=1), {CSTO: 1}),
                ],
            )
        )
        wh.load(
            LoadBatch(
                "r2",
                articles=[article("z1", T0 + timedelta(hours=2), {}, story_key="x1")],
                merges=[StoryMerge("y1", "x1", "z1", "y1", 0.4)],
            )
        )
        # Decided in the same run as z1, but loaded after the merge, under the old key.
        wh.load(
            LoadBatch("r2", articles=[article("w1", T0 + timedelta(hours=3), {}, story_key="y1")])
        )
        assert wh.stories_of(["w1"]) == {"w1": "x1"}
        assert wh.conn.execute("SELECT count(*) FROM stories").fetchone() == (1,)


def test_chained_merges_keep_redirects_one_hop(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(
            LoadBatch(
                "r1",
                articles=[
                    article(k, T0 + timedelta(hours=i), {CSTO: 1})
                    for i, k in enumerate(("x1", "y1", "v1"))
                ],
            )
        )
        wh.load(
            LoadBatch(
                "r2",
                articles=[article("z1", T0 + timedelta(hours=4), {}, story_key="y1")],
                merges=[StoryMerge("v1", "y1", "z1", "v1", 0.5)],
            )
        )
        wh.load(
            LoadBatch(
                "r3",
                articles=[article("z2", T0 + timedelta(hours=5), {}, story_key="x1")],
                merges=[StoryMerge("y1", "x1", "z2", "y1", 0.5)],
            )
        )
        redirects = dict(
            wh.conn.execute("SELECT merged_key, into_key FROM story_merges").fetchall()
        )
        assert redirects == {"v1": "x1", "y1": "x1"}
        assert set(wh.stories_of(["x1", "y1", "v1", "z1", "z2"]).values()) == {"x1"}
        assert stories_total(wh, CSTO[0]) == 1
