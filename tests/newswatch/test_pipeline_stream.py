"""Pages stream from the fetcher into cleaning: a real local HTTP server and a real archive
folder, nothing mocked."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from extractors.fetch import Fetcher
from newswatch.polling import NewItem
from newswatch.settings import ArchiveSource, FeedSource, FetchSettings, load_settings
from newswatch.steps import clean_pages, iter_pages

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
# The slow page's handler waits on RELEASE; RELEASED says it was let go by the test in time.
RELEASE = threading.Event()
RELEASED = threading.Event()
FETCH = FetchSettings(read_timeout=5.0, retries=0, concurrency=4, allow_hosts=["127.0.0.1:*"])


def _setup(
    local_server: Any, tmp_path: Path, *, hold: bool = False
) -> tuple[list[NewItem], dict[str, Any]]:
    """Items in order: a quick web page, an archive page, a slow web page, a 404."""
    # Two different pages on the web site: identical ones would be read as its template lines.
    page, other = (
        (PAGES / "banner_site.html").read_bytes(),
        (PAGES / "glued_notice.html").read_bytes(),
    )
    local_server.route("/quick.html", body=page, headers={"Content-Type": "text/html"})

    def slow(_request: Any) -> Any:
        # Held until the test lets it go (or 30 s pass): early pages must arrive meanwhile.
        RELEASED.set() if RELEASE.wait(timeout=30) else None
        return local_server.Reply(200, other, {"Content-Type": "text/html"})

    RELEASED.clear()
    if hold:
        RELEASE.clear()
    else:
        RELEASE.set()
    local_server.route("/slow.html", handler=slow)
    local_server.route("/gone.html", status=404)
    mirrored = tmp_path / "pages" / "archive.example" / "story.html"
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(page)
    sources = {
        "web": FeedSource(name="web", url=local_server.url("/feed.xml")),
        "arch": ArchiveSource(kind="archive", name="arch", path=tmp_path),
    }
    items = [
        NewItem("k1", local_server.url("/quick.html"), "web"),
        NewItem("k2", "https://archive.example/story.html", "arch"),
        NewItem("k3", local_server.url("/slow.html"), "web"),
        NewItem("k4", local_server.url("/gone.html"), "web"),
    ]
    return items, sources


def test_pages_come_in_item_order_and_early_ones_do_not_wait_for_slow_ones(
    local_server: Any, tmp_path: Path
) -> None:
    items, sources = _setup(local_server, tmp_path, hold=True)
    arrived: list[str] = []
    with Fetcher(FETCH) as fetcher:
        for page in iter_pages(items, sources, fetcher):
            arrived.append(page.item.url_key)
            if page.item.url_key in ("k1", "k2"):
                assert page.html is not None and "<html" in page.html.lower()
                # The slow page is still held by the server: this one did not wait for it.
                assert not RELEASED.is_set()
            if page.item.url_key == "k2":
                RELEASE.set()
            if page.item.url_key == "k4":
                assert page.html is None and page.status_code == 404
    assert arrived == ["k1", "k2", "k3", "k4"]
    # The slow page was released by the consumer, not by the handler's own time-out.
    assert RELEASED.is_set()


def test_clean_pages_cleans_a_stream_and_counts_pages_with_a_body(
    local_server: Any, tmp_path: Path
) -> None:
    items, sources = _setup(local_server, tmp_path)
    settings = load_settings(env={})
    with Fetcher(FETCH) as fetcher:
        cleaned, result = clean_pages(iter_pages(items, sources, fetcher), settings, lambda *_: {})
    assert result.fetched == 3
    assert [c.item.url_key for c in cleaned] == ["k1", "k2", "k3"]
    assert all("Content is protected" not in c.article.text for c in cleaned)
    assert [(o.url_key, o.status) for o in result.outcomes] == [("k4", "failed")]
    assert [e.status_code for e in result.errors] == [404]
