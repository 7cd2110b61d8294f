"""The one RSS 2.0 writer the benches and the tests' generated archives use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class FeedItem:
    """One <item>: the link and, when `guid` is None, the link as its permalink guid."""

    title: str
    link: str
    published: datetime
    guid: str | None = None
    description: str | None = None
    author: str | None = None


def _element(name: str, value: str | None, attrs: str = "") -> str:
    """`<name attrs>value</name>` with the value escaped, or nothing for None."""
    return "" if value is None else f"<{name}{attrs}>{escape(value)}</{name}>"


def _item(item: FeedItem) -> str:
    """One item's XML."""
    guid = (
        _element("guid", item.link, ' isPermaLink="true"')
        if item.guid is None
        else _element("guid", item.guid)
    )
    return (
        "<item>"
        + _element("title", item.title)
        + _element("link", item.link)
        + guid
        + _element("pubDate", format_datetime(item.published.astimezone(UTC), usegmt=True))
        + _element("description", item.description)
        + _element("author", item.author)
        + "</item>"
    )


def rss(
    items: Iterable[FeedItem],
    *,
    title: str,
    link: str | None = None,
    description: str | None = None,
    language: str | None = None,
) -> bytes:
    """An RSS 2.0 document, UTF-8, items in the order given."""
    channel = (
        _element("title", title)
        + _element("link", link)
        + _element("description", description)
        + _element("language", language)
    )
    body = "".join(_item(i) for i in items)
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"{channel}{body}</channel></rss>\n"
    )
    return doc.encode("utf-8")
