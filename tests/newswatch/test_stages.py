"""The staged tasks the DAG wires, run in-process over the sample archive with staging on an
fsspec URL (memory://) instead of a local folder (what a production object store would see),
give the warehouse run_once gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import fsspec
import pytest

from common.sitelines import LineStats
from extractors.entities import EntityExtractor
from extractors.urls import url_key
from newswatch import stages
from newswatch.pipeline import run_once
from newswatch.polling import NewItem, PollResult
from newswatch.settings import AirflowSettings, ArchiveSource, FeedSource, load_settings
from samples.build import labels
from warehouse.records import SourcePoll
from warehouse.store import Warehouse

SAMPLE = labels()  # the sample corpus's labelled on- and off-topic counts

pytestmark = pytest.mark.e2e


# Entities by name, not id: a name stored in Cyrillic before its English name arrived keeps
# its first id under the English name, so ids depend on which batch came first, names do not.
TABLES = {
    "articles": "SELECT article_key, story_key, text_hash, copy_of, copy_kind, title FROM articles",
    "mentions": "SELECT article_key, name, label, count "
    "FROM mentions JOIN entities USING (entity_id)",
    "entity_hours": "SELECT topic, name, label, hour, h.articles, h.mentions, h.stories "
    "FROM entity_hours h JOIN entities USING (entity_no)",
    "stories": "SELECT story_key, articles FROM stories",
    "seen_items": "SELECT url_key, status, attempts, article_key FROM seen_items",
}


def _tables(db) -> dict[str, list[tuple]]:
    with Warehouse(db) as wh:
        return {t: sorted(wh.conn.execute(sql).fetchall()) for t, sql in TABLES.items()}


def test_stages_over_memory_staging_match_run_once(tmp_path):
    base = load_settings(env={})
    archive = [s for s in base.sources if isinstance(s, ArchiveSource)]
    settings = base.model_copy(
        update={
            "sources": archive,
            "db_path": tmp_path / "nw.duckdb",
            # One batch, as run_once makes one chunk of the sample's items: a site's template
            # lines are found among the articles of one batch (and those stored before it).
            "airflow": AirflowSettings(
                staging_dir="memory://nw-test/staging", batch_size=SAMPLE.items
            ),
        }
    )
    extractor = EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])

    names = stages.prepare(settings, "run-1")
    polls = [stages.poll(settings, "run-1", n) for n in names]
    batches = stages.select(settings, "run-1", polls)
    assert len(batches) == 1 and batches[0].startswith("memory://nw-test/staging/run-1/")
    processed = stages.stories(settings, [stages.process(settings, "run-1", b) for b in batches])
    records = [stages.extract(settings, p, extractor) for p in processed]
    counts = stages.load(settings, "run-1", records)
    fs = fsspec.filesystem("memory")
    assert not fs.exists("/nw-test/staging/run-1")  # cleared after the load

    # The same sources through run_once, the CLI's path, into another warehouse.
    alone = settings.model_copy(update={"db_path": tmp_path / "once.duckdb"})
    summary = run_once(alone, extractor=extractor, force=True)
    for key in ("stored", "offtopic", "fetched", "exact_copies", "mentions", "new_entities"):
        assert counts.get(key) == summary.counts.get(key), key
    staged, once = _tables(settings.db_path), _tables(alone.db_path)
    assert staged == once
    # Stories were decided, not skipped: the sample's copies joined their originals' stories.
    assert any(kind for *_, kind, _title in once["articles"] if kind)
    assert len(once["stories"]) < len(once["articles"])
    with Warehouse(settings.db_path) as wh:
        assert wh.conn.execute("SELECT status, stored FROM runs").fetchall() == [
            ("completed", counts["stored"])
        ]

    # The same source again: nothing new is selected, the warehouse does not change.
    names = stages.prepare(settings, "run-2")
    polls = [stages.poll(settings, "run-2", n) for n in names]
    assert stages.select(settings, "run-2", polls) == []
    assert stages.load(settings, "run-2", []).get("stored", 0) == 0
    assert _tables(settings.db_path) == staged


def test_window_from_params():
    w = stages.Window.from_params({"since": "2022-01-06", "until": None})
    assert w.bounded and w.until is None
    assert not stages.Window.from_params({}).bounded
    from datetime import datetime

    assert w.admits(datetime(2022, 1, 6, 0, 1)) and not w.admits(datetime(2022, 1, 5, 23, 59))
    assert not w.admits(None)


def _staged_run(settings, extractor) -> dict[str, int]:
    names = stages.prepare(settings, "run-1")
    batches = stages.select(settings, "run-1", [stages.poll(settings, "run-1", n) for n in names])
    processed = stages.stories(settings, [stages.process(settings, "run-1", b) for b in batches])
    return stages.load(
        settings, "run-1", [stages.extract(settings, p, extractor) for p in processed]
    )


def test_loading_batches_together_stores_what_loading_them_one_by_one_does(tmp_path):
    base = load_settings(env={})
    archive = [s for s in base.sources if isinstance(s, ArchiveSource)]
    extractor = EntityExtractor(base.nlp, [e for t in base.topics for e in t.gazetteer])
    tables = {}
    for per_load in (1, 7, 2000):  # one batch per transaction, two batches, all at once
        settings = base.model_copy(
            update={
                "sources": archive,
                "db_path": tmp_path / f"nw-{per_load}.duckdb",
                "airflow": AirflowSettings(
                    staging_dir=str(tmp_path / f"staging-{per_load}"),
                    batch_size=4,
                    load_articles=per_load,
                ),
            }
        )
        counts = _staged_run(settings, extractor)
        assert counts["stored"] == SAMPLE.on_topic and counts["offtopic"] == SAMPLE.off_topic
        assert counts["fetched"] == SAMPLE.items
        tables[per_load] = {
            "counts": {k: v for k, v in counts.items() if k != "seconds"},
            **_tables(settings.db_path),
        }
    assert tables[1] == tables[7] == tables[2000]
    assert len(tables[1]["mentions"]) > 100


def test_select_stages_template_lines_of_the_sites_a_source_redirects_to(tmp_path):
    """An item URL on a.example that redirects to b.example is cleaned with b.example's stored
    template lines in the staged path, as run_once (which reads them live) would."""
    base = load_settings(env={})
    settings = base.model_copy(
        update={
            "sources": [FeedSource(name="wire", url="https://a.example/feed.xml")],
            "db_path": tmp_path / "nw.duckdb",
            "airflow": AirflowSettings(staging_dir=str(tmp_path / "staging")),
        }
    )
    with Warehouse(settings.db_path) as wh:
        wh.conn.execute(
            "INSERT INTO articles (article_key, url, canonical_url, source, site, text,"
            " fetched_at, content_hash, words) VALUES ('k1', 'https://b.example/1',"
            " 'https://b.example/1', 'wire', 'b.example', 'x', now(), 'h', 1)"
        )
        wh.conn.execute(
            "INSERT INTO site_lines VALUES ('b.example', 'line-1', 7, 'Share this story', 7, [1]),"
            " ('c.example', 'line-2', 9, 'Not ours', 9, [])"
        )
    item = NewItem(url_key(ITEM), ITEM, "wire")
    poll = PollResult(SourcePoll("wire", "feed", "https://a.example/feed.xml", ok=True), [item])
    poll_path = str(tmp_path / "poll.pkl")
    (tmp_path / "poll.pkl").write_bytes(pickle.dumps(poll))

    [batch] = stages.select(settings, "run-r", [poll_path])

    staged = pickle.loads((tmp_path / "staging" / "run-r" / "selected.pkl").read_bytes())
    assert staged["site_lines"] == {
        "a.example": {},
        "b.example": {"line-1": LineStats(7, frozenset({1}))},
    }
    assert [i.url for i in pickle.loads(Path(batch).read_bytes())] == [ITEM]


ITEM = "https://a.example/story/1"
