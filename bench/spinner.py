"""An article "spinner" like the ones content farms run over copied news.

Farm copies swap words one by one for dictionary synonyms without reading the context, so "law
enforcement" becomes "regulation enforcement", a first name that is also a word gets translated
("Grace" -> "Elegance") and digits get spelled out ("3,000" -> "three,000"). `spin` does that
at a controlled rate; `reorder_sentences` and `add_boilerplate` add the other farm habits.

The synonym table below is our own and is tuned to the vocabulary of `bench.newsgen`, so that
well over a third of a generated report's word tokens have a replacement.

Usage::

    rng = random.Random(1)
    copy = spin(report.text, 0.2, rng)
    copy = add_boilerplate(reorder_sentences(copy, rng), rng)
    title = spin_title(report.title, 0.2, rng)
"""

from __future__ import annotations

import random
import re

from bench.datafiles import data, text
from bench.newsgen import related_headlines, split_sentences

# word: replacements. One line per entry; a replacement may be two words.
_SYNONYM_TABLE = text("spinner/synonym_table.txt")

# First names that are also English words, and what a spinner turns them into.
NAME_MEANINGS: dict[str, str] = data("spinner/name_meanings.json")


def _parse_table(block: str) -> dict[str, tuple[str, ...]]:
    """Parse "word: a, b, c" lines, dropping replacements equal to the word itself."""
    table: dict[str, tuple[str, ...]] = {}
    for line in block.strip().splitlines():
        word, _, rest = line.partition(":")
        word = word.strip().lower()
        options = tuple(
            dict.fromkeys(o.strip() for o in rest.split(",") if o.strip().lower() != word)
        )
        if options:
            table[word] = options
    return table


SYNONYMS: dict[str, tuple[str, ...]] = _parse_table(_SYNONYM_TABLE)

_ONES = data("spinner/ones.json")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Words (with inner apostrophes or hyphens) and numbers; ordinals like "36th" stay one token.
TOKEN_RE = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?")
_YEAR_RE = re.compile(r"(19|20)\d\d")


def tokens(text: str) -> list[str]:
    """The word and number tokens of text, in order."""
    return TOKEN_RE.findall(text)


def _number_words(n: int) -> str:
    """0-999 in words, hyphenated the usual way (45 -> "forty-five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {_number_words(rest)}" if rest else "")


def mangle_number(token: str) -> str | None:
    """ "3,000" -> "three,000", "12" -> "twelve", "4.5" -> "four.5"; None for years/ordinals."""
    if not token[-1].isdigit() or _YEAR_RE.fullmatch(token):
        return None
    head, sep, tail = re.match(r"(\d+)(\D?)(.*)", token).groups()  # type: ignore[union-attr]
    if int(head) > 999:
        return None
    return _number_words(int(head)) + sep + tail


def _match_case(original: str, replacement: str) -> str:
    """Give the replacement the original's capitalisation (first word only for phrases)."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def synonym_for(token: str, rng: random.Random) -> str | None:
    """A replacement for a word token, or None if the table has none."""
    if token in NAME_MEANINGS:  # a name is only swapped through mangle_names
        return None
    low = token.lower()
    suffix = ""
    if low not in SYNONYMS and low.endswith(("'s", "’s")):
        low, suffix = low[:-2], token[-2:]
    options = SYNONYMS.get(low)
    if not options:
        return None
    return _match_case(token, rng.choice(options)) + suffix


def has_synonym(token: str) -> bool:
    """Whether spin can swap this token for a synonym."""
    low = token.lower()
    if token in NAME_MEANINGS:
        return False
    return low in SYNONYMS or (low.endswith(("'s", "’s")) and low[:-2] in SYNONYMS)


def spin(
    text: str,
    rate: float,
    rng: random.Random,
    *,
    mangle_names: float = 0.3,
    mangle_numbers: float = 0.3,
) -> str:
    """Replace `rate` of all word tokens (names and numbers mangled first, then synonyms)."""
    matches = list(TOKEN_RE.finditer(text))
    budget = round(rate * len(matches))
    changes: dict[int, str] = {}
    for i, m in enumerate(matches):
        tok = m.group()
        if tok in NAME_MEANINGS and rng.random() < mangle_names:
            changes[i] = NAME_MEANINGS[tok]
        elif tok[0].isdigit() and rng.random() < mangle_numbers:
            mangled = mangle_number(tok)
            if mangled:
                changes[i] = mangled
    candidates = [i for i, m in enumerate(matches) if i not in changes and has_synonym(m.group())]
    for i in rng.sample(candidates, min(len(candidates), max(0, budget - len(changes)))):
        changes[i] = synonym_for(matches[i].group(), rng) or matches[i].group()
    out: list[str] = []
    pos = 0
    for i, m in enumerate(matches):
        if i in changes:
            out.append(text[pos : m.start()])
            out.append(changes[i])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def spin_title(title: str, rate: float, rng: random.Random) -> str:
    """Spin a headline at the same rate, changing at least one word when rate > 0 if possible."""
    n = len(TOKEN_RE.findall(title))
    if rate <= 0 or not n:
        return spin(title, rate, rng)
    out = spin(title, max(rate, 1 / n), rng)
    if out == title:  # no synonym picked up: fall back on names and numbers
        out = spin(title, max(rate, 1 / n), rng, mangle_names=1.0, mangle_numbers=1.0)
    return out


def reorder_sentences(text: str, rng: random.Random, fraction: float = 0.3) -> str:
    """Swap some adjacent sentences inside paragraphs and some paragraphs after the first."""
    paras = [split_sentences(p) for p in text.split("\n\n")]
    changed = False
    for sents in paras:
        i = 0
        while i < len(sents) - 1:
            if rng.random() < fraction:
                sents[i], sents[i + 1] = sents[i + 1], sents[i]
                changed = True
                i += 1
            i += 1
    for i in range(1, len(paras) - 1):
        if rng.random() < fraction / 2:
            paras[i], paras[i + 1] = paras[i + 1], paras[i]
            changed = True
    if not changed:
        # Guarantee a visible change: swap the first two sentences of the longest paragraph.
        longest = max(paras, key=len)
        if len(longest) > 1:
            longest[0], longest[1] = longest[1], longest[0]
        elif len(paras) > 2:
            paras[1], paras[2] = paras[2], paras[1]
    return "\n\n".join(" ".join(s) for s in paras)


_START_LINES = data("spinner/start_lines.json")
_MIDDLE_LINES = data("spinner/middle_lines.json")
_END_LINES = data("spinner/end_lines.json")


def _line(template: str, rng: random.Random) -> str:
    return template.format(n=rng.randint(2, 9), headline=related_headlines(rng, 1)[0])


def add_boilerplate(text: str, rng: random.Random) -> str:
    """Insert farm boilerplate lines at the start, in the middle and at the end."""
    paras = text.split("\n\n")
    if rng.random() < 0.7:
        paras.insert(0, _line(rng.choice(_START_LINES), rng))
    for _ in range(rng.randint(1, 2)):
        paras.insert(rng.randint(2, max(2, len(paras) - 1)), _line(rng.choice(_MIDDLE_LINES), rng))
    for template in rng.sample(_END_LINES, rng.randint(1, 3)):
        paras.append(_line(template, rng))
    return "\n\n".join(paras)
