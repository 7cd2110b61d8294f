"""Main text and metadata of a news page: trafilatura, then newswatch's boilerplate filters."""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, TypeGuard

import py3langid
import trafilatura
from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.core import ESCALATION_ACCEPT_RATIO, ESCALATION_MAX_LENGTH, ESCALATION_PAGE_SHARE
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html

from extractors.boilerplate import PhraseFilter, normalise_lines
from extractors.interstitial import SHORT_PAGE_CHARS, detect_block
from extractors.urls import site_of

if TYPE_CHECKING:
    from extractors.config import CleanSettings, Focus

log = logging.getLogger("newswatch.clean")

# Reasons that start with this are pages standing in for an article (challenge, wall, paywall).
BLOCKED_PREFIX = "blocked: "
# Beyond this, a "page" is a dump or an attack; lxml time and memory grow with it.
MAX_HTML_CHARS = 8_000_000
_FAILED = "extraction failed: "


@dataclass(frozen=True)
class CleanArticle:
    """The readable part of a page and what we know about it."""

    text: str
    title: str | None
    published: datetime | None
    language: str | None
    site: str | None
    url: str | None
    # The page's own rel=canonical (or og:url), when it names one.
    declared_url: str | None = None


@dataclass(frozen=True)
class CleanOutcome:
    """An article, or the reason there is none."""

    article: CleanArticle | None
    reason: str | None = None

    @property
    def reason_is_failure(self) -> bool:
        """Whether trafilatura raised (hostile markup), rather than found no article."""
        return (self.reason or "").startswith(_FAILED)


@lru_cache(maxsize=8)
def _phrase_filter(phrases: tuple[str, ...], patterns: tuple[str, ...]) -> PhraseFilter:
    """A compiled filter, cached because settings rarely change within a process."""
    return PhraseFilter(phrases, patterns)


def phrase_filter(settings: CleanSettings) -> PhraseFilter:
    """The phrase filter for these settings."""
    return _phrase_filter(tuple(settings.boilerplate_phrases), tuple(settings.boilerplate_patterns))


def _parse_date(value: str | None) -> datetime | None:
    """trafilatura's YYYY-MM-DD date as an aware UTC datetime."""
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, from its first thousand characters."""
    # langid's cost grows with the sample; a thousand characters is far more than it needs.
    sample = text[:1000]
    if len(sample.split()) < 5:
        return None
    lang, _score = py3langid.classify(sample)
    return str(lang)


def _site(sitename: str | None, url: str | None) -> str | None:
    """The site an article comes from: its host name, else the name the page gives."""
    host = site_of(url) if url else ""
    return host or sitename or None


def _drop_leading_title(text: str, title: str | None) -> str:
    """The text without a first line that repeats the title (it is stored apart)."""
    first, _, rest = text.partition("\n")
    if title and first.strip().casefold() == title.casefold():
        return rest
    return text


def _parse(html: str) -> HtmlElement | CleanOutcome:
    """The page's tree, parsed once for every pass, or why it cannot be read."""
    try:
        tree = load_html(html)
    except Exception as exc:  # lxml raises many types on hostile markup
        return CleanOutcome(None, f"{_FAILED}{type(exc).__name__}: {exc}"[:300])
    if tree is None:
        return CleanOutcome(None, "not an article: no main text found")
    return tree


def _main_text(
    tree: HtmlElement, url: str | None, settings: CleanSettings, *, fast: bool, focus: Focus
) -> str | CleanOutcome:
    """trafilatura's main text of the page in one mode (on a copy of the tree), or why there
    is none. Metadata waits: it is read once, for the text that is kept."""
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,
            favor_precision=focus == "precision",
            favor_recall=focus == "recall",
            include_comments=False,
            include_tables=settings.include_tables,
            include_images=False,
            include_links=False,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
        return CleanOutcome(None, f"{_FAILED}{type(exc).__name__}: {exc}"[:300])
    if not isinstance(doc, Document) or not doc.text:
        return CleanOutcome(None, "not an article: no main text found")
    return doc.text


