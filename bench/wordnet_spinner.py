"""A sense-blind article spinner over WordNet, built the way cheap spinning tools work.

Content farms run copied news through tools that look every word up in a thesaurus and take
any synonym of any sense: "law enforcement" turns into "jurisprudence enforcement", "Tuesday"
into "Tues", "Kazakhstan" into "Republic of Kazakhstan", a surname that is also a noun into
another noun, "3" into "three" or "III". `WordNetSpinner.spin` does that at a given share of
the text's words, proper nouns included, with multi-word lookups and replacements, and
`reorder` moves sentences and paragraphs the way farms do to dodge duplicate checks.

The thesaurus is Princeton WordNet 3.0 as Debian packages it (`apt-get install wordnet-base`,
files in /usr/share/wordnet; another folder with the same files can be named with
$WORDNET_DIR). Only a few dozen function words (articles, auxiliaries, pronouns) are left alone, as
most tools do.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_DIR = Path("/usr/share/wordnet")
_POS = ("noun", "verb", "adj", "adv")
# Words, numbers with separators, and hyphenated words: what a spinner looks up.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[’'.,-][A-Za-z0-9]+)*")
# What cheap spinners leave alone: articles, auxiliaries and pronouns their thesauri lack.
# Our own short list, independent of the stopwords newswatch compares on.
_KEEP = frozenset(
    (
        *("a", "an", "the", "in", "it", "its", "us", "we", "i", "he", "she", "they"),
        *("do", "does", "did", "be", "is", "was", "are", "were", "been", "being"),
        *("have", "has", "had", "will", "would", "can", "could", "may", "might", "must"),
        *("shall", "should", "not", "no", "to", "of", "and", "or", "but"),
    )
)
_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘«(]?[A-ZА-ЯЁ0-9])")


class WordNetMissing(RuntimeError):
    """WordNet's data files are not installed."""


def wordnet_dir() -> Path:
    """Where WordNet's dict files are: $WORDNET_DIR or Debian's wordnet-base."""
    return Path(os.environ.get("WORDNET_DIR", DEFAULT_DIR))


@dataclass(frozen=True)
class Thesaurus:
    """Every synonym of every sense of a lemma (lower case, multi-word lemmas with spaces)."""

    synonyms: dict[str, tuple[str, ...]]
    # Inflected forms to lemmas, from WordNet's exception lists ("went" -> "go").
    exceptions: dict[str, str]
    longest: int

    def lookup(self, phrase: str) -> tuple[str, ...]:
        """The synonyms of a word or phrase as written, trying its base form when inflected."""
        low = phrase.casefold()
        if low in self.synonyms:
            return self.synonyms[low]
        if low in self.exceptions:
            return self.synonyms.get(self.exceptions[low], ())
        for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e")):
            if low.endswith(suffix) and len(low) > len(suffix) + 2:
                base = low[: -len(suffix)] + repl
                if base in self.synonyms:
                    return self.synonyms[base]
        return ()


def _parse_data(path: Path) -> dict[str, list[str]]:
    """Synset offset -> its words, from one data.<pos> file."""
    out: dict[str, list[str]] = {}
    with path.open(encoding="latin-1") as fh:
        for line in fh:
            if line.startswith(" "):
                continue  # the licence header
            fields = line.split(" ", 4)
            count = int(fields[3], 16)
            rest = line.split(" ")[4 : 4 + 2 * count : 2]
            # Adjective markers such as "(a)" or "(p)" are not part of the word.
            out[fields[0]] = [re.sub(r"\(\w+\)$", "", w).replace("_", " ") for w in rest]
    return out


