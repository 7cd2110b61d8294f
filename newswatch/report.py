"""The HTML trend report: one self-contained file (Vega inlined, no network needed to view it)
with the top entities' daily stories, rising entities, co-occurrence and source volume.

Entity names, titles and site names come from pages anyone can write, so the page never lets
data reach a parser as code: the chart spec sits in a JSON data block with every `<`, `>` and
`&` escaped, and a Content-Security-Policy lets only the page's own two scripts run (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import altair as alt
import duckdb

from newswatch.display import forms_text, printable, script_json
from newswatch.settings import Settings
from warehouse import trends
from warehouse.store import Warehouse

TITLES = {
    "trend": "Top entities: stories per day",
    "rising": "Rising entities: last 24 h against the 7 days before",
    "cooccurrence": "Co-occurrence of the top entities (stories naming both)",
    "sources": "Articles per day by source",
}
# altair's own annotations are partial (builders return Any): charts are typed loosely here.
Chart = Any
TOP_LINES = 8
TOP_HEATMAP = 12
WIDTH = 640


def build_charts(
    conn: duckdb.DuckDBPyConnection, *, days: int = 30, topic: str | None = None
) -> dict[str, Chart]:
    """The four report charts, keyed like TITLES, from the trend API."""
    top = trends.top_entities(conn, days=days, limit=max(TOP_LINES, TOP_HEATMAP), topic=topic)
    return {
        "trend": _trend_chart(conn, top[:TOP_LINES], days, topic),
        "rising": _rising_chart(trends.rising(conn, limit=15, topic=topic)),
        "cooccurrence": _heatmap(conn, [r["entity"] for r in top[:TOP_HEATMAP]], days),
        "sources": _source_chart(trends.source_volume(conn, days=days)),
    }


def write_report(
    source: duckdb.DuckDBPyConnection | Path | str,
    out: Path | str = Path("data/reports/report.html"),
    *,
    days: int = 30,
    topic: str | None = None,
    png_dir: Path | str | None = None,
    explorer_url: str | None = None,
) -> Path:
    """Write the report to `out` (and each chart as PNG into `png_dir`); return its path.
    With `explorer_url`, the page links the overview and each top entity into the explorer."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        charts = build_charts(source, days=days, topic=topic)
        links = explorer_links(source, explorer_url, days=days, topic=topic)
    else:
        with duckdb.connect(str(source), read_only=True) as conn:
            charts = build_charts(conn, days=days, topic=topic)
            links = explorer_links(conn, explorer_url, days=days, topic=topic)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scope = f"topic {topic}" if topic else "all topics"
    page = alt.vconcat(*charts.values(), spacing=40).properties(
        title=alt.TitleParams(
            f"newswatch report: last {days} days, {scope}",
            subtitle=f"generated {datetime.now():%Y-%m-%d %H:%M}; windows end at the newest "
            "article; counts are distinct stories unless stated",
            fontSize=18,
            anchor="start",
        )
    )
    page = page.resolve_scale(color="independent")
    out.write_text(
        report_html(page.to_dict(), f"newswatch report: {scope}", links), encoding="utf-8"
    )
    if png_dir is not None:
        import vl_convert

        folder = Path(png_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for name, chart in charts.items():
            png = vl_convert.vegalite_to_png(chart.to_json(), scale=2)
            (folder / f"{name}.png").write_bytes(png)
    return out


# Starts the chart from the JSON block; no data is ever part of a script.
_EMBED = (
    "vegaEmbed('#vis', JSON.parse(document.getElementById('spec').textContent),"
    " {renderer: 'svg', actions: false}).catch(console.error);"
)


def _csp_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def explorer_links(
    conn: duckdb.DuckDBPyConnection,
    explorer_url: str | None,
    *,
    days: int,
    topic: str | None,
) -> list[tuple[str, str]]:
    """(text, URL) of the explorer's overview and of each top entity's page; none without one."""
    if not explorer_url:
        return []
    base = explorer_url.rstrip("/")
    scope = {"topic": topic} if topic else {}
    links = [("Explorer overview", f"{base}/?{urlencode(scope)}")]
    for r in trends.top_entities(conn, days=days, limit=TOP_LINES, topic=topic):
        links.append((r["entity"], f"{base}/entity?{urlencode({**scope, 'name': r['entity']})}"))
    return links


def report_html(spec: dict[str, Any], title: str, links: Sequence[tuple[str, str]] = ()) -> str:
    """The self-contained page for a Vega-Lite spec, with links into the explorer if given."""
    import vl_convert

    bundle = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # the stub misses its default
    # Vega compiles its own spec expressions with Function(), hence 'unsafe-eval'; no other
    # script can run, and nothing may be fetched, framed or posted.
    policy = (
        "default-src 'none'; "
        f"script-src {_csp_hash(bundle)} {_csp_hash(_EMBED)} 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; "
        "base-uri 'none'; form-action 'none'"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>#vis.vega-embed { width: 100%; display: flex; }</style>\n"
        f'<script>{bundle}</script>\n</head>\n<body>\n{_nav(links)}<div id="vis"></div>\n'
        f'<script type="application/json" id="spec">{script_json(spec)}</script>\n'
        f"<script>{_EMBED}</script>\n</body>\n</html>\n"
    )


def _nav(links: Sequence[tuple[str, str]]) -> str:
    """A line of links into the explorer (text and URLs escaped), or nothing."""
    if not links:
        return ""
    items = " · ".join(
        f'<a href="{html.escape(url)}">{html.escape(printable(text))}</a>' for text, url in links
    )
    return f'<nav style="font: 14px sans-serif; margin: 8px">Open in the explorer: {items}</nav>\n'


def _data(rows: list[dict[str, Any]]) -> Any:
    """Inline chart data (no pandas needed), every string made printable: Vega's expression
    parser rejects a line separator inside a name, which would leave the page blank."""
    clean = [{k: printable(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    return alt.Data(values=clean)  # type: ignore[no-untyped-call]


def _iso(value: Any) -> str:
    """A bucket as an ISO string Vega parses as UTC (date-only for days)."""
    if isinstance(value, datetime):
        if value.hour == value.minute == 0:
            return value.date().isoformat()
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _empty(title: str, message: str) -> Chart:
    """A chart that says there is nothing to draw, rather than a blank box."""
    return (
        alt.Chart(_data([{"text": message}]))
        .mark_text(fontSize=14, color="#666")
        .encode(text="text:N")
        .properties(title=title, width=WIDTH, height=80)
    )


def _day_axis(field: str) -> alt.X:
    """A UTC day axis with readable dates (with the year: a long window spans several)."""
    return alt.X(
        f"{field}:T",
        title="Day (UTC)",
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%b %d %Y", labelAngle=-45),
    )


def _trend_chart(
    conn: duckdb.DuckDBPyConnection,
    top: Sequence[dict[str, Any]],
    days: int,
    topic: str | None,
) -> Chart:
    """Stories per day of each top entity, one line each."""
    title = TITLES["trend"]
    # The tooltip says how each entity is written per language ("ru: Шойгу, Сергей Шойгу").
    written = trends.forms_of(conn, [(r["entity"], r["label"]) for r in top])
    rows = [
        {
            "day": _iso(p["bucket"]),
            "entity": r["entity"],
            "stories": p["stories"],
            "written_as": forms_text(written.get((r["entity"], r["label"]), {})),
        }
        for r in top
        for p in trends.entity_series(conn, r["entity"], days=days, topic=topic)
    ]
    if not rows:
        return _empty(title, "no entities in this window")
    order = [printable(r["entity"]) for r in top]
    # Small multiples: eight overlapping lines of small counts are unreadable in one panel.
    return (
        alt.Chart(_data(rows))
        .mark_area(line=True, opacity=0.4)
        .encode(
            x=_day_axis("day"),
            y=alt.Y("stories:Q", title="Stories", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("entity:N", sort=order, legend=None),
            tooltip=[
                "entity:N",
                alt.Tooltip("day:T", format="%Y-%m-%d"),
                "stories:Q",
                alt.Tooltip("written_as:N", title="written as"),
            ],
        )
        .properties(width=WIDTH // 2 - 20, height=110)
        .facet(
            facet=alt.Facet(
                "entity:N", sort=order, title=None, header=alt.Header(labelFontSize=13)
            ),
            columns=2,
        )
        .properties(title=title)
    )


def _rising_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """Horizontal bars of the rising ratio, labelled with the entity."""
    title = TITLES["rising"]
    if not rows:
        return _empty(title, "nothing new in the last 24 hours")
    data = [
        {
            "entity": r["entity"],
            "label": r["label"],
            "ratio": float(r["ratio"]),
            "recent": r["recent"],
            "baseline": float(r["baseline_per_window"]),
        }
        for r in rows
    ]
    return (
        alt.Chart(_data(data))
        .mark_bar()
        .encode(
            x=alt.X("ratio:Q", title="Ratio: (stories last 24 h + 1) / (daily average before + 1)"),
            y=alt.Y("entity:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            color=alt.Color("label:N", title="Entity type"),
            tooltip=[
                "entity:N",
                "label:N",
                alt.Tooltip("recent:Q", title="stories last 24 h"),
                alt.Tooltip("baseline:Q", title="daily average before"),
                "ratio:Q",
            ],
        )
        .properties(title=title, width=WIDTH - 200, height=alt.Step(20))
    )


def _heatmap(conn: duckdb.DuckDBPyConnection, names: Sequence[str], days: int) -> Chart:
    """Stories naming both entities, for each pair of the top entities."""
    title = TITLES["cooccurrence"]
    if len(names) < 2:
        return _empty(title, "fewer than two entities in this window")
    chosen = set(names)
    cells = []
    for name in names:
        for r in trends.cooccurring(conn, name, days=days, limit=1000):
            if r["entity"] in chosen and r["entity"] != name:
                cells.append({"a": name, "b": r["entity"], "stories": r["stories"]})
    if not cells:
        return _empty(title, "the top entities never appear together")
    order = [printable(n) for n in names]
    base = alt.Chart(_data(cells)).encode(
        x=alt.X("a:N", title=None, sort=order, axis=alt.Axis(labelAngle=-40, labelLimit=200)),
        y=alt.Y("b:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
    )
    rects = base.mark_rect().encode(
        color=alt.Color("stories:Q", title="Stories", scale=alt.Scale(scheme="blues")),
        tooltip=["a:N", "b:N", "stories:Q"],
    )
    text = base.mark_text(fontSize=11).encode(
        text="stories:Q",
        color=alt.condition(
            alt.datum.stories > max(c["stories"] for c in cells) / 2,
            alt.value("white"),
            alt.value("black"),
        ),
    )
    return (rects + text).properties(title=title, width=alt.Step(36), height=alt.Step(24))


def _source_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """Articles per day of each source."""
    title = TITLES["sources"]
    if not rows:
        return _empty(title, "no articles in this window")
    data = [
        {"day": _iso(r["bucket"]), "source": r["source"], "articles": r["articles"]} for r in rows
    ]
    return (
        alt.Chart(_data(data))
        .mark_line(point=True)
        .encode(
            x=_day_axis("day"),
            y=alt.Y(
                "articles:Q", title="Articles per day", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            color=alt.Color("source:N", title="Source"),
            tooltip=["source:N", alt.Tooltip("day:T", format="%Y-%m-%d"), "articles:Q"],
        )
        .properties(title=title, width=WIDTH, height=220)
    )


def report_path(settings: Settings, day: str) -> Path:
    """Where the scheduled report of `day` goes: `reports/` beside the warehouse."""
    return settings.db_path.parent / "reports" / f"report-{day}.html"


def write_daily_report(settings: Settings, day: str) -> Path:
    """Write the scheduled report of the warehouse (opened read-only) for `day`."""
    with Warehouse(settings.db_path, read_only=True) as wh:
        return write_report(
            wh.conn, report_path(settings, day), explorer_url=settings.analyst.explorer_url
        )
