"""The per-item steps a run is made of: fetch pages, clean them, match topics, place each
article in its story, find its entities, and turn it into warehouse records.
`newswatch.batches` composes them; nothing else calls them in sequence."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from common.keys import stable_key, utcnow
from common.sitelines import LineStats
from extractors.boilerplate import article_marks, drop_lines, short_lines, template_lines
from extractors.clean import BLOCKED_PREFIX, CleanArticle, extract_article, with_text
from extractors.decode import decode_body
from extractors.entities import EntityExtractor, Mention
from extractors.fetch import Fetcher
from extractors.stories import StoryDecision, StoryInput
from extractors.urls import ArticleUrl, article_url
from newswatch.polling import (
    NewItem,
    PollResult,
    UnreadableFile,
    outside_archive,
    read_bounded,
    select_new,
)
from newswatch.settings import ArchiveSource, Settings, Source
from warehouse.records import ArticleRecord, ErrorRecord, ItemOutcome
from warehouse.store import Warehouse

log = logging.getLogger("newswatch.steps")


@dataclass(frozen=True)
class Page:
    """A fetched page body, or why there is none."""

    item: NewItem
    html: str | None
    final_url: str
    fetched_at: datetime
    error: str | None = None
    status_code: int | None = None
    retryable: bool = False


@dataclass(frozen=True)
class Cleaned:
    """A page's clean article."""

    item: NewItem
    article: CleanArticle
    final_url: str
    fetched_at: datetime
    raw_lines: dict[str, str]
    # Marks of the article's own paragraphs: versions of one story share them.
    marks: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Matched:
    """An on-topic article with the topics and terms it matched."""

    cleaned: Cleaned
    topics: dict[str, tuple[str, ...]]


@dataclass
class StageResult:
    """Items that went on, plus the outcomes and errors of those that did not."""

    outcomes: list[ItemOutcome] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    # Pages that came with a body (clean_pages counts them as they stream in).
    fetched: int = 0


