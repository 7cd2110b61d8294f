"""parse_feed: RSS and Atom in, normalised entries out, and no exception whatever the bytes."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.feeds import MAX_FEED_BYTES, FeedEntry, parse_feed

FEED_URL = "https://news.example.com/feeds/world.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>  Example World News </title>
    <link>https://news.example.com/</link>
    <item>
      <title> Summit opens in Astana </title>
      <link>
        https://news.example.com/2024/summit
      </link>
      <guid isPermaLink="false">urn:example:1</guid>
      <pubDate>Mon, 06 Sep 2021 16:45:00 +0200</pubDate>
      <description>Leaders met on Monday.</description>
    </item>
    <item>
      <title>Relative link</title>
      <link>/2024/relative</link>
      <guid isPermaLink="false">urn:example:2</guid>
    </item>
    <item>
      <title>Duplicate of the first</title>
      <link>https://news.example.com/2024/summit-again</link>
      <guid isPermaLink="false">urn:example:1</guid>
    </item>
    <item>
      <title>No id, link only</title>
      <link>https://news.example.com/2024/no-id</link>
    </item>
    <item><title>Script link</title><link>javascript:alert(1)</link></item>
    <item><title>File link</title><link>file:///etc/passwd</link></item>
    <item><title>Data link</title><link>data:text/html,hi</link></item>
    <item><title>No link at all</title><description>text</description></item>
  </channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/posts/">
  <title>Example Blog</title>
  <id>urn:uuid:feed</id>
  <updated>2024-03-01T10:00:00Z</updated>
  <entry>
    <title>First post</title>
    <id>urn:uuid:1</id>
    <link rel="alternate" href="first.html"/>
    <published>2024-02-29T23:30:00-05:00</published>
    <updated>2024-03-01T09:00:00Z</updated>
    <summary>Hello</summary>
  </entry>
  <entry>
    <title>Updated only</title>
    <id>urn:uuid:2</id>
    <link rel="alternate" href="https://other.example.net/second"/>
    <updated>2024-03-01T10:00:00+01:00</updated>
  </entry>
  <entry>
    <title>No date</title>
    <id>urn:uuid:3</id>
    <link href="third.html"/>
  </entry>
</feed>
"""

