"""Story detection, measured: precision and recall of "same story" decisions per kind of copy,
and what the story step adds to the cost of processing an article.

    .venv/bin/python -m bench.stories                 # the report (test seed)
    .venv/bin/python -m bench.stories --sweep         # threshold sweep on the dev seed

The labelled set (bench/stories_set.py) holds our own generated reports, their exact,
syndicated and spun copies, and hard negatives (other reports on the same event, follow-ups,
pages of one site's template). Articles go through the code path of a pipeline run: keys from
canonical URLs, `newswatch.stories.decide` against a real DuckDB warehouse, `Warehouse.load`
in batches, in an order where copies often arrive before their originals.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bench.newsgen import render_html
from bench.stories_set import Item, build_labelled_set
from common.keys import stable_key
from extractors.clean import extract_article
from extractors.entities import EntityExtractor
from extractors.stories import (
    Fingerprint,
    Similarity,
    StoryInput,
    StoryParams,
    copy_kind,
    fingerprint,
    lsh_buckets,
    similarity,
)
from extractors.urls import canonical_url
from newswatch import stories
from newswatch.settings import StorySettings, load_settings
from warehouse.records import ArticleRecord, LoadBatch
from warehouse.store import Warehouse

COPY_KINDS = (
    "exact",
    "syndicated",
    "spun10",
    "spun20",
    "spun20_reordered",
    "spun20_boilerplate",
    "spun33",
)
NEGATIVE_KINDS = ("same_event", "followup", "same_template", "original")
TARGETS = {"precision": 0.98, "exact": 0.95, "syndicated": 0.95, "spun20": 0.85}
BATCH = 50


def article_key(item: Item) -> str:
    """The warehouse key of an item: the hash of its canonical URL, as in the pipeline."""
    return stable_key(canonical_url(item.url))


def record(item: Item, decision: stories.StoryDecision | None) -> ArticleRecord:
    """The warehouse record of an item (no entities: NER is timed apart)."""
    key = article_key(item)
    fields = {}
    if decision is not None:
        fields = {
            "story_key": decision.story_key,
            "text_hash": decision.text_hash,
            "copy_of": decision.copy_of,
            "copy_kind": decision.kind,
            "copy_score": decision.score,
            "story_buckets": decision.buckets,
        }
    return ArticleRecord(
        article_key=key,
        url=item.url,
        canonical_url=canonical_url(item.url),
        source=item.site,
        site=item.site,
        title=item.title,
        text=item.text,
        published=item.published.replace(tzinfo=None),
        fetched_at=item.published.replace(tzinfo=None) + timedelta(minutes=7),
        language="en",
        content_hash=key,
        topics={"bench": ("bench",)},
        mentions={},
        **fields,  # type: ignore[arg-type]
    )


def run_pipeline(
    items: Sequence[Item], settings: StorySettings, folder: Path, *, detect: bool = True
) -> tuple[dict[str, str], float, float]:
    """Load the items in batches; return each item's story key, seconds deciding stories and
    seconds loading."""
    decide_s = load_s = 0.0
    db = folder / ("stories.duckdb" if detect else "plain.duckdb")
    with Warehouse(db) as wh:
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            decisions: list[stories.StoryDecision | None] = [None] * len(batch)
            if detect:
                t0 = time.perf_counter()
                inputs = [StoryInput(article_key(i), i.title, i.text) for i in batch]
                decisions = list(stories.decide(wh, inputs, settings))
                decide_s += time.perf_counter() - t0
            t0 = time.perf_counter()
            wh.load(
                LoadBatch(
                    "bench",
                    articles=[record(i, d) for i, d in zip(batch, decisions, strict=True)],
                    merges=[m for d in decisions if d is not None for m in d.merges],
                )
            )
            load_s += time.perf_counter() - t0
        story_of = dict(wh.query("stories_of", [[article_key(i) for i in items]]))
    return {i.item_id: story_of[article_key(i)] for i in items}, decide_s, load_s


def pair_metrics(items: Sequence[Item], predicted: dict[str, str]) -> dict[str, float]:
    """Pairwise precision and recall of "same story" over every pair of items."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(items, 2):
        same = a.story_id == b.story_id
        said = predicted[a.item_id] == predicted[b.item_id]
        tp += same and said
        fp += said and not same
        fn += same and not said
    return {
        "pairs_same": tp + fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "false_merges": fp,
    }


