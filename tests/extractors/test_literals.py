"""The literal search under the backfill's raw topic test: every engine this machine has
must give the same answers (the system library is Intel Hyperscan through ctypes)."""

from __future__ import annotations

import os
import platform
import random
import subprocess
import sys
import threading

import pytest

from extractors import literals
from extractors.literals import EngineUnavailable, available, literal_search

NEEDLES = [b"kazakh", b"tokayev", "азахст".encode(), "азахст".encode("cp1251")]
ENGINES = available()


def test_ci_has_every_engine():
    # CI installs Debian's libhyperscan5 (make ci-tools): the system engine must not go
    # untested there because it quietly fell back to the wheel.
    if os.environ.get("CI") != "true" or platform.machine() != "x86_64":
        pytest.skip("only CI on x86-64 promises the system library (and the wheel)")
    assert ENGINES == ("system", "wheel", "python")


@pytest.mark.parametrize("engine", ENGINES)
def test_each_engine_finds_needles_caseless_for_ascii_only(engine):
    search = literal_search(NEEDLES, engine)
    assert search.engine == engine
    assert search(b"<p>The KAZAKH capital</p>")
    assert search(b"President Tokayev said")
    assert search("в Казахстане".encode())
    assert search("в Казахстане".encode("cp1251"))
    assert search(b"kazakh")  # the whole input is the needle
    assert not search(b"")
    assert not search(b"<p>The derby in Paris ended 2-2.</p>")
    # Caseless only for ASCII: the capital Cyrillic stem is another needle, not this one.
    assert not search("КАЗАХСТАН".encode())
    assert not search(b"kazak-h tokaye v")


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_agree_on_random_pages(engine):
    rng = random.Random(7)
    alphabet = b"akzhtoyev \x00\xd0\xb0\xd0\xb7\xe0\xe7<>KAZHTOYEV"
    pages = [bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(400)]
    pages += [p + b"kAzAkH" + p for p in pages[:50]]
    reference = literal_search(NEEDLES, "python")
    search = literal_search(NEEDLES, engine)
    answers = [search(p) for p in pages]
    assert answers == [reference(p) for p in pages]
    assert 50 <= sum(answers) < len(pages)  # both kinds of page were tried


def test_the_system_engine_scans_long_input_in_overlapping_pieces(monkeypatch):
    if "system" not in ENGINES:
        pytest.skip("no Intel Hyperscan library on this machine")
    # Pieces of 64 bytes stand for hs_scan's 4 GiB limit; a needle across a boundary is found.
    monkeypatch.setattr(literals, "_MAX_BLOCK", 64)
    search = literal_search(NEEDLES, "system")
    for start in range(50, 70):
        page = b"x" * start + b"tokayev" + b"y" * 100
        assert search(page), start
    assert not search(b"x" * 500)


def test_the_system_engine_gives_each_thread_its_own_scratch():
    if "system" not in ENGINES:
        pytest.skip("no Intel Hyperscan library on this machine")
    # Hyperscan refuses a scratch already in use; threads scanning at once must not share one.
    search = literal_search(NEEDLES, "system")
    hit, miss = b"a" * 200_000 + b"tokayev", b"b" * 200_000
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(200):
                assert search(hit) and not search(miss)
        except BaseException as e:  # the main thread reports it
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(search._scratches) == 5  # type: ignore[attr-defined]


def test_an_engine_not_installed_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(literals, "_SYSTEM_LIBRARY", "libhs-not-here.so.5")
    literals._system.cache_clear()
    try:
        with pytest.raises(EngineUnavailable, match="libhs-not-here"):
            literal_search(NEEDLES, "system")
        assert "system" not in available()
        assert literal_search(NEEDLES).engine == available()[0]  # the next fastest
    finally:
        monkeypatch.undo()
        literals._system.cache_clear()


def test_needles_must_be_given_and_not_empty():
    for bad in ([], [b"kazakh", b""]):
        with pytest.raises(ValueError, match="needle"):
            literal_search(bad)


@pytest.mark.parametrize("first", ["literals", "duckdb"])
def test_the_system_library_and_duckdb_load_together_in_either_order(first):
    # As for the wheel (test_relevance): a backfill task loads both, in either order.
    if "system" not in ENGINES:
        pytest.skip("no Intel Hyperscan library on this machine")
    load = {
        "literals": "from extractors.literals import literal_search\n"
        "assert literal_search([b'kazakh'], 'system')(b'KAZAKH')\n",
        "duckdb": "import duckdb\nduckdb.connect().execute('select 1').fetchone()\n",
    }
    second = "duckdb" if first == "literals" else "literals"
    code = load[first] + load[second] + "import duckdb\n"
    code += "assert duckdb.connect().execute('select 41 + 1').fetchone() == (42,)\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=os.getcwd()
    )
    assert done.returncode == 0, done.stderr[-500:]


def test_the_default_engine_loads_no_slower_library():
    # With the system library present, the wheel's own copy of Hyperscan is never loaded.
    if "system" not in ENGINES:
        pytest.skip("no Intel Hyperscan library on this machine")
    code = (
        "import sys\nfrom extractors.literals import literal_search\n"
        "assert literal_search([b'kazakh']).engine == 'system'\n"
        "assert 'hyperscan' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
