"""Shared fixtures: a real HTTP server on 127.0.0.1 whose routes each test registers
(`bench.httpserver.LocalServer`, the server the benches use too), the sample site on it, config
folders and generated archives.

Usage::

    def test_x(local_server):
        local_server.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "text/xml"})
        Reply = local_server.Reply  # or: from bench.httpserver import Reply
        local_server.sequence("/flaky", [Reply(503), Reply(503), Reply(200, b"ok")])
        ...
        assert local_server.counts["/feed.xml"] == 1
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bench.httpserver import LocalServer, Reply, Request
from bench.rss import FeedItem, rss


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A fresh local HTTP server per test."""
    with LocalServer() as server:
        yield server


SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "csto-2022"


@pytest.fixture
def sample_site(local_server: LocalServer) -> LocalServer:
    """The local server serving the sample archive: feeds (links rewritten to point at it,
    with ETags and 304s) at /feeds/rss.xml and /feeds/atom.xml, pages at /<host>/<path>."""
    prefix = local_server.url("/").encode()
    for name in ("rss.xml", "atom.xml"):
        body = (SAMPLE / "feeds" / name).read_bytes().replace(b"https://", prefix)
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'

        def feed(request: Request, body: bytes = body, etag: str = etag) -> Reply:
            if request.headers.get("If-None-Match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

        local_server.route(f"/feeds/{name}", handler=feed)
    for page in (SAMPLE / "pages").rglob("*.html"):
        rel = page.relative_to(SAMPLE / "pages").as_posix()
        local_server.route(
            f"/{rel}", body=page.read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}
        )
    return local_server


ROOT = Path(__file__).resolve().parents[1]


PIPELINE_SECTIONS = ("db_path", "interval_minutes", "fetch", "poll", "clean", "stories", "nlp")


@pytest.fixture(scope="session")
def make_config(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Write a config folder: the shipped settings and csto topic with the given sources YAML
    (indented list items) and extra top-level YAML; returns the folder."""

    def make(sources: str, extra: str = "") -> Path:
        folder = tmp_path_factory.mktemp("config")
        (folder / "topics").mkdir()
        topic = (ROOT / "config" / "topics" / "csto.yaml").read_text(encoding="utf-8")
        (folder / "topics" / "csto.yaml").write_text(topic, encoding="utf-8")
        shipped = yaml.safe_load((ROOT / "config" / "newswatch.yaml").read_text(encoding="utf-8"))
        # The pipeline's sections as shipped; alerts, airflow and the rest at their defaults.
        config = {k: shipped[k] for k in PIPELINE_SECTIONS if k in shipped}
        # The tests' sources live on 127.0.0.1, which the SSRF guard refuses unless allow-listed.
        config["fetch"] = {**config.get("fetch", {}), "allow_hosts": ["127.0.0.1:*"]}
        config["sources"] = yaml.safe_load("sources:\n" + sources)["sources"] or []
        config.update(yaml.safe_load(extra) or {})
        (folder / "newswatch.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return folder

    return make


@pytest.fixture(scope="session")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """An archive of N pages made from the sample's pages (each under its own URL, with its own
    dispatch line) and one RSS feed listing them all."""

    def make(n: int) -> Path:
        folder = tmp_path_factory.mktemp(f"archive{n}")
        pages = sorted((SAMPLE / "pages").rglob("*.html"))
        items = []
        for i in range(n):
            src = pages[i % len(pages)]
            rel = src.relative_to(SAMPLE / "pages")
            host, path = rel.parts[0], "/".join(rel.parts[1:]).removesuffix(".html")
            dest = folder / "pages" / host / f"{path}-{i:04d}.html"
            dest.parent.mkdir(parents=True, exist_ok=True)
            note = (
                f"<p>Dispatch {i:04d} of this desk adds that the account above was checked "
                f"again on day {i % 28 + 1} of the month with two further sources.</p>"
            )
            html = src.read_text(encoding="utf-8")
            # Each copy names itself as canonical: the page's own URL is the article's key.
            html = html.replace(f"/{path}.html", f"/{path}-{i:04d}.html")
            dest.write_text(html.replace("</p>", "</p>" + note, 1), encoding="utf-8")
            day = i % 28 + 1
            items.append(
                FeedItem(
                    f"Item {i}",
                    f"https://{host}/{path}-{i:04d}.html",
                    datetime(2022, 1, day, 10, tzinfo=UTC),
                    guid=f"item-{i}",
                )
            )
        (folder / "feeds").mkdir()
        (folder / "feeds" / "all.xml").write_bytes(rss(items, title="big"))
        return folder

    return make
