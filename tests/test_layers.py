"""The layers contract in pyproject.toml holds: dags -> newswatch -> alerts -> extractors |
warehouse -> common, with no import pointing up (import-linter, as `make lint` runs it)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ("extractors", "warehouse", "alerts", "common")


def test_import_linter_contract_is_kept():
    # In its own process, as `make lint` runs it (import-linter reconfigures logging).
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def test_no_core_module_imports_newswatch_even_lazily():
    # import-linter sees imports inside functions too; this says which file, for a reader.
    offenders = []
    for package in CORE:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                if any(n == "newswatch" or n.startswith("newswatch.") for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_core_reads_no_config_file():
    # Stages are given their settings; only newswatch/settings.py finds and reads config/.
    readers = [
        str(p.relative_to(ROOT))
        for package in CORE
        for p in (ROOT / package).rglob("*.py")
        if "load_settings" in p.read_text(encoding="utf-8")
        or "newswatch.yaml" in p.read_text(encoding="utf-8")
    ]
    assert readers == [], readers
