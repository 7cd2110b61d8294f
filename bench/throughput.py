"""Ingest throughput: generated articles served over local HTTP through the ingest DAG's steps,
against a floor of bare spaCy NER over the same cleaned texts, plus per-worker peak memory.

    .venv/bin/python -m bench.throughput                    # 2,000 articles, 2 processes
    .venv/bin/python -m bench.throughput --ner-mode n_process
    .venv/bin/python -m bench.throughput --articles 300 --processes 1
    .venv/bin/python -m bench.throughput --rounds 3          # targets judged on the medians

The steps are `newswatch.stages` in DAG order: prepare -> poll (per feed) -> select ->
process (per batch) -> stories -> extract (per batch) -> load. The mapped `poll`, `process`
and `extract` tasks run in a ProcessPoolExecutor, as a LocalExecutor with that many slots would run
them; each worker loads the spaCy model once. With `--ner-mode n_process` the extract batches
run one after another in this process with `nlp.n_process = processes` instead. The floor is
`spacy.load(model)` with only tok2vec and ner, then `nlp.pipe(texts, n_process=processes)` over
exactly the texts the pipeline's NER step saw.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.httpserver import LocalServer
from bench.newsgen import Report, generate_reports, render_html, render_rss
from extractors.entities import EntityExtractor
from newswatch import stages, steps
from newswatch.settings import Settings, load_settings

TARGET_RATIO = 0.85
TARGET_RATE = 12.0
TARGET_RSS_MB = 1024.0

try:  # psutil is optional: ru_maxrss alone gives the peak
    import psutil
except ImportError:  # pragma: no cover - depends on the venv
    psutil = None


# --------------------------------------------------------------------------------------------
# The local web: one feed per outlet, pages rendered once up front
# --------------------------------------------------------------------------------------------


def build_site(reports: Sequence[Report], base: str) -> tuple[dict[str, bytes], list[str]]:
    """Every served path -> body, and the feed URLs: `/<domain>/feed.xml` lists its outlet's
    reports, pages live under `/<domain>/<path>`."""
    bodies: dict[str, bytes] = {}
    by_site: dict[str, list[Report]] = {}
    for r in reports:
        by_site.setdefault(r.site, []).append(r)
        bodies[f"/{r.site}{urlsplit(r.url).path}"] = render_html(r).encode("utf-8")
    feeds = []
    for site, items in sorted(by_site.items()):
        bodies[f"/{site}/feed.xml"] = render_rss(items, site=site, base_url=f"{base}/{site}")
        feeds.append(f"{base}/{site}/feed.xml")
    return bodies, feeds


def route_bodies(server: LocalServer, bodies: dict[str, bytes]) -> None:
    """Serve each body at its path, feeds as RSS and the rest as HTML."""
    for path, body in bodies.items():
        kind = "application/rss+xml" if path.endswith(".xml") else "text/html"
        server.route(path, body=body, headers={"Content-Type": f"{kind}; charset=utf-8"})


def bench_settings(feeds: Sequence[str], folder: Path, n_process: int) -> Settings:
    """The shipped settings with these feeds, a topic every article matches, temp staging and
    warehouse, and the loopback server allowed."""
    base = load_settings(env={}).model_dump()
    base.update(
        db_path=str(folder / "bench.duckdb"),
        sources=[
            {"kind": "feed", "name": f"feed{i:02d}", "url": url} for i, url in enumerate(feeds)
        ],
        topics=[{"name": "everything", "query": "the"}],
    )
    base["fetch"].update(allow_hosts=["127.0.0.1:*"], per_host_concurrency=8, retries=0)
    base["airflow"].update(staging_dir=str(folder / "staging"))
    base["nlp"].update(n_process=n_process)
    return Settings.model_validate(base)


# --------------------------------------------------------------------------------------------
# Worker side: the mapped tasks, each worker keeping one extractor
# --------------------------------------------------------------------------------------------

_EXTRACTOR: EntityExtractor | None = None


def _memory() -> tuple[int, float, float]:
    """(pid, peak RSS MB from ru_maxrss, current RSS MB from psutil or 0)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    now = psutil.Process().memory_info().rss / 2**20 if psutil else 0.0
    return os.getpid(), peak, now


def _warm(_: int) -> int:
    """Make sure a worker exists (imports done) before the clock starts."""
    time.sleep(0.3)
    return os.getpid()


def _process(settings: Settings, run_id: str, batch: str) -> tuple[str, tuple[int, float, float]]:
    """The `process` task of one batch."""
    return stages.process(settings, run_id, batch), _memory()


