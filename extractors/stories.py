"""Stories: is a new article a copy of one we already have, and of which report?

Three kinds of copy reach a monitor. An exact copy has the same normalised text under another
URL. A syndicated copy shares most of its word sequences (3-word shingles). A spun copy has
had synonyms swapped into a share of its words, names included, which breaks most shingles.
What a thesaurus-driven spinner leaves alone is the text's function words ("of", "the",
"that", "in"): their order, read as 4-grams, survives even when half the words are swapped,
while two different reports share almost none. A lightly spun copy also keeps its skeleton:
the order of its names, places, numbers and dates. So each article gets three MinHash
signatures (shingles, skeleton, function words), banded into LSH buckets that the warehouse
stores; an article's candidates are the stored articles sharing a bucket, and each candidate
is then scored exactly. An article that matches articles of two stories shows they are one
report: the stories merge. docs/stories.md has the method and the measurements behind the
thresholds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Literal, Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH

from common.stories import StoryMerge

CopyKind = Literal["exact", "near", "rewrite", "canonical"]

_DATA = resources.files("extractors") / "data"


def _data_lines(name: str) -> list[str]:
    """The lines of a word list in extractors/data/, without comments and blanks."""
    text = (_DATA / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


# Words that carry no content; the content-word signals ignore them.
STOPWORDS = frozenset(_data_lines("stopwords.txt"))
# The words whose order the function-word signal reads (English and Russian).
FUNCTION_WORDS = STOPWORDS | frozenset(_data_lines("function_words_ru.txt"))
# Spinners write numbers out ("three,000" for "3,000"); the skeleton reads them back.
_NUMBER_WORDS = dict(ln.split() for ln in _data_lines("number_words.txt"))

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")
_TOKEN = re.compile(r"[^\W_]+(?:[’'.,-][^\W_]+)*")
_WORD = re.compile(r"[^\W_]+")
SHINGLE_WORDS = 3
SKELETON_GRAM = 2
FUNCTION_GRAM = 4
LEAD_WORDS = 60
# A paragraph counts as shared when this share of its function 4-grams (and at least two) is
# found in the other text; see `coverage`.
_PARAGRAPH_SHARE = 0.2
# Below this function-word Jaccard a pair cannot pass, so coverage is not worth computing.
_COVERAGE_FLOOR = 0.05
# Named, so that a datasketch upgrade cannot silently change the buckets the warehouse holds.
SCHEME: Literal["affine32"] = "affine32"
_MASK32 = 0xFFFFFFFF


def normalise(text: str) -> str:
    """The text as compared for exact copies: NFKC, case-folded, words only, single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _content_key(normal: str) -> str:
    """The key of an article's normalised text: equal for texts that differ only in case,
    spacing or punctuation."""
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:32]


def _h32(token: str) -> int:
    """A stable 32-bit hash (the same in every process, unlike hash())."""
    return zlib.crc32(token.encode("utf-8")) & _MASK32


def _number(token: str) -> str | None:
    """A number token in one spelling: "3,000", "3000" and "three,000" all give "3000"."""
    head, sep, tail = token.partition(",")
    head = _NUMBER_WORDS.get(head.casefold(), head)
    joined = head + (tail.replace(",", "") if sep else "")
    digits = joined.replace(".", "")
    return digits if digits.isdigit() else None


