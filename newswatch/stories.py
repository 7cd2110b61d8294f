"""Story detection wired to the warehouse: lookups, settings and re-indexing stored articles."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from cachetools import LRUCache

from common.keys import utcnow
from extractors.stories import (
    Fingerprint,
    Known,
    StoryDecision,
    StoryInput,
    StoryParams,
    assign_stories,
    fingerprint,
    lsh_buckets,
)
from newswatch.settings import StorySettings
from warehouse.reads import StoryAssignment
from warehouse.store import Warehouse

log = logging.getLogger("newswatch.stories")

# Articles re-indexed per transaction by `reindex`.
_REINDEX_CHUNK = 500
# Fingerprints kept per open warehouse (a few kB each).
CACHE_SIZE = 20_000


def story_params(settings: StorySettings) -> StoryParams:
    """The detection parameters of these settings."""
    return StoryParams(
        near_threshold=settings.near_threshold,
        rewrite_threshold=settings.rewrite_threshold,
        min_skeleton=settings.min_skeleton,
        num_perm=settings.num_perm,
        shingle_lsh_threshold=settings.shingle_lsh_threshold,
        skeleton_lsh_threshold=settings.skeleton_lsh_threshold,
        function_threshold=settings.function_threshold,
        min_coverage=settings.min_coverage,
        spin_threshold=settings.spin_threshold,
        merge_rewrite_threshold=settings.merge_rewrite_threshold,
        function_num_perm=settings.function_num_perm,
        function_bands=settings.function_bands,
    )


class WarehouseLookup:
    """extractors.stories.StoryLookup over a warehouse, limited to a recent window."""

    def __init__(self, wh: Warehouse, since: date | None = None) -> None:
        self.wh = wh
        self.since = since

    def stories_of(self, article_keys: Sequence[str]) -> Mapping[str, str]:
        """The story key of each stored article among these."""
        return self.wh.stories_of(article_keys)

    def by_text_hash(self, hashes: Sequence[str]) -> Mapping[str, tuple[str, str]]:
        """The first stored article and story of each text hash."""
        return self.wh.by_text_hash(hashes)

    def bucket_members(self, buckets: Sequence[int]) -> Mapping[int, Sequence[str]]:
        """Articles in these LSH buckets, indexed within the window."""
        return self.wh.bucket_members(buckets, self.since)

    def known(self, article_keys: Sequence[str]) -> Mapping[str, Known]:
        """Stored candidate articles with their text."""
        return {row[0]: Known(*row) for row in self.wh.known(article_keys)}

    def story_starts(self, story_keys: Sequence[str]) -> Mapping[str, datetime]:
        """When each stored story was first seen."""
        return self.wh.story_starts(story_keys)


def lookup(wh: Warehouse, settings: StorySettings) -> WarehouseLookup:
    """The warehouse lookup for these settings (window counted back from today)."""
    return WarehouseLookup(wh, utcnow().date() - timedelta(days=settings.window_days))


def decide(
    wh: Warehouse, articles: Sequence[StoryInput], settings: StorySettings
) -> list[StoryDecision]:
    """The story of each article; with detection off, each new article is its own story."""
    if not settings.enabled:
        stored = wh.stories_of([a.article_key for a in articles])
        return [
            StoryDecision(
                a.article_key, stored.get(a.article_key, a.article_key), "", (), stored=True
            )
            if a.article_key in stored
            else StoryDecision(a.article_key, a.article_key, "", ())
            for a in articles
        ]
    return assign_stories(articles, lookup(wh, settings), story_params(settings), _cache(wh))


# Fingerprints per open warehouse, bounded: enough for the candidates of a run's batches.
_CACHES: weakref.WeakKeyDictionary[Warehouse, LRUCache[str, Fingerprint]] = (
    weakref.WeakKeyDictionary()
)


def _cache(wh: Warehouse) -> LRUCache[str, Fingerprint]:
    """The fingerprint cache of an open warehouse (dropped with it)."""
    if wh not in _CACHES:
        _CACHES[wh] = LRUCache(maxsize=CACHE_SIZE)
    return _CACHES[wh]


def reindex(wh: Warehouse, settings: StorySettings) -> int:
    """Index articles stored before story detection existed (oldest first) and give them their
    stories, and add the buckets of newer signals to articles indexed before them; return how
    many articles were indexed. Safe to interrupt: each chunk commits on its own."""
    rebucket(wh, settings)
    total = 0
    params = story_params(settings)
    while True:
        rows = wh.unindexed_articles(_REINDEX_CHUNK)
        if not rows:
            if total:
                # Articles changed stories: the trend tables count stories by opening article.
                wh.rebuild_trends()
            return total
        # Unindexed articles are not "stored" to the detector: drop their provisional story.
        inputs = [StoryInput(k, t, x) for k, t, x in rows]
        decisions = assign_stories(inputs, _Unindexed(lookup(wh, settings), inputs), params)
        wh.assign_stories(
            [
                StoryAssignment(d.article_key, d.story_key, d.text_hash, d.copy_of, d.kind, d.score)
                for d in decisions
            ],
            [(b, d.article_key) for d in decisions for b in d.buckets],
            utcnow(),
            [m for d in decisions for m in d.merges],
        )
        total += len(rows)
        log.info("stories: re-indexed %d stored articles", total)


def rebucket(wh: Warehouse, settings: StorySettings) -> int:
    """Add the LSH buckets an older version did not compute (the function-word signal) to
    indexed articles still inside the story window; return how many got them. Articles older
    than the window are never candidates again, so they only leave the queue."""
    params = story_params(settings)
    since = utcnow().date() - timedelta(days=settings.window_days)
    total = 0
    while rows := wh.rebucket_pending(_REINDEX_CHUNK):
        recent = [(key, t, x, day) for key, t, x, day in rows if day is not None and day >= since]
        buckets = [
            (b, key, day)
            for key, title, text, day in recent
            for b in lsh_buckets(fingerprint(title, text), params)
        ]
        wh.add_missing_buckets(buckets, [r[0] for r in rows])
        total += len(recent)
    if total:
        log.info("stories: added newer signals' buckets to %d indexed articles", total)
    return total


class _Unindexed(WarehouseLookup):
    """A lookup that treats the articles being re-indexed as new, not as stored."""

    def __init__(self, inner: WarehouseLookup, pending: Sequence[StoryInput]) -> None:
        super().__init__(inner.wh, inner.since)
        self.pending = {a.article_key for a in pending}

    def stories_of(self, article_keys: Sequence[str]) -> Mapping[str, str]:
        """Stored stories of articles that are not being re-indexed."""
        return {k: v for k, v in super().stories_of(article_keys).items() if k not in self.pending}