def per_kind(
    items: Sequence[Item],
    predicted: dict[str, str],
    copy_kinds: Sequence[str] = COPY_KINDS,
    negative_kinds: Sequence[str] = NEGATIVE_KINDS,
) -> dict[str, dict[str, float]]:
    """Per kind: recall of copies (joined their original) and precision of the merges that
    involve an item of that kind; for negatives, the share wrongly merged with another report."""
    by_id = {i.item_id: i for i in items}
    members: dict[str, list[Item]] = defaultdict(list)
    for i in items:
        members[predicted[i.item_id]].append(i)
    out: dict[str, dict[str, float]] = {}
    for kind in (*copy_kinds, *negative_kinds):
        group = [i for i in items if i.kind == kind]
        if not group:
            continue
        together = [
            o for i in group for o in members[predicted[i.item_id]] if o.item_id != i.item_id
        ]
        wrong_pairs = sum(
            o.story_id != i.story_id
            for i in group
            for o in members[predicted[i.item_id]]
            if o.item_id != i.item_id
        )
        row: dict[str, float] = {"n": len(group)}
        row["precision"] = 1 - wrong_pairs / len(together) if together else 1.0
        if kind in copy_kinds:
            joined = [
                i
                for i in group
                if i.source_of and predicted[i.item_id] == predicted[by_id[i.source_of].item_id]
            ]
            row["recall"] = len(joined) / len(group)
        row["merged_wrongly"] = sum(
            any(o.story_id != i.story_id for o in members[predicted[i.item_id]]) for i in group
        ) / len(group)
        out[kind] = row
    return out


def print_kinds(kinds: dict[str, dict[str, float]]) -> None:
    """The per-kind table."""
    print(f"{'kind':<20}{'items':>6}{'recall':>9}{'precision':>11}{'merged wrongly':>16}")
    for kind, row in kinds.items():
        rec = f"{row['recall']:.3f}" if "recall" in row else "-"
        print(
            f"{kind:<20}{int(row['n']):>6}{rec:>9}{row['precision']:>11.3f}"
            f"{row['merged_wrongly']:>16.3f}"
        )


def processing_cost(items: Sequence[Item], n: int = 60) -> dict[str, float]:
    """Median seconds per article of the work the story step sits among: cleaning the page
    (trafilatura and our filters) and NER with the shipped model."""
    shipped = load_settings(env={})
    extractor = EntityExtractor(shipped.nlp, [e for t in shipped.topics for e in t.gazetteer])
    sample = [i for i in items if i.kind in ("original", "same_event", "followup")][:n]
    pages = [render_html_for(i) for i in sample]
    extractor.extract(["warm up the model"])
    clean_t, ner_t = [], []
    for item, html in zip(sample, pages, strict=True):
        t0 = time.perf_counter()
        outcome = extract_article(html, item.url, shipped.clean)
        clean_t.append(time.perf_counter() - t0)
        text = outcome.article.text if outcome.article else item.text
        t0 = time.perf_counter()
        extractor.extract([f"{item.title}\n\n{text}"])
        ner_t.append(time.perf_counter() - t0)
    return {"clean": statistics.median(clean_t), "ner": statistics.median(ner_t)}


def render_html_for(item: Item) -> str:
    """A page for an item, rendered the way the generator renders its reports."""
    from bench.newsgen import Report

    report = Report(
        report_id=item.item_id,
        event_id=item.story_id,
        site=item.site,
        url=item.url,
        title=item.title,
        paragraphs=tuple(item.text.split("\n\n")),
        published=item.published,
        author=None,
        section="world",
    )
    return render_html(report)


