"""An alert: one event worth telling someone about, as stored in the `alerts` table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

RULE_TITLES = {
    "first_mention": "first mention",
    "watched_entity": "watched entity",
    "query": "query match",
    "feed_down": "feed down",
    "spike": "spike",
}
# How many driving stories a spike's one-line message names.
MESSAGE_STORIES = 3


@dataclass(frozen=True)
class Alert:
    """An alert event and the article it points at (timestamps are naive UTC)."""

    alert_key: str
    topic: str
    rule: str  # first_mention | watched_entity | query | spike | feed_down (topic "_operator")
    entity: str | None
    label: str | None
    query: str | None
    article_key: str
    title: str | None
    url: str
    source: str
    site: str | None
    published: datetime | None
    created_at: datetime
    story_key: str | None = None  # the story it stands for: copies of it raise nothing new
    # JSON text of a list of objects, stored with the alert so it survives until delivery:
    # a spike's driving stories (title, url, ...), newest first. None for the other rules.
    details: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Alert:
        """An alert from a row with (at least) the columns of the `alerts` table."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__ if name in row})

    def details_list(self) -> list[dict[str, Any]]:
        """The details as a list of dicts ([] when there are none or they do not parse)."""
        if not self.details:
            return []
        try:
            parsed = json.loads(self.details)
        except ValueError:
            return []
        if not isinstance(parsed, list):
            return []
        return [d for d in parsed if isinstance(d, dict)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; timestamps as ISO 8601 in UTC, details as a list (or None)."""
        out = asdict(self)
        out["details"] = None if self.details is None else self.details_list()
        for name in ("published", "created_at"):
            value = out[name]
            if isinstance(value, datetime):
                out[name] = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        return out

    def message(self) -> str:
        """One short line: topic, rule, what matched, the article's title, where, and the link."""
        what = RULE_TITLES.get(self.rule, self.rule)
        if self.rule == "spike":
            return self._spike_message(what)
        if self.rule == "query":
            subject = f"{what} {self.query}" if self.query else what
        else:
            subject = f"{what}: {self.entity} ({self.label})"
        title = f'"{self.title}"' if self.title else "(untitled)"
        return f"[{self.topic}] {subject} — {title} ({self.site or self.source}) {self.url}"

    def _spike_message(self, what: str) -> str:
        """Topic, the counts (the title), the first driving stories' titles and the newest link."""
        # The title already says how many stories there are; the line names the newest few.
        titles = "; ".join(_quoted(d.get("title")) for d in self.details_list()[:MESSAGE_STORIES])
        listed = f" — {titles}" if titles else ""
        return f"[{self.topic}] {what}: {self.title}{listed} {self.url}"


def _quoted(title: object) -> str:
    """A story title in quotes on one line, or (untitled)."""
    text = " ".join(str(title or "").split())
    return f'"{text}"' if text else "(untitled)"
