"""The `newswatch` command: run the monitor, show trends and feed health.

Why one module of this size: one Typer app of eleven commands, each a thin wrapper (options,
one core call, a rich table); splitting them would only scatter the shared options.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newswatch.display import cells, forms_text, printable
from newswatch.settings import ConfigError, Settings, load_settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="newswatch: a news monitor. Feeds in; on-topic articles and their entities in DuckDB out.",
)
console = Console()
err = Console(stderr=True, soft_wrap=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config folder or YAML file [env: NEWSWATCH_CONFIG]."),
]
DbOpt = Annotated[Path | None, typer.Option("--db", help="DuckDB file to use [env: NEWSWATCH_DB].")]


def _log_to_stderr(verbose: bool) -> None:
    """Log each step (-v) or only warnings, one line per record."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _settings(config: Path | None, db: Path | None) -> Settings:
    """Load settings or exit with the config error (exit code 2)."""
    try:
        return load_settings(config, db=db)
    except ConfigError as exc:
        err.print(Text.assemble(("configuration error", "bold red"), "\n", printable(exc)))
        raise typer.Exit(2) from None


def _open_read_only(settings: Settings, *, confined: bool = True) -> Any:
    """The analyst snapshot, else the warehouse, opened for reading; or exit with a message.

    Confined (the default): the connection reaches no file but the database itself, so SQL
    an analyst types, or a name in the data, can neither read nor write anything else."""
    from warehouse.snapshot import analyst_path
    from warehouse.store import Warehouse, WarehouseError

    # The snapshot first: reading it never keeps a run from opening the warehouse to write.
    error: WarehouseError | None = None
    for path in dict.fromkeys([analyst_path(settings), settings.db_path]):
        try:
            return Warehouse(path, read_only=True, confined=confined)
        except WarehouseError as exc:
            error = exc
    err.print(Text(printable(error), style="bold red"))
    raise typer.Exit(1)


@app.command()
def run(
    config: ConfigOpt = None,
    db: DbOpt = None,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Poll every source, due or not (ignore schedule).")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each step.")] = False,
) -> None:
    """Poll, fetch, clean, match, extract and load; once, or every interval until Ctrl-C."""
    _log_to_stderr(verbose)
    settings = _settings(config, db)
    while True:
        code = _run_once(settings, force=force)
        if once:
            raise typer.Exit(code)
        console.print(f"next pass in {settings.interval_minutes} min (Ctrl-C stops)")
        try:
            time.sleep(settings.interval_minutes * 60)
        except KeyboardInterrupt:
            raise typer.Exit(0) from None


def _run_once(settings: Settings, *, force: bool = False) -> int:
    """One pass with a progress bar and a summary table; returns the exit code."""
    from newswatch.pipeline import run_once
    from warehouse.store import WarehouseError

    console.print(
        f"newswatch: {len(settings.sources)} sources, {len(settings.topics)} topics, "
        f"warehouse {settings.db_path}",
        highlight=False,
    )
    with Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            summary = run_once(settings, progress=report, force=force)
        except (WarehouseError, RuntimeError) as exc:
            err.print(Text.assemble(("run failed:", "bold red"), " ", printable(exc)))
            return 1
    _print_summary(summary, settings)
    return 0


