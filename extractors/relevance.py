"""Topic relevance: a small boolean query language matched against article text.

Syntax (case-insensitive, Unicode-aware): words, trailing wildcards (``kazakh*``),
"quoted phrases" (``*`` allowed on a phrase's last word only; AND/OR/NOT inside quotes are
plain words), AND / OR / NOT (uppercase only; lowercase ``and`` is a plain word),
parentheses, and implicit AND between adjacent operands. Precedence: NOT > AND > OR.
Words match at word boundaries, so ``tokayev`` matches "Tokayev's" and "Kassym-Jomart"
contains the word ``kassym``. Error positions are 0-based offsets into the query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from extractors.literals import Engine, literal_search

# Casefolding can emit combining marks (İ -> i + U+0307); they must count as part of a word.
_CHAR = r"(?:[^\W_]|[\u0300-\u036f])"
_WORD = rf"{_CHAR}+(?:['-]{_CHAR}+)*"
_BEFORE, _AFTER = r"(?<![\w\u0300-\u036f])", r"(?![\w\u0300-\u036f])"
_TOKEN = re.compile(rf'(?P<ws>\s+)|(?P<paren>[()])|(?P<phrase>"[^"]*"?)|(?P<word>{_WORD}\*?)')
_CHAR_RE, _PHRASE_WORD = re.compile(_CHAR), re.compile(rf"{_WORD}\*?")
_MAX_DEPTH = 64  # keeps the recursive parser and evaluator far from Python's recursion limit
# Every term is looked for in every page: a query of 100,000 words made a 17-page run ten times
# slower. Real monitoring queries (Media Cloud's longest) are a few thousand characters.
MAX_QUERY_CHARS = 20_000
MAX_QUERY_TERMS = 2_000
# One-to-one replacements, so query offsets stay valid after straightening.
_APOSTROPHES = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u2010", "-"), ("\u2011", "-"))
_QUOTES = (("\u201c", '"'), ("\u201d", '"'))


class QueryError(ValueError):
    """A topic query does not parse; message says where and what was expected."""

    def __init__(self, query: str, reason: str, position: int) -> None:
        super().__init__(query, reason, position)  # plain args keep the exception picklable
        self.query, self.reason, self.position = query, reason, position

    def __str__(self) -> str:
        return f"query {self.query!r} : {self.reason} at position {self.position}"


@dataclass(frozen=True)
class QueryMatch:
    """Whether a text matched, and the positive query terms found in it (empty if not)."""

    matched: bool
    terms: tuple[str, ...]


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """Apply one-character replacements (str.replace beats str.translate on long texts)."""
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def normalise(text: str) -> str:
    """Casefold and NFC-normalise text, and straighten apostrophes and hyphens."""
    return _replace_all(unicodedata.normalize("NFC", text.casefold()), _APOSTROPHES)


@dataclass(frozen=True)
class _Term:
    key: str  # canonical spelling, also the per-text cache key
    needle: str  # literal that must occur: a cheap substring test saves most regex scans
    regex: re.Pattern[str]
    # Russian words also match by lemma ("коллективной безопасности" finds "коллективная
    # безопасность"): the term's lemmas, searched in the text's lemmas.
    lemma_regex: re.Pattern[str] | None = None


class _Text:
    """A normalised text and, computed once if a Russian term needs it, its lemmas."""

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self._lemmas: str | None = None

    def lemmas(self) -> str:
        """The text with every Cyrillic word replaced by its likeliest lemma."""
        if self._lemmas is None:
            from extractors.morph import lemma

            self._lemmas = _CYRILLIC_WORD.sub(lambda m: lemma(m.group()), self.norm)
        return self._lemmas


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:-[\u0400-\u04ff]+)*")


@dataclass(frozen=True)
class _Not:
    child: _Node


@dataclass(frozen=True)
class _Op:
    op: str  # "AND" or "OR"
    children: tuple[_Node, ...]


_Node: TypeAlias = "_Term | _Not | _Op"


def _term(words: list[str], quoted: bool) -> _Term:
    """Compile normalised words; a '*' on the last word makes it a prefix match."""
    bare = [*words[:-1], words[-1].rstrip("*")]
    tail = "" if words[-1].endswith("*") else _AFTER
    pattern = _BEFORE + r"\s+".join(map(re.escape, bare)) + tail
    key = " ".join(words)
    lemma_regex = None
    if any(_CYRILLIC_WORD.search(w) for w in bare):
        from extractors.morph import lemma

        # A prefix ("казахстан*") is already inflection-proof; whole words go to their lemma.
        lemmas = [lemma(w) if _CYRILLIC_WORD.fullmatch(w) else w for w in bare[:-1]]
        last = bare[-1] if tail == "" or not _CYRILLIC_WORD.fullmatch(bare[-1]) else lemma(bare[-1])
        lemma_regex = re.compile(_BEFORE + r"\s+".join(map(re.escape, [*lemmas, last])) + tail)
    return _Term(f'"{key}"' if quoted else key, bare[0], re.compile(pattern), lemma_regex)


def _eval(node: _Node, text: _Text, seen: dict[str, bool]) -> bool:
    """Evaluate lazily: short-circuit, and scan the text at most once per term."""
    if isinstance(node, _Term):
        hit = seen.get(node.key)
        if hit is None:
            norm = text.norm
            hit = node.needle in norm and node.regex.search(norm) is not None
            if not hit and node.lemma_regex is not None:
                hit = node.lemma_regex.search(text.lemmas()) is not None
            seen[node.key] = hit
        return hit
    if isinstance(node, _Not):
        return not _eval(node.child, text, seen)
    values = (_eval(child, text, seen) for child in node.children)
    return all(values) if node.op == "AND" else any(values)


def _positives(node: _Node, negated: bool = False) -> Iterator[_Term]:
    """Terms under an even number of NOTs, in query order."""
    if isinstance(node, _Term):
        yield from () if negated else (node,)
    elif isinstance(node, _Not):
        yield from _positives(node.child, not negated)
    else:
        for child in node.children:
            yield from _positives(child, negated)


_RAW_ENCODINGS = ("utf-8", "cp1251", "koi8-r")


def _raw_needles(term: _Term) -> tuple[bytes, ...]:
    """Byte strings one of which any text matching the term contains. A Cyrillic word drops
    its first letter (its case is unknown: bytes only lower-case ASCII) and its last three
    (inflection), so "казахстане" and "Казахстан" both hold "азахст"; the stem is looked for
    in capitals too."""
    # The longest run of letters: a hyphen or apostrophe may be another character on the page.
    needle = max(re.findall(r"\w+", term.needle) or [term.needle], key=len)
    if _CYRILLIC_WORD.search(needle):
        stem = needle[1 : max(len(needle) - 3, 4)]
        out = set()
        for form in (stem, stem.upper()):  # "ОДКБ" is written in capitals
            for encoding in _RAW_ENCODINGS:
                try:
                    out.add(form.encode(encoding))
                except UnicodeEncodeError:
                    out.add(form.encode("utf-8"))
        return tuple(sorted(out))
    return (needle.encode("utf-8"),)


def _necessary(node: _Node) -> list[_Term] | None:
    """Terms one of which any text matching the node contains, as few and as cheap to look
    for as the node allows: one side of an AND is enough. None when the node guarantees no
    term (a NOT: the page may carry the word outside its article)."""
    if isinstance(node, _Term):
        return [node]
    if isinstance(node, _Not):
        return None
    parts = [_necessary(child) for child in node.children]
    if node.op == "OR":
        if any(p is None for p in parts):
            return None
        return [t for p in parts if p is not None for t in p]
    known = [p for p in parts if p is not None]
    return min(known, key=_search_cost) if known else None


def _search_cost(terms: Sequence[_Term]) -> tuple[int, int]:
    """How costly a set of terms is to look for in bytes: short needles cost most."""
    needles = [n for t in terms for n in _raw_needles(t)]
    return sum(len(n) < 5 for n in needles), len(needles)


class RawTest:
    """Whether a page's raw bytes could match any of some topic queries, without decoding or
    parsing it. For each query it takes terms one of which any matching text must contain
    (one side of each AND, the cheaper to look for) and looks for them as literal needles in
    UTF-8, Windows-1251 and KOI8-R (whatever the page declares: declarations lie). It never
    turns away a page a query matches once cleaned (case, inflection and encoding are allowed
    for); it lets through pages that carry a word only outside their article.

    The needles are found in one pass by the fastest literal search this machine has (see
    extractors.literals: Hyperscan, several GB/s, caseless for ASCII, stopping at the first
    hit), or by the engine named."""

    def __init__(self, queries: Sequence[TopicQuery], engine: Engine | None = None) -> None:
        wanted = [_necessary(q._root) if q._root is not None else None for q in queries]
        terms = {t.key: t for w in wanted if w is not None for t in w}
        self._needles = sorted({n for t in terms.values() for n in _raw_needles(t)})
        passes_all = not queries or None in wanted or not self._needles or b"" in self._needles
        self._search = None if passes_all else literal_search(self._needles, engine)

    @property
    def always(self) -> bool:
        """Whether every page passes (a query guarantees no term: it has a NOT, or no words)."""
        return self._search is None

    @property
    def engine(self) -> str:
        """The literal search in use ("none" when every page passes)."""
        return self._search.engine if self._search is not None else "none"

    def __call__(self, raw: bytes) -> bool:
        """Whether the bytes hold a needle of some query's necessary terms."""
        return self._search is None or self._search(raw)


