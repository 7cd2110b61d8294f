"""A labelled "same story" set built from real published reports, spun the way farms spin.

Originals are real articles we did not write, from two public corpora that stay outside the
repository (their texts belong to their publishers):

- **bbc**: the BBC News dataset of D. Greene and P. Cunningham (2,225 reports from 2004-05 in
  five sections, one file per report: headline, blank line, paragraphs);
- **aeb**: the ground truth of Zyte's article-extraction-benchmark (181 news and blog articles
  from many sites, the text a person marked as the article);
- **factru**: the Russian news texts of the factRuEval-2016 named-entity evaluation (255 texts
  from Russian news sites, MIT licence; first line headline-like lead, then paragraphs).

Get them with `git clone https://github.com/dejanbatanjac/bbc-article-classify-bert` (its
bbc/ folder is the dataset), `git clone https://github.com/scrapinghub/article-extraction-benchmark`
and `git clone https://github.com/dialogue-evaluation/factRuEval-2016`;
`python -m bench.stories_real --unpack --bbc-repo CLONE --aeb-repo CLONE --factru-repo CLONE`
copies what the bench reads into `.bench-data/real/` (the defaults are the mirrors of our
development machine).

Each chosen original gets a syndicated copy (another desk's headline, a credit line, an edited
sentence, sometimes a dropped last paragraph) and WordNet spins of 10, 20, 35 and 50% of its
words, plus a 20% spin with reordered sentences (bench/wordnet_spinner.py; Russian texts go
through bench/ru_spinner.py, which inflects its synonyms, and get Russian credit lines).
Every other report of the split is a negative; the **same_event** negatives are those that
share the most names and numbers with a chosen original (in the BBC set: other reports on the
same company, trial, election or match), dated the same day. Reports that are themselves
near-duplicates in the corpus (the BBC set has some) are dropped first, so no negative is
secretly a copy.

The splits keep tuning and reporting apart: `dev` is the aeb articles with BBC's sport, tech
and entertainment sections; `test` is BBC's business and politics sections. For Russian,
`ru-dev` is factRuEval's devset and `ru-test` its testset.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from bench.newsgen import FARM_SITES, SITES
from bench.ru_spinner import RussianSpinner
from bench.stories_set import Item, _edit_sentence, headline_variant
from bench.wordnet_spinner import SpinResult, WordNetSpinner, reorder
from extractors.stories import fingerprint, jaccard, skeleton

DATA_DIR = Path(".bench-data/real")
SPLITS = {
    "dev": ("aeb", "bbc/sport", "bbc/tech", "bbc/entertainment"),
    "test": ("bbc/business", "bbc/politics"),
    "ru-dev": ("factru/devset",),
    "ru-test": ("factru/testset",),
}
SPIN_KINDS = {"spun10": 0.10, "spun20": 0.20, "spun35": 0.35, "spun50": 0.50}
COPY_KINDS = ("syndicated", *SPIN_KINDS, "spun20_reordered")
NEGATIVE_KINDS = ("original", "same_event")
_CREDITS = (
    "This report first appeared on {site}.",
    "Republished from {site} with permission.",
    "Source: {site}",
)
_CREDITS_RU = (
    "Материал впервые опубликован на {site}.",
    "Перепечатано с разрешения {site}.",
    "Источник: {site}",
)


class Spinner(Protocol):
    """What builds the spun copies: a thesaurus spinner of the split's language."""

    def spin(self, text: str, rate: float, rng: random.Random) -> SpinResult:
        """The text with about `rate` of its words replaced."""
        ...


@dataclass(frozen=True)
class Report:
    """A real report: where it comes from, its headline and its paragraphs."""

    report_id: str
    source: str  # corpus and section, e.g. "bbc/business"
    site: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The body as newswatch stores it: paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


# --------------------------------------------------------------------------------------------
# Reading the corpora
# --------------------------------------------------------------------------------------------