def _print_summary(summary: Any, settings: Settings) -> None:
    """The end-of-run table."""
    c = summary.counts
    table = Table(title=f"run {summary.run_id}", show_header=False)
    rows = [
        ("sources polled", c.get("sources_polled", 0)),
        ("skipped (not due)", c.get("skipped_not_due", 0)),
        ("feed errors", c.get("feed_errors", 0)),
        ("feed entries read", c.get("entries_seen", 0)),
        ("new items", c.get("new_items", 0)),
        ("pages fetched", c.get("fetched", 0)),
        ("fetch failures", c.get("failed", 0)),
        ("rejected (not an article)", c.get("rejected", 0)),
        ("blocked (challenge, wall)", c.get("blocked", 0)),
        ("off-topic", c.get("offtopic", 0)),
        ("articles stored", c.get("stored", 0)),
        ("mentions stored", c.get("mentions", 0)),
        ("new entities", c.get("new_entities", 0)),
        ("names linked across scripts", c.get("entity_links", 0)),
        ("stories merged", c.get("story_merges", 0)),
        ("articles without NER", c.get("no_ner", 0)),
        ("seconds", f"{summary.seconds:.1f}"),
    ]
    for name, value in rows:
        table.add_row(*cells(name, str(value)))
    console.print(table)
    for reason, n in sorted(summary.no_ner.items()):
        console.print(Text(printable(f"no NER      {n} article(s): {reason}")))
    for source, reason in summary.feed_errors:
        err.print(Text(printable(f"feed error  {source}: {reason}")))
    for source, url, reason in summary.item_errors[:20]:
        err.print(Text(printable(f"item failed {source}: {url}: {reason}")))
    if len(summary.item_errors) > 20:
        err.print(f"... and {len(summary.item_errors) - 20} more (table fetch_errors)")
    console.print(f"warehouse: {settings.db_path}", highlight=False)
    from warehouse.snapshot import snapshot_status

    started = time.time() - summary.seconds - 1  # the run's start, with a second of slack
    console.print(snapshot_status(settings, started), highlight=False)


@app.command()
def live(
    config: ConfigOpt = None,
    db: DbOpt = None,
    port: Annotated[int, typer.Option("--port", help="Airflow UI/API port.")] = 8080,
    log_port: Annotated[int, typer.Option("--log-port", help="Airflow task-log port.")] = 8793,
    parallelism: Annotated[int, typer.Option("--parallelism", min=1, max=32)] = 3,
    home: Annotated[
        Path | None, typer.Option("--airflow-home", help="Airflow home [default: airflow_home/].")
    ] = None,
) -> None:
    """Run the monitor under a local Airflow (scheduler, API, triggerer) until Ctrl-C."""
    import signal

    from newswatch import live as lv
    from newswatch.settings import PROJECT_ROOT

    settings = _settings(config, db)
    home = (home or PROJECT_ROOT / "airflow_home").resolve()
    cfg = lv.LiveConfig(
        home=home,
        port=port,
        parallelism=parallelism,
        log=home / "standalone.log",
        log_port=log_port,
        config=Path(config) if config else None,
    )
    # SIGTERM (from a supervisor) takes the same path as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    # A shell starts background jobs with SIGINT ignored; Ctrl-C / kill -INT must still stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = lv.start(cfg, settings, lambda msg: console.print(msg, highlight=False))
    except RuntimeError as exc:
        err.print(Text(printable(exc), style="bold red"))
        raise typer.Exit(1) from None
    try:
        console.print(lv.trigger_first_run(cfg, settings), highlight=False)
        jsonl = [c.path for c in settings.alerts.channels if c.kind == "jsonl"]
        info = Table(
            title="newswatch is running under Airflow (Ctrl-C stops everything)", show_header=False
        )
        info.add_row(*cells("Airflow UI", cfg.url))
        info.add_row(*cells("explorer", f"{cfg.url}/newswatch/ (Airflow login)"))
        info.add_row(*cells("login", f"admin; password in {cfg.passwords}"))
        info.add_row(*cells("warehouse", str(settings.db_path.resolve())))
        info.add_row(*cells("alerts file", ", ".join(str(p.resolve()) for p in jsonl) or "(none)"))
        info.add_row(*cells("Airflow log", str(cfg.log)))
        console.print(info)
        while proc.poll() is None:
            time.sleep(1)
        err.print(f"Airflow exited with code {proc.returncode}; see {cfg.log}")
        raise typer.Exit(1)
    except KeyboardInterrupt:
        console.print("stopping Airflow and every process it started ...")
    finally:
        lv.stop_group(proc)
    free = lv.port_free(port) and lv.port_free(log_port)
    console.print(f"stopped; ports {port} and {log_port} are {'free' if free else 'STILL IN USE'}")


