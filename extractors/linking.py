"""One entity across scripts: Cyrillic names linked to the Latin-script names of English coverage.

A name is linked by evidence, strongest first: a country's CLDR name in Russian (babel), then
transliteration (iuliia's schemes) compared with rapidfuzz within the same label family. A
person's full name must match on the surname and on the given name, so two people who share a
surname stay apart; a surname alone is linked only when one known person carries it. A wrong
merge of two people is worse than a missed link: below the threshold nothing is linked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from common.links import EntityLink as Link
from extractors.morph import has_cyrillic

# spaCy tells countries and cities (GPE) from other places (LOC); natasha does not. A place
# links to a place whichever of the two its candidate carries.
FAMILY = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
# Schemes differ on the letters English names disagree on most: й (y/i), ж (zh/j), х (kh/h),
# ю/я (yu/iu, ya/ia); scoring the best of them matches whichever one a newsroom used.
_SCHEMES = ("WIKIPEDIA", "ICAO_DOC_9303", "BGN_PCGN", "SCIENTIFIC", "MOSMETRO", "ALA_LC")
_NON_LETTER = re.compile(r"[^a-z]+")


def family(label: str) -> str:
    """The label family names are linked within."""
    return FAMILY.get(label, label)


def fold_latin(name: str) -> str:
    """Lower-case ASCII letters and single spaces ("Tokaýew" -> "tokayew")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("ı", "i").replace("ø", "o").replace("ł", "l").replace("đ", "d")
    return _NON_LETTER.sub(" ", bare).strip()


@lru_cache(maxsize=50_000)
def transliterations(name: str) -> tuple[str, ...]:
    """A Cyrillic name in each scheme, folded; a Latin name folded."""
    if not has_cyrillic(name):
        return (fold_latin(name),)
    import iuliia

    seen = dict.fromkeys(fold_latin(getattr(iuliia, s).translate(name)) for s in _SCHEMES)
    return tuple(seen)


@lru_cache(maxsize=1)
def territories() -> dict[str, tuple[str, str]]:
    """Countries' Russian CLDR names (folded) -> (English CLDR name, ISO code)."""
    from babel import Locale

    english = Locale("en").territories
    out = {}
    for code, local in Locale("ru").territories.items():
        if len(code) == 2 and code.isalpha() and code in english:
            out[local.casefold().replace("ё", "е")] = (english[code], code)
    return out


def territory_names() -> list[str]:
    """English CLDR names of every country (candidates for any place named in Cyrillic)."""
    return sorted({english for english, _ in territories().values()})


@dataclass(frozen=True)
class _Candidate:
    name: str
    label: str
    tokens: tuple[str, ...]


def _tokens(folded: str) -> tuple[str, ...]:
    return tuple(folded.split())


# English spelling habits no transliteration scheme has: Alexander/Aleksandr, Maxim/Maksim,
# Berdimuhamedow/Berdymukhamedov, Joe/Dzho, Tokayev/Tokaev; both sides are reduced alike.
_SKELETON = (
    ("x", "ks"),
    ("dzh", "j"),
    ("dz", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("w", "v"),
    ("y", "i"),
    ("ie", "i"),
    ("ai", "a"),
    ("ei", "e"),
    ("oi", "o"),
)
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)
def skeleton(folded: str) -> str:
    """A folded name reduced to the letters spellings of it agree on."""
    out = folded
    for old, new in _SKELETON:
        out = out.replace(old, new)
    return _DOUBLED.sub(r"\1", out)


def _similarity(a: str, b: str) -> float:
    """rapidfuzz's normalised Indel similarity of two folded strings (or of their skeletons,
    whichever is higher), 0..1."""
    from rapidfuzz import fuzz

    return max(float(fuzz.ratio(a, b)), float(fuzz.ratio(skeleton(a), skeleton(b)))) / 100.0


