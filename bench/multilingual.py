"""Russian NER and cross-script linking: throughput against bare natasha, worker memory with
both languages' models loaded, and linking precision/recall.

    .venv/bin/python -m bench.multilingual                 # everything, 3 rounds
    .venv/bin/python -m bench.multilingual --only linking  # the linking figures alone

Throughput: the Russian pages of the sample corpus (cleaned by the pipeline's own cleaner),
through EntityExtractor (natasha, names put in the nominative, topic aliases by lemma) against
bare natasha (segmenter + news NER) on the same texts, alternating, in the same process.
Memory: a fresh process loads the English and the Russian pipelines, reads English and Russian
texts, and reports its peak RSS.
Linking: bench/data/linking_people.yaml (our own pairs, split into tune and report halves), and
public CLDR data we did not write (babel): Russian and English names of the world's cities
(time-zone exemplar cities) and countries, each Russian name linked by transliteration alone
against every English name of its kind.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = Path(__file__).resolve().parent / "data" / "linking_people.yaml"
TARGET_RATIO = 0.85
TARGET_RSS_MB = 1200


def russian_texts() -> list[str]:
    """Title and clean text of the sample corpus's Russian pages."""
    from extractors.clean import extract_article
    from extractors.config import CleanSettings

    out = []
    for page in sorted((ROOT / "samples" / "csto-2022" / "pages").rglob("*.html")):
        article = extract_article(page.read_text(encoding="utf-8"), None, CleanSettings()).article
        if article is not None and article.language == "ru":
            out.append(f"{article.title or ''}\n\n{article.text}")
    return out


def throughput(rounds: int, repeat: int) -> dict[str, Any]:
    """Words per second through the pipeline and through bare natasha, per round."""
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    from extractors.entities import EntityExtractor
    from newswatch.settings import load_settings

    settings = load_settings(env={})
    texts = russian_texts() * repeat
    words = sum(len(t.split()) for t in texts)
    extractor = EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])
    extractor.extract(texts[:1], ["ru"])  # load once, outside the clock
    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())

    def bare() -> None:
        for text in texts:
            doc = Doc(text[: settings.nlp.max_chars])
            doc.segment(segmenter)
            doc.tag_ner(tagger)

    ours, theirs = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        bare()
        theirs.append(words / (time.perf_counter() - start))
        start = time.perf_counter()
        extractor.extract(texts, ["ru"] * len(texts))
        ours.append(words / (time.perf_counter() - start))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return {
        "texts": len(texts),
        "words": words,
        "pipeline_wps": ours,
        "natasha_wps": theirs,
        "ratios": ratios,
        "median_ratio": statistics.median(ratios),
    }


def _peak_child() -> None:
    """Run in a fresh process: both pipelines loaded and used; print the peak RSS in MB."""
    from extractors.entities import EntityExtractor
    from newswatch.settings import load_settings

    settings = load_settings(env={})
    extractor = EntityExtractor(settings.nlp, [e for t in settings.topics for e in t.gazetteer])
    ru = russian_texts()
    en = ["Russian paratroopers landed in Almaty, President Kassym-Jomart Tokayev said. " * 40]
    extractor.extract([*ru, *en], ["ru"] * len(ru) + ["en"] * len(en))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def peak_rss_mb() -> float:
    """Peak RSS of a worker that loaded the English and the Russian pipeline."""
    code = "from bench.multilingual import _peak_child; _peak_child()"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def score(
    items: list[tuple[str, str, str | None]], pool: list[tuple[str, str]], **kw: Any
) -> dict[str, Any]:
    """Precision and recall of linking each (Russian name, label, right English name or None)
    against one pool of English names; wrong links are listed."""
    from extractors.linking import Candidates, Linker

    candidates = Candidates(pool)
    linker = Linker(**kw)
    made = right = expected = 0
    wrong = []
    for name, label, gold in items:
        link = (
            linker._person(name, label, candidates)
            if label == "PERSON"
            else linker._whole(name, label, candidates)
        )
        expected += gold is not None
        if link is not None:
            made += 1
            if link.target == gold:
                right += 1
            else:
                wrong.append((name, link.target, gold))
    return {
        "items": len(items),
        "with_answer": expected,
        "linked": made,
        "precision": right / made if made else 1.0,
        "recall": right / expected if expected else 1.0,
        "wrong": wrong,
    }