def skeleton(text: str) -> list[str]:
    """The sequence of names, numbers and dates of a text, in reading order."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    tokenised = [_TOKEN.findall(s) for s in sentences]
    # Every sentence opens with a capital; a word seen capitalised mid-sentence is a name, and
    # so is the same word at a sentence start ("Tokayev said ...").
    names = {t.casefold() for tokens in tokenised for t in tokens[1:] if t[0].isupper()}
    out: list[str] = []
    for tokens in tokenised:
        for i, tok in enumerate(tokens):
            first = tok[0]
            if first.isupper():
                low = tok.casefold()
                if i > 0 or low in names or tok.isupper():
                    out.append(low)
            elif first.isdigit() or "," in tok:
                num = _number(tok)
                if num is not None:
                    out.append(num)
    return out


def function_words(text: str) -> list[str]:
    """The function words of a text, in order: what a synonym spinner does not touch."""
    return [w for w in normalise(text).split() if w in FUNCTION_WORDS]


def informative_title(title: str | None, text_words: Sequence[str]) -> list[str]:
    """The content words of a declared title, or none when it tells nothing the text does not:
    under three content words, or a fragment cut from the first sentence (what a page without
    a headline gets), which would only repeat the lead signal."""
    words = content_words(title or "")
    if len(words) < 3 or words == list(text_words[: len(words)]):
        return []
    return words


def content_words(text: str) -> list[str]:
    """Lower-cased words of a text that are not stopwords."""
    return [w for w in normalise(text).split() if w not in STOPWORDS]


def _set(hashes: Iterable[int]) -> np.ndarray:
    """A set of 32-bit hashes as a sorted array: compact to keep, fast to intersect."""
    return np.unique(np.fromiter(hashes, dtype=np.uint32))


def _grams(seq: Sequence[str], n: int) -> np.ndarray:
    """Hashes of the n-grams of a sequence (the sequence itself when shorter)."""
    if len(seq) < n:
        return _set([_h32(" ".join(seq))] if seq else [])
    return _set(_h32(" ".join(seq[i : i + n])) for i in range(len(seq) - n + 1))


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What story detection compares of one article (each feature a set of 32-bit hashes)."""

    text_hash: str
    shingles: np.ndarray
    skeleton: np.ndarray
    words: np.ndarray
    title: np.ndarray
    lead: np.ndarray
    function: np.ndarray = field(default_factory=lambda: _set([]))
    # The function 4-grams of each paragraph: where in the text the shared ones sit.
    paragraphs: tuple[np.ndarray, ...] = ()