@app.command()
def trends(
    config: ConfigOpt = None,
    db: DbOpt = None,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    days: Annotated[int, typer.Option("--days", "-d", min=1, help="Window in days.")] = 7,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Rows per table.")] = 15,
    forms: Annotated[
        bool, typer.Option("--forms", help="Show how each entity is written, per language.")
    ] = False,
) -> None:
    """Top and rising entities under their canonical names (the window ends at the newest
    article)."""
    settings = _settings(config, db)
    if topic is not None:
        try:
            settings.topic(topic)
        except KeyError as exc:
            err.print(Text(printable(exc.args[0])))
            raise typer.Exit(2) from None
    from warehouse import trends as tr

    with _open_read_only(settings) as wh:
        top = wh.top_entities(days, topic, limit)
        rising = wh.rising_entities(topic, days, limit)
        written = tr.forms_of(wh.conn, [(r["entity"], r["label"]) for r in top]) if forms else {}
    scope = f"topic {topic}" if topic else "all topics"
    table = Table(title=Text(f"Top entities, last {days} days ({printable(scope)})"))
    columns = ["entity", "label", "stories", "articles", "mentions", "first seen"]
    for col in [*columns, *(["written as"] if forms else [])]:
        table.add_column(
            col, justify="right" if col in ("stories", "articles", "mentions") else "left"
        )
    for r in top:
        row = [
            r["entity"],
            r["label"],
            str(r["stories"]),
            str(r["articles"]),
            str(r["mentions"]),
            f"{r['first_seen']:%Y-%m-%d %H:%M}",
        ]
        if forms:
            row.append(forms_text(written.get((r["entity"], r["label"]), {})))
        table.add_row(*cells(*row))
    console.print(table)
    rise = Table(
        title=Text(f"Rising stories: last 24 h against the {days} days before ({printable(scope)})")
    )
    for col in ("entity", "label", "last 24h", f"previous {days}d", "ratio"):
        rise.add_column(col, justify="left" if col in ("entity", "label") else "right")
    for r in rising:
        rise.add_row(
            *cells(
                r["entity"], r["label"], str(r["last_24h"]), str(r["before"]), f"{r['ratio']:.2f}"
            )
        )
    console.print(rise)
    if not top:
        console.print("no entities yet: run `newswatch run --once` first")


@app.command("stories")
def stories_cmd(
    config: ConfigOpt = None,
    db: DbOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Stories to list.")] = 20,
    copied: Annotated[
        bool, typer.Option("--copied", help="Only stories that reached us more than once.")
    ] = False,
) -> None:
    """Recent stories (one report and its copies): when first seen, how many articles and
    sites carried it, and how it was copied (exact, syndicated, rewritten)."""
    settings = _settings(config, db)
    with _open_read_only(settings) as wh:
        rows = wh.story_list(copied, limit)
        total = wh.story_totals()
    table = Table(title=f"Stories: {total[0]} from {total[1]} articles")
    for col in ("first seen", "title", "articles", "sites", "exact", "syndicated", "rewrites"):
        table.add_column(col, justify="left" if col in ("first seen", "title") else "right")
    for r in rows:
        table.add_row(
            *cells(
                f"{r['first_seen']:%Y-%m-%d %H:%M}",
                r["title"] or "(untitled)",
                str(r["articles"]),
                str(len(r["sites"])),
                str(r["exact_copies"]),
                str(r["syndicated"]),
                str(r["rewrites"]),
            )
        )
    console.print(table)


