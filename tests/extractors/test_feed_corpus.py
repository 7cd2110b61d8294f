"""parse_feed over a generated corpus of malformed, odd and hostile feeds.

Every case is built by code (seeded, so the corpus is the same on every run) or written below by
hand. Each carries its expected outcome when one is known: "entries>=N", "entries==N",
"error:<substring>" or None (only the invariants hold). Run with -s for the summary line.
"""

from __future__ import annotations

import gzip
import json
import random
import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from extractors.feeds import MAX_FEED_BYTES, FeedParseResult, parse_feed

FEED_URL = "https://news.example.com/feeds/world.xml"
SEED = 20240601


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expect: str | None = None
    check: Callable[[FeedParseResult], bool] | None = None


def rss(
    items: str, *, decl: str = '<?xml version="1.0" encoding="utf-8"?>', extra: str = ""
) -> str:
    return (
        f'{decl}<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>{extra}'
        f"<title>Corpus news</title><link>https://news.example.com/</link>{items}"
        "</channel></rss>"
    )


def item(n: int, *, title: str | None = None, link: str | None = None, date: str = "") -> str:
    title = f"Story {n} — Überschrift" if title is None else title
    link = f"https://news.example.com/story/{n}" if link is None else link
    pub = (
        f"<pubDate>{date}</pubDate>"
        if date
        else "<pubDate>Mon, 06 Sep 2021 16:45:00 +0200</pubDate>"
    )
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>urn:corpus:{n}</guid>{pub}"
        f"<description>Body of story {n} &amp; more.</description></item>"
    )


VALID_RSS = rss("".join(item(n) for n in range(6))).encode()
VALID_ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>Corpus Atom</title><id>urn:corpus:atom</id><updated>2024-03-01T10:00:00Z</updated>"
    + "".join(
        f'<entry><title>Entry {n}</title><id>urn:atom:{n}</id><link rel="alternate" '
        f'href="https://blog.example.org/{n}"/><updated>2024-03-01T10:00:00Z</updated>'
        f"<summary>Summary {n}</summary></entry>"
        for n in range(6)
    )
    + "</feed>"
).encode()
VALID_RDF = (
    '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    '<channel rdf:about="https://rdf.example.org/"><title>Corpus RDF</title>'
    "<link>https://rdf.example.org/</link><description>d</description></channel>"
    + "".join(
        f'<item rdf:about="https://rdf.example.org/{n}"><title>RDF {n}</title>'
        f"<link>https://rdf.example.org/{n}</link><dc:date>2024-01-0{n + 1}T00:00:00Z</dc:date>"
        "</item>"
        for n in range(6)
    )
    + "</rdf:RDF>"
).encode()
BASES = {
    "rss": (VALID_RSS, b"</item>"),
    "atom": (VALID_ATOM, b"</entry>"),
    "rdf": (VALID_RDF, b"</item>"),
}


def billion_laughs(levels: int = 10) -> str:
    decls = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
        + "\n".join(decls)
        + "\n]>\n"
        + rss(item(1, title=f"&lol{levels - 1};"), decl="")
    )


