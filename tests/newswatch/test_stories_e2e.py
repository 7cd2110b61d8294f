"""End to end: the sample's copies of one report become one story with one alert.

The sample served by a real local HTTP server, a real DuckDB file, the real spaCy model and the
real alert rules. The CSTO explainer appears three times: the original, a farm copy that keeps
most of its sentences, and a spun rewrite with synonyms swapped in.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from alerts.rules import evaluate
from extractors.entities import EntityExtractor
from newswatch.pipeline import run_once
from newswatch.settings import FeedSource, FetchSettings, Settings, load_settings
from samples.build import labels
from warehouse.store import Warehouse

SAMPLE = labels()  # the sample corpus's labelled on- and off-topic counts

pytestmark = pytest.mark.e2e

EXPLAINER = "Kazakhstan turns to Russia-led military bloc for help. What is the CSTO?"


def settings_for(server, tmp_path: Path) -> Settings:
    shipped = load_settings(env={})
    sources = [
        FeedSource(name=f"sample-{n}", url=server.url(f"/feeds/{n}.xml")) for n in ("rss", "atom")
    ]
    fast = FetchSettings(retries=1, backoff_initial=0.01, allow_hosts=["127.0.0.1:*"])
    return shipped.model_copy(
        update={"sources": sources, "fetch": fast, "db_path": tmp_path / "nw.duckdb"}
    )


def rows(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_sample_copies_form_one_story_with_one_alert(sample_site, tmp_path):
    settings = settings_for(sample_site, tmp_path)
    s = load_settings(env={})
    extractor = EntityExtractor(s.nlp, [e for t in s.topics for e in t.gazetteer])
    summary = run_once(settings, extractor=extractor)
    db = settings.db_path
    assert summary.counts["stored"] == SAMPLE.on_topic

    # One story per report: the explainer's two copies joined its story.
    assert rows(db, "SELECT count(*) FROM stories")[0][0] == SAMPLE.reports
    [(story, articles, sites, title)] = rows(
        db, "SELECT story_key, articles, sites, title FROM stories WHERE articles > 1"
    )
    assert articles == 3 and sites
    assert title == EXPLAINER  # the original's title, not the spun one
    kinds = sorted(
        k for (k,) in rows(db, "SELECT copy_kind FROM articles WHERE story_key = ?", [story]) if k
    )
    assert kinds == ["near", "rewrite"]
    # No other article was taken for a copy.
    assert rows(db, "SELECT count(*) FROM articles WHERE copy_kind IS NOT NULL")[0][0] == 2

    with Warehouse(db) as wh:
        first = evaluate(wh, settings)
        assert first > 0
        assert evaluate(wh, settings) == 0
    # One watched-entity alert per entity for the explainer story, not one per copy.
    per_entity = rows(
        db,
        "SELECT entity, count(*) FROM alerts WHERE rule = 'watched_entity' AND story_key = ? "
        "GROUP BY entity",
        [story],
    )
    assert per_entity and all(n == 1 for _, n in per_entity)
    assert "Collective Security Treaty Organization" in {e for e, _ in per_entity}
    # Across the warehouse: alerts are per (entity, story), and no copy raised one.
    watched = rows(
        db,
        "SELECT count(*), count(DISTINCT (entity, story_key)) FROM alerts "
        "WHERE rule = 'watched_entity'",
    )[0]
    assert watched[0] == watched[1]
    copies = {k for (k,) in rows(db, "SELECT article_key FROM articles WHERE copy_of IS NOT NULL")}
    assert not copies & {k for (k,) in rows(db, "SELECT article_key FROM alerts")}


def test_rerun_and_reindex_change_nothing(sample_site, tmp_path):
    settings = settings_for(sample_site, tmp_path)
    s = load_settings(env={})
    extractor = EntityExtractor(s.nlp, [e for t in s.topics for e in t.gazetteer])
    run_once(settings, extractor=extractor)
    db = settings.db_path
    snapshot = "SELECT * FROM stories ORDER BY story_key"
    assign = "SELECT article_key, story_key, copy_of, copy_kind FROM articles ORDER BY 1"
    before = rows(db, snapshot), rows(db, assign), rows(db, "SELECT count(*) FROM story_index")
    run_once(settings, extractor=extractor, force=True)
    after = rows(db, snapshot), rows(db, assign), rows(db, "SELECT count(*) FROM story_index")
    assert before == after