@app.command()
def feeds(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Each source's health (last success, failing streak, last error, items) and its polling
    schedule (items per day, interval, next poll, polls, 304s, lying validators)."""
    from common.keys import utcnow

    settings = _settings(config, db)
    now = utcnow()
    with _open_read_only(settings) as wh:
        rows = {r["name"]: r for r in wh.feeds_report()}
        # A warehouse not yet migrated to feed health (schema 3) has no schedule to show.
        health = {r["name"]: r for r in wh.feed_health(now)} if wh.schema_version() >= 3 else {}
        warc = wh.warc_files() if wh.schema_version() >= 11 else []
    table = Table(title="Sources")
    for col in (
        "source",
        "kind",
        "last success",
        "failures",
        "failing since",
        "last error",
        "items",
        "stored",
        "failed",
        "refused links",
        "unreadable files",
        "languages",
        "no NER",
    ):
        table.add_column(col, overflow="fold")
    schedule = Table(title="Polling (UTC)")
    for col in ("source", "items/day", "interval", "next poll", "polls", "304s", "validators"):
        schedule.add_column(col, overflow="fold")
    for source in settings.polled_sources:
        r = rows.get(source.name)
        if r is None:
            table.add_row(*cells(source.name, source.kind, "never polled", *[""] * 10))
            continue
        h = health.get(source.name, {})
        table.add_row(
            *cells(
                source.name,
                r["kind"],
                _when(r["last_success"], "never"),
                str(r["consecutive_failures"]),
                _when(h.get("failing_since")),
                (r["last_error"] or "")[:80],
                str(r["items_seen"]),
                str(r["stored"]),
                str(r["failed"]),
                str(r["refused_links"]),
                str(r["unreadable_files"]),
                r["languages"] or "",
                r["no_ner"] or "",
            )
        )
        if not h:
            continue
        interval = h["interval_minutes"]
        next_at = h["next_poll_at"]
        schedule.add_row(
            *cells(
                source.name,
                f"{h['items_per_day']:.1f}",
                f"{interval:.0f} min" if interval is not None else "every run",
                "due" if next_at is None or next_at <= now else _when(next_at),
                str(h["polls"] or 0),
                str(h["not_modified"] or 0),
                "LYING: always unconditional" if h["lying_validators"] else "ok",
            )
        )
    console.print(table)
    if health:
        console.print(schedule)
    _print_archive_files(warc)


def _print_archive_files(rows: list[dict[str, Any]]) -> None:
    """The backfilled web-archive files with their progress (nothing when there are none)."""
    if not rows:
        return
    table = Table(title="Web-archive files (newswatch backfill)")
    for col in ("file", "source", "window", "status", "done", "records", "selected", "stored"):
        table.add_column(col, overflow="fold")
    table.add_column("skipped / error", overflow="fold")
    for r in rows:
        c = r["counts"]
        skipped = ", ".join(
            f"{k} {c[k]}"
            for k in ("revisit", "truncated", "not_html", "off_topic", "unreadable")
            if c.get(k)
        )
        done = r["next_offset"] * 100 // r["size"] if r["size"] else 100
        table.add_row(
            *cells(
                r["path"],
                r["source"],
                r["window_key"],
                r["status"],
                f"{done}%",
                str(c.get("records", 0)),
                str(c.get("selected", 0)),
                str(r["stored"]),
                (r["error"] or skipped)[:120],
            )
        )
    console.print(table)


def _when(value: Any, empty: str = "") -> str:
    """A timestamp as `YYYY-MM-DD HH:MM`, or `empty`."""
    return f"{value:%Y-%m-%d %H:%M}" if value else empty


@app.command("alerts")
def alerts_command(
    config: ConfigOpt = None,
    db: DbOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each delivery.")] = False,
) -> None:
    """Evaluate the alert rules, then deliver pending alerts to every channel."""
    _log_to_stderr(verbose)
    settings = _settings(config, db)
    from alerts.outbox import run_alerts
    from warehouse.snapshot import snapshot_status
    from warehouse.store import WarehouseError

    try:
        started = time.time()
        new, stats = run_alerts(settings)
    except WarehouseError as exc:
        err.print(Text.assemble(("alerts failed:", "bold red"), " ", printable(exc)))
        raise typer.Exit(1) from None
    except ValueError as exc:  # e.g. two channels with the same name
        err.print(Text.assemble(("configuration error", "bold red"), "\n", printable(exc)))
        raise typer.Exit(2) from None
    table = Table(title="alerts", show_header=False)
    for name, value in (
        ("new alerts", new),
        ("deliveries sent", stats.sent),
        ("deliveries failed", stats.failed),
        ("deliveries pending", stats.pending),
        # Waiting for quiet hours to end, the rate limit, or their channel's digest.
        ("deliveries held", stats.held),
    ):
        table.add_row(*cells(name, str(value)))
    console.print(table)
    channels = ", ".join(c.name for c in settings.alerts.channels) or "none"
    console.print(f"channels: {channels}; warehouse: {settings.db_path}", highlight=False)
    console.print(snapshot_status(settings, started), highlight=False)
    if stats.failed:
        err.print("some deliveries failed for good: see last_error in table deliveries")


# Analyst commands: ad-hoc SQL, one entity's series, Parquet export, the HTML report.

_READ_STATEMENTS = ("SELECT", "EXPLAIN")


def _run_sql(conn: Any, sql: str, limit: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement; ValueError for anything else (several, or a write)."""
    statements = conn.extract_statements(sql)
    if len(statements) != 1:
        raise ValueError(f"give exactly one statement, not {len(statements)}")
    kind = statements[0].type
    if kind.name not in _READ_STATEMENTS:
        raise ValueError(f"only SELECT-like statements are allowed here, not {kind.name}")
    cur = conn.execute(sql)
    cols = [d[0] for d in cur.description or []]
    return cols, cur.fetchmany(limit)


def _print_rows(cols: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    """Rows as a rich table, CSV or a JSON array on stdout."""
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(cols)
        # Control characters would reach the terminal from CSV; JSON escapes them itself.
        writer.writerows([printable(v) if isinstance(v, str) else v for v in r] for r in rows)
    elif fmt == "json":
        import json

        records = [dict(zip(cols, r, strict=True)) for r in rows]
        sys.stdout.write(json.dumps(records, default=str, ensure_ascii=False, indent=1) + "\n")
    else:
        table = Table()
        for col in cols:
            table.add_column(Text(printable(col)))
        for r in rows:
            table.add_row(*cells(*r))
        console.print(table)
        console.print(f"{len(rows)} rows", highlight=False)


@app.command("sql")
def sql_command(
    query: Annotated[
        str | None, typer.Argument(help="One SELECT statement; none opens a prompt.")
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output: table, csv or json.")
    ] = "table",
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Rows at most.")] = 1000,
) -> None:
    """Run read-only SQL against the analyst view of the warehouse (exit 2 on bad SQL)."""
    import duckdb

    if fmt not in ("table", "csv", "json"):
        err.print(Text(f"unknown format {printable(repr(fmt))}: use table, csv or json"))
        raise typer.Exit(2)
    settings = _settings(config, db)
    with _open_read_only(settings) as wh:
        if query is not None:
            try:
                cols, rows = _run_sql(wh.conn, query, limit)
            except (duckdb.Error, ValueError) as exc:
                err.print(Text.assemble(("SQL error:", "bold red"), " ", printable(exc)))
                raise typer.Exit(2) from None
            _print_rows(cols, rows, fmt)
            return
        console.print("newswatch sql: end statements with ';', .quit to leave", highlight=False)
        buffer: list[str] = []
        while True:
            try:
                line = input("...> " if buffer else "sql> ")
            except EOFError:
                break
            if not buffer and line.strip() in (".quit", ".exit"):
                break
            buffer.append(line)
            if not line.rstrip().endswith(";"):
                continue
            statement, buffer = "\n".join(buffer), []
            try:
                _print_rows(*_run_sql(wh.conn, statement, limit), fmt)
            except (duckdb.Error, ValueError) as exc:
                err.print(Text(f"SQL error: {printable(exc)}"))


@app.command()
def links(
    config: ConfigOpt = None,
    db: DbOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Rows to show.")] = 200,
) -> None:
    """Names linked to an entity across scripts, with the evidence: review them here, and
    override a wrong one with an alias in config/topics/*.yaml."""
    settings = _settings(config, db)
    with _open_read_only(settings) as wh:
        rows = wh.query_dicts("entity_links_list")
    table = Table(title=f"Entity links ({len(rows)})")
    for col in ("name", "label", "entity", "method", "score", "evidence"):
        table.add_column(col, overflow="fold")
    for r in rows[:limit]:
        table.add_row(
            *cells(
                r["name"], r["label"], r["entity"], r["method"], f"{r['score']:.3f}", r["evidence"]
            )
        )
    console.print(table)


@app.command()
def trend(
    entity: Annotated[str, typer.Argument(help="Entity name (case-insensitive).")],
    config: ConfigOpt = None,
    db: DbOpt = None,
    by: Annotated[str, typer.Option("--by", help="Bucket: day or hour.")] = "day",
    days: Annotated[int, typer.Option("--days", "-d", min=1, help="Window in days.")] = 30,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    forms: Annotated[
        bool, typer.Option("--forms", help="Also show how it is written, per language.")
    ] = False,
) -> None:
    """One entity's mentions, articles and stories per day or hour (empty buckets are 0). Any
    name it is written as finds it ("Шойгу" finds Sergei Shoigu)."""
    from warehouse import trends as tr

    if by not in ("day", "hour"):
        err.print(Text(f"--by must be day or hour, not {printable(repr(by))}"))
        raise typer.Exit(2)
    settings = _settings(config, db)
    with _open_read_only(settings) as wh:
        names = tr.entity_names(wh.conn, entity)
        if not names:
            err.print(Text(f"no entity named {printable(repr(entity))} in the warehouse"))
            raise typer.Exit(2)
        series = tr.entity_series(
            wh.conn, entity, by="hour" if by == "hour" else "day", days=days, topic=topic
        )
        written = tr.entity_forms(wh.conn, entity) if forms else []
    label = ", ".join(f"{n} ({lbl})" for n, lbl in names)
    table = Table(
        title=Text(
            printable(
                f"{label}: per {by}, last {days} days" + (f", topic {topic}" if topic else "")
            )
        )
    )
    for col in (by, "mentions", "articles", "stories"):
        table.add_column(col, justify="left" if col == by else "right")
    fmt = "%Y-%m-%d %H:00" if by == "hour" else "%Y-%m-%d"
    for r in series:
        table.add_row(
            *cells(
                f"{r['bucket']:{fmt}}", str(r["mentions"]), str(r["articles"]), str(r["stories"])
            )
        )
    console.print(table)
    if forms:
        shown = Table(title="Written as")
        for col in ("entity", "language", "form", "articles"):
            shown.add_column(col, justify="right" if col == "articles" else "left")
        for f in written:
            shown.add_row(*cells(f["entity"], f["language"] or "?", f["form"], str(f["articles"])))
        console.print(shown)


@app.command()
def backfill(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="WARC, WARC.gz or WACZ files or globs (default: kind: warc sources)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only articles dated on or after this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles dated before this day (YYYY-MM-DD).")
    ] = None,
    source: Annotated[
        str, typer.Option(help="Source name the articles are stored under (for PATHs).")
    ] = "warc",
    config: ConfigOpt = None,
    db: DbOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each step.")] = False,
) -> None:
    """Read web-archive files into the warehouse, resuming each where it stopped."""
    from newswatch.backfill import archive_files, configured_files
    from newswatch.backfill import backfill as run_backfill
    from newswatch.stages import Window

    _log_to_stderr(verbose)
    settings = _settings(config, db)
    window = Window(_day_arg(since, "--since"), _day_arg(until, "--until"))
    try:
        files = archive_files(paths, source) if paths else configured_files(settings)
    except (FileNotFoundError, OSError, ValueError) as exc:
        err.print(Text.assemble(("backfill:", "bold red"), " ", printable(exc)))
        raise typer.Exit(2) from None
    if not files:
        err.print("backfill: no files given and no enabled kind: warc source in the config")
        raise typer.Exit(2)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[records]} records, {task.fields[selected]} selected"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(key: str, done: int, total: int, counts: Any) -> None:
            if key not in tasks:
                name = printable(Path(key.split("!")[-1]).name)
                tasks[key] = bar.add_task(name, total=total, records=0, selected=0)
            bar.update(
                tasks[key],
                completed=done,
                total=total,
                records=counts.get("records", 0),
                selected=counts.get("selected", 0),
            )

        started = time.time()
        results = run_backfill(settings, files, window, progress=report)
    table = Table(title="backfill")
    for col in ("file", "status", "records", "selected", "stored", "seconds", "note"):
        table.add_column(col, overflow="fold")
    for r in results:
        c = r.counts
        note = r.error or ", ".join(
            f"{k} {c[k]}" for k in ("revisit", "truncated", "not_html", "unreadable") if c.get(k)
        )
        table.add_row(
            *cells(
                r.key,
                r.status,
                str(c.get("records", 0)),
                str(c.get("selected", 0)),
                str(r.stored),
                f"{r.seconds:.1f}",
                note[:160],
            )
        )
    console.print(table)
    from warehouse.snapshot import snapshot_status

    console.print(snapshot_status(settings, started), highlight=False)
    raise typer.Exit(1 if any(r.status == "failed" for r in results) else 0)