def archive_page(source: ArchiveSource, url: str) -> Path | None:
    """The file that mirrors `url` in an archive (pages/<host>/<path>), if it is inside it."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        candidate = Path(unquote(parts.path))
    else:
        rel = unquote(parts.path).lstrip("/") or "index.html"
        candidate = source.path / "pages" / (parts.hostname or "") / rel
    # A feed may not point outside its own archive (../../etc/passwd, a symlink out, a FIFO).
    if outside_archive(candidate, source.path.resolve()) is not None:
        return None
    return candidate.resolve()


def iter_pages(
    items: Sequence[NewItem], sources: dict[str, Source], fetcher: Fetcher
) -> Iterator[Page]:
    """Each item's page in item order, yielded as soon as it is there: web pages download
    concurrently while the caller cleans the ones already in (failures are Pages too)."""
    web = [item.url for item in items if not isinstance(sources.get(item.source), ArchiveSource)]
    results = fetcher.iter_fetch(web)
    for item in items:
        source = sources.get(item.source)
        if isinstance(source, ArchiveSource):
            path = archive_page(source, item.url)
            if path is None:
                yield Page(item, None, item.url, utcnow(), "not in archive")
                continue
            try:
                # Sized before it is read: the cap live pages have holds for archived ones too.
                content = read_bounded(path, fetcher.settings.max_bytes)
            except UnreadableFile as exc:
                yield Page(item, None, item.url, utcnow(), str(exc))
                continue
            yield Page(item, decode_body(content), item.url, utcnow())
            continue
        res = next(results)
        if res.ok and res.content is not None:
            yield Page(
                item,
                decode_body(res.content, res.content_type),
                res.final_url,
                utcnow(),
                status_code=res.status,
            )
        else:
            yield Page(
                item,
                None,
                res.final_url,
                utcnow(),
                res.error or "no body",
                res.status,
                res.retryable,
            )


def outcome_of(
    item: NewItem, status: str, reason: str | None = None, article_key: str | None = None
) -> ItemOutcome:
    """The warehouse outcome of an item."""
    return ItemOutcome(
        item.url_key, item.url, item.source, item.guid, item.title, status, reason, article_key
    )


def _error(
    item: NewItem, stage: str, reason: str, status: int | None = None, retryable: bool = False
) -> ErrorRecord:
    """The warehouse error record of an item."""
    return ErrorRecord(item.url_key, stage, item.url, item.source, reason, status, retryable)


def clean_pages(
    pages: Iterable[Page],
    settings: Settings,
    stored_line_counts: Callable[[str, list[str]], dict[str, LineStats]],
) -> tuple[list[Cleaned], StageResult]:
    """Extract clean articles, then drop the template lines each site prints across stories."""
    result = StageResult()
    firsts: list[Cleaned] = []
    for page in pages:
        result.fetched += page.html is not None
        if page.html is None:
            result.outcomes.append(outcome_of(page.item, "failed", page.error))
            result.errors.append(
                _error(
                    page.item, "fetch", page.error or "no body", page.status_code, page.retryable
                )
            )
            continue
        outcome = extract_article(page.html, page.final_url, settings.clean)
        if outcome.article is None:
            reason = outcome.reason or "no article"
            status = "blocked" if reason.startswith(BLOCKED_PREFIX) else "rejected"
            result.outcomes.append(outcome_of(page.item, status, reason))
            result.errors.append(_error(page.item, "clean", reason, retryable=status == "blocked"))
            continue
        max_chars = settings.clean.repeated_line_max_chars
        lines = short_lines(outcome.article.text, max_chars)
        marks = article_marks(outcome.article.text)
        firsts.append(
            Cleaned(page.item, outcome.article, page.final_url, page.fetched_at, lines, marks)
        )

    cfg = settings.clean
    sites = {c.article.site for c in firsts if c.article.site}
    stored = {
        site: stored_line_counts(
            site, sorted({h for c in firsts if c.article.site == site for h in c.raw_lines})
        )
        for site in sites
    }
    template = template_lines(
        [(c.article.site, c.article.text, c.marks) for c in firsts],
        stored,
        cfg.repeated_line_min_articles,
        cfg.repeated_line_max_chars,
    )
    kept: list[Cleaned] = []
    for c, dropped in zip(firsts, template, strict=True):
        text = drop_lines(c.article.text, dropped)
        if len(text) < cfg.min_chars:
            reason = f"too short: {len(text)} characters after dropping site template lines"
            result.outcomes.append(outcome_of(c.item, "rejected", reason))
            result.errors.append(_error(c.item, "clean", reason))
            continue
        kept.append(
            Cleaned(
                c.item, with_text(c.article, text), c.final_url, c.fetched_at, c.raw_lines, c.marks
            )
        )
    return kept, result


def match_topics(
    cleaned: Sequence[Cleaned], settings: Settings
) -> tuple[list[Matched], StageResult]:
    """Keep articles that match at least one topic; count the rest as off-topic."""
    queries = {t.name: t.compiled_query() for t in settings.topics}
    result = StageResult()
    matched: list[Matched] = []
    for c in cleaned:
        text = f"{c.article.title or ''}\n{c.article.text}"
        hits = {}
        for name, query in queries.items():
            m = query.match(text)
            if m.matched:
                hits[name] = m.terms
        if hits:
            matched.append(Matched(c, hits))
        else:
            result.outcomes.append(outcome_of(c.item, "offtopic"))
    return matched, result


def location(c: Cleaned) -> ArticleUrl:
    """Where a cleaned article lives: its canonical URL (rel=canonical when on its own site)."""
    return article_url(c.final_url, c.article.declared_url)


def story_inputs(matched: Sequence[Matched]) -> list[StoryInput]:
    """What story detection needs of each on-topic article."""
    out = []
    for m in matched:
        where = location(m.cleaned)
        declared = stable_key(where.declared_elsewhere) if where.declared_elsewhere else None
        out.append(
            StoryInput(
                stable_key(where.canonical),
                m.cleaned.article.title or m.cleaned.item.title,
                m.cleaned.article.text,
                declared,
            )
        )
    return out


NerStatus = tuple[str | None, str | None]  # (model that read it, why none did)


def ner_status(extractor: EntityExtractor, language: str | None) -> NerStatus:
    """Which model reads an article in this language, or why none does."""
    model = extractor.model_for(language)
    if model is not None:
        return model, None
    return None, "language not detected" if language is None else f"no NER model for {language}"


def extract_mentions(
    matched: Sequence[Matched],
    extractor: EntityExtractor,
    decisions: Sequence[StoryDecision] | None = None,
) -> tuple[list[list[Mention]], list[NerStatus]]:
    """Entities of each on-topic article (title and text), each by its language's pipeline, in
    batches; and which model read it. Exact copies, and articles stored before, get none: they
    take their original's at load time."""
    skip = {i for i, d in enumerate(decisions or ()) if d.reuses_entities or d.stored}
    todo = [i for i in range(len(matched)) if i not in skip]
    texts = [
        f"{matched[i].cleaned.article.title or ''}\n\n{matched[i].cleaned.article.text}"
        for i in todo
    ]
    languages = [matched[i].cleaned.article.language for i in todo]
    found = extractor.extract(texts, languages) if texts else []
    out: list[list[Mention]] = [[] for _ in matched]
    status: list[NerStatus] = [(None, None) for _ in matched]
    for i, mentions, lang in zip(todo, found, languages, strict=True):
        out[i] = mentions
        status[i] = ner_status(extractor, lang)
    return out, status


