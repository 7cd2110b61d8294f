"""End to end: the sample feeds and pages served by a real local HTTP server, a real DuckDB file,
the real spaCy model. Nothing is mocked."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from extractors.entities import EntityExtractor
from newswatch.pipeline import run_once
from newswatch.settings import FeedSource, FetchSettings, Settings, load_settings
from samples.build import labels

LABELS = labels()  # the sample corpus's labelled on- and off-topic counts

pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "csto-2022"
BOILERPLATE = [
    "error: Content is protected !!",
    "Content is protected",
    "Jul 6th",
    "min read",
    "ALSO READ",
    "Share on",
    "We use cookies",
    "Advertisement",
    "Related posts",
    "You may also like",
    "Leave a Reply",
    "Follow us on",
]
ON_TOPIC, OFF_TOPIC = LABELS.on_topic, LABELS.off_topic


def settings_for(server, tmp_path: Path, extra: list[FeedSource] = ()) -> Settings:
    shipped = load_settings(env={})
    sources = [
        FeedSource(name=f"sample-{n}", url=server.url(f"/feeds/{n}.xml")) for n in ("rss", "atom")
    ]
    fast = FetchSettings(
        retries=1,
        backoff_initial=0.01,
        backoff_max=0.05,
        read_timeout=2,
        connect_timeout=2,
        total_timeout=5,
        max_attempts=3,
        allow_hosts=["127.0.0.1:*"],
    )
    return shipped.model_copy(
        update={"sources": [*sources, *extra], "fetch": fast, "db_path": tmp_path / "nw.duckdb"}
    )


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    s = load_settings(env={})
    return EntityExtractor(s.nlp, [e for t in s.topics for e in t.gazetteer])


def table(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_sample_over_http_lands_on_topic_clean_and_canonical(sample_site, tmp_path, extractor):
    local_server = sample_site
    settings = settings_for(local_server, tmp_path)
    summary = run_once(settings, extractor=extractor)
    db = settings.db_path

    assert summary.counts["stored"] == ON_TOPIC
    assert summary.counts["offtopic"] == OFF_TOPIC
    assert summary.counts.get("failed", 0) == 0 and summary.counts.get("feed_errors", 0) == 0
    titles = {t for (t,) in table(db, "SELECT title FROM articles")}
    assert (
        "Snowstorm leaves hundreds of drivers stuck overnight on Virginia interstate" not in titles
    )
    assert not [t for t in titles if "e-reader" in t.lower() or "flour" in t.lower()]
    assert table(db, "SELECT count(*) FROM topic_matches WHERE topic='csto'")[0][0] == ON_TOPIC

    for (text,) in table(db, "SELECT text FROM articles"):
        for phrase in BOILERPLATE:
            assert phrase.lower() not in text.lower(), phrase

    entities = dict(table(db, "SELECT name, label FROM entities"))
    assert entities["Collective Security Treaty Organization"] == "ORG"
    assert entities["Kassym-Jomart Tokayev"] == "PERSON"
    assert "CSTO" not in entities and "Tokayev" not in entities
    csto_articles = table(
        db,
        "SELECT articles FROM entity_first_seen WHERE entity = ?",
        ["Collective Security Treaty Organization"],
    )[0][0]
    assert csto_articles >= 12
    runs = table(db, "SELECT status, stored, offtopic FROM runs")
    assert runs == [("completed", ON_TOPIC, OFF_TOPIC)]


def test_second_run_adds_nothing_and_uses_conditional_get(sample_site, tmp_path, extractor):
    local_server = sample_site
    settings = settings_for(local_server, tmp_path)
    run_once(settings, extractor=extractor)
    db = settings.db_path
    counts = (
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), "
        "(SELECT count(*) FROM entities), (SELECT count(*) FROM seen_items)"
    )
    before = table(db, counts)
    pages_before = sum(n for p, n in local_server.counts.items() if p.endswith(".html"))

    # Forced: right after the first run no feed is due yet (see docs/reliability.md, Polling).
    again = run_once(settings, extractor=extractor, force=True)
    assert table(db, counts) == before
    assert again.counts.get("new_items", 0) == 0 and again.counts.get("stored", 0) == 0
    assert sum(n for p, n in local_server.counts.items() if p.endswith(".html")) == pages_before
    for name in ("rss", "atom"):
        second = local_server.headers_seen(f"/feeds/{name}.xml")[-1]
        assert second.get("If-None-Match"), name
    assert table(db, "SELECT count(*), sum(stored) FROM runs WHERE status='completed'")[0] == (
        2,
        ON_TOPIC,
    )


def test_bad_feed_404_and_dropped_connection_are_recorded_and_retried(
    sample_site, tmp_path, extractor
):
    local_server = sample_site
    local_server.route(
        "/feeds/broken.xml",
        body=b"<rss><channel><item><title>unclosed \x00\xff",
        headers={"Content-Type": "application/rss+xml"},
    )
    good = (
        SAMPLE
        / "pages"
        / "steppe-herald.example"
        / "2022"
        / "01"
        / "07"
        / "almaty-airport-back-under-government-control.html"
    ).read_bytes()
    missing_url = local_server.url("/late/tokayev-asks-csto-copy.html")
    hangup_url = local_server.url("/hangup/story.html")
    extra_feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>extra</title>
      <item><title>Missing</title><link>{missing_url}</link><guid>m1</guid></item>
      <item><title>Hang-up</title><link>{hangup_url}</link><guid>h1</guid></item>
    </channel></rss>""".encode()
    local_server.route(
        "/feeds/extra.xml", body=extra_feed, headers={"Content-Type": "application/rss+xml"}
    )
    local_server.route("/late/tokayev-asks-csto-copy.html", status=404, body=b"not here")
    local_server.route("/hangup/story.html", handler=lambda request: None)  # closes, no reply
    extra = [
        FeedSource(name="broken", url=local_server.url("/feeds/broken.xml")),
        FeedSource(name="extra", url=local_server.url("/feeds/extra.xml")),
    ]
    settings = settings_for(local_server, tmp_path, extra)

    summary = run_once(settings, extractor=extractor)
    db = settings.db_path
    assert summary.counts["stored"] == ON_TOPIC  # the good data all landed
    assert summary.counts["feed_errors"] == 1 and summary.counts["failed"] == 2
    broken = table(db, "SELECT last_error, consecutive_failures FROM sources WHERE name='broken'")
    assert broken[0][0] and broken[0][1] == 1
    errors = dict(table(db, "SELECT url, reason FROM fetch_errors WHERE stage='fetch'"))
    assert errors[missing_url] == "HTTP 404"
    assert "closed" in errors[hangup_url] or "connection" in errors[hangup_url]
    assert table(db, "SELECT status FROM runs") == [("completed",)]

    # The page appears later (and the other server recovers): the next run picks both up.
    local_server.route(
        "/late/tokayev-asks-csto-copy.html", body=good, headers={"Content-Type": "text/html"}
    )
    local_server.route(
        "/hangup/story.html",
        body=good.replace(b"Almaty", b"Almaty city"),
        headers={"Content-Type": "text/html"},
    )
    later = run_once(settings, extractor=extractor)
    assert later.counts.get("failed", 0) == 0
    assert later.counts["stored"] == 2
    statuses = dict(table(db, "SELECT url, status FROM seen_items WHERE source='extra'"))
    assert statuses == {missing_url: "stored", hangup_url: "stored"}
    assert (
        table(db, "SELECT count(*) FROM fetch_errors WHERE stage='fetch' AND resolved_at IS NULL")[
            0
        ][0]
        == 0
    )


def test_dead_server_is_a_recorded_feed_error(tmp_path, extractor):
    settings = load_settings(env={}).model_copy(
        update={
            "sources": [FeedSource(name="dead", url="http://127.0.0.1:9/feed.xml")],
            "fetch": FetchSettings(retries=0, connect_timeout=1, allow_hosts=["127.0.0.1:*"]),
            "db_path": tmp_path / "nw.duckdb",
        }
    )
    summary = run_once(settings, extractor=extractor)
    assert summary.counts["feed_errors"] == 1
    row = table(settings.db_path, "SELECT last_error, consecutive_failures FROM sources")[0]
    assert "connect" in row[0].lower() and row[1] == 1