def fingerprint(title: str | None, text: str) -> Fingerprint:
    """The comparable features of an article."""
    normal = normalise(text)
    tokens = normal.split()
    words = [w for w in tokens if w not in STOPWORDS]
    paragraphs = tuple(
        _grams(function_words(p), FUNCTION_GRAM) for p in text.split("\n\n") if p.strip()
    )
    function = np.unique(np.concatenate(paragraphs)) if paragraphs else _set([])
    return Fingerprint(
        text_hash=_content_key(normal),
        shingles=_grams(tokens, SHINGLE_WORDS),
        skeleton=_grams(skeleton(text), SKELETON_GRAM),
        words=_set(map(_h32, words)),
        title=_set(map(_h32, informative_title(title, words))),
        lead=_set(map(_h32, words[:LEAD_WORDS])),
        function=function,
        paragraphs=paragraphs,
    )


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|a ∩ b| / |a ∪ b| of two sorted hash sets, 0 for two empty sets."""
    if not a.size and not b.size:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return float(inter / (a.size + b.size - inter))


@dataclass(frozen=True)
class Similarity:
    """How alike two articles are, signal by signal (each a Jaccard index in [0, 1])."""

    shingles: float
    skeleton: float
    words: float
    title: float
    lead: float
    function: float = 0.0
    coverage: float = 0.0

    def rewrite_score(self) -> float:
        """The combined evidence of a rewrite: the skeleton, held up by the words, lead and
        title (weights from bench/stories.py; see docs/stories.md)."""
        return 0.45 * self.skeleton + 0.25 * self.words + 0.15 * self.lead + 0.15 * self.title

    def spin_score(self) -> float:
        """The evidence of a heavy spin: shared function-word order, held up by what survives
        of names, lead and title, and discounted by shared content words, which a spinner
        replaces but formulaic reports on different events keep (weights from
        bench/stories.py; see docs/stories.md)."""
        return (
            self.function + 0.5 * self.skeleton + 0.5 * self.lead + 0.25 * self.title - self.words
        )


def coverage(paragraphs: Sequence[np.ndarray], other: np.ndarray) -> float:
    """The share of a text's function 4-grams that sit in paragraphs found in the other text.

    A spun copy shares function words all through; a different report that repeats a few
    background paragraphs of another shares them only there.
    """
    total = covered = 0
    for grams in paragraphs:
        if grams.size < 3:
            continue
        total += grams.size
        shared = np.intersect1d(grams, other, assume_unique=True).size
        if shared >= max(2, _PARAGRAPH_SHARE * grams.size):
            covered += grams.size
    return covered / total if total else 0.0


def similarity(a: Fingerprint, b: Fingerprint) -> Similarity:
    """The per-signal similarity of two articles."""
    function = jaccard(a.function, b.function)
    spread = 0.0
    if function >= _COVERAGE_FLOOR:
        spread = min(coverage(a.paragraphs, b.function), coverage(b.paragraphs, a.function))
    return Similarity(
        shingles=jaccard(a.shingles, b.shingles),
        skeleton=jaccard(a.skeleton, b.skeleton),
        words=jaccard(a.words, b.words),
        title=jaccard(a.title, b.title),
        lead=jaccard(a.lead, b.lead),
        function=function,
        coverage=spread,
    )


@dataclass(frozen=True)
class StoryParams:
    """Thresholds and index shape (newswatch.settings.StorySettings carries the same fields)."""

    near_threshold: float = 0.5
    rewrite_threshold: float = 0.45
    min_skeleton: float = 0.2
    num_perm: int = 64
    shingle_lsh_threshold: float = 0.3
    skeleton_lsh_threshold: float = 0.25
    function_threshold: float = 0.1
    min_coverage: float = 0.7
    spin_threshold: float = 0.15
    merge_rewrite_threshold: float = 0.55
    function_num_perm: int = 128
    function_bands: int = 64


def strong(sim: Similarity, params: StoryParams) -> bool:
    """Whether a match is strong enough to merge two stories: a near copy, a spin shown by
    function words, or a rewrite well above the joining threshold. A weak rewrite match only
    joins an article to its best story: among many candidates, one of another report on the
    same event can pass the joining threshold by chance."""
    return (
        sim.shingles >= params.near_threshold
        or sim.rewrite_score() >= params.merge_rewrite_threshold
        or _spun(sim, params)
    )


def _spun(sim: Similarity, params: StoryParams) -> bool:
    """Whether function-word order, spread through both texts, shows a spin."""
    return (
        sim.function >= params.function_threshold
        and sim.coverage >= params.min_coverage
        and sim.spin_score() >= params.spin_threshold
    )


def copy_kind(sim: Similarity, params: StoryParams) -> tuple[CopyKind | None, float]:
    """Whether a pair is one report (and how it was copied), with the deciding score."""
    if sim.shingles >= params.near_threshold:
        return "near", sim.shingles
    score = sim.rewrite_score()
    if score >= params.rewrite_threshold and sim.skeleton >= params.min_skeleton:
        return "rewrite", score
    if _spun(sim, params):
        return "rewrite", sim.function
    return None, score


@lru_cache(maxsize=8)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) that best separate pairs around a Jaccard threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> np.ndarray:
    """The MinHash permutations, made once per process: they are the same for every article."""
    perms: np.ndarray = MinHash(num_perm=num_perm, seed=1, scheme=SCHEME).permutations
    return perms


def _signature(hashes: Iterable[int], num_perm: int) -> np.ndarray:
    """The MinHash signature of a set of 32-bit hashes."""
    values = list(hashes)
    mh = MinHash(
        num_perm=num_perm,
        seed=1,
        hashfunc=int,
        permutations=_permutations(num_perm),
        scheme=SCHEME,
    )
    if values:
        mh.update_batch(values)
    signature: np.ndarray = mh.hashvalues
    return signature


def _layouts(params: StoryParams) -> tuple[tuple[int, int, int], ...]:
    """(permutations, bands, rows) of the shingle, skeleton and function-word signatures."""
    # Function-word Jaccard of a heavy spin is low (0.1-0.3): pairs of rows over many bands
    # find it, where datasketch's balanced choice for such a threshold would flood candidates.
    function_rows = max(params.function_num_perm // params.function_bands, 1)
    return (
        (params.num_perm, *_bands(params.shingle_lsh_threshold, params.num_perm)),
        (params.num_perm, *_bands(params.skeleton_lsh_threshold, params.num_perm)),
        (params.function_num_perm, params.function_bands, function_rows),
    )


def lsh_buckets(fp: Fingerprint, params: StoryParams) -> tuple[int, ...]:
    """The LSH buckets (signed 64-bit, as DuckDB BIGINT) of an article's three signatures."""
    out: list[int] = []
    for index, (hashes, (num_perm, bands, rows)) in enumerate(
        zip((fp.shingles, fp.skeleton, fp.function), _layouts(params), strict=True)
    ):
        if not hashes.size:
            continue
        sig = _signature(hashes.tolist(), num_perm).astype("<u4")
        for band in range(bands):
            chunk = sig[band * rows : (band + 1) * rows].tobytes()
            digest = hashlib.blake2b(bytes((index, band)) + chunk, digest_size=8).digest()
            out.append(int.from_bytes(digest, "little", signed=True))
    return tuple(out)


@dataclass(frozen=True)
class StoryInput:
    """A new article, as story detection sees it."""

    article_key: str
    title: str | None
    text: str
    # The article key of a rel=canonical that names another site, if the page declared one.
    declared_key: str | None = None
    # Computed ahead by `prepared` (in parallel workers), so the serial story step need not.
    fingerprint: Fingerprint | None = None
    buckets: tuple[int, ...] | None = None
    buckets_for: StoryParams | None = None

    def features(self, params: StoryParams) -> tuple[Fingerprint, tuple[int, ...]]:
        """The article's fingerprint and LSH buckets, computed now unless prepared for params."""
        fp = self.fingerprint or fingerprint(self.title, self.text)
        if self.buckets is not None and self.buckets_for == params:
            return fp, self.buckets
        return fp, lsh_buckets(fp, params)