def to_records(
    matched: Sequence[Matched],
    mentions: Sequence[Sequence[Mention]],
    decisions: Sequence[StoryDecision] | None = None,
    ner: Sequence[NerStatus] | None = None,
) -> tuple[list[ArticleRecord], list[ItemOutcome]]:
    """Warehouse records of on-topic articles (with their stories) and their items' outcomes."""
    records, outcomes = [], []
    stories: Sequence[StoryDecision | None] = decisions or [None] * len(matched)
    statuses: Sequence[NerStatus] = ner or [(None, None)] * len(matched)
    for m, found, story, (model, skipped) in zip(matched, mentions, stories, statuses, strict=True):
        c = m.cleaned
        canon = location(c).canonical
        key = stable_key(canon)
        records.append(
            ArticleRecord(
                article_key=key,
                url=c.final_url,
                canonical_url=canon,
                source=c.item.source,
                site=c.article.site,
                title=c.article.title or c.item.title,
                text=c.article.text,
                # Feeds carry the full timestamp; pages often only a day (or a banner's date).
                published=c.item.published or c.article.published,
                fetched_at=c.fetched_at,
                language=c.article.language,
                content_hash=hashlib.sha256(c.article.text.encode("utf-8")).hexdigest(),
                words=len(c.article.text.split()),
                topics=m.topics,
                mentions={(x.name, x.label): x.count for x in found},
                forms={(x.name, x.label): x.forms for x in found if x.forms},
                ner_model=model,
                ner_skipped=skipped,
                site_lines=tuple(c.raw_lines.items()),
                site_marks=tuple(sorted(c.marks)),
                **_story_fields(story),
            )
        )
        outcomes.append(outcome_of(c.item, "stored", article_key=key))
    return records, outcomes


def _story_fields(story: StoryDecision | None) -> dict[str, Any]:
    """The ArticleRecord fields that place an article in its story."""
    if story is None:
        return {}
    return {
        "story_key": story.story_key,
        "text_hash": story.text_hash or None,
        "copy_of": story.copy_of,
        "copy_kind": story.kind,
        "copy_score": story.score,
        "story_buckets": story.buckets,
        "mentions_from": story.copy_of if story.reuses_entities else None,
    }


def items_to_process(
    wh: Warehouse, settings: Settings, polls: Iterable[PollResult], sources: set[str]
) -> list[NewItem]:
    """New entries of these polls plus earlier failures due a retry, each URL once."""
    items = select_new(polls, lambda keys: wh.settled(keys, settings.fetch.max_attempts))
    # Retries come from the warehouse, since an unchanged feed no longer lists them.
    seen = {i.url_key for i in items}
    return items + [i for i in due_retries(wh, settings, sources) if i.url_key not in seen]


def entity_extractor(settings: Settings) -> EntityExtractor:
    """The NER extractor for these settings, with every topic's gazetteer."""
    return EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])


def due_retries(wh: Warehouse, settings: Settings, sources: set[str]) -> list[NewItem]:
    """Items that failed before and may be tried again."""
    rows = wh.due_retries(settings.fetch.max_attempts, sorted(sources))
    return [NewItem(r.url_key, r.url, r.source, r.guid, r.title) for r in rows]