def _bbc(folder: Path, section: str) -> list[Report]:
    """The reports of one BBC section: first line headline, then paragraphs."""
    out = []
    for path in sorted((folder / section).glob("*.txt")):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        lines = raw.strip().split("\n")
        title = lines[0].strip()
        paras = tuple(p.strip() for p in "\n".join(lines[1:]).split("\n") if p.strip())
        if len(paras) >= 3:
            sid = f"{section.replace('/', '-')}-{path.stem}"
            out.append(Report(sid, section, "bbc.example", title, paras))
    return out


def _aeb(folder: Path) -> list[Report]:
    """The benchmark's articles: the marked article body, its URL's host, a headline from it."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for key, row in sorted(truth.items()):
        paras = tuple(p.strip() for p in row["articleBody"].split("\n") if p.strip())
        words = sum(len(p.split()) for p in paras)
        if len(paras) < 3 or words < 150:
            continue
        host = urlsplit(row["url"]).hostname or "aeb.example"
        # The ground truth has no headline: the URL slug is the one the site gave.
        slug = [s for s in urlsplit(row["url"]).path.split("/") if s]
        words_of_slug = re.sub(r"[-_]+", " ", re.sub(r"\.\w+$", "", slug[-1] if slug else ""))
        title = words_of_slug if len(words_of_slug.split()) >= 4 else paras[0][:90]
        out.append(Report(f"aeb-{key[:12]}", "aeb", host, title.strip(), paras))
    return out


def _factru(folder: Path, part: str) -> list[Report]:
    """factRuEval's texts: first line a headline-like lead, then paragraphs (its tokeniser left
    a space before sentence ends, which we take back out)."""
    out = []
    for path in sorted((folder / part).glob("*.txt")):
        raw = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        lines = [re.sub(r"\s+([.,!?;:])", r"\1", ln).strip() for ln in raw.split("\n")]
        lines = [ln for ln in lines if ln]
        if len(lines) < 3 or sum(len(ln.split()) for ln in lines) < 80:
            continue
        out.append(
            Report(
                f"factru-{path.stem}",
                f"factru/{part}",
                "ru.example",
                lines[0][:140],
                tuple(lines[1:]),
            )
        )
    return out


def language(split: str) -> str:
    """The language of a split's reports."""
    return "ru" if split.startswith("ru-") else "en"


def load_reports(split: str, root: Path = DATA_DIR) -> list[Report]:
    """Every usable report of a split, corpus duplicates removed."""
    reports: list[Report] = []
    for source in SPLITS[split]:
        if source == "aeb":
            reports += _aeb(root / "aeb")
        elif source.startswith("factru/"):
            reports += _factru(root / "factru", source.split("/", 1)[1])
        else:
            reports += _bbc(root / "bbc", source.split("/", 1)[1])
    if not reports:
        raise SystemExit(f"no reports under {root}: run python -m bench.stories_real --unpack")
    return _deduplicated(reports)


def _deduplicated(reports: Sequence[Report]) -> list[Report]:
    """The reports without those that repeat an earlier one (same headline or most shingles)."""
    kept: list[Report] = []
    titles: set[str] = set()
    fps = []
    for r in reports:
        fp = fingerprint(r.title, r.text)
        if r.title.casefold() in titles or any(jaccard(fp.shingles, other) >= 0.3 for other in fps):
            continue
        titles.add(r.title.casefold())
        fps.append(fp.shingles)
        kept.append(r)
    return kept


# --------------------------------------------------------------------------------------------
# Copies
# --------------------------------------------------------------------------------------------