def prepared(article: StoryInput, params: StoryParams) -> StoryInput:
    """The article with its fingerprint and buckets computed for these parameters."""
    fp, buckets = article.features(params)
    return replace(article, fingerprint=fp, buckets=buckets, buckets_for=params)


@dataclass(frozen=True)
class Known:
    """A stored article that may be the original of a new one."""

    article_key: str
    story_key: str
    title: str | None
    text: str


class StoryLookup(Protocol):
    """What story detection reads from the warehouse."""

    def stories_of(self, article_keys: Sequence[str]) -> Mapping[str, str]:
        """The story key of each of these articles that is stored."""
        ...

    def by_text_hash(self, hashes: Sequence[str]) -> Mapping[str, tuple[str, str]]:
        """For each hash with a stored article: (its first article key, story key)."""
        ...

    def bucket_members(self, buckets: Sequence[int]) -> Mapping[int, Sequence[str]]:
        """The stored article keys in each of these LSH buckets."""
        ...

    def known(self, article_keys: Sequence[str]) -> Mapping[str, Known]:
        """Stored articles by key, with their text."""
        ...

    def story_starts(self, story_keys: Sequence[str]) -> Mapping[str, datetime]:
        """When each of these stored stories was first seen."""
        ...


@dataclass(frozen=True)
class StoryDecision:
    """Which story an article belongs to, and why."""

    article_key: str
    story_key: str
    text_hash: str
    buckets: tuple[int, ...]
    copy_of: str | None = None
    kind: CopyKind | None = None
    score: float | None = None
    stored: bool = False  # the article was stored before: nothing about it changes
    # Stories this article showed to be the same report as `story_key`, merged into it.
    merges: tuple[StoryMerge, ...] = ()

    @property
    def reuses_entities(self) -> bool:
        """Whether NER can be skipped: an exact copy has its original's entities."""
        return self.kind == "exact"


@dataclass
class _Batch:
    """Articles decided earlier in this batch, which later ones may copy."""

    decisions: dict[str, StoryDecision] = field(default_factory=dict)
    fingerprints: dict[str, Fingerprint] = field(default_factory=dict)
    by_hash: dict[str, str] = field(default_factory=dict)
    buckets: dict[int, list[str]] = field(default_factory=dict)
    # Stories merged during this batch: merged key -> surviving key.
    merged: dict[str, str] = field(default_factory=dict)
    # Stories opened in this batch, in order: younger than every stored story.
    opened: dict[str, int] = field(default_factory=dict)

    def resolve(self, story: str) -> str:
        """The story a key stands for now, after the batch's merges."""
        while story in self.merged:
            story = self.merged[story]
        return story


def assign_stories(
    articles: Sequence[StoryInput],
    lookup: StoryLookup,
    params: StoryParams,
    cache: MutableMapping[str, Fingerprint] | None = None,
) -> list[StoryDecision]:
    """Decide the story of each article, in order: each may copy a stored article or one
    earlier in the batch. Stored articles keep their story, so re-running changes nothing.

    `cache` keeps fingerprints by article key between calls on one warehouse: the same stored
    articles come up as candidates batch after batch, and reading and hashing their text again
    would cost more than the rest of the step.
    """
    cache = {} if cache is None else cache
    features = {a.article_key: a.features(params) for a in articles}
    fps = {k: fp for k, (fp, _) in features.items()}
    buckets = {k: bks for k, (_, bks) in features.items()}
    keys = list(fps)
    declared = [a.declared_key for a in articles if a.declared_key]
    stored = dict(lookup.stories_of(keys + declared))
    hashes = lookup.by_text_hash(sorted({fp.text_hash for fp in fps.values()}))
    members = lookup.bucket_members(sorted({b for bs in buckets.values() for b in bs}))
    # A stored article that comes round again (another URL of it) is still a candidate for
    # the articles before it in the batch.
    candidate_keys = {k for ks in members.values() for k in ks} - (set(keys) - set(stored))
    known = {k: cache[k] for k in candidate_keys if k in cache}
    story_of = dict(lookup.stories_of(sorted(known)))
    for k, v in lookup.known(sorted(candidate_keys - set(known))).items():
        known[k] = cache[k] = fingerprint(v.title, v.text)
        story_of[k] = v.story_key
    ctx = _Context(stored, hashes, members, known, story_of, lookup, params)
    batch = _Batch()
    out: list[StoryDecision] = []
    for a in articles:
        key, fp, bks = a.article_key, fps[a.article_key], buckets[a.article_key]
        if key in batch.decisions:  # the same article twice in a batch
            out.append(batch.decisions[key])
            continue
        if key in stored:
            decision = StoryDecision(key, stored[key], fp.text_hash, bks, stored=True)
        else:
            decision = _decide(a, fp, bks, ctx, batch)
            if decision.story_key == key:
                batch.opened[key] = len(batch.opened)
            for m in decision.merges:
                batch.merged[m.merged] = m.into
        batch.decisions[key] = decision
        batch.fingerprints[key] = cache[key] = fp
        batch.by_hash.setdefault(fp.text_hash, key)
        for b in bks:
            batch.buckets.setdefault(b, []).append(key)
        out.append(decision)
    return out


