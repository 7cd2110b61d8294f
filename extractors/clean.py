"""Main text and metadata of a news page: trafilatura, then newswatch's boilerplate filters."""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

import py3langid
import trafilatura
from trafilatura.settings import Document

from extractors.boilerplate import PhraseFilter, normalise_lines
from extractors.interstitial import SHORT_PAGE_CHARS, detect_block
from extractors.urls import site_of

if TYPE_CHECKING:
    from extractors.config import CleanSettings

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
    author: str | None = None
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


def _extract(
    html: str, url: str | None, settings: CleanSettings, *, fast: bool, precision: bool
) -> tuple[Document, str | None, str] | CleanOutcome:
    """trafilatura's document, title and filtered text, or why there is no article."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            fast=fast,
            with_metadata=True,
            favor_precision=precision,
            include_comments=False,
            include_tables=settings.include_tables,
            include_images=False,
            include_links=False,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
        return CleanOutcome(None, f"{_FAILED}{type(exc).__name__}: {exc}"[:300])
    if not isinstance(doc, Document) or not doc.text:
        return CleanOutcome(None, "not an article: no main text found")
    title = normalise_lines(doc.title).replace("\n", " ") if doc.title else None
    text = _drop_leading_title(phrase_filter(settings).strip(doc.text), title)
    if len(text) < settings.min_chars:
        return CleanOutcome(None, f"too short: {len(text)} characters after cleaning")
    return doc, title, text


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
    outcome = _extract(html, url, settings, fast=settings.fast, precision=settings.favor_precision)
    if isinstance(outcome, CleanOutcome) and not outcome.reason_is_failure:
        # Rescues, each only for a page the cheaper pass could not read: trafilatura's
        # fallback extractors, then its default (recall) mode, which reads whole some long or
        # unusual articles that precision mode cuts to nothing.
        if settings.fast:
            outcome = _extract(html, url, settings, fast=False, precision=settings.favor_precision)
        if isinstance(outcome, CleanOutcome) and settings.favor_precision:
            outcome = _extract(html, url, settings, fast=False, precision=False)
    # A stand-in page (challenge, wall, paywall stub) has little text of its own. Looking for
    # one only then keeps the markers bot-protection scripts leave in real articles from
    # turning those away.
    found = 0 if isinstance(outcome, CleanOutcome) else len(outcome[2])
    if found < SHORT_PAGE_CHARS:
        blocked = detect_block(html)
        if blocked:
            return CleanOutcome(None, f"{BLOCKED_PREFIX}{blocked}")
    if isinstance(outcome, CleanOutcome):
        return outcome
    doc, title, text = outcome
    article = CleanArticle(
        text=text,
        title=title or None,
        published=_parse_date(doc.date),
        language=detect_language(text),
        site=_site(doc.sitename, url),
        url=url,
        author=doc.author or None,
        declared_url=doc.url if doc.url and doc.url != url else None,
    )
    return CleanOutcome(article)


def with_text(article: CleanArticle, text: str) -> CleanArticle:
    """A copy of the article with other text (after later filters)."""
    return replace(article, text=text)