# The text a reader of the page sees, scripts and styles left out.
_PAGE_TEXT = XPath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")


# A recall-mode text that holds under this share of the page was under-read: trafilatura's
# own threshold (a fifth) is for its precision and balanced modes; at a fifth, the re-read
# below took other stories into Yahoo pages, at a tenth it did not (docs/cleaning.md).
UNDER_READ_SHARE = 0.1


def _covers_little(text: str, tree: HtmlElement, share: float = ESCALATION_PAGE_SHARE) -> bool:
    """Whether a text is short and holds under `share` of the page's text: the sign
    (trafilatura's thresholds) that a layout was under-read. The page's text is counted in
    lxml (1.5 ms) rather than with trafilatura's html2txt (6 ms)."""
    if len(text) >= ESCALATION_MAX_LENGTH:
        return False
    page = sum(len(s.strip()) for s in _PAGE_TEXT(tree))
    return len(text) < share * page


def _enough(found: str | CleanOutcome, settings: CleanSettings) -> TypeGuard[str]:
    """Whether a pass found a text of at least clean.min_chars."""
    return isinstance(found, str) and len(found) >= settings.min_chars


def _best_text(tree: HtmlElement, url: str | None, settings: CleanSettings) -> str | CleanOutcome:
    """The page's main text in the configured mode, with rescues, each kept only if it reads
    clearly more. A page where it finds no text of clean.min_chars is read again with
    trafilatura's fallback extractors, and in precision mode then in the balanced mode; the
    longest text found stands (it may still be short: a page that declares itself an
    article may be a brief). A precision-mode text that covers little of the page is read
    again in the balanced mode: precision mode cuts some real articles to their lead (an
    engadget review). The fallback extractors are left out of that pass: on pages full of
    other stories they take the stories in. A recall or fast balanced text that covers very
    little of the page (a tenth) is read again as trafilatura's default reads it."""
    focus = settings.focus
    first = _main_text(tree, url, settings, fast=settings.fast, focus=focus)
    if isinstance(first, CleanOutcome) and first.reason_is_failure:
        return first
    if not _enough(first, settings):
        retries: list[tuple[bool, Focus]] = [(False, focus)] if settings.fast else []
        if focus == "precision":
            retries.append((False, "balanced"))
        for fast, mode in retries:
            again = _main_text(tree, url, settings, fast=fast, focus=mode)
            if isinstance(again, str) and (
                isinstance(first, CleanOutcome) or len(again) > len(first)
            ):
                first = again
            if _enough(first, settings):
                break
        return first
    if focus == "precision":
        if _covers_little(first, tree):
            return _longer(
                first, _main_text(tree, url, settings, fast=settings.fast, focus="balanced")
            )
    elif (settings.fast or focus != "balanced") and _covers_little(first, tree, UNDER_READ_SHARE):
        # trafilatura's default (balanced mode, fallback extractors compared) reads whole
        # some pages whose article the fast pass missed: a loan guide, a Spiegel feature.
        return _longer(first, _main_text(tree, url, settings, fast=False, focus="balanced"))
    return first


def _longer(first: str, second: str | CleanOutcome) -> str:
    """The second text if it is clearly longer (trafilatura's ratio for its retry), else the
    first."""
    if isinstance(second, str) and len(second) > ESCALATION_ACCEPT_RATIO * len(first):
        return second
    return first


# schema.org and Open Graph types of a page that is one article (trafilatura's pagetype,
# lower-cased): news and other articles, blog posts, live blogs, reports.
_ARTICLE_TYPES = re.compile(r"article|blogposting|report")


def _min_chars(pagetype: str | None, settings: CleanSettings) -> int:
    """The shortest text kept for a page: a page that declares itself an article (og:type,
    JSON-LD @type) may be a brief under clean.min_chars, down to clean.min_chars_declared."""
    if pagetype and _ARTICLE_TYPES.search(pagetype.casefold()):
        return min(settings.min_chars, settings.min_chars_declared)
    return settings.min_chars