def _day_arg(value: str | None, name: str) -> Any:
    """A YYYY-MM-DD option as a date, or exit 2."""
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(Text(f"{name} must be a date like 2022-01-06, not {printable(repr(value))}"))
        raise typer.Exit(2) from None


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the Parquet files.")],
    config: ConfigOpt = None,
    db: DbOpt = None,
    since: Annotated[str | None, typer.Option("--since", help="First event day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last event day.")] = None,
) -> None:
    """Export articles and mentions (by event day) plus entities and stories as Parquet."""
    from warehouse.export import export_parquet

    first, last = _day_arg(since, "--since"), _day_arg(until, "--until")
    settings = _settings(config, db)
    # The one analyst command that writes files through DuckDB (COPY ... TO out_dir); it runs
    # no SQL from the user, so its connection is not confined.
    with _open_read_only(settings, confined=False) as wh:
        counts = export_parquet(wh.conn, out_dir, since=first, until=last)
    table = Table(title=Text(f"Parquet export to {printable(out_dir)}"))
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in counts.items():
        table.add_row(*cells(name, str(rows)))
    console.print(table)


@app.command()
def report(
    config: ConfigOpt = None,
    db: DbOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "data/reports/report.html"
    ),
    days: Annotated[int, typer.Option("--days", "-d", min=1, help="Window in days.")] = 30,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic.")] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also write each chart as PNG here.")
    ] = None,
) -> None:
    """Write a self-contained HTML trend report (works offline), and PNGs if asked."""
    from newswatch.report import write_report

    settings = _settings(config, db)
    with _open_read_only(settings) as wh:
        path = write_report(
            wh.conn,
            out,
            days=days,
            topic=topic,
            png_dir=png,
            explorer_url=settings.analyst.explorer_url,
        )
    console.print(f"report: {path}", highlight=False)
    if png is not None:
        console.print(f"charts: {png}", highlight=False)


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def web(
    config: ConfigOpt = None,
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8050,
) -> None:
    """Serve the explorer (read-only, over the analyst snapshot) until Ctrl-C.

    Off localhost it needs a token in NEWSWATCH_WEB_TOKEN; open it once as /?token=..."""
    import os

    import uvicorn

    from newswatch.web.app import create_app
    from warehouse.snapshot import snapshot_path

    settings = _settings(config, db)
    token = os.environ.get("NEWSWATCH_WEB_TOKEN") or None
    if host not in _LOOPBACK and token is None:
        err.print(
            Text(
                f"refusing to serve on {host} without a token: set NEWSWATCH_WEB_TOKEN "
                "(anyone who can reach the port could read the warehouse)",
                style="bold red",
            )
        )
        raise typer.Exit(2)
    snapshot = snapshot_path(settings)
    if not snapshot.is_file():
        err.print(
            f"no analyst snapshot at {snapshot} yet: the explorer shows it once a run publishes one"
        )
    shown = f"[{host}]" if ":" in host else host
    console.print(f"explorer: http://{shown}:{port}/  (snapshot {snapshot})", highlight=False)
    uvicorn.run(create_app(snapshot, token), host=host, port=port, log_level="warning")


def main() -> None:
    """Entry point for `python -m newswatch`."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
