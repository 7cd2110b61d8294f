"""bench/data/ holds the generators' word lists and templates: every file loads, and the
modules that read them get the shapes they expect."""

from __future__ import annotations

import json
from importlib import resources

from bench import datafiles, newsgen, spinner


def test_every_data_file_loads():
    root = resources.files("bench") / "data"
    files = [p for d in root.iterdir() if d.is_dir() for p in d.iterdir()]
    assert len(files) >= 40
    for path in files:
        rel = f"{path.parent.name}/{path.name}"
        if path.name.endswith(".json"):
            json.loads(path.read_text(encoding="utf-8"))
            assert datafiles.data(rel) is not None
        else:
            assert datafiles.text(rel).strip(), rel


def test_tuples_and_non_text_keys_survive_the_round_trip():
    assert datafiles._restore({"tuple": [1, {"tuple": ["a"]}]}) == (1, ("a",))
    assert datafiles._restore({"dict": [[1, "one"], [{"tuple": [2, 3]}, "pair"]]}) == {
        1: "one",
        (2, 3): "pair",
    }


def test_generators_read_their_data():
    assert len(newsgen.SITES) >= 10 and all(s.domain.endswith(".example") for s in newsgen.SITES)
    assert isinstance(newsgen.FIRST_NAMES, tuple) and len(newsgen.FIRST_NAMES) > 50
    assert len(spinner.SYNONYMS) >= 400
