"""Stories: is a new article a copy of one we already have, and of which report?

Three kinds of copy reach a monitor. An exact copy has the same normalised text under another
URL. A syndicated copy shares most of its word sequences (3-word shingles). A spun copy has
had synonyms swapped into every few words, which breaks most shingles; what a spinner leaves
alone is the skeleton of the report: the order of its names, places, numbers and dates. So
each article gets two MinHash signatures (shingles, skeleton), banded into LSH buckets that
the warehouse stores; an article's candidates are the stored articles sharing a bucket, and
each candidate is then scored exactly. docs/stories.md has the method and the measurements
behind the thresholds.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Literal, Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH

CopyKind = Literal["exact", "near", "rewrite", "canonical"]

_DATA = resources.files("extractors") / "data"


def _data_lines(name: str) -> list[str]:
    """The lines of a word list in extractors/data/, without comments and blanks."""
    text = (_DATA / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


# Words that carry no content; the content-word signals ignore them.
STOPWORDS = frozenset(_data_lines("stopwords.txt"))
# Spinners write numbers out ("three,000" for "3,000"); the skeleton reads them back.
_NUMBER_WORDS = dict(ln.split() for ln in _data_lines("number_words.txt"))

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")
_TOKEN = re.compile(r"[^\W_]+(?:[’'.,-][^\W_]+)*")
_WORD = re.compile(r"[^\W_]+")
SHINGLE_WORDS = 3
SKELETON_GRAM = 2
LEAD_WORDS = 60
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


def fingerprint(title: str | None, text: str) -> Fingerprint:
    """The comparable features of an article."""
    normal = normalise(text)
    tokens = normal.split()
    words = [w for w in tokens if w not in STOPWORDS]
    return Fingerprint(
        text_hash=_content_key(normal),
        shingles=_grams(tokens, SHINGLE_WORDS),
        skeleton=_grams(skeleton(text), SKELETON_GRAM),
        words=_set(map(_h32, words)),
        title=_set(map(_h32, content_words(title or ""))),
        lead=_set(map(_h32, words[:LEAD_WORDS])),
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

    def rewrite_score(self) -> float:
        """The combined evidence of a rewrite: the skeleton, held up by the words, lead and
        title (weights from bench/stories.py; see docs/stories.md)."""
        return 0.45 * self.skeleton + 0.25 * self.words + 0.15 * self.lead + 0.15 * self.title


def similarity(a: Fingerprint, b: Fingerprint) -> Similarity:
    """The per-signal similarity of two articles."""
    return Similarity(
        shingles=jaccard(a.shingles, b.shingles),
        skeleton=jaccard(a.skeleton, b.skeleton),
        words=jaccard(a.words, b.words),
        title=jaccard(a.title, b.title),
        lead=jaccard(a.lead, b.lead),
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


def copy_kind(sim: Similarity, params: StoryParams) -> tuple[CopyKind | None, float]:
    """Whether a pair is one report (and how it was copied), with the deciding score."""
    if sim.shingles >= params.near_threshold:
        return "near", sim.shingles
    score = sim.rewrite_score()
    if score >= params.rewrite_threshold and sim.skeleton >= params.min_skeleton:
        return "rewrite", score
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


def lsh_buckets(fp: Fingerprint, params: StoryParams) -> tuple[int, ...]:
    """The LSH buckets (signed 64-bit, as DuckDB BIGINT) of an article's two signatures."""
    out: list[int] = []
    for index, (hashes, threshold) in enumerate(
        ((fp.shingles, params.shingle_lsh_threshold), (fp.skeleton, params.skeleton_lsh_threshold))
    ):
        if not hashes.size:
            continue
        bands, rows = _bands(threshold, params.num_perm)
        sig = _signature(hashes.tolist(), params.num_perm).astype("<u4")
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
            decision = _decide(a, fp, bks, stored, hashes, members, known, story_of, batch, params)
        batch.decisions[key] = decision
        batch.fingerprints[key] = cache[key] = fp
        batch.by_hash.setdefault(fp.text_hash, key)
        for b in bks:
            batch.buckets.setdefault(b, []).append(key)
        out.append(decision)
    return out


def _decide(
    a: StoryInput,
    fp: Fingerprint,
    bks: tuple[int, ...],
    stored: Mapping[str, str],
    hashes: Mapping[str, tuple[str, str]],
    members: Mapping[int, Sequence[str]],
    known: Mapping[str, Fingerprint],
    story_of: Mapping[str, str],
    batch: _Batch,
    params: StoryParams,
) -> StoryDecision:
    """The story of one new article."""
    key = a.article_key
    if fp.text_hash in hashes:
        original, story = hashes[fp.text_hash]
        return StoryDecision(key, story, fp.text_hash, bks, original, "exact", 1.0)
    if fp.text_hash in batch.by_hash:
        original = batch.by_hash[fp.text_hash]
        story = batch.decisions[original].story_key
        return StoryDecision(key, story, fp.text_hash, bks, original, "exact", 1.0)
    if a.declared_key and a.declared_key != key:
        earlier = batch.decisions.get(a.declared_key)
        claimed = stored.get(a.declared_key) or (earlier.story_key if earlier else None)
        if claimed:
            return StoryDecision(key, claimed, fp.text_hash, bks, a.declared_key, "canonical", 1.0)
    best: tuple[int, float, str, CopyKind] | None = None
    seen: set[str] = set()
    for b in bks:
        for other in (*members.get(b, ()), *batch.buckets.get(b, ())):
            if other in seen or other == key:
                continue
            seen.add(other)
            other_fp = batch.fingerprints.get(other) or known.get(other)
            if other_fp is None:
                continue
            kind, score = copy_kind(similarity(fp, other_fp), params)
            if kind is None:
                continue
            # Near copies outrank rewrites: shared shingles are the stronger evidence.
            rank = (1 if kind == "near" else 0, score, other, kind)
            # Ties go to the larger key, so the choice never depends on lookup order.
            if best is None or rank[:3] > best[:3]:
                best = rank
    if best is None:
        return StoryDecision(key, key, fp.text_hash, bks)
    _, score, original, kind = best
    story = (
        batch.decisions[original].story_key if original in batch.decisions else story_of[original]
    )
    return StoryDecision(key, story, fp.text_hash, bks, original, kind, round(score, 4))
