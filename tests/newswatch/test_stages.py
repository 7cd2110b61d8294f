"""The staged pipeline the DAG wires, run in-process over the sample archive with staging on an
fsspec URL (memory://) instead of a local folder: what a production object store would see."""

from __future__ import annotations

import fsspec
import pytest

from extractors.entities import EntityExtractor
from newswatch import stages
from newswatch.settings import AirflowSettings, ArchiveSource, load_settings
from warehouse.store import Warehouse

pytestmark = pytest.mark.e2e


def test_stages_over_memory_staging_match_run_once(tmp_path):
    base = load_settings(env={})
    archive = [s for s in base.sources if isinstance(s, ArchiveSource)]
    settings = base.model_copy(
        update={
            "sources": archive,
            "db_path": tmp_path / "nw.duckdb",
            "airflow": AirflowSettings(staging_dir="memory://nw-test/staging", batch_size=5),
        }
    )
    extractor = EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])

    names = stages.prepare(settings, "run-1")
    polls = [stages.poll(settings, "run-1", n) for n in names]
    batches = stages.select(settings, "run-1", polls)
    assert len(batches) == 4 and all(
        b.startswith("memory://nw-test/staging/run-1/") for b in batches
    )
    records = [
        stages.extract(settings, stages.process(settings, "run-1", b), extractor) for b in batches
    ]
    counts = stages.load(settings, "run-1", records)
    assert counts["stored"] == 14 and counts["offtopic"] == 3
    fs = fsspec.filesystem("memory")
    assert not fs.exists("/nw-test/staging/run-1")  # cleared after the load
    with Warehouse(settings.db_path) as wh:
        assert wh.query("run_counts")[0][0] == 14
        assert wh.conn.execute("SELECT status, stored FROM runs").fetchall() == [("completed", 14)]

    # The same source again: nothing new is selected, the warehouse does not change.
    names = stages.prepare(settings, "run-2")
    polls = [stages.poll(settings, "run-2", n) for n in names]
    assert stages.select(settings, "run-2", polls) == []
    assert stages.load(settings, "run-2", []).get("stored", 0) == 0
    with Warehouse(settings.db_path) as wh:
        assert wh.query("run_counts")[0][0] == 14


def test_window_from_params():
    w = stages.Window.from_params({"since": "2022-01-06", "until": None})
    assert w.bounded and w.until is None
    assert not stages.Window.from_params({}).bounded
    from datetime import datetime

    assert w.admits(datetime(2022, 1, 6, 0, 1)) and not w.admits(datetime(2022, 1, 5, 23, 59))
    assert not w.admits(None)


def test_a_batch_staged_without_story_decisions_still_gets_ner(tmp_path):
    # Regression: with no stories file beside a batch, extract used to skip NER entirely when
    # it had to load the model itself.
    base = load_settings(env={})
    archive = [s for s in base.sources if isinstance(s, ArchiveSource)]
    settings = base.model_copy(
        update={
            "sources": archive,
            "db_path": tmp_path / "nw.duckdb",
            "airflow": AirflowSettings(staging_dir=str(tmp_path / "staging"), batch_size=20),
        }
    )
    names = stages.prepare(settings, "run-1")
    [batch] = stages.select(settings, "run-1", [stages.poll(settings, "run-1", n) for n in names])
    records = stages._load(stages.extract(settings, stages.process(settings, "run-1", batch)))
    assert len(records["records"]) == 14
    assert all(r.mentions for r in records["records"])


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
        assert counts["stored"] == 14 and counts["offtopic"] == 3 and counts["fetched"] == 17
        with Warehouse(settings.db_path) as wh:
            tables[per_load] = {
                "counts": {k: v for k, v in counts.items() if k != "seconds"},
                **{
                    t: sorted(wh.conn.execute(f"SELECT {cols} FROM {t}").fetchall())
                    for t, cols in {
                        "articles": "article_key, story_key, text_hash, title",
                        "mentions": "article_key, entity_id, count",
                        "entity_hours": "topic, entity_no, hour, articles, mentions, stories",
                        "stories": "story_key, articles",
                        "seen_items": "url_key, status, attempts, article_key",
                    }.items()
                },
            }
    assert tables[1] == tables[7] == tables[2000]
    assert len(tables[1]["mentions"]) > 100