@dataclass(frozen=True)
class _Context:
    """What one call of assign_stories read from the warehouse."""

    stored: Mapping[str, str]
    hashes: Mapping[str, tuple[str, str]]
    members: Mapping[int, Sequence[str]]
    known: Mapping[str, Fingerprint]
    story_of: Mapping[str, str]
    lookup: StoryLookup
    params: StoryParams


def _decide(
    a: StoryInput, fp: Fingerprint, bks: tuple[int, ...], ctx: _Context, batch: _Batch
) -> StoryDecision:
    """The story of one new article, merging the stories it shows to be one report."""
    key = a.article_key

    def story(article: str) -> str:
        if article in batch.decisions:
            return batch.resolve(batch.decisions[article].story_key)
        return batch.resolve(ctx.story_of.get(article) or ctx.stored[article])

    if fp.text_hash in ctx.hashes:
        original, found = ctx.hashes[fp.text_hash]
        return StoryDecision(key, batch.resolve(found), fp.text_hash, bks, original, "exact", 1.0)
    if fp.text_hash in batch.by_hash:
        original = batch.by_hash[fp.text_hash]
        return StoryDecision(key, story(original), fp.text_hash, bks, original, "exact", 1.0)
    declared = a.declared_key
    if declared and declared != key and (declared in ctx.stored or declared in batch.decisions):
        claimed = story(declared)
        return StoryDecision(key, claimed, fp.text_hash, bks, declared, "canonical", 1.0)
    # The best match in each story: near copies outrank rewrites (shared shingles are the
    # stronger evidence); ties go to the larger key, so lookup order never matters.
    best: dict[str, tuple[int, int, float, str, CopyKind]] = {}
    seen: set[str] = set()
    for b in bks:
        for other in (*ctx.members.get(b, ()), *batch.buckets.get(b, ())):
            if other in seen or other == key:
                continue
            seen.add(other)
            other_fp = batch.fingerprints.get(other) or ctx.known.get(other)
            if other_fp is None:
                continue
            sim = similarity(fp, other_fp)
            kind, score = copy_kind(sim, ctx.params)
            if kind is None:
                continue
            rank = (int(strong(sim, ctx.params)), 1 if kind == "near" else 0, score, other, kind)
            found = story(other)
            if found not in best or rank[:4] > best[found][:4]:
                best[found] = rank
    if not best:
        return StoryDecision(key, key, fp.text_hash, bks)
    top = max(best.values(), key=lambda r: r[:4])
    _, _, score, original, kind = top
    # Only strong matches merge stories; a weak one places the article in its best story.
    bridged = sorted(s for s, r in best.items() if r[0]) if top[0] else []
    if len(bridged) < 2:
        return StoryDecision(
            key, story(original), fp.text_hash, bks, original, kind, round(score, 4)
        )
    into = _survivor(bridged, ctx.lookup, batch)
    merges = tuple(
        StoryMerge(other, into, key, best[other][3], round(best[other][2], 4))
        for other in bridged
        if other != into
    )
    return StoryDecision(
        key, into, fp.text_hash, bks, original, kind, round(score, 4), merges=merges
    )


def _survivor(stories: Sequence[str], lookup: StoryLookup, batch: _Batch) -> str:
    """The story that the others merge into: the first seen (stored before this batch's own,
    which go in batch order; the key breaks ties)."""
    if len(stories) == 1:
        return stories[0]
    stored = [s for s in stories if s not in batch.opened]
    if stored:
        starts = lookup.story_starts(stored)
        return min(stored, key=lambda s: (starts.get(s, datetime.max), s))
    return min(stories, key=lambda s: batch.opened[s])