def _show(node: _Node) -> str:
    """Canonical, fully parenthesised form."""
    if isinstance(node, _Term):
        return node.key
    if isinstance(node, _Not):
        return f"NOT {_show(node.child)}"
    return "(" + f" {node.op} ".join(map(_show, node.children)) + ")"


def _join(op: str, parts: list[_Node]) -> _Node:
    """Flatten nested same-operator groups so the canonical form is unique."""
    if len(parts) == 1:
        return parts[0]
    flat: list[_Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, _Op) and part.op == op else (part,))
    return _Op(op, tuple(flat))


class _Parser:
    """Recursive descent: or := and (OR and)*; and := not ([AND] not)*; not := NOT not | atom."""

    def __init__(self, source: str) -> None:
        self.source = source
        # Tokens are (kind, text, position); kind is the keyword/paren itself, WORD, PHRASE or END.
        self.tokens = list(self._tokenize(_replace_all(source, _APOSTROPHES + _QUOTES)))
        self.i = 0

    def fail(self, reason: str, pos: int) -> QueryError:
        """An error about this query."""
        return QueryError(self.source, reason, pos)

    def _tokenize(self, query: str) -> Iterator[tuple[str, str, int]]:
        """Split the query into tokens, rejecting stray characters and misplaced '*'."""
        pos = 0
        while pos < len(query):
            if (m := _TOKEN.match(query, pos)) is None:
                bad = query[pos]
                raise self.fail(
                    "'*' must follow a word" if bad == "*" else f"unexpected {bad!r}", pos
                )
            text, kind = m.group(), m.lastgroup
            if kind == "word" and text.endswith("*") and _CHAR_RE.match(query, m.end()):
                raise self.fail("'*' is only allowed at the end of a word", m.end() - 1)
            if kind == "word":
                yield (text if text in ("AND", "OR", "NOT") else "WORD"), text, pos
            elif kind != "ws":
                yield (text if kind == "paren" else "PHRASE"), text, pos
            pos = m.end()
        yield "END", "", len(query)

    def take(self) -> tuple[str, str, int]:
        """Consume the current token."""
        self.i += 1
        return self.tokens[self.i - 1]

    def kind(self) -> str:
        """Kind of the current token."""
        return self.tokens[self.i][0]

    def parse(self) -> _Node | None:
        """Parse the whole query; None is the empty query."""
        if self.kind() == "END":
            return None
        node = self.or_(0)
        if self.kind() != "END":
            _, text, pos = self.tokens[self.i]
            raise self.fail(f"unexpected {text!r}", pos)
        return node

    def or_(self, depth: int) -> _Node:
        """OR-separated conjunctions."""
        parts = [self.and_(depth)]
        while self.kind() == "OR":
            self.take()
            parts.append(self.and_(depth))
        return _join("OR", parts)

    def and_(self, depth: int) -> _Node:
        """Explicit and implicit AND."""
        parts = [self.not_(depth)]
        while self.kind() in ("AND", "NOT", "(", "WORD", "PHRASE"):
            if self.kind() == "AND":
                self.take()
            parts.append(self.not_(depth))
        return _join("AND", parts)

    def not_(self, depth: int) -> _Node:
        """Prefix NOTs, then an atom: a word, phrase or parenthesised group."""
        kind, text, pos = self.take()
        if depth > _MAX_DEPTH:
            raise self.fail(f"nesting deeper than {_MAX_DEPTH}", pos)
        if kind == "NOT":
            return _Not(self.not_(depth + 1))
        if kind == "WORD":
            return _term([normalise(text)], quoted=False)
        if kind == "PHRASE":
            return self.phrase(text, pos)
        if kind == "(":
            if self.kind() == ")":
                raise self.fail("empty parentheses", pos)
            node = self.or_(depth + 1)
            if self.take()[0] != ")":
                raise self.fail("missing ')' to close the '(' opened", pos)
            return node
        found = "the query ended" if kind == "END" else f"found {text!r}"
        raise self.fail(f"expected a word, phrase, NOT or '(' but {found}", pos)

    def phrase(self, text: str, pos: int) -> _Term:
        """Validate and compile a quoted phrase."""
        if len(text) < 2 or not text.endswith('"'):
            raise self.fail("unterminated quote", pos)
        words = list(re.finditer(r"\S+", text[1:-1]))
        if not words:
            raise self.fail("empty phrase", pos)
        for n, word in enumerate(words, 1):
            at = pos + 1 + word.start()
            if _PHRASE_WORD.fullmatch(word.group()) is None:
                raise self.fail(f"{word.group()!r} in a phrase is not a word", at)
            if n < len(words) and word.group().endswith("*"):
                raise self.fail("'*' is only allowed on the last word of a phrase", at)
        return _term([normalise(word.group()) for word in words], quoted=True)