def syndicated(
    report: Report, site: str, rng: random.Random, credits: Sequence[str] = _CREDITS
) -> tuple[str, str]:
    """Another outlet's version: a varied headline, a credit line, one edited sentence."""
    paras = list(report.paragraphs)
    if len(paras) > 5 and rng.random() < 0.4:
        paras.pop()
    i = rng.randrange(len(paras))
    sentences = re.split(r"(?<=[.!?])\s+", paras[i])
    j = rng.randrange(len(sentences))
    sentences[j] = _edit_sentence(sentences[j], rng)
    paras[i] = " ".join(sentences)
    credit = rng.choice(credits).format(site=report.site)
    if rng.random() < 0.5:
        paras.insert(0, credit)
    else:
        paras.append(credit)
    return headline_variant(report.title, rng), "\n\n".join(paras)


def _names_numbers(report: Report) -> set[str]:
    """The names and numbers of a report (its skeleton's distinct tokens)."""
    return set(skeleton(f"{report.title}\n\n{report.text}"))


def hard_negatives(
    chosen: Sequence[Report], pool: Sequence[Report], per_original: int = 2
) -> dict[str, str]:
    """For each chosen original, the other reports sharing the most names and numbers with it
    (at least three): report id -> the id of the original it is a hard negative for."""
    marks = {r.report_id: _names_numbers(r) for r in (*chosen, *pool)}
    chosen_ids = {r.report_id for r in chosen}
    out: dict[str, str] = {}
    for r in chosen:
        mine = marks[r.report_id]
        ranked = sorted(
            (
                (len(mine & marks[o.report_id]), o.report_id)
                for o in pool
                if o.report_id not in chosen_ids and o.report_id not in out
            ),
            reverse=True,
        )
        for shared, other in ranked[:per_original]:
            if shared >= 3:
                out[other] = r.report_id
    return out