HTML_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><title>Example News</title></head>
<body><h1>Latest</h1><p><a href="/a">A story</a></p></body></html>
"""


def test_rss_entries_are_normalised() -> None:
    result = parse_feed(RSS, FEED_URL)
    assert result.error is None
    assert result.title == "Example World News"
    assert result.entries[0] == FeedEntry(
        guid="urn:example:1",
        link="https://news.example.com/2024/summit",
        title="Summit opens in Astana",
        published=datetime(2021, 9, 6, 14, 45, tzinfo=UTC),
        summary="Leaders met on Monday.",
    )


def test_relative_links_resolve_against_the_feed_url() -> None:
    entries = parse_feed(RSS, FEED_URL).entries
    assert entries[1].link == "https://news.example.com/2024/relative"


def test_duplicate_guids_keep_the_first_entry() -> None:
    entries = parse_feed(RSS, FEED_URL).entries
    assert [e.guid for e in entries].count("urn:example:1") == 1
    assert all(e.title != "Duplicate of the first" for e in entries)


def test_guid_falls_back_to_the_link() -> None:
    entries = parse_feed(RSS, FEED_URL).entries
    no_id = next(e for e in entries if e.title == "No id, link only")
    assert no_id.guid == "https://news.example.com/2024/no-id"


def test_entries_without_a_web_link_are_dropped_and_counted() -> None:
    result = parse_feed(RSS, FEED_URL)
    assert [e.title for e in result.entries] == [
        "Summit opens in Astana",
        "Relative link",
        "No id, link only",
    ]
    assert result.dropped == 4  # javascript:, file:, data: and no link


def test_missing_dates_are_none() -> None:
    entries = parse_feed(RSS, FEED_URL).entries
    assert entries[1].published is None


def test_atom_with_xml_base_and_dates_in_utc() -> None:
    result = parse_feed(ATOM, "https://blog.example.org/feed.atom")
    assert result.error is None
    assert result.title == "Example Blog"
    first, second, third = result.entries
    assert first.link == "https://blog.example.org/posts/first.html"
    assert first.guid == "urn:uuid:1"
    assert first.summary == "Hello"
    assert first.published == datetime(2024, 3, 1, 4, 30, tzinfo=UTC)
    assert first.published.tzinfo is UTC
    # No <published>: the update time stands in.
    assert second.published == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert second.link == "https://other.example.net/second"
    assert third.published is None
    assert third.link == "https://blog.example.org/posts/third.html"


def test_valid_feed_without_items_is_not_an_error() -> None:
    quiet = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    result = parse_feed(quiet, FEED_URL)
    assert result == ([], None, "Quiet", 0, ())


def test_html_page_is_not_a_feed() -> None:
    result = parse_feed(HTML_PAGE, FEED_URL)
    assert result.entries == []
    assert result.error == "not a feed: looks like an HTML page"


def test_empty_and_blank_bodies() -> None:
    assert parse_feed(b"", FEED_URL).error == "empty body"
    assert parse_feed(b" \r\n\t ", FEED_URL).error == "empty body"


def test_truncated_xml_still_yields_the_complete_entries() -> None:
    cut = RSS[: RSS.index(b"<item><title>Script link")] + b"<item><title>Half"
    result = parse_feed(cut, FEED_URL)
    assert result.error is None
    assert [e.guid for e in result.entries][:2] == ["urn:example:1", "urn:example:2"]


def test_malformed_xml_without_entries_reports_the_parser_message() -> None:
    result = parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti', FEED_URL)
    assert result.entries == []
    assert result.error is not None


def test_plain_text_is_not_a_feed() -> None:
    result = parse_feed(b"hello, world", FEED_URL)
    assert result.entries == []
    assert result.error is not None and result.error.startswith("malformed XML: ")


def test_random_binary_is_an_error_not_an_exception() -> None:
    for seed in range(5):
        junk = bytes((seed * 7919 + i * 104729) % 256 for i in range(4096)) + os.urandom(512)
        result = parse_feed(junk, FEED_URL)
        assert result.entries == []
        assert result.error is not None


def test_huge_input_is_refused_without_parsing() -> None:
    result = parse_feed(b" " * (MAX_FEED_BYTES + 1), FEED_URL)
    assert result.entries == []
    assert result.error is not None and result.error.startswith("too large")


def test_bytes_naming_a_file_are_not_read_from_disk(tmp_path: Path) -> None:
    secret = tmp_path / "feed.xml"
    secret.write_bytes(RSS)
    result = parse_feed(str(secret).encode(), FEED_URL)
    assert result.entries == []
    assert result.error is not None


def test_bytes_naming_a_url_are_not_fetched(local_server: Any) -> None:
    local_server.route("/feed.xml", body=RSS, headers={"Content-Type": "application/rss+xml"})
    result = parse_feed(local_server.url("/feed.xml").encode(), FEED_URL)
    assert result.entries == []
    assert local_server.counts["/feed.xml"] == 0


def test_utf16_feed_parses() -> None:
    feed = (
        '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel>'
        "<item><title>Ünïcode</title><link>https://a.example/b</link></item></channel></rss>"
    ).encode("utf-16")
    result = parse_feed(feed, FEED_URL)
    assert result.error is None
    assert result.entries[0].title == "Ünïcode"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    result = parse_feed(data, FEED_URL)
    assert (result.error is None) or result.entries == []
    for entry in result.entries:
        assert entry.link.startswith(("http://", "https://"))


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    """RSS or Atom with a few bytes replaced, deleted or inserted, or cut short."""
    data = bytearray(draw(st.sampled_from([RSS, ATOM])))
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if action == "replace":
            data[pos : pos + len(chunk)] = chunk
        elif action == "delete":
            del data[pos : pos + len(chunk)]
        elif action == "insert":
            data[pos:pos] = chunk
        else:
            del data[pos:]
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_feeds())
def test_never_raises_on_mutated_feeds(data: bytes) -> None:
    result = parse_feed(data, FEED_URL)
    guids = [e.guid for e in result.entries]
    assert len(guids) == len(set(guids))
    for entry in result.entries:
        assert entry.link.startswith(("http://", "https://"))
        assert entry.published is None or entry.published.tzinfo is UTC


def test_broken_xml_whose_entries_are_all_unusable_is_an_error():
    result = parse_feed(b"<rss><channel><item><title>unclosed \x00\xff", "http://x.example/f")
    assert result.entries == [] and result.error and result.error.startswith("malformed XML")
    assert result.dropped == 1