def _filtered(
    text: str, title: str | None, least: int, settings: CleanSettings
) -> str | CleanOutcome:
    """The text without configured boilerplate and a repeated title, or why it is shorter
    than `least` characters."""
    if len(text) < least:  # short before filtering: no use filtering it
        return _too_short(text)
    text = _drop_leading_title(phrase_filter(settings).strip(text), title)
    return _too_short(text) if len(text) < least else text


def _too_short(text: str) -> CleanOutcome:
    """Why a text under clean.min_chars is no article."""
    return CleanOutcome(None, f"too short: {len(text)} characters after cleaning")


_ELEMENT = re.compile(r"<[a-zA-Z]")


def _count_elements(html: str, limit: int) -> int:
    """Start tags in `html`, counted up to one past `limit` (the count stops there)."""
    return sum(1 for _ in itertools.islice(_ELEMENT.finditer(html), limit + 1))


def extract_article(html: str, url: str | None, settings: CleanSettings) -> CleanOutcome:
    """Extract a clean article from HTML, or say why there is none; never raises."""
    if not html or not html.strip():
        return CleanOutcome(None, "empty page")
    if len(html) > MAX_HTML_CHARS:
        return CleanOutcome(None, f"page too large: {len(html)} characters")
    elements = _count_elements(html, settings.max_elements)
    if elements > settings.max_elements:
        return CleanOutcome(
            None, f"page too complex: over {settings.max_elements} elements (clean.max_elements)"
        )
    tree = _parse(html)
    meta, title = Document(), None
    found = tree if isinstance(tree, CleanOutcome) else _best_text(tree, url, settings)
    if isinstance(found, str):
        meta = _metadata(tree, url)
        title = normalise_lines(meta.title).replace("\n", " ") if meta.title else None
        found = _filtered(found, title, _min_chars(meta.pagetype, settings), settings)
    # A stand-in page (challenge, wall, paywall stub) has little text of its own. Looking for
    # one only then keeps the markers bot-protection scripts leave in real articles from
    # turning those away.
    if isinstance(found, CleanOutcome) or len(found) < SHORT_PAGE_CHARS:
        blocked = detect_block(html)
        if blocked:
            return CleanOutcome(None, f"{BLOCKED_PREFIX}{blocked}")
    if isinstance(found, CleanOutcome):
        return found
    article = CleanArticle(
        text=found,
        title=title,
        published=_parse_date(meta.date),
        language=detect_language(found),
        site=_site(meta.sitename, url),
        url=url,
        declared_url=meta.url if meta.url and meta.url != url else None,
    )
    return CleanOutcome(article)


def _metadata(tree: HtmlElement, url: str | None) -> Document:
    """The page's title, date, declared URL and site name (empty when unreadable).

    Only what newswatch keeps is read. trafilatura's own metadata pass also searches the
    page for an author and reads categories, tags and a licence, which no stage uses and
    which took two thirds of its time. The date comes from the markup (meta tags, JSON-LD,
    time elements, the URL), not from htmldate's search of the text: on Readability's test
    pages that gave the same right dates where a page states one, 13 times faster, while the
    text search added year-only guesses (a 1998 copyright as 1998-01-01) that would misplace
    articles in trends. Without a date, the feed's or the crawl's date stands in."""
    try:
        meta = examine_meta(tree)
        with contextlib.suppress(Exception):  # JSON-LD in the wild is often malformed
            meta = extract_meta_json(tree, meta)
        meta.title = meta.title or extract_title(tree)
        meta.url = meta.url or extract_url(tree, url)
        meta.date = find_date(tree, url=meta.url, **set_date_params(extensive=False))
        if not url and not meta.sitename:
            meta.sitename = extract_sitename(tree)
        meta.clean_and_trim()
    except Exception:  # a broken date or tag is no reason to lose the article
        log.debug("metadata failed for %s", url, exc_info=True)
        return Document()
    return meta


def with_text(article: CleanArticle, text: str) -> CleanArticle:
    """A copy of the article with other text (after later filters)."""
    return replace(article, text=text)
