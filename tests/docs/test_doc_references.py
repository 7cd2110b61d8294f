"""Every path, command, make target and bench module the README and docs/ name exists."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from newswatch.cli import app

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")}
# Made at run time, or in an operator's or analyst's own place: not in the repository.
RUNTIME = ("data/", "airflow_home/", "reports/", ".venv/", "out/", "exports/", "/")
CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _texts() -> list[tuple[str, str]]:
    return [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in DOCS]


def _commands() -> dict[str, set[str]]:
    """Each CLI command and the option names it takes."""
    group = typer.main.get_command(app)
    out = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        out[name] = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
    return out


def test_relative_links_resolve():
    broken = []
    for name, text in _texts():
        base = (ROOT / name).parent
        for target in LINK.findall(text):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (base / target).exists():
                broken.append(f"{name}: {target}")
    assert broken == []


def test_named_repository_paths_exist():
    missing = []
    for name, text in _texts():
        for token in CODE.findall(text):
            path, _, test = token.split()[0].rstrip(".,;:").partition("::")
            first = path.split("/")[0]
            if "/" not in path or first not in TOP or "*" in path or "<" in path:
                continue
            if path.startswith(RUNTIME) or "{" in path or "..." in path:
                continue
            if not (ROOT / path).exists():
                missing.append(f"{name}: {path}")
            elif test and f"def {test}(" not in (ROOT / path).read_text(encoding="utf-8"):
                missing.append(f"{name}: {path}::{test}")
    assert missing == [], "docs name paths that do not exist:\n" + "\n".join(missing)


def test_named_cli_commands_and_options_exist():
    commands = _commands()
    wrong = []
    for name, text in _texts():
        for token in CODE.findall(text):
            words = token.replace(".venv/bin/", "").split()
            if len(words) < 2 or words[0] != "newswatch" or words[1].startswith("-"):
                continue
            command = words[1]
            if command not in commands:
                wrong.append(f"{name}: no command `newswatch {command}`")
                continue
            for word in words[2:]:
                option = word.split("=")[0].strip("[]")
                if option.startswith("--") and option not in commands[command]:
                    wrong.append(f"{name}: `newswatch {command}` has no {option}")
    assert wrong == []


def test_named_make_targets_and_bench_modules_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    wrong = []
    for name, text in _texts():
        for target in re.findall(r"`make ([a-z][a-z-]*)", text):
            if target not in targets:
                wrong.append(f"{name}: no make target {target}")
        for module in re.findall(r"-m (bench\.[a-z_]+)", text):
            if not (ROOT / (module.replace(".", "/") + ".py")).is_file():
                wrong.append(f"{name}: no module {module}")
    assert wrong == []


def test_warehouse_doc_names_every_table_view_and_macro(tmp_path):
    from warehouse.store import Warehouse

    doc = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    with Warehouse(tmp_path / "nw.duckdb") as wh:
        names = {
            r[0]
            for r in wh.conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "UNION SELECT function_name FROM duckdb_functions() "
                "WHERE function_type = 'table_macro' AND NOT internal AND schema_name = 'main'"
            ).fetchall()
        }
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert missing == [], f"docs/warehouse.md does not mention: {missing}"