def people(split: str, **kw: Any) -> dict[str, Any]:
    """Our labelled person pairs of one split, against every English name of the file."""
    data = yaml.safe_load(PEOPLE.read_text(encoding="utf-8"))
    pool = {(p["en"], "PERSON") for p in data["pairs"] if p["en"]} | {
        (n, "PERSON") for n in data["extra"]
    }
    items = [(p["ru"], "PERSON", p["en"]) for p in data["pairs"] if p["set"] == split]
    return score(items, sorted(pool), **kw)


def _half(name: str) -> str:
    """A fixed split of public names into a tuning half and a reporting half."""
    return "tune" if zlib.crc32(name.encode("utf-8")) % 2 == 0 else "report"


def cldr_places(split: str) -> dict[str, dict[str, Any]]:
    """Cities and countries from CLDR (babel), one half of each: Russian names linked by
    transliteration alone against every English name of their kind."""
    from babel import Locale

    ru, en = Locale("ru"), Locale("en")
    cities = []
    for zone, names in ru.time_zones.items():
        city = names.get("city")
        english = en.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1]
        if city and "/" in zone and not zone.startswith("Etc/"):
            cities.append((city, "GPE", english.replace("_", " ")))
    countries = [
        (ru.territories[c], "GPE", en.territories[c])
        for c in ru.territories
        if len(c) == 2 and c.isalpha() and c in en.territories
    ]
    out = {}
    for kind, items in (("cities", cities), ("countries", countries)):
        pool = sorted({(e, "GPE") for _, _, e in items})
        out[kind] = score([i for i in items if _half(i[0]) == split], pool)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20, help="passes over the Russian pages")
    parser.add_argument("--only", choices=("throughput", "memory", "linking"))
    args = parser.parse_args()
    if args.only in (None, "linking"):
        for split in ("tune", "report"):
            r = people(split)
            print(
                f"people ({split}): {r['items']} names, {r['with_answer']} with an English "
                f"match; linked {r['linked']}, precision {r['precision']:.3f}, recall "
                f"{r['recall']:.3f}; wrong: {r['wrong']}"
            )
        for split, (kind, r) in [
            (s, kv) for s in ("tune", "report") for kv in cldr_places(s).items()
        ]:
            print(
                f"CLDR {kind}, {split} half (public data): {r['items']} Russian names; "
                f"linked {r['linked']} by transliteration, precision {r['precision']:.3f}, "
                f"recall {r['recall']:.3f}"
            )
            for name, got, gold in r["wrong"][:10]:
                print(f"    wrong: {name} -> {got} (is {gold})")
    if args.only in (None, "throughput"):
        t = throughput(args.rounds, args.repeat)
        print(f"Russian NER: {t['texts']} texts, {t['words']:,} words per round")
        for ours, theirs, ratio in zip(
            t["pipeline_wps"], t["natasha_wps"], t["ratios"], strict=True
        ):
            print(
                f"  pipeline {ours:8,.0f} words/s   bare natasha {theirs:8,.0f} words/s"
                f"   ratio {ratio:.3f}"
            )
        ok = "meets" if t["median_ratio"] >= TARGET_RATIO else "MISSES"
        print(f"  median ratio {t['median_ratio']:.3f} ({ok} the {TARGET_RATIO} target)")
    if args.only in (None, "memory"):
        rss = peak_rss_mb()
        ok = "meets" if rss <= TARGET_RSS_MB else "MISSES"
        print(
            f"worker peak RSS, English and Russian pipelines loaded: {rss:.0f} MB "
            f"({ok} {TARGET_RSS_MB} MB)"
        )


if __name__ == "__main__":
    main()
