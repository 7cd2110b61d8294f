"""Stories in the warehouse: exact copies reuse entities instead of running NER, articles from
before stories existed are indexed once, and the stories table follows its articles.

Real DuckDB files, a real local HTTP server and the real spaCy model throughout.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml

from extractors.entities import EntityExtractor, Mention
from extractors.stories import FUNCTION_WORDS, StoryDecision, StoryInput, fingerprint, lsh_buckets
from newswatch import stories
from newswatch.pipeline import run_once
from newswatch.settings import FeedSource, FetchSettings, StorySettings, load_settings
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.store import Warehouse

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "csto-2022"


def sample_articles() -> list[dict]:
    return yaml.safe_load((SAMPLE / "articles.yaml").read_text(encoding="utf-8"))


def record(a: dict, key: str | None = None, **extra) -> ArticleRecord:
    key = key or a["id"]
    when = datetime.fromisoformat(a["published"]).replace(tzinfo=None)
    return ArticleRecord(
        article_key=key,
        url=f"https://{a['site']}/{key}",
        canonical_url=f"https://{a['site']}/{key}",
        source="test",
        site=a["site"],
        title=a["title"],
        text="\n\n".join(a["paragraphs"]),
        published=when,
        fetched_at=when + timedelta(minutes=5),
        language="en",
        content_hash=f"h-{key}",
        topics={"csto": ("csto",)},
        mentions={("Kazakhstan", "GPE"): 1},
        **extra,
    )


def test_articles_stored_before_stories_are_indexed_once(tmp_path):
    db = tmp_path / "old.duckdb"
    articles = sample_articles()
    with Warehouse(db) as wh:
        # As a pre-stories run left them: no text hash, each article its own story.
        wh.load(LoadBatch("old", articles=[record(a) for a in articles]))
        assert wh.query("story_totals")[0] == (len(articles), len(articles))
        settings = StorySettings()
        assert stories.reindex(wh, settings) == len(articles)
        assert stories.reindex(wh, settings) == 0
        groups = wh.conn.execute(
            "SELECT list(article_key ORDER BY article_key) FROM articles GROUP BY story_key "
            "HAVING count(*) > 1"
        ).fetchall()
        assert groups == [
            (["cd-csto-explainer-spun", "nb-csto-explainer-spun", "rl-csto-explainer"],)
        ]
        # The stories table lost the two copies' provisional stories and counts three articles.
        assert wh.query("story_totals")[0] == (len(articles) - 2, len(articles))
        [(story, n, title)] = wh.conn.execute(
            "SELECT story_key, articles, title FROM stories WHERE articles > 1"
        ).fetchall()
        assert story == "rl-csto-explainer" and n == 3
        assert title == articles[2]["title"]


def test_a_new_copy_finds_a_stored_original_only_within_the_window(tmp_path):
    original = sample_articles()[2]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        store_indexed(wh, original, "orig")
        spun = sample_articles()[8]
        new = StoryInput("spun", spun["title"], text(spun))
        [found] = stories.decide(wh, [new], WIDE)
        assert found.story_key == "orig" and found.kind in ("near", "rewrite")
        # Indexed long ago: outside a one-day window the original is not a candidate.
        wh.conn.execute("UPDATE story_index SET day = DATE '2000-01-01'")
        [alone] = stories.decide(wh, [new], StorySettings(window_days=1))
        assert alone.story_key == "spun" and alone.kind is None


WIDE = StorySettings(window_days=100_000)


def store_indexed(wh: Warehouse, a: dict, key: str) -> StoryDecision:
    """Store an article as a run does: decided, loaded with its buckets, text hash set."""
    [d] = stories.decide(wh, [StoryInput(key, a["title"], text(a))], WIDE)
    wh.load(LoadBatch("r1", articles=[record(a, key, story_buckets=d.buckets)]))
    wh.conn.execute("UPDATE articles SET text_hash = ? WHERE article_key = ?", [d.text_hash, key])
    return d


def text(a: dict) -> str:
    return "\n\n".join(a["paragraphs"])


class CountingExtractor(EntityExtractor):
    """The real extractor, counting the texts it is given."""

    texts: list[str]

    def extract(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[list[Mention]]:
        self.texts = [*getattr(self, "texts", []), *texts]
        return super().extract(texts, languages)


@pytest.mark.e2e
def test_exact_copy_under_another_url_skips_ner_and_takes_the_entities(local_server, tmp_path):
    page = next((SAMPLE / "pages").rglob("tokayev-asks-csto-for-help.html"))
    html = page.read_bytes()
    local_server.route("/herald/tokayev.html", body=html, headers={"Content-Type": "text/html"})
    # A portal republishes the page word for word under its own address and markup.
    copy = html.replace(b"steppe-herald.example", b"portal.example").replace(
        b"<body", b"<body data-portal='1'"
    )
    local_server.route(
        "/portal/tokayev-csto.html", body=copy, headers={"Content-Type": "text/html"}
    )
    items = "".join(
        f"<item><title>t{i}</title><link>{local_server.url(p)}</link><guid>g{i}</guid></item>"
        for i, p in enumerate(("/herald/tokayev.html", "/portal/tokayev-csto.html"))
    )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'
    )
    local_server.route(
        "/feed.xml", body=feed.encode(), headers={"Content-Type": "application/rss+xml"}
    )
    shipped = load_settings(env={})
    settings = shipped.model_copy(
        update={
            "sources": [FeedSource(name="f", url=local_server.url("/feed.xml"))],
            "fetch": FetchSettings(retries=0, allow_hosts=["127.0.0.1:*"]),
            "db_path": tmp_path / "w.duckdb",
        }
    )
    extractor = CountingExtractor(shipped.nlp, [e for t in shipped.topics for e in t.gazetteer])
    summary = run_once(settings, extractor=extractor)
    assert summary.counts["stored"] == 2 and summary.counts["exact_copies"] == 1
    assert len(extractor.texts) == 1  # NER ran once for two articles
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        kinds = con.execute(
            "SELECT copy_kind, count(DISTINCT story_key) FROM articles GROUP BY ALL ORDER BY 1"
        ).fetchall()
        assert kinds == [("exact", 1), (None, 1)]
        per_article = con.execute(
            "SELECT a.copy_kind, list(m.entity_id || ':' || m.count ORDER BY m.entity_id) "
            "FROM articles a JOIN mentions m USING (article_key) GROUP BY ALL"
        ).fetchall()
        assert len(per_article) == 2 and per_article[0][1] == per_article[1][1]
        assert len(per_article[0][1]) > 5


def test_articles_indexed_before_the_function_word_signal_get_its_buckets_once(tmp_path):
    # A heavy spin is found only by the function-word signal (every content word garbled,
    # function words kept). In a warehouse indexed before that signal existed, the stored
    # original lacks its function-word buckets, so the spin is missed until a run adds them.
    original = sample_articles()[2]
    body = text(original)
    spun = " ".join(
        w if w.casefold().strip('.,"“”') in FUNCTION_WORDS else w[::-1] for w in body.split(" ")
    )
    params = stories.story_params(WIDE)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        d = store_indexed(wh, original, "orig")
        fp = fingerprint(original["title"], body)
        older = set(lsh_buckets(dataclasses.replace(fp, function=np.array([])), params))
        newer = [b for b in d.buckets if b not in older]
        assert newer  # the function-word buckets
        wh.conn.execute("DELETE FROM story_index WHERE bucket IN (SELECT unnest(?))", [newer])
        wh.conn.execute("INSERT INTO story_rebucket VALUES ('orig')")
        day = wh.conn.execute("SELECT min(day) FROM story_index").fetchone()[0]

        [missed] = stories.decide(wh, [StoryInput("spun", None, spun)], WIDE)
        assert missed.story_key == "spun"
        assert stories.reindex(wh, WIDE) == 0  # nothing unindexed; the queue is emptied
        [found] = stories.decide(wh, [StoryInput("spun", None, spun)], WIDE)
        assert found.story_key == "orig" and found.kind == "rewrite"
        # Added once, on the day the article was first indexed, so the window still ages it.
        rows = wh.conn.execute(
            "SELECT count(*), count(DISTINCT bucket), min(day), max(day) FROM story_index"
        ).fetchone()
        assert rows == (len(set(d.buckets)), len(set(d.buckets)), day, day)
        assert stories.rebucket(wh, WIDE) == 0
        assert wh.conn.execute("SELECT count(*) FROM story_rebucket").fetchone() == (0,)


def test_queued_articles_outside_the_window_leave_the_queue_without_new_buckets(tmp_path):
    original = sample_articles()[2]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        d = store_indexed(wh, original, "orig")
        wh.conn.execute("UPDATE story_index SET day = DATE '2000-01-01'")
        wh.conn.execute("DELETE FROM story_index WHERE bucket = ?", [d.buckets[-1]])
        wh.conn.execute("INSERT INTO story_rebucket VALUES ('orig')")
        assert stories.rebucket(wh, StorySettings(window_days=1)) == 0
        assert wh.conn.execute("SELECT count(*) FROM story_rebucket").fetchone() == (0,)
        left = wh.conn.execute("SELECT count(*) FROM story_index").fetchone()[0]
        assert left == len(set(d.buckets)) - 1
