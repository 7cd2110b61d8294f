"""The same-site bench on a small generated set: it runs, and counts what the filter keeps."""

from pathlib import Path

from bench.newsgen import SITES
from bench.site_versions import on_one_host, run
from bench.stories_set import build_labelled_set
from newswatch.settings import load_settings


def test_all_copies_on_one_host_keep_their_own_lines(tmp_path: Path) -> None:
    items = on_one_host(build_labelled_set(seed=3, originals=6), SITES[0].domain)
    assert {i.site for i in items} == {SITES[0].domain}
    kinds = run(items, load_settings(env={}), tmp_path / "w.duckdb")
    pages = sum(c["pages"] + c["rejected"] for c in kinds.values())
    assert pages == len(items)
    assert sum(c["rejected"] for c in kinds.values()) == 0
    own = sum(c["own"] for c in kinds.values())
    assert own > 0 and sum(c["own_kept"] for c in kinds.values()) >= 0.99 * own