def report(seed: int, originals: int, settings: StorySettings) -> bool:
    """Print the measurements on one labelled set; return whether every target is met."""
    items = build_labelled_set(seed=seed, originals=originals)
    counts = Counter(i.kind for i in items)
    print(
        f"labelled set: seed {seed}, {len(items)} items, {len({i.story_id for i in items})} stories"
    )
    print("  " + ", ".join(f"{k} {counts[k]}" for k in (*COPY_KINDS, *NEGATIVE_KINDS) if counts[k]))
    with tempfile.TemporaryDirectory() as tmp:
        predicted, decide_s, load_s = run_pipeline(items, settings, Path(tmp))
        _, _, plain_load_s = run_pipeline(items, settings, Path(tmp), detect=False)
    overall = pair_metrics(items, predicted)
    kinds = per_kind(items, predicted)
    print(
        f"\nsame-story decisions over all {len(items) * (len(items) - 1) // 2} pairs: "
        f"precision {overall['precision']:.4f}, recall {overall['recall']:.4f} "
        f"({overall['pairs_same']} same-story pairs, {overall['false_merges']} false merges)"
    )
    print()
    print_kinds(kinds)
    cost = processing_cost(items)
    per_article = (decide_s + max(load_s - plain_load_s, 0.0)) / len(items)
    base = cost["clean"] + cost["ner"]
    print(
        f"\ncost per article: story step {per_article * 1000:.2f} ms "
        f"(decide {decide_s / len(items) * 1000:.2f} ms, extra load "
        f"{max(load_s - plain_load_s, 0) / len(items) * 1000:.2f} ms) against clean "
        f"{cost['clean'] * 1000:.1f} ms + NER {cost['ner'] * 1000:.1f} ms = "
        f"{base * 1000:.1f} ms: +{per_article / base:.1%}"
    )
    checks = {
        "precision >= 0.98": overall["precision"] >= TARGETS["precision"],
        "exact recall >= 0.95": kinds["exact"]["recall"] >= TARGETS["exact"],
        "syndicated recall >= 0.95": kinds["syndicated"]["recall"] >= TARGETS["syndicated"],
        "spun20 recall >= 0.85": kinds["spun20"]["recall"] >= TARGETS["spun20"],
        "story step <= 10% of processing": per_article / base <= 0.10,
    }
    print("\ntargets: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in checks.items()))
    return all(checks.values())


REAL_TARGETS = {"precision": 0.99, "syndicated": 0.99, "spun20": 0.95, "spun35": 0.75}


def report_real(split: str, seed: int, settings: StorySettings) -> bool:
    """Print the measurements on a set built from real reports (bench/stories_real.py);
    return whether every target is met."""
    from bench import stories_real

    items = stories_real.build_real_set(split, seed=seed)
    print(f"real set {split!r}, seed {seed}: {len(items)} items; {stories_real.describe(items)}")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        predicted, decide_s, _ = run_pipeline(items, settings, Path(tmp))
        wall = time.perf_counter() - t0
    overall = pair_metrics(items, predicted)
    kinds = per_kind(items, predicted, stories_real.COPY_KINDS, stories_real.NEGATIVE_KINDS)
    print(
        f"pairs: precision {overall['precision']:.4f}, recall {overall['recall']:.4f} "
        f"({overall['pairs_same']} same-story pairs, {overall['false_merges']} false merges); "
        f"decide {decide_s / len(items) * 1000:.2f} ms/article, run {wall:.1f} s"
    )
    print_kinds(kinds)
    checks = {
        "precision >= 0.99": overall["precision"] >= REAL_TARGETS["precision"],
        **{
            f"{k} recall >= {v}": kinds[k]["recall"] >= v
            for k, v in REAL_TARGETS.items()
            if k != "precision"
        },
    }
    print("targets: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in checks.items()))
    return all(checks.values())


def sweep(seed: int, originals: int, params: StoryParams) -> None:
    """Every candidate pair (sharing an LSH bucket) with its signals, and pairwise precision and
    recall of the rule at a grid of thresholds: the numbers the defaults were chosen from."""
    items = build_labelled_set(seed=seed, originals=originals)
    fps: dict[str, Fingerprint] = {i.item_id: fingerprint(i.title, i.text) for i in items}
    buckets: dict[int, list[str]] = defaultdict(list)
    for i in items:
        for b in lsh_buckets(fps[i.item_id], params):
            buckets[b].append(i.item_id)
    pairs = {tuple(sorted(p)) for ids in buckets.values() for p in itertools.combinations(ids, 2)}
    by_id = {i.item_id: i for i in items}
    truth_pairs = sum(
        a.story_id == b.story_id and a.text != b.text for a, b in itertools.combinations(items, 2)
    )
    sims: list[tuple[Similarity, bool, str]] = []
    for a, b in pairs:
        ia, ib = by_id[a], by_id[b]
        if fps[a].text_hash == fps[b].text_hash:
            continue
        kind = ib.kind if ib.kind in COPY_KINDS else ia.kind
        sims.append((similarity(fps[a], fps[b]), ia.story_id == ib.story_id, kind))
    print(
        f"dev set seed {seed}: {len(items)} items, {len(pairs)} candidate pairs from LSH, "
        f"{truth_pairs} same-story pairs with different text"
    )
    found = sum(same for _, same, _ in sims)
    print(f"LSH candidate recall of non-identical same-story pairs: {found / truth_pairs:.3f}")
    print("\nsignal means (same story / different story among candidates):")
    for name in ("shingles", "skeleton", "words", "title", "lead"):
        same = [getattr(s, name) for s, t, _ in sims if t]
        diff = [getattr(s, name) for s, t, _ in sims if not t]
        print(
            f"  {name:<9} same {statistics.mean(same):.3f}  different {statistics.mean(diff):.3f}"
            f"  max different {max(diff):.3f}"
        )
    print(f"\n{'near':>6}{'rewrite':>9}{'min skel':>10}{'precision':>11}{'recall':>8}{'fp':>5}")
    for near, rewrite, skel in itertools.product(
        (0.4, 0.5, 0.6), (0.3, 0.35, 0.4, 0.45, 0.5, 0.55), (0.1, 0.2, 0.3)
    ):
        p = StoryParams(near_threshold=near, rewrite_threshold=rewrite, min_skeleton=skel)
        said = [(copy_kind(s, p)[0] is not None, t) for s, t, _ in sims]
        tp = sum(s and t for s, t in said)
        fp = sum(s and not t for s, t in said)
        print(
            f"{near:>6.2f}{rewrite:>9.2f}{skel:>10.2f}{tp / max(tp + fp, 1):>11.4f}"
            f"{tp / max(found, 1):>8.3f}{fp:>5}"
        )
    hardest = sorted(((s.rewrite_score(), k) for s, t, k in sims if not t), reverse=True)[:5]
    print("\nhighest rewrite scores of different stories:", hardest)
    misses = sorted((s.rewrite_score(), k) for s, t, k in sims if t)[:8]
    print("lowest rewrite scores of same stories:", misses)


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=11, help="labelled set seed (test set)")
    parser.add_argument("--dev-seed", type=int, default=7, help="seed of the sweep's dev set")
    parser.add_argument("--originals", type=int, default=120)
    parser.add_argument("--sweep", action="store_true", help="threshold sweep on the dev set")
    parser.add_argument(
        "--real",
        choices=("dev", "test", "ru-dev", "ru-test"),
        help="the set built from real reports (its split)",
    )
    args = parser.parse_args()
    settings = load_settings(env={}).stories
    if args.real:
        wide = settings.model_copy(update={"window_days": 100_000})
        raise SystemExit(0 if report_real(args.real, args.seed, wide) else 1)
    if args.sweep:
        sweep(args.dev_seed, args.originals, stories.story_params(settings))
        return
    ok = report(args.seed, args.originals, settings.model_copy(update={"window_days": 100_000}))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
