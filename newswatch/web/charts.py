"""Vega-Lite specs of the explorer's charts, as plain dicts (the page embeds them as JSON data
and the locally served Vega bundle draws them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from newswatch.display import printable

WIDTH = 720


def _iso(value: Any) -> str:
    """A bucket as an ISO string that Vega parses as UTC."""
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def stories_per_day(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Bars of distinct stories per day, with articles in the tooltip."""
    values = [
        {"day": _iso(r["day"]), "stories": r["stories"], "articles": r["articles"]} for r in rows
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": 160,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "day",
                "type": "temporal",
                "timeUnit": "utcyearmonthdate",
                "title": "Day (UTC)",
                "axis": {"format": "%b %d"},
            },
            "y": {
                "field": "stories",
                "type": "quantitative",
                "title": "Stories",
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "tooltip": [
                {"field": "day", "type": "temporal", "timeUnit": "utcyearmonthdate"},
                {"field": "stories", "type": "quantitative"},
                {"field": "articles", "type": "quantitative"},
            ],
        },
    }


def entity_bars(rows: Sequence[dict[str, Any]], by: str, links: Sequence[str]) -> dict[str, Any]:
    """Bars of an entity's stories per bucket; each bar links to the stories behind it."""
    unit = "utcyearmonthdatehours" if by == "hour" else "utcyearmonthdate"
    values = [
        {
            "bucket": _iso(r["bucket"]),
            "stories": r["stories"],
            "articles": r["articles"],
            "mentions": r["mentions"],
            "href": printable(link),
        }
        for r, link in zip(rows, links, strict=True)
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": 180,
        "data": {"values": values},
        "mark": {"type": "bar", "cursor": "pointer"},
        "encoding": {
            "x": {
                "field": "bucket",
                "type": "temporal",
                "timeUnit": unit,
                "title": "Hour (UTC)" if by == "hour" else "Day (UTC)",
            },
            "y": {
                "field": "stories",
                "type": "quantitative",
                "title": "Stories",
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "href": {"field": "href", "type": "nominal"},
            "tooltip": [
                {"field": "bucket", "type": "temporal", "timeUnit": unit, "title": by},
                {"field": "stories", "type": "quantitative"},
                {"field": "articles", "type": "quantitative"},
                {"field": "mentions", "type": "quantitative"},
            ],
        },
    }