@cache
def load_thesaurus(folder: Path | None = None) -> Thesaurus:
    """WordNet's lemmas and synsets, read once per process (about two seconds)."""
    folder = folder or wordnet_dir()
    if not (folder / "index.noun").exists():
        raise WordNetMissing(
            f"WordNet not found in {folder}: apt-get install wordnet-base, or set WORDNET_DIR"
        )
    synonyms: dict[str, dict[str, None]] = defaultdict(dict)
    exceptions: dict[str, str] = {}
    longest = 1
    for pos in _POS:
        synsets = _parse_data(folder / f"data.{pos}")
        with (folder / f"index.{pos}").open(encoding="latin-1") as fh:
            for line in fh:
                if line.startswith(" "):
                    continue
                fields = line.split()
                lemma = fields[0].replace("_", " ")
                n_senses = int(fields[2])
                for offset in fields[-n_senses:]:
                    for word in synsets.get(offset, ()):
                        if word.casefold() != lemma:
                            synonyms[lemma][word] = None
                longest = max(longest, lemma.count(" ") + 1)
        exc = folder / f"{pos}.exc"
        if exc.exists():
            for line in exc.read_text(encoding="latin-1").splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    exceptions.setdefault(parts[0].replace("_", " "), parts[1].replace("_", " "))
    return Thesaurus({k: tuple(v) for k, v in synonyms.items() if v}, exceptions, min(longest, 3))


def cased(replacement: str, original: str) -> str:
    """The replacement in the original's case pattern (capitalised or upper-case first word)."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@dataclass(frozen=True)
class SpinResult:
    """A spun text and the share of its words that were replaced."""

    text: str
    rate: float


class WordNetSpinner:
    """Replaces a share of a text's words with WordNet synonyms of any sense."""

    def __init__(self, thesaurus: Thesaurus | None = None) -> None:
        self.thesaurus = thesaurus or load_thesaurus()

    def spin(self, text: str, rate: float, rng: random.Random) -> SpinResult:
        """The text with about `rate` of its words replaced (phrases count all their words)."""
        matches = list(_TOKEN.finditer(text))
        slots: list[tuple[int, int, tuple[str, ...]]] = []  # (first token, length, options)
        i = 0
        while i < len(matches):
            step = 1
            for n in range(self.thesaurus.longest, 0, -1):
                group = matches[i : i + n]
                if len(group) < n or not _adjacent(text, group):
                    continue
                phrase = text[group[0].start() : group[-1].end()]
                if n == 1 and phrase.casefold() in _KEEP:
                    break
                options = self.thesaurus.lookup(phrase)
                if options:
                    slots.append((i, n, options))
                    step = n
                    break
            i += step
        words = len(matches)
        budget = round(rate * words)
        rng.shuffle(slots)
        chosen: list[tuple[int, int, tuple[str, ...]]] = []
        used = 0
        for slot in slots:
            if used >= budget:
                break
            chosen.append(slot)
            used += slot[1]
        chosen.sort()
        out: list[str] = []
        pos = 0
        for first, n, options in chosen:
            start, end = matches[first].start(), matches[first + n - 1].end()
            out.append(text[pos:start])
            out.append(cased(rng.choice(options), text[start:end]))
            pos = end
        out.append(text[pos:])
        return SpinResult("".join(out), used / words if words else 0.0)


def _adjacent(text: str, group: list[re.Match[str]]) -> bool:
    """Whether tokens are separated by single spaces only (so they can form a phrase)."""
    return all(text[a.end() : b.start()] == " " for a, b in itertools.pairwise(group))


def reorder(text: str, rng: random.Random, swaps: float = 0.3) -> str:
    """Sentences swapped with their neighbours inside paragraphs, and one paragraph moved."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    out = []
    for para in paragraphs:
        sentences = _SENTENCE.split(para)
        for k in range(len(sentences) - 1):
            if rng.random() < swaps:
                sentences[k], sentences[k + 1] = sentences[k + 1], sentences[k]
        out.append(" ".join(sentences))
    if len(out) > 3:
        moved = out.pop(rng.randrange(1, len(out)))
        out.insert(rng.randrange(1, len(out) + 1), moved)
    return "\n\n".join(out)