def build_real_set(
    split: str,
    seed: int = 5,
    originals: int = 100,
    negatives: int = 300,
    root: Path = DATA_DIR,
    spinner: Spinner | None = None,
) -> list[Item]:
    """The labelled items of one split, in a deterministic shuffled order (a small corpus gives
    a third of its reports as originals, the rest as negatives)."""
    rng = random.Random(seed)
    russian = language(split) == "ru"
    if spinner is None:
        spinner = RussianSpinner.load() if russian else WordNetSpinner()
    credits = _CREDITS_RU if russian else _CREDITS
    pool = load_reports(split, root)
    rng.shuffle(pool)
    originals = min(originals, len(pool) // 3)
    chosen = pool[:originals]
    rest = pool[originals:]
    hard = hard_negatives(chosen, rest)
    plain = [r for r in rest if r.report_id not in hard][: max(negatives - len(hard), 0)]
    start = datetime(2026, 11, 1, 6, 0)
    day_of: dict[str, datetime] = {}
    items: list[Item] = []
    for n, r in enumerate(chosen):
        when = start + timedelta(days=n % 10, minutes=rng.randint(0, 600))
        day_of[r.report_id] = when
        items.append(_item(r, r.report_id, "original", r.site, r.title, r.text, when, None))
        items += _copies(r, when, rng, spinner, credits)
    by_id = {r.report_id: r for r in rest}
    for rid, partner in hard.items():
        when = day_of[partner] + timedelta(minutes=rng.randint(-240, 240))
        r = by_id[rid]
        items.append(_item(r, rid, "same_event", r.site, r.title, r.text, when, None))
    for r in plain:
        when = start + timedelta(days=rng.randrange(10), minutes=rng.randint(0, 900))
        items.append(_item(r, r.report_id, "original", r.site, r.title, r.text, when, None))
    rng.shuffle(items)
    return items


def _copies(
    r: Report, when: datetime, rng: random.Random, spinner: Spinner, credits: Sequence[str]
) -> list[Item]:
    """The syndicated and spun copies of one original."""
    outlets = [s.domain for s in SITES]
    farms = [s.domain for s in FARM_SITES]
    out = []
    for kind in COPY_KINDS:
        later = when + timedelta(minutes=rng.randint(20, 60 * 20))
        if kind == "syndicated":
            site = rng.choice(outlets)
            title, text = syndicated(r, site, rng, credits)
        else:
            site = rng.choice(farms)
            rate = SPIN_KINDS.get(kind, 0.20)
            title = spinner.spin(r.title, rate, rng).text
            text = spinner.spin(r.text, rate, rng).text
            if kind.endswith("_reordered"):
                text = reorder(text, rng)
        items_id = f"{r.report_id}~{kind}"
        out.append(_item(r, items_id, kind, site, title, text, later, r.report_id))
    return out


def _item(
    r: Report,
    item_id: str,
    kind: str,
    site: str,
    title: str,
    text: str,
    when: datetime,
    source_of: str | None,
) -> Item:
    """An item of the set, on a URL of its site."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:60] or "story"
    url = f"https://{site}/{when:%Y/%m/%d}/{slug}-{zlib.crc32(item_id.encode()) % 10**6}"
    return Item(item_id, r.report_id, kind, site, url, title, text, when, source_of)


# --------------------------------------------------------------------------------------------
# Unpacking the corpora
# --------------------------------------------------------------------------------------------

MIRRORS = {
    "bbc": Path("/work/.mirror/dejanbatanjac+bbc-article-classify-bert/repo"),
    "aeb": Path("/work/.mirror/scrapinghub+article-extraction-benchmark/repo"),
    "factru": Path("/work/.mirror/dialogue-evaluation+factRuEval-2016/repo"),
}


def unpack(bbc_repo: Path, aeb_repo: Path, factru_repo: Path, root: Path = DATA_DIR) -> None:
    """Copy the BBC folder, the benchmark's ground truth and factRuEval's texts out of their
    git repositories."""
    root.mkdir(parents=True, exist_ok=True)
    _git_extract(bbc_repo, "bbc", root)
    (root / "factru").mkdir(exist_ok=True)
    for part in ("devset", "testset"):
        _git_extract(factru_repo, part, root / "factru")
    (root / "aeb").mkdir(exist_ok=True)
    truth = _git_show(aeb_repo, "ground-truth.json")
    (root / "aeb" / "ground-truth.json").write_bytes(truth)


def _git_dir(repo: Path) -> list[str]:
    """git arguments that address a bare mirror or a checkout."""
    return ["git", "--git-dir", str(repo if (repo / "HEAD").exists() else repo / ".git")]


def _git_show(repo: Path, path: str) -> bytes:
    """One file of a repository's HEAD."""
    return subprocess.run(
        [*_git_dir(repo), "show", f"HEAD:{path}"], check=True, capture_output=True
    ).stdout


def _git_extract(repo: Path, folder: str, root: Path) -> None:
    """A folder of a repository's HEAD, written under root."""
    archive = subprocess.run(
        [*_git_dir(repo), "archive", "--format=tar", "HEAD", folder],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)


def describe(items: Iterable[Item]) -> str:
    """Counts per kind."""
    counts = Counter(i.kind for i in items)
    return ", ".join(f"{k} {counts[k]}" for k in (*COPY_KINDS, *NEGATIVE_KINDS) if counts[k])


def main() -> None:
    """Command line: unpack the corpora, or print a set's counts and one spun copy."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--unpack", action="store_true")
    parser.add_argument("--bbc-repo", type=Path, default=MIRRORS["bbc"])
    parser.add_argument("--aeb-repo", type=Path, default=MIRRORS["aeb"])
    parser.add_argument("--factru-repo", type=Path, default=MIRRORS["factru"])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    args = parser.parse_args()
    if args.unpack:
        unpack(args.bbc_repo, args.aeb_repo, args.factru_repo)
        for split in SPLITS:
            print(f"{split}: {len(load_reports(split))} reports")
        return
    items = build_real_set(args.split)
    print(f"{args.split}: {len(items)} items; {describe(items)}")
    sample = next(i for i in items if i.kind == "spun35")
    print(f"\n{sample.title}\n\n{sample.text[:800]}")


if __name__ == "__main__":
    main()
