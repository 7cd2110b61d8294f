"""Figures of one `run --once` pass over the bundled sample archive, offline, per stage.

Run: .venv/bin/python bench/run_sample.py [repeats]
Prints wall time of the whole pass (fresh warehouse each time) and where the time goes.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from newswatch import batches, pipeline, steps
from newswatch.settings import ArchiveSource, load_settings


def main() -> None:
    """Run the sample pass `repeats` times and print the figures."""
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    base = load_settings(env={})
    archive = [s for s in base.sources if isinstance(s, ArchiveSource)]
    start = time.perf_counter()
    extractor = steps.entity_extractor(base)
    print(f"spaCy model load + gazetteer: {time.perf_counter() - start:.2f} s (once per process)")

    # Time each stage by wrapping the pipeline's own functions. Pages stream from the fetcher
    # into clean_pages, so its time is fetch and clean together.
    spent: dict[str, float] = {}
    # Each is wrapped where it is looked up: the run loop polls, the batch plumbing does the rest.
    callers = {
        "poll_sources": pipeline,
        "clean_pages": batches,
        "match_topics": batches,
        "extract_mentions": batches,
    }
    for name, module in callers.items():
        original = getattr(module, name)

        def timed(*args, _f=original, _n=name, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_n] = spent.get(_n, 0.0) + time.perf_counter() - t

        setattr(module, name, timed)

    walls = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            settings = base.model_copy(
                update={"sources": archive, "db_path": Path(tmp) / "bench.duckdb"}
            )
            t = time.perf_counter()
            summary = pipeline.run_once(settings, extractor=extractor)
            walls.append(time.perf_counter() - t)
            with duckdb.connect(str(settings.db_path), read_only=True) as con:
                entities, mentions, words = con.execute(
                    "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM mentions), "
                    "(SELECT sum(words) FROM articles)"
                ).fetchone()
    c = summary.counts
    print(
        f"items {c.get('new_items', 0)}, stored {c.get('stored', 0)}, "
        f"off-topic {c.get('offtopic', 0)}, entities {entities}, mentions {mentions}, "
        f"words stored {words}"
    )
    print(
        f"pass wall time over {repeats} runs: median {statistics.median(walls):.2f} s, "
        f"min {min(walls):.2f} s"
    )
    for name, total in spent.items():
        print(f"  {name:<18}{total / repeats * 1000:>8.0f} ms per pass")


if __name__ == "__main__":
    main()