def _extract(settings: Settings, path: str) -> tuple[str, tuple[int, float, float], float]:
    """The `extract` task of one batch, with this worker's extractor (loaded on first use);
    also the seconds the model load took."""
    global _EXTRACTOR
    loaded = 0.0
    if _EXTRACTOR is None:
        t0 = time.perf_counter()
        _EXTRACTOR = steps.entity_extractor(settings)
        loaded = time.perf_counter() - t0
    return stages.extract(settings, path, _EXTRACTOR), _memory(), loaded


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def ner_texts(processed: Sequence[str]) -> list[str]:
    """The texts the pipeline's NER step sees (as `steps.extract_mentions` builds them)."""
    texts = []
    for path in processed:
        matched = stages._load(path).matched
        decisions = stages._load(stages._sibling(path, "stories"))
        for m, d in zip(matched, decisions, strict=True):
            if not (d.reuses_entities or d.stored):
                a = m.cleaned.article
                texts.append(f"{a.title or ''}\n\n{a.text}")
    return texts


def timed(spent: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    """Run fn, adding its wall seconds to spent[name]."""
    t0 = time.perf_counter()
    try:
        return fn()
    finally:
        spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0


def run_pipeline(
    settings: Settings, pool: Executor, ner_mode: str
) -> tuple[
    dict[str, Any], dict[str, float], list[str], list[tuple[int, float, float]], list[float]
]:
    """The ingest DAG's steps in order; return the load counts, seconds per stage, the NER
    texts, worker memory samples and model-load seconds."""
    run_id = "bench-throughput"
    spent: dict[str, float] = {}
    mem: list[tuple[int, float, float]] = []
    names = timed(spent, "poll+select", lambda: stages.prepare(settings, run_id, force=True))
    # Mapped per source in the DAG, so spread over the workers here too.
    polls = timed(
        spent,
        "poll+select",
        lambda: list(pool.map(stages.poll, [settings] * len(names), [run_id] * len(names), names)),
    )
    batches = timed(spent, "poll+select", lambda: stages.select(settings, run_id, polls))
    done = timed(
        spent,
        "fetch+clean",
        lambda: list(
            pool.map(_process, [settings] * len(batches), [run_id] * len(batches), batches)
        ),
    )
    processed = [p for p, _ in done]
    mem += [m for _, m in done]
    timed(spent, "stories", lambda: stages.stories(settings, processed))
    texts = ner_texts(processed)  # outside the clock: the floor's input
    loads: list[float] = []
    if ner_mode == "pool":
        out = timed(
            spent,
            "NER",
            lambda: list(pool.map(_extract, [settings] * len(processed), processed)),
        )
        records = [r for r, _, _ in out]
        mem += [m for _, m, _ in out]
        loads = [s for _, _, s in out if s]
    else:
        t0 = time.perf_counter()
        extractor = steps.entity_extractor(settings)
        loads = [time.perf_counter() - t0]
        records = timed(
            spent, "NER", lambda: [stages.extract(settings, p, extractor) for p in processed]
        )
        spent["NER"] += loads[0]
        mem.append(_memory())
    counts = timed(spent, "load", lambda: stages.load(settings, run_id, records))
    return counts, spent, texts, mem, loads


def floor(model: str, texts: Sequence[str], batch_size: int, processes: int) -> dict[str, float]:
    """Bare spaCy over the texts: model load and pipe seconds, entities found."""
    import spacy

    keep = {"tok2vec", "ner"}
    names = spacy.load(model).component_names  # outside the clock: which pipes to drop
    t0 = time.perf_counter()
    nlp = spacy.load(model, exclude=[n for n in names if n not in keep])
    loaded = time.perf_counter() - t0
    ents = 0
    t1 = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
        ents += len(doc.ents)
    piped = time.perf_counter() - t1
    return {"load": loaded, "pipe": piped, "total": loaded + piped, "ents": ents}


def make_pool(processes: int) -> ProcessPoolExecutor:
    """A forkserver pool of warm workers (imports done, no model loaded)."""
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("forkserver"))
    list(pool.map(_warm, range(processes * 2)))
    return pool


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--processes", type=int, default=2, help="workers, and the floor's n_process"
    )
    parser.add_argument("--ner-mode", choices=("pool", "n_process"), default="pool")
    parser.add_argument("--batch-size", type=int, default=0, help="airflow.batch_size (0: config)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="pipeline-then-floor rounds; the targets are judged on the median (the floor alone "
        "varies by up to 15%% from run to run here)",
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    reports = generate_reports(args.articles, seed=args.seed)
    gen_s = time.perf_counter() - t0
    rounds = []
    for n in range(args.rounds):
        if args.rounds > 1:
            print(f"\n=== round {n + 1} of {args.rounds} ===")
        rounds.append(one_round(args, reports, gen_s))
    ratios, rates = [r["ratio"] for r in rounds], [r["rate"] for r in rounds]
    ratio, rate = statistics.median(ratios), statistics.median(rates)
    worst = max(r["worst_rss"] for r in rounds)
    if args.rounds > 1:
        print(
            f"\n{args.rounds} rounds: ratio {', '.join(f'{x:.2f}' for x in ratios)} (median "
            f"{ratio:.2f}); pipeline {', '.join(f'{x:.1f}' for x in rates)} articles/s (median "
            f"{rate:.1f})"
        )
    checks = {
        f"ratio >= {TARGET_RATIO}": ratio >= TARGET_RATIO,
        f">= {TARGET_RATE:.0f} articles/s": rate >= TARGET_RATE,
        "worker peak RSS <= 1 GB": worst <= TARGET_RSS_MB,
    }
    print("\ntargets: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in checks.items()))


def one_round(
    args: argparse.Namespace, reports: Sequence[Report], gen_s: float
) -> dict[str, float]:
    """One pipeline run over a fresh warehouse, then the floor over its NER texts; the
    round's ratio, rate and worst worker peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with LocalServer() as server:
            t0 = time.perf_counter()
            bodies, feeds = build_site(reports, server.base_url)
            route_bodies(server, bodies)
            render_s = time.perf_counter() - t0
            n_process = args.processes if args.ner_mode == "n_process" else 1
            settings = bench_settings(feeds, folder, n_process)
            if args.batch_size:
                airflow = settings.airflow.model_copy(update={"batch_size": args.batch_size})
                settings = settings.model_copy(update={"airflow": airflow})
            print(
                f"{len(reports)} generated articles ({gen_s:.1f} s), {len(feeds)} feeds, pages "
                f"rendered in {render_s:.1f} s, "
                f"mean page {statistics.mean(map(len, bodies.values())) / 1024:.0f} KiB"
            )
            pool = make_pool(args.processes)
            t0 = time.perf_counter()
            counts, spent, texts, mem, loads = run_pipeline(settings, pool, args.ner_mode)
            wall = time.perf_counter() - t0
            pool.shutdown()
        fl = floor(settings.nlp.models["en"], texts, settings.nlp.batch_size, args.processes)
    return report(args, counts, spent, wall, texts, mem, loads, fl)


def report(
    args: argparse.Namespace,
    counts: dict[str, Any],
    spent: dict[str, float],
    wall: float,
    texts: Sequence[str],
    mem: Sequence[tuple[int, float, float]],
    loads: Sequence[float],
    fl: dict[str, float],
) -> dict[str, float]:
    """Print one round's figures; return its ratio, rate and worst worker peak RSS (MB)."""
    stored = int(counts.get("stored", 0))
    words = sum(len(t.split()) for t in texts)
    print(
        f"load counts: fetched {counts.get('fetched', 0)}, stored {stored}, "
        f"off-topic {counts.get('offtopic', 0)}, rejected {counts.get('rejected', 0)}, "
        f"failed {counts.get('failed', 0)}, mentions {counts.get('mentions', 0)}, "
        f"NER texts {len(texts)} ({words / max(len(texts), 1):.0f} words each)"
    )
    rate = stored / wall
    floor_rate = len(texts) / fl["total"]
    print(
        f"\npipeline ({args.processes} processes, NER via {args.ner_mode}, batch "
        f"{args.batch_size or 'config'}): {stored} articles in {wall:.1f} s = {rate:.1f} articles/s"
    )
    for name in ("poll+select", "fetch+clean", "stories", "NER", "load"):
        s = spent.get(name, 0.0)
        print(
            f"  {name:<12}{s:>8.1f} s  {s / wall:>6.1%}  "
            f"{s / max(stored, 1) * 1000:>7.1f} ms/article"
        )
    if loads:
        print(f"  (model loads in NER: {len(loads)} x {statistics.mean(loads):.2f} s)")
    print(
        f"floor (bare spaCy tok2vec+ner, n_process={args.processes}): {len(texts)} texts in "
        f"{fl['total']:.1f} s (load {fl['load']:.2f} s, pipe {fl['pipe']:.1f} s) = "
        f"{floor_rate:.1f} articles/s, {int(fl['ents'])} entities"
    )
    ratio = rate / floor_rate
    ner_ratio = (len(texts) / spent["NER"]) / floor_rate
    print(f"ratio pipeline/floor: {ratio:.2f} (NER step alone vs floor: {ner_ratio:.2f})")
    peaks: Counter[int] = Counter()
    current: dict[int, float] = {}
    for pid, peak, now in mem:
        peaks[pid] = max(peaks[pid], peak)  # type: ignore[assignment]
        current[pid] = now
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nmemory (peak RSS, ru_maxrss):")
    for pid, peak in sorted(peaks.items()):
        tail = f", RSS at its last task {current[pid]:.0f} MB (psutil)" if psutil else ""
        print(f"  worker {pid}: {peak:.0f} MB{tail}")
    print(f"  main process (prepare/select/stories/load, floor model): {self_peak:.0f} MB")
    return {"ratio": ratio, "rate": rate, "worst_rss": max(peaks.values(), default=0.0)}


if __name__ == "__main__":
    main()