def attacks() -> Iterator[Case]:
    refused = "error:refused"
    laughs = billion_laughs()
    yield Case("attack/billion-laughs", laughs.encode(), "error:entity-expansion")
    yield Case("attack/billion-laughs-utf16-bom", laughs.encode("utf-16"), refused)
    yield Case(
        "attack/billion-laughs-utf16be-bom", b"\xfe\xff" + laughs.encode("utf-16-be"), refused
    )
    yield Case("attack/billion-laughs-utf32-bom", laughs.encode("utf-32"), refused)
    yield Case("attack/billion-laughs-utf8-bom", b"\xef\xbb\xbf" + laughs.encode(), refused)
    yield Case(
        "attack/billion-laughs-utf16-no-bom",
        laughs.replace('version="1.0"', 'version="1.0" encoding="utf-16"').encode("utf-16-le"),
        refused,
    )
    spaced = laughs.replace("<!DOCTYPE rss [", "<!doctype   rss\n\t[").replace(
        "<!ENTITY", "<!entity"
    )
    yield Case("attack/billion-laughs-case-space", spaced.encode(), refused)
    yield Case("attack/billion-laughs-no-xml-decl", laughs.split("\n", 1)[1].encode(), refused)
    yield Case(
        "attack/billion-laughs-after-comment",
        laughs.replace("\n<!DOCTYPE", "\n<!-- hi -->\n<?pi x?>\n<!DOCTYPE").encode(),
        refused,
    )
    yield Case(
        "attack/quadratic-blowup",
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "'
            + "x" * 200_000
            + '">]>'
            + rss(item(1, title="&a;" * 20_000), decl="")
        ).encode(),
        "error:entity-expansion",
    )
    yield Case(
        "attack/xxe-file",
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + rss(item(1, title="&xxe;"), decl="")
        ).encode(),
        refused,
    )
    yield Case(
        "attack/xxe-public",
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x PUBLIC "-//A//B" "http://evil.example/x">]>'
            + rss(item(1, title="&x;"), decl="")
        ).encode(),
        refused,
    )
    yield Case(
        "attack/external-dtd-system",
        (
            '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://evil.example/rss.dtd">'
            + rss(item(1), decl="")
        ).encode(),
        "error:external",
    )
    yield Case(
        "attack/external-dtd-unknown-public",
        (
            '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Evil//DTD X//EN" "http://evil.example/x.dtd">'
            + rss(item(1), decl="")
        ).encode(),
        "error:external",
    )
    yield Case(
        "attack/parameter-entity",
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % ext SYSTEM "http://evil.example/e.dtd">'
            " %ext;]>" + rss(item(1), decl="")
        ).encode(),
        refused,
    )
    yield Case(
        "attack/parameter-entity-reference-only",
        ('<?xml version="1.0"?><!DOCTYPE rss [ %ext; ]>' + rss(item(1), decl="")).encode(),
        refused,
    )
    yield Case(
        "attack/entity-outside-doctype",
        (
            '<?xml version="1.0"?>\n<!ENTITY a "'
            + "y" * 100_000
            + '">\n'
            + rss(item(1, title="&a;" * 1000), decl="")
        ).encode(),
        refused,
    )
    yield Case(
        "attack/utf7-declared",
        (
            '<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY a +ACI-'
            + "z" * 1000
            + "+ACI-+AD4-+AF0-+AD4-"
            + rss(item(1), decl="")
        ).encode(),
        "error:refused",
    )
    yield Case(
        "attack/prolog-padding",
        (
            '<?xml version="1.0"?><!--'
            + " " * 70_000
            + '--><!DOCTYPE rss [<!ENTITY a "b">]>'
            + rss(item(1), decl="")
        ).encode(),
        refused,
    )


