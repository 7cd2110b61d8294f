"""Canonical article URLs: one key per article however a feed or a site links to it.

courlan does the well-known part (tracking parameters, case, parameter order, fragments); on top
of it we fold the variants news sites publish one article under: AMP and mobile copies, http
and https, `www.`, trailing slashes and `index.html`. A page's own rel=canonical is trusted
only when it stays on the same site and names an article rather than the home page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import courlan

from common.keys import stable_key

# Host prefixes that serve the same articles as the bare site.
_MIRROR_HOSTS = ("www.", "m.", "mobile.", "amp.")
# Query parameters that only select an AMP or mobile rendering.
_RENDERING_PARAMS = {
    ("amp", ""),
    ("amp", "1"),
    ("amp", "true"),
    ("_amp", "true"),
    ("output", "amp"),
    ("outputtype", "amp"),
    ("m", "1"),
    ("mobile", "1"),
}
_INDEX_PAGE = re.compile(r"/index\.(?:html?|php|aspx?)$", re.IGNORECASE)
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)


def _host(netloc: str) -> str:
    """The lower-case host without mirror prefixes, credentials or default ports."""
    host = netloc.rsplit("@", 1)[-1].lower()
    if host.endswith((":80", ":443")):
        host = host.rsplit(":", 1)[0]
    changed = True
    while changed:
        changed = False
        for prefix in _MIRROR_HOSTS:
            rest = host.removeprefix(prefix)
            # Keep at least "name.tld": "m.co" is a site, not a mobile mirror of "co".
            if rest != host and "." in rest:
                host, changed = rest, True
    return host


def _path(path: str) -> str:
    """The path without AMP markers, index pages and trailing slashes."""
    segments = [s for s in path.split("/") if s]
    if segments and segments[0].lower() == "amp":
        segments = segments[1:]
    if segments and segments[-1].lower() == "amp":
        segments = segments[:-1]
    clean = "/" + "/".join(segments)
    clean = _AMP_SUFFIX.sub("", clean)
    clean = _INDEX_PAGE.sub("", clean)
    return clean or "/"


def _query(query: str) -> str:
    """The query without rendering switches, parameters sorted."""
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if (k.lower(), v.lower()) not in _RENDERING_PARAMS
    ]
    return urlencode(sorted(pairs))


def canonical_url(url: str) -> str:
    """The URL an article is known by: tracking, rendering and case variants folded together."""
    raw = url.strip()
    try:
        # Not strict: strict mode also drops parameters that name the article (?id=123).
        normal = str(courlan.normalize_url(raw, strict=False))
    except Exception:  # courlan raises on some malformed URLs; keep the raw one then
        normal = raw
    try:
        parts = urlsplit(normal)
    except ValueError:
        return normal.split("#", 1)[0]
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return normal.split("#", 1)[0]
    # One article is one article over http and https: the key uses https.
    return urlunsplit(("https", _host(parts.netloc), _path(parts.path), _query(parts.query), ""))


def url_key(url: str) -> str:
    """The stable key of a URL (and of the article stored from it)."""
    return stable_key(canonical_url(url))


def site_of(url: str) -> str:
    """The host a canonical URL belongs to (mirror prefixes removed)."""
    return urlsplit(canonical_url(url)).netloc


@dataclass(frozen=True)
class ArticleUrl:
    """Where an article lives: its canonical URL and, if another site is named, that one."""

    canonical: str
    declared_elsewhere: str | None = None  # a rel=canonical on another site: a syndication hint


def article_url(final_url: str, declared: str | None) -> ArticleUrl:
    """The canonical URL of a page fetched from `final_url` that declares `declared`."""
    own = canonical_url(final_url)
    if not declared or not declared.strip():
        return ArticleUrl(own)
    named = canonical_url(declared)
    parts = urlsplit(named)
    if parts.scheme != "https" or not parts.netloc:
        return ArticleUrl(own)
    if parts.netloc != urlsplit(own).netloc:
        # Another site claims the article: keep our copy's key, remember the claim.
        return ArticleUrl(own, named)
    if parts.path == "/" and not parts.query:
        # A template that points every page at the home page must not merge them all.
        return ArticleUrl(own)
    return ArticleUrl(named)
