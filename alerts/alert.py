"""An alert: one event worth telling someone about, as stored in the `alerts` table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

RULE_TITLES = {
    "first_mention": "first mention",
    "watched_entity": "watched entity",
    "query": "query match",
    "feed_down": "feed down",
}


@dataclass(frozen=True)
class Alert:
    """An alert event and the article it points at (timestamps are naive UTC)."""

    alert_key: str
    topic: str
    rule: str  # first_mention | watched_entity | query | feed_down (topic "_operator")
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

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Alert:
        """An alert from a row with (at least) the columns of the `alerts` table."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__ if name in row})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; timestamps as ISO 8601 in UTC."""
        out = asdict(self)
        for name in ("published", "created_at"):
            value = out[name]
            if isinstance(value, datetime):
                out[name] = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        return out

    def message(self) -> str:
        """One short line: topic, rule, what matched, the article's title, where, and the link."""
        what = RULE_TITLES.get(self.rule, self.rule)
        if self.rule == "query":
            subject = f"{what} {self.query}" if self.query else what
        else:
            subject = f"{what}: {self.entity} ({self.label})"
        title = f'"{self.title}"' if self.title else "(untitled)"
        return f"[{self.topic}] {subject} — {title} ({self.site or self.source}) {self.url}"
