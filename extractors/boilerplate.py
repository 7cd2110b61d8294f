"""Boilerplate that survives extraction: configured phrases and lines a site repeats."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")


class PhraseFilter:
    """Removes configured phrases and regex patterns wherever they appear in a text."""

    def __init__(self, phrases: Sequence[str], patterns: Sequence[str]) -> None:
        parts = [re.escape(p) for p in sorted(set(phrases), key=len, reverse=True) if p.strip()]
        # Phrases are removed even when glued into a paragraph, as scraped notices often are.
        self._phrases = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        self._patterns = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in patterns]

    def strip(self, text: str) -> str:
        """The text without any phrase or pattern match, blank lines dropped."""
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


def repeated_lines(
    site_texts: Iterable[tuple[str | None, str]],
    stored_counts: Mapping[str, Mapping[str, int]],
    min_articles: int,
    max_chars: int,
) -> dict[str, set[str]]:
    """Per site, the hashes of lines found in at least `min_articles` articles (stored + batch)."""
    batch: dict[str, Counter[str]] = {}
    for site, text in site_texts:
        if site:
            batch.setdefault(site, Counter()).update(short_lines(text, max_chars).keys())
    out: dict[str, set[str]] = {}
    for site, counts in batch.items():
        stored = stored_counts.get(site, {})
        out[site] = {h for h, n in counts.items() if n + stored.get(h, 0) >= min_articles}
    return out


def drop_lines(text: str, hashes: set[str]) -> str:
    """The text without the lines whose hash is in `hashes`."""
    if not hashes:
        return text
    return "\n".join(line for line in text.splitlines() if line_hash(line) not in hashes)


__all__ = [
    "PhraseFilter",
    "drop_lines",
    "line_hash",
    "normalise_lines",
    "repeated_lines",
    "short_lines",
]
