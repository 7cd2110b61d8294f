"""The explorer's ASGI app (Starlette): overview, entity, story, search and alerts views over
the analyst snapshot, each a permalink carrying its filters, each with a CSV download.

Everything shown comes from pages anyone can write, so: Jinja escapes every value, chart data
travels as escaped JSON in a data block, no inline script runs (the Content-Security-Policy
allows only this app's own script files), and every query is parameterised. Off localhost the
app needs a token (`Authorization: Bearer`, or `?token=` once, which sets a cookie).
"""

from __future__ import annotations

import csv
import hmac
import io
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from newswatch.display import script_json
from newswatch.web import charts
from newswatch.web.source import NoSnapshot, SnapshotSource
from warehouse import explorer as ex

STATIC = Path(__file__).with_name("static")
TOKEN_COOKIE = "newswatch_token"  # noqa: S105 (a cookie name, not a secret)
# Vega compiles its own expressions with Function(), hence 'unsafe-eval'; it also sets style
# attributes. No inline script runs, nothing is fetched from elsewhere, no form posts away.
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
_FILTERS = ("topic", "since", "until", "language", "site", "label")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class BadRequest(Exception):
    """A parameter the explorer cannot use; the message says which and why."""


@cache
def _env() -> Environment:
    """The templates, escaping every value."""
    env = Environment(
        loader=PackageLoader("newswatch.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["highlight"] = highlight
    env.filters["safe_url"] = safe_url
    return env


def safe_url(url: str | None) -> str:
    """A link target only if it is http(s): a `javascript:` URL in the data must not run."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return "#"


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script, from vl-convert (no network)."""
    import vl_convert

    return str(vl_convert.javascript_bundle())  # type: ignore[call-arg]


def _when(value: Any) -> str:
    """A timestamp as the explorer shows it (UTC)."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return "" if value is None else str(value)


def highlight(text: str | None, terms: Sequence[str], width: int = 320) -> Markup:
    """A snippet of `text` around the first hit, the terms marked; everything else escaped."""
    if not text:
        return Markup("")
    if not terms:
        return escape(text[:width])
    # Whole words, as the search matched them.
    words = "|".join(re.escape(t) for t in terms)
    pattern = re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])", re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 3)
    snippet = text[start : start + width]
    out = [Markup("…")] if start else []
    pos = 0
    for m in pattern.finditer(snippet):
        out += [
            escape(snippet[pos : m.start()]),
            Markup("<mark>"),
            escape(m.group()),
            Markup("</mark>"),
        ]
        pos = m.end()
    out.append(escape(snippet[pos:]))
    if start + width < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def _day(request: Request, name: str) -> date | None:
    """A YYYY-MM-DD parameter, or None."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2022-01-06, not {value[:40]!r}") from None


def filters_of(request: Request) -> ex.Filters:
    """The analyst's filters from the query string (empty means any)."""
    q = request.query_params
    text = {k: (q.get(k) or "").strip() or None for k in ("topic", "language", "site", "label")}
    since, until = _day(request, "since"), _day(request, "until")
    if since and until and since > until:
        raise BadRequest("since is after until")
    return ex.Filters(since=since, until=until, **text)


def _query(filters: ex.Filters, **extra: Any) -> str:
    """The query string of a permalink: the filters set, then the view's own parameters."""
    values = {k: v for k, v in asdict(filters).items() if v is not None}
    values.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode({k: str(v) for k, v in values.items()})


def csv_response(rows: Sequence[dict[str, Any]], name: str) -> Response:
    """Rows as a CSV download; a cell that a spreadsheet would run as a formula is quoted."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="newswatch-{name}.csv"'},
    )


def _cell(value: Any) -> Any:
    """A CSV cell; text starting like a formula gets a leading apostrophe."""
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


class Explorer:
    """The views, over one snapshot source."""

    def __init__(self, source: SnapshotSource, token: str | None = None) -> None:
        self.source = source
        self.token = token

    # -- plumbing --------------------------------------------------------------------------

    def page(self, request: Request, template: str, **context: Any) -> HTMLResponse:
        """A rendered template with the filter bar's state."""
        base = request.scope.get("root_path", "").rstrip("/")
        context.setdefault("filters", ex.Filters())
        html = (
            _env()
            .get_template(template)
            .render(
                base=base,
                query=_query,
                published=self.source.published_at(),
                csv_link=f"{request.url.path}?{_with(request, format='csv')}",
                **context,
            )
        )
        return HTMLResponse(html)

    def conn(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current snapshot."""
        return self.source.cursor()

    def choices(self) -> dict[str, list[str]]:
        """The filter menus' values, read once per snapshot."""
        return dict(self.source.memo("choices", ex.choices))

    # -- views -----------------------------------------------------------------------------

    def overview(self, request: Request) -> Response:
        """Top and rising entities, stories per day, newest alerts, feed health."""
        conn = self.conn()
        f = ex.window(conn, filters_of(request))
        top = ex.top_entities(conn, f, limit=25)
        if request.query_params.get("format") == "csv":
            return csv_response(top, "top-entities")
        days = ex.days(conn, f)
        return self.page(
            request,
            "overview.html",
            filters=f,
            choices=self.choices(),
            top=top,
            rising=ex.rising(conn, f),
            alerts=ex.newest_alerts(conn, f),
            health=ex.feed_health(conn),
            total_stories=sum(d["stories"] for d in days),
            chart=script_json(charts.stories_per_day(days)),
        )

    def entity(self, request: Request) -> Response:
        """One entity: chart per bucket, the stories behind a bar, forms, partners."""
        name = (request.query_params.get("name") or "").strip()
        if not name:
            raise BadRequest("name the entity: /entity?name=...")
        by: ex.Bucket = "hour" if request.query_params.get("by") == "hour" else "day"
        conn = self.conn()
        f = ex.window(conn, filters_of(request))
        found = ex.entity_ids(conn, name, f.label)
        ids = [r["entity_id"] for r in found]
        bucket = _bucket(request.query_params.get("bucket"), by)
        stories = ex.entity_stories(conn, ids, f, bucket) if ids else []
        if request.query_params.get("format") == "csv":
            return csv_response(stories, "entity-stories")
        series = ex.entity_series(conn, ids, f, by) if ids else []
        base = request.scope.get("root_path", "").rstrip("/")
        links = [
            f"{base}/entity?{_query(f, name=name, by=by, bucket=_bucket_text(r['bucket'], by))}"
            for r in series
        ]
        return self.page(
            request,
            "entity.html",
            filters=f,
            choices=self.choices(),
            name=name,
            by=by,
            found=found,
            bucket=bucket,
            bucket_text=_bucket_text(bucket[0], by) if bucket else None,
            series=series,
            stories=stories,
            forms=ex.entity_forms(conn, ids) if ids else [],
            partners=ex.entity_partners(conn, ids, f) if ids else [],
            chart=script_json(charts.entity_bars(series, by, links)) if series else None,
        )

    def story(self, request: Request) -> Response:
        """Every copy of one story, with merges and the alerts sent for it."""
        key = request.path_params["key"]
        conn = self.conn()
        story = ex.story(conn, key)
        articles = ex.story_articles(conn, key)
        if request.query_params.get("format") == "csv":
            return csv_response(articles, "story")
        if story is None:
            missing = self.page(request, "error.html", message="No such story.")
            missing.status_code = 404
            return missing
        return self.page(
            request,
            "story.html",
            filters=filters_of(request),
            story=story,
            articles=articles,
            merges=ex.story_merges(conn, key),
            alerts=ex.story_alerts(conn, key),
        )

    def search(self, request: Request) -> Response:
        """Full text over the scope's articles, BM25-ranked, hits marked."""
        q = (request.query_params.get("q") or "").strip()[:200]
        conn = self.conn()
        f = ex.window(conn, filters_of(request))
        try:
            hits, unavailable = (ex.search(conn, q, f) if q else []), False
        except ex.NoSearchIndex:
            hits, unavailable = [], True
        if request.query_params.get("format") == "csv":
            return csv_response(
                [{k: v for k, v in h.items() if k != "text"} for h in hits], "search"
            )
        return self.page(
            request,
            "search.html",
            filters=f,
            choices=self.choices(),
            q=q,
            terms=ex.search_terms(q),
            hits=hits,
            unavailable=unavailable,
        )

    def alerts(self, request: Request) -> Response:
        """The outbox: status, rule, entity, story, delivery attempts."""
        conn = self.conn()
        shown = filters_of(request)
        # The outbox is not windowed by default: every alert unless dates are given.
        f = replace(
            shown, since=shown.since or date(1970, 1, 1), until=shown.until or date(9999, 12, 30)
        )
        rows = ex.alerts(conn, f)
        if request.query_params.get("format") == "csv":
            return csv_response(rows, "alerts")
        return self.page(request, "alerts.html", filters=shown, choices=self.choices(), rows=rows)

    def suggest(self, request: Request) -> Response:
        """Entity names for the search box's autocomplete."""
        prefix = (request.query_params.get("prefix") or "")[:80]
        rows = ex.suggest(self.conn(), prefix)
        return JSONResponse([r["name"] for r in rows])

    # -- assets ----------------------------------------------------------------------------

    def asset(self, request: Request) -> Response:
        """The app's own script and style, and the Vega bundle."""
        name = request.path_params["name"]
        if name == "vega.js":
            body, media = vega_bundle(), "text/javascript"
        elif name in ("explorer.js", "explorer.css"):
            body = (STATIC / name).read_text(encoding="utf-8")
            media = "text/javascript" if name.endswith(".js") else "text/css"
        else:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(body, media_type=media, headers={"Cache-Control": "max-age=3600"})


def _with(request: Request, **changes: str) -> str:
    """The request's query string with some parameters changed."""
    params = dict(request.query_params)
    params.update(changes)
    return urlencode(params)


def _bucket_text(value: datetime | None, by: str) -> str | None:
    """A bucket's start as the `bucket` parameter writes it."""
    if value is None:
        return None
    return f"{value:%Y-%m-%dT%H}" if by == "hour" else f"{value:%Y-%m-%d}"


def _bucket(value: str | None, by: str) -> tuple[datetime, datetime] | None:
    """The [start, end) of a chart bucket named in the URL, or None."""
    if not value:
        return None
    try:
        if by == "hour":
            start = datetime.strptime(value[:13], "%Y-%m-%dT%H")
            return start, start + timedelta(hours=1)
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise BadRequest(
            f"bucket must be a day (or an hour with by=hour), not {value[:40]!r}"
        ) from None
    start = datetime(day.year, day.month, day.day)
    return start, start + timedelta(days=1)


def create_app(snapshot: Path | Callable[[], Path], token: str | None = None) -> Starlette:
    """The explorer over the snapshot file at `snapshot` (or where a callable says, asked on
    the first request); `token` guards every request."""
    explorer = Explorer(SnapshotSource(snapshot), token)

    def view(fn: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
        """A sync view run off the event loop, with errors as pages and timing as a header."""

        async def run(request: Request) -> Response:
            from starlette.concurrency import run_in_threadpool

            started = time.perf_counter()
            try:
                response = await run_in_threadpool(fn, request)
            except BadRequest as exc:
                response = explorer.page(request, "error.html", message=str(exc))
                response.status_code = 400
            except NoSnapshot as exc:
                response = HTMLResponse(str(escape(str(exc))), status_code=503)
            ms = (time.perf_counter() - started) * 1000
            response.headers["Server-Timing"] = f"app;dur={ms:.1f}"
            return response

        return run

    routes = [
        Route("/", view(explorer.overview)),
        Route("/entity", view(explorer.entity)),
        Route("/story/{key}", view(explorer.story)),
        Route("/search", view(explorer.search)),
        Route("/alerts", view(explorer.alerts)),
        Route("/api/suggest", view(explorer.suggest)),
        Route("/static/{name}", view(explorer.asset)),
        Route("/healthz", lambda r: Response("ok", media_type="text/plain")),
    ]

    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Token check (when set), then the security headers on every response."""
        if token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given, token):
                # Trade the URL token for a cookie, so it leaves the address bar and history.
                params = {k: v for k, v in request.query_params.items() if k != "token"}
                target = request.url.path + ("?" + urlencode(params) if params else "")
                response: Response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return _secure(response)
            offered = request.cookies.get(TOKEN_COOKIE, "")
            header = request.headers.get("authorization", "")
            if header.lower().startswith("bearer "):
                offered = header[7:]
            if not hmac.compare_digest(offered.encode(), token.encode()):
                return _secure(
                    Response("a token is required", status_code=401, media_type="text/plain")
                )
        return _secure(await call_next(request))

    return Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)])


def _secure(response: Response) -> Response:
    """The headers every response carries."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
