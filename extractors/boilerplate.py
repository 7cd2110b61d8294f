"""Boilerplate that survives extraction: configured phrases and lines a site repeats."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from common.sitelines import LineStats, add_carrier

_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
# Lines this close to the top or bottom of a text are where site furniture sits.
EDGE_LINES = 3
# Article marks: how many, from word runs of this length in lines at least this long (a
# sentence or more). Word runs, not whole lines, so a light rewrite keeps most of its marks.
MARKS_PER_ARTICLE = 16
_MARK_WORDS = 3
_MARK_CHARS = 40
_WORD = re.compile(r"\w+")


class PhraseFilter:
    """Removes configured phrases and regex patterns wherever they appear in a text."""

    def __init__(self, phrases: Sequence[str], patterns: Sequence[str]) -> None:
        parts = [re.escape(p) for p in sorted(set(phrases), key=len, reverse=True) if p.strip()]
        # Phrases are removed even when glued into a paragraph, as scraped notices often are.
        self._phrases = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        self._patterns = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in patterns]

    def strip(self, text: str) -> str:
        """The text without any phrase or pattern match, blank lines dropped."""
        # Lines first: the patterns anchor on lines, and a run of thousands of blanks (real
        # pages have them) made a pattern with two optional runs of spaces take quadratic time.
        text = normalise_lines(text)
        if self._phrases is not None:
            text = self._phrases.sub(" ", text)
        for pattern in self._patterns:
            text = pattern.sub(" ", text)
        return normalise_lines(text)


def normalise_lines(text: str) -> str:
    """Collapse runs of spaces, strip lines and drop empty ones."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def line_hash(line: str) -> str:
    """A key for a line that ignores case and spacing."""
    norm = _SPACES.sub(" ", line).strip().casefold()
    return hashlib.sha1(norm.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def short_lines(text: str, max_chars: int) -> dict[str, str]:
    """The distinct lines of a text short enough to be template text, by hash."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and len(line) <= max_chars:
            out.setdefault(line_hash(line), line)
    return out


def _as_int(digest: str) -> int:
    """A line hash as a signed 64-bit number (DuckDB BIGINT)."""
    return int(digest, 16) - (1 << 63)


def article_marks(text: str, k: int = MARKS_PER_ARTICLE) -> frozenset[int]:
    """Marks of an article's own text: the k smallest hashes of the word runs of its
    sentence-length lines. Versions of one story, even lightly rewritten, share a good part of
    them; unrelated stories of a site share next to none (a bottom-k sample of the runs)."""
    runs: set[int] = set()
    for line in text.splitlines():
        if len(line.strip()) < _MARK_CHARS:
            continue
        words = _WORD.findall(line.casefold())
        for i in range(max(len(words) - _MARK_WORDS + 1, 1)):
            digest = hashlib.blake2b(" ".join(words[i : i + _MARK_WORDS]).encode(), digest_size=8)
            runs.add(int.from_bytes(digest.digest(), "big", signed=True))
    return frozenset(sorted(runs)[:k] or [_as_int(line_hash(text))])


def template_lines(
    articles: Sequence[tuple[str | None, str, frozenset[int]]],
    stored: Mapping[str, Mapping[str, LineStats]],
    min_stories: int,
    max_chars: int,
    edge: int = EDGE_LINES,
) -> list[set[str]]:
    """For each (site, text, marks) article, the hashes of its lines that are site template.

    A short line is template when unrelated stories of its site carry it (versions of one
    story count once): `min_stories` of them where it sits at the top or bottom of the text,
    where menus, banners and notices sit, and twice as many inside the text, where a line is
    more likely the story's own.
    """
    state: dict[str, dict[str, LineStats]] = {}
    for site, text, marks in articles:
        if site:
            lines = state.setdefault(site, dict(stored.get(site, {})))
            for h in short_lines(text, max_chars):
                lines[h] = add_carrier(lines.get(h), marks)
    out: list[set[str]] = []
    for site, text, _ in articles:
        stats = state.get(site or "", {})
        rows = [ln.strip() for ln in text.splitlines() if ln.strip()]
        drop: set[str] = set()
        for i, line in enumerate(rows):
            if len(line) > max_chars:
                continue
            h = line_hash(line)
            seen = stats.get(h)
            at_edge = i < edge or i >= len(rows) - edge
            if seen is not None and seen.stories >= min_stories * (1 if at_edge else 2):
                drop.add(h)
        out.append(drop)
    return out


def drop_lines(text: str, hashes: set[str]) -> str:
    """The text without the lines whose hash is in `hashes`."""
    if not hashes:
        return text
    return "\n".join(line for line in text.splitlines() if line_hash(line) not in hashes)


__all__ = [
    "PhraseFilter",
    "article_marks",
    "drop_lines",
    "line_hash",
    "normalise_lines",
    "short_lines",
    "template_lines",
]