class TopicQuery:
    """A parsed topic query: parse once, match many texts."""

    def __init__(self, source: str, root: _Node | None) -> None:
        self.source = source
        self._root = root
        found = () if root is None else _positives(root)
        self._positives = tuple({t.key: t for t in found}.values())  # dict keeps first order

    @classmethod
    def parse(cls, query: str) -> TopicQuery:
        """Parse a query string; QueryError says where and what was expected."""
        if len(query) > MAX_QUERY_CHARS:
            reason = f"query too long: {len(query)} characters (at most {MAX_QUERY_CHARS})"
            raise QueryError(query[:200] + "...", reason, MAX_QUERY_CHARS)
        parser = _Parser(query)
        terms = sum(1 for kind, _, _ in parser.tokens if kind == "WORD")
        if terms > MAX_QUERY_TERMS:
            reason = f"query too long: {terms} terms (at most {MAX_QUERY_TERMS})"
            raise QueryError(query[:200] + "...", reason, 0)
        return cls(query, parser.parse())

    def match(self, text: str) -> QueryMatch:
        """Match a text (title + body); the empty query matches everything."""
        if self._root is None:
            return QueryMatch(True, ())
        norm, seen = _Text(normalise(text)), dict[str, bool]()
        if not _eval(self._root, norm, seen):
            return QueryMatch(False, ())
        return QueryMatch(True, tuple(t.key for t in self._positives if _eval(t, norm, seen)))

    def raw_filter(self) -> RawTest:
        """A cheap test on a page's raw bytes that never rejects a page this query could match
        (see RawTest)."""
        return RawTest([self])

    def __str__(self) -> str:
        return "" if self._root is None else _show(self._root)

    def __repr__(self) -> str:
        return f"TopicQuery.parse({self.source!r})"