def by_hand() -> Iterator[Case]:
    yield Case("hand/valid-rss", VALID_RSS, "entries==6")
    yield Case("hand/valid-atom", VALID_ATOM, "entries==6")
    yield Case("hand/valid-rdf", VALID_RDF, "entries==6")
    yield Case(
        "hand/rss091-netscape-doctype",
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC '
        b'"-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel>'
        b"<title>Old</title><link>http://old.example.com/</link><description>d</description>"
        b"<item><title>Old item</title><link>http://old.example.com/1</link></item>"
        b"</channel></rss>",
        "entries==1",
    )
    yield Case("hand/empty", b"", "error:empty body")
    yield Case("hand/whitespace", b" \n\r\n\t  \n", "error:empty body")
    yield Case("hand/bom-only", b"\xef\xbb\xbf", "error:")
    yield Case("hand/nul-bytes-only", b"\x00" * 100, "error:")
    yield Case(
        "hand/html-page",
        b"<!DOCTYPE html><html><head><title>News</title></head>"
        b"<body><a href='/x'>x</a></body></html>",
        "error:HTML",
    )
    yield Case(
        "hand/xhtml-page",
        b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
        b"<head><title>t</title></head><body><p>hi</p></body></html>",
        "error:not a feed",
    )
    yield Case("hand/html-no-doctype", b"<html><body>Moved</body></html>", "error:HTML")
    yield Case(
        "hand/html-login-page", b"\n\n  <HTML lang=en><BODY>Login</BODY></HTML>", "error:HTML"
    )
    jsonfeed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON",
        "items": [{"id": "1", "url": "https://j.example/1", "title": "J"}],
    }
    yield Case("hand/json-feed", json.dumps(jsonfeed).encode(), "error:JSON")
    yield Case("hand/json-array", b'[{"a": 1}]', "error:JSON")
    yield Case("hand/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "error:")
    yield Case("hand/gzip-of-feed", gzip.compress(VALID_RSS, mtime=0), "error:")
    yield Case(
        "hand/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n" * 20, "error:"
    )
    yield Case("hand/too-large-30mb", b"<rss>" + b" " * 30_000_000, "error:too large")
    yield Case("hand/just-over-limit", b" " * (MAX_FEED_BYTES + 1), "error:too large")

    def alternate_chosen(result: FeedParseResult) -> bool:
        links = {e.guid: e.link for e in result.entries}
        return links == {
            "urn:a:1": "https://a.example/article",
            "urn:a:3": "https://a.example/a.html",
        }

    yield Case(
        "hand/atom-link-rels",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b'<entry><id>urn:a:1</id><title>rels</title><link rel="self" href="https://a.example/self"/>'
        b'<link rel="enclosure" type="audio/mpeg" href="https://a.example/e.mp3"/>'
        b'<link rel="related" href="https://a.example/related"/>'
        b'<link rel="alternate" type="text/html" href="https://a.example/article"/></entry>'
        b"<entry><id>urn:a:2</id><title>enclosure only</title>"
        b'<link rel="enclosure" href="https://a.example/e2.mp3"/></entry>'
        b"<entry><id>urn:a:3</id><title>pdf then html</title>"
        b'<link rel="alternate" type="application/pdf" href="https://a.example/a.pdf"/>'
        b'<link rel="alternate" type="text/html" href="https://a.example/a.html"/></entry>'
        b"<entry><id>https://a.example/id-only</id><title>id only</title></entry>"
        b"</feed>",
        "entries==2",
        alternate_chosen,
    )
    yield Case(
        "hand/rss-enclosure-only",
        rss(
            '<item><title>Podcast</title><enclosure url="https://a.example/p.mp3" '
            'type="audio/mpeg" length="1"/><guid isPermaLink="false">urn:p:1</guid></item>'
        ).encode(),
        "entries==0",
        lambda r: r.error is None and r.dropped == 1,
    )
    yield Case(
        "hand/rss-relative-guid-not-a-link",
        rss("<item><title>g</title><guid>12345</guid></item>").encode(),
        "entries==0",
    )
    yield Case(
        "hand/rss-permalink-guid",
        rss("<item><title>g</title><guid>https://a.example/permalink</guid></item>").encode(),
        "entries==1",
        lambda r: r.entries[0].link == "https://a.example/permalink",
    )
    yield Case(
        "hand/xml-base",
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/dir/">'
        b'<title>b</title><entry xml:base="sub/"><id>1</id><link href="page.html"/></entry>'
        b'<entry><id>2</id><link href="/root.html"/></entry></feed>',
        "entries==2",
        lambda r: (
            [e.link for e in r.entries]
            == ["https://base.example/dir/sub/page.html", "https://base.example/root.html"]
        ),
    )
    yield Case(
        "hand/html-in-title-and-summary",
        rss(
            "<item><title><![CDATA[<b>Bold</b>   <script>x()</script> title]]></title>"
            "<link>https://a.example/h</link><description>&lt;p&gt;Para &amp;amp; more&lt;/p&gt;"
            "</description></item>"
        ).encode(),
        "entries==1",
        lambda r: r.entries[0].title == "Bold x() title" and r.entries[0].summary == "Para & more",
    )


def generated(rng: random.Random) -> Iterator[Case]:
    # Truncation at many cut points of each valid base feed.
    for kind, (base, close) in BASES.items():
        first_item_end = base.index(close) + len(close)
        cuts = sorted({0, 1, len(base) - 1, *rng.sample(range(2, len(base) - 1), 44)})
        for cut in cuts:
            expect = None
            if cut == 0:
                expect = "error:empty body"
            elif cut >= first_item_end + 40:
                expect = "entries>=1"
            yield Case(f"truncated/{kind}@{cut}", base[:cut], expect)

    # Encodings.
    text = rss(item(1, title="Café Müller ½ naïve") + item(2))
    latin1_bytes = text.replace('encoding="utf-8"', 'encoding="utf-8"').encode("latin-1", "replace")
    yield Case("enc/declared-utf8-latin1-bytes", latin1_bytes, "entries>=2")
    yield Case(
        "enc/declared-latin1-utf8-bytes",
        text.replace('encoding="utf-8"', 'encoding="iso-8859-1"').encode(),
        "entries>=2",
    )
    for codec in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        body = text.replace('encoding="utf-8"', f'encoding="{codec.split("-")[0]}-{codec[4:6]}"')
        yield Case(f"enc/{codec}", body.encode(codec), "entries>=2" if codec == "utf-16" else None)
    yield Case("enc/utf16-no-decl-with-bom", rss(item(1), decl="").encode("utf-16"), "entries>=1")
    yield Case("enc/undeclared-utf8", rss(item(1), decl="").encode(), "entries>=1")
    yield Case(
        "enc/windows-1252",
        text.replace("utf-8", "windows-1252").encode("cp1252", "replace"),
        "entries>=2",
    )
    yield Case("enc/unknown-declared", text.replace("utf-8", "x-no-such-codec").encode(), None)
    yield Case(
        "enc/koi8-r",
        rss(item(1, title="Новости")).replace("utf-8", "koi8-r").encode("koi8-r"),
        "entries>=1",
    )
    yield Case(
        "enc/shift-jis",
        rss(item(1, title="ニュース")).replace("utf-8", "shift_jis").encode("shift_jis"),
        "entries>=1",
    )
    mixed = VALID_RSS.replace("Überschrift".encode(), "Überschrift".encode("latin-1"), 2)
    yield Case("enc/mixed-utf8-latin1", mixed, "entries>=1")
    for n in range(12):
        data = bytearray(VALID_RSS)
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(data))
            data[pos:pos] = rng.choice(
                [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xfe\xff", b"\x80\x80"]
            )
        yield Case(f"enc/invalid-sequences-{n}", bytes(data), None)
    yield Case("enc/nul-inside-title", VALID_RSS.replace(b"Story 1", b"Sto\x00ry 1"), None)
    yield Case("enc/nul-padding-after", VALID_RSS + b"\x00" * 1000, None)

    # Binary junk.
    headers = [
        b"\x89PNG\r\n\x1a\n",
        b"\x1f\x8b\x08\x00",
        b"%PDF-1.4\n",
        b"GIF89a",
        b"\xff\xd8\xff\xe0",
        b"PK\x03\x04",
        b"\x7fELF",
        b"",
    ]
    for n in range(24):
        size = rng.choice([16, 512, 4096, 70_000])
        junk = headers[n % len(headers)] + rng.randbytes(size)
        yield Case(f"binary/{n}-{size}", junk, "error:")

    # Random mutations of valid feeds.
    for n in range(30):
        kind = rng.choice(list(BASES))
        data = bytearray(BASES[kind][0])
        for _ in range(rng.randint(1, 10)):
            pos = rng.randrange(len(data))
            op = rng.choice(["replace", "delete", "insert"])
            chunk = rng.randbytes(rng.randint(1, 8))
            if op == "replace":
                data[pos : pos + len(chunk)] = chunk
            elif op == "delete":
                del data[pos : pos + len(chunk)]
            else:
                data[pos:pos] = rng.choice([chunk, b"<", b"]]>", b"&", b"<![CDATA[", b"</channel>"])
        yield Case(f"mutated/{kind}-{n}", bytes(data), None)

    # Missing fields, odd links, dates.
    yield Case(
        "fields/no-titles",
        rss("".join(item(n, title="") for n in range(3))).encode(),
        "entries==3",
        lambda r: all(e.title is None for e in r.entries),
    )
    yield Case(
        "fields/no-guids",
        rss(
            "<item><title>a</title><link>https://a.example/1</link></item>"
            "<item><title>b</title><link>https://a.example/2</link></item>"
        ).encode(),
        "entries==2",
        lambda r: [e.guid for e in r.entries] == ["https://a.example/1", "https://a.example/2"],
    )
    yield Case(
        "fields/no-links",
        rss("<item><title>a</title><description>x</description></item>").encode(),
        "entries==0",
    )
    yield Case(
        "fields/no-dates",
        rss("<item><title>a</title><link>https://a.example/1</link></item>").encode(),
        "entries==1",
        lambda r: r.entries[0].published is None,
    )
    yield Case(
        "fields/relative-links",
        rss(
            "".join(
                item(n, link=href)
                for n, href in enumerate(
                    ["/a", "b/c", "../d", "//cdn.example.com/e", "?q=1", "#frag"]
                )
            )
        ).encode(),
        "entries==6",
        lambda r: (
            r.entries[0].link == "https://news.example.com/a"
            and r.entries[3].link == "https://cdn.example.com/e"
        ),
    )
    yield Case(
        "fields/duplicate-guids",
        rss(item(1) + item(1, link="https://x.example/dup") + item(2)).encode(),
        "entries==2",
    )
    bad_links = [
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "ftp://a.example/f",
        "mailto:a@b.example",
        "http://",
        "vbscript:x",
        " JAVASCRIPT:alert(1)",
    ]
    yield Case(
        "fields/bad-schemes",
        rss("".join(item(n, link=href) for n, href in enumerate(bad_links)) + item(99)).encode(),
        "entries==1",
        lambda r: r.dropped == len(bad_links),
    )
    garbage_dates = [
        "yesterday",
        "Mon, 06 Sep 99999 16:45:00 GMT",
        "2022-13-45",
        "2022-02-30T10:00:00Z",
        "2099-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "",
        "   ",
        "Tue, 31 Feb 2022 10:00:00 GMT",
        "2022-01-01T25:61:00Z",
        "now",
        "-1",
        "99999999999",
    ]
    yield Case(
        "dates/garbage",
        rss("".join(item(n, date=d) for n, d in enumerate(garbage_dates, 1) if d.strip())).encode(),
        "entries>=12",
        lambda r: all(e.published is None for e in r.entries),
    )
    yield Case(
        "dates/valid-zones",
        rss(
            item(1, date="2024-03-01T10:00:00+05:30")
            + item(2, date="Fri, 01 Mar 2024 10:00:00 EST")
        ).encode(),
        "entries==2",
        lambda r: (
            [e.published for e in r.entries]
            == [datetime(2024, 3, 1, 4, 30, tzinfo=UTC), datetime(2024, 3, 1, 15, 0, tzinfo=UTC)]
        ),
    )
    yield Case(
        "dates/future",
        rss(item(1, date="Sat, 01 Jan 2180 00:00:00 GMT")).encode(),
        "entries==1",
        lambda r: r.entries[0].published is None,
    )
    cdata = (
        "<item><title><![CDATA[ CDATA title ]]></title><link><![CDATA[https://a.example/cdata]]></link>"
        "<guid><![CDATA[urn:cdata:1]]></guid><description><![CDATA[<p>para</p>]]></description>"
        "<pubDate><![CDATA[Mon, 06 Sep 2021 16:45:00 GMT]]></pubDate></item>"
    )
    yield Case(
        "odd/cdata-everything",
        rss(cdata).encode(),
        "entries==1",
        lambda r: (
            r.entries[0].title == "CDATA title" and r.entries[0].link == "https://a.example/cdata"
        ),
    )
    ns = (
        "<item><title>ns</title><link>https://a.example/ns</link><dc:creator>A</dc:creator>"
        "<dc:date>2024-01-02T03:04:05Z</dc:date><media:content url='https://a.example/i.jpg'/>"
        "<media:thumbnail url='https://a.example/t.jpg'/><content:encoded><![CDATA[<p>full</p>]]>"
        "</content:encoded></item>"
    )
    yield Case(
        "odd/namespaces",
        rss(ns).encode(),
        "entries==1",
        lambda r: r.entries[0].published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    yield Case(
        "odd/title-1mb",
        rss(item(1, title="t" * 1_000_000)).encode(),
        "entries==1",
        lambda r: r.entries[0].title is not None and len(r.entries[0].title) == 1_000_000,
    )
    yield Case(
        "odd/title-1mb-of-tags", rss(item(1, title="<b>x</b> " * 110_000)).encode(), "error:budget"
    )
    yield Case(
        "odd/nested-10000",
        rss(
            item(1) + "<item><title>deep</title><link>https://a.example/deep</link>"
            "<description>" + "<x>" * 10_000 + "</x>" * 10_000 + "</description></item>"
        ).encode(),
        "entries==2",
    )
    yield Case(
        "odd/nested-10000-unclosed", rss(item(1) + "<item>" + "<x>" * 10_000).encode(), "entries>=1"
    )
    yield Case(
        "odd/link-1mb",
        rss(item(1, link="https://a.example/" + "a" * 1_000_000)).encode(),
        "entries==1",
    )
    yield Case(
        "odd/wrong-root",
        b'<?xml version="1.0"?><catalog><book><title>x</title></book></catalog>',
        "error:not a feed",
    )
    yield Case("odd/plain-text", b"Service temporarily unavailable", "error:")
    yield Case(
        "odd/rss-no-channel",
        b'<rss version="2.0"><item><title>a</title><link>https://a.example/1</link></item></rss>',
        None,
    )
    yield Case("odd/quiet-feed", rss("").encode(), "entries==0", lambda r: r.error is None)


def corpus() -> list[Case]:
    rng = random.Random(SEED)
    return [*attacks(), *by_hand(), *generated(rng)]


def check_invariants(result: FeedParseResult) -> None:
    assert isinstance(result, FeedParseResult)
    if result.error is not None:
        assert isinstance(result.error, str) and result.error
        # parse_feed's last-resort catch-all: every corpus failure should have a specific reason.
        assert not result.error.startswith("parser failure"), result.error
        assert result.entries == []
        return
    for entry in result.entries:
        assert entry.link.startswith(("http://", "https://")), entry.link
        assert entry.title is None or (entry.title == entry.title.strip() and entry.title)
        assert entry.published is None or entry.published.tzinfo is UTC


def check_expected(case: Case, result: FeedParseResult) -> None:
    if case.expect is not None:
        if case.expect.startswith("error:"):
            needle = case.expect.removeprefix("error:")
            assert result.error is not None and needle in result.error, (case.name, result.error)
        elif case.expect.startswith("entries>="):
            assert result.error is None, (case.name, result.error)
            assert len(result.entries) >= int(case.expect.removeprefix("entries>=")), case.name
        elif case.expect.startswith("entries=="):
            assert result.error is None, (case.name, result.error)
            assert len(result.entries) == int(case.expect.removeprefix("entries==")), (
                case.name,
                [e.link for e in result.entries],
            )
        else:
            raise AssertionError(f"unknown expectation {case.expect!r}")
    if case.check is not None:
        assert case.check(result), (case.name, result.entries[:3], result.error)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test loudly."""

    def refuse(self: socket.socket, *args: Any) -> None:
        raise AssertionError(f"parse_feed opened a connection to {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_corpus(no_network: None) -> None:
    cases = corpus()
    assert len(cases) >= 200
    assert len({c.name for c in cases}) == len(cases)
    parsed = recorded = exceptions = 0
    failures: list[str] = []
    slowest = (0.0, "")
    for case in cases:
        start = time.perf_counter()
        try:
            result = parse_feed(case.data, FEED_URL)
        except Exception as exc:  # counted, then failed below
            exceptions += 1
            failures.append(f"{case.name}: raised {type(exc).__name__}: {exc}")
            continue
        slowest = max(slowest, (time.perf_counter() - start, case.name))
        parsed += result.error is None
        recorded += result.error is not None
        try:
            check_invariants(result)
            check_expected(case, result)
        except AssertionError as exc:
            failures.append(f"{case.name}: {exc}")
    print(
        f"\nfeed corpus: {len(cases)} feeds tried, {parsed} parsed, {recorded} recorded with a"
        f" reason, {exceptions} exceptions; slowest {slowest[1]} {slowest[0]:.2f}s"
    )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", list(attacks()), ids=lambda c: c.name)
def test_attacks_are_refused_cheaply(case: Case, no_network: None) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = parse_feed(case.data, FEED_URL)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.entries == []
    assert result.error is not None and result.error.startswith("refused: ")
    assert peak < 50_000_000
    assert elapsed < 5.0  # refused before any expansion: not seconds of work


def test_rss091_public_doctype_is_allowed_and_never_fetched(no_network: None) -> None:
    case = next(c for c in by_hand() if c.name == "hand/rss091-netscape-doctype")
    result = parse_feed(case.data, FEED_URL)  # no_network: a fetch of the DTD would fail
    assert result.error is None
    assert [e.link for e in result.entries] == ["http://old.example.com/1"]


def test_twenty_thousand_items_parse_within_a_few_seconds() -> None:
    items = "".join(item(n) for n in range(20_000))
    data = rss(items).encode()
    assert 4_000_000 < len(data) < MAX_FEED_BYTES
    start = time.perf_counter()
    result = parse_feed(data, FEED_URL)
    elapsed = time.perf_counter() - start
    assert result.error is None
    # Parsing is capped (extractors.feeds.MAX_ENTRIES); the newest items come first in a feed.
    assert len(result.entries) >= 1_000
    assert result.entries[0].link == "https://news.example.com/story/0"
    assert result.dropped == 20_000 - len(result.entries)
    assert elapsed < 10.0, elapsed