class Candidates:
    """Latin-script names of known entities, indexed by label family for fast shortlists."""

    def __init__(
        self, names: Iterable[tuple[str, str]], aliases: Iterable[tuple[str, str, str]] = ()
    ) -> None:
        """`names` are (name, label); `aliases` (alias, name, label) are other spellings of a
        name, such as a topic's "Astana" for Nur-Sultan."""
        self.by_family: dict[str, list[_Candidate]] = {}
        seen: set[tuple[str, str, str]] = set()
        for spelling, name, label in [*((n, n, lbl) for n, lbl in names), *aliases]:
            if has_cyrillic(spelling) or (spelling, name, label) in seen:
                continue
            seen.add((spelling, name, label))
            folded = fold_latin(spelling)
            if folded:
                cand = _Candidate(name, label, _tokens(folded))
                self.by_family.setdefault(family(label), []).append(cand)
        # Surnames (last words) and whole names per family, as rapidfuzz choice lists.
        self._lasts = {f: [c.tokens[-1] for c in cs] for f, cs in self.by_family.items()}
        self._wholes = {f: [" ".join(c.tokens) for c in cs] for f, cs in self.by_family.items()}

    def of(self, label: str) -> list[_Candidate]:
        """Every candidate a name of this label may link to."""
        return self.by_family.get(family(label), [])

    def near(self, label: str, keys: Iterable[str], floor: float, whole: bool) -> list[_Candidate]:
        """Candidates whose surname (or whole name) is within reach of one of these keys: a
        shortlist computed in C, so a warehouse of many thousand names links quickly."""
        from rapidfuzz import fuzz, process

        fam = family(label)
        choices = (self._wholes if whole else self._lasts).get(fam, [])
        found: dict[int, None] = {}
        for key in keys:
            for _, _, i in process.extract(
                # A loose cutoff: the skeleton comparison may still lift what this one scores low.
                key,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=(floor - 0.2) * 100,
                limit=50,
            ):
                found[i] = None
        pool = self.by_family.get(fam, [])
        return [pool[i] for i in found]


class Linker:
    """Links Cyrillic entity names to Latin-script ones (or leaves them as they are)."""

    def __init__(
        self, threshold: float = 0.8, surname_threshold: float = 0.9, name_threshold: float = 0.88
    ) -> None:
        self.threshold = threshold
        self.surname_threshold = surname_threshold
        # Places and organisations are one string, not two parts that must each agree: short
        # names ("Китай", "Italy") come close by chance, so they need a higher score.
        self.name_threshold = name_threshold

    def link(self, name: str, label: str, candidates: Candidates) -> Link | None:
        """The best-supported link of a Cyrillic name, or None."""
        if not has_cyrillic(name):
            return None
        if family(label) == "PLACE":
            known = territories().get(name.casefold().replace("ё", "е"))
            if known:
                english, code = known
                target = next((c for c in candidates.of(label) if c.name == english), None)
                return Link(
                    name,
                    label,
                    english,
                    target.label if target else "GPE",
                    "territory",
                    1.0,
                    f"CLDR Russian name of {code}",
                )
        if label == "PERSON":
            return self._person(name, label, candidates)
        return self._whole(name, label, candidates)

    def _whole(self, name: str, label: str, candidates: Candidates) -> Link | None:
        """Places and organisations: the whole transliterated name against each candidate."""
        best: tuple[float, _Candidate, str] | None = None
        variants = transliterations(name)
        for variant in variants:
            for cand in candidates.near(label, variants, self.name_threshold, whole=True):
                score = _similarity(variant, " ".join(cand.tokens))
                if best is None or score > best[0]:
                    best = (score, cand, variant)
        if best is None or best[0] < self.name_threshold:
            return None
        score, cand, variant = best
        return Link(name, label, cand.name, cand.label, "transliteration", round(score, 3), variant)

    def _person(self, name: str, label: str, candidates: Candidates) -> Link | None:
        """People: surname and given name must each match; a lone surname must be unique."""
        variants = [_tokens(v) for v in transliterations(name)]
        if not variants or not variants[0]:
            return None
        scored: list[tuple[float, _Candidate, str]] = []
        alone = len(variants[0]) == 1
        floor = self.surname_threshold if alone else self.threshold
        for cand in candidates.near(label, {v[-1] for v in variants}, floor, whole=False):
            # Each word takes its best scheme: newsrooms mix them ("Andrei Serdyukov").
            score = self._person_score(variants, cand.tokens)
            if score > 0:
                scored.append((score, cand, " ".join(variants[0])))
        if not scored:
            return None
        scored.sort(key=lambda s: -s[0])
        score, cand, shown = scored[0]
        if score < floor:
            return None
        rivals = {c.name for s, c, _ in scored if s >= floor and c.name != cand.name}
        if rivals:
            return None  # two known people fit: guessing between them would merge people
        method = "surname" if alone else "transliteration"
        return Link(name, label, cand.name, cand.label, method, round(score, 3), shown)

    @staticmethod
    def _person_score(variants: list[tuple[str, ...]], cand: tuple[str, ...]) -> float:
        """The weaker of the surname and given-name similarities (0 if the shapes differ)."""
        if len(variants[0]) == 1:
            target = cand[-1] if len(cand) >= 2 else cand[0]
            return max(_similarity(v[0], target) for v in variants)
        if len(cand) < 2:
            return 0.0  # a full name is not linked to a bare surname: it could be anyone's
        surname = max(_similarity(v[-1], cand[-1]) for v in variants)
        given = max(_similarity("".join(v[:-1]), "".join(cand[:-1])) for v in variants)
        return min(surname, given)
