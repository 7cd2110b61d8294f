"""The alert stage's config specs: topics and their rules, channels, delivery retries."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from alerts.schedule import parse_clock, parse_span
from common.spec import ConfigSpec
from extractors.config import EntityLabel, GazetteerEntry, valid_query
from extractors.relevance import TopicQuery
from warehouse.config import AnalystSettings

ALERT_LABELS: tuple[EntityLabel, ...] = ("PERSON", "ORG", "GPE")


class AlertRule(ConfigSpec):
    """When a topic raises an alert."""

    # first_mention: an entity seen for the first time ever in the topic;
    # watched_entity: a watchlist entity mentioned in a new article;
    # query: a new article of the topic that also matches `query`;
    # spike: an entity (of `labels`) in far more distinct stories in the last hour or day than
    # its own baseline predicts (alerts/spike.py, docs/alerts.md).
    rule: Literal["first_mention", "watched_entity", "query", "spike"]
    query: str = ""
    labels: list[EntityLabel] = Field(default_factory=lambda: list(ALERT_LABELS))
    # spike only: the window (hour or day, ending at evaluation time) and the days before it
    # that give the entity's baseline rate.
    window: Literal["hour", "day"] = "day"
    baseline_days: int = Field(14, ge=2, le=365)
    # spike only: fire when the window has >= min_count stories, >= min_ratio times the expected
    # count, and a Poisson upper-tail probability <= p_value; list max_stories driving stories.
    min_count: int = Field(3, ge=1)
    min_ratio: float = Field(3.0, ge=1.0)
    p_value: float = Field(0.001, gt=0.0, lt=1.0)
    max_stories: int = Field(5, ge=1, le=50)

    _query_parses = field_validator("query")(valid_query)

    @model_validator(mode="after")
    def _fields_of_rule(self) -> AlertRule:
        # A setting that the rule ignores is a mistake in the config: say so. Compared with the
        # defaults, not with the keys given, so dumped and re-validated settings still load.
        fields = type(self).model_fields
        spike_only = {n for n in SPIKE_FIELDS if getattr(self, n) != fields[n].default}
        if self.rule != "spike" and spike_only:
            raise ValueError(f"{sorted(spike_only)} only apply to rule: spike")
        if self.rule == "spike" and self.query:
            raise ValueError("query does not apply to rule: spike")
        return self


# The settings that only the spike rule reads.
SPIKE_FIELDS = frozenset(
    {"window", "baseline_days", "min_count", "min_ratio", "p_value", "max_stories"}
)


def _default_rules() -> list[AlertRule]:
    """Every topic alerts on first mentions and watched entities unless told otherwise."""
    return [AlertRule(rule="first_mention"), AlertRule(rule="watched_entity")]


class Topic(ConfigSpec):
    """A watched subject: what matches it and which entities matter."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    query: str = ""
    gazetteer: list[GazetteerEntry] = Field(default_factory=list)
    watchlist: list[str] = Field(default_factory=list)
    alerts: list[AlertRule] = Field(default_factory=_default_rules)

    _query_parses = field_validator("query")(valid_query)

    @model_validator(mode="after")
    def _watchlist_known(self) -> Topic:
        known = {e.name.casefold() for e in self.gazetteer}
        for alias in (a for e in self.gazetteer for a in e.aliases):
            known.add(alias.casefold())
        missing = [w for w in self.watchlist if w.casefold() not in known]
        if missing:
            raise ValueError(f"watchlist names {missing} are not in the topic's gazetteer")
        return self

    def compiled_query(self) -> TopicQuery:
        """The parsed boolean query."""
        return TopicQuery.parse(self.query)


class _ChannelSchedule(ConfigSpec):
    """When a channel may send, shared by every kind: rate limit, digest, quiet hours."""

    # At most this many messages (single alerts or digests) per rolling hour; the rest wait.
    rate_limit_per_hour: int | None = Field(None, ge=1)
    # off: one message per alert; hourly/daily: one message per period listing its alerts.
    digest: Literal["off", "hourly", "daily"] = "off"
    # When a daily digest goes out (local time in `timezone`).
    digest_at: str = "08:00"
    # Local times during which nothing is sent, e.g. "22:00-07:00" (may span midnight).
    quiet_hours: str | None = None
    timezone: str = "UTC"

    @field_validator("digest_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)  # the parser the scheduler uses; its ValueError names the problem
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _span(cls, value: str | None) -> str | None:
        if value is not None:
            parse_span(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as Europe/Berlin or UTC"
            ) from None
        return value


class JsonlChannel(_ChannelSchedule):
    """Alerts appended as JSON lines to a file (the embedded default)."""

    kind: Literal["jsonl"] = "jsonl"
    name: str = "jsonl"
    path: Path = Path("data/alerts.jsonl")


class WebhookChannel(_ChannelSchedule):
    """Alerts POSTed as JSON, signed with HMAC-SHA256; URL and secret never in the YAML."""

    kind: Literal["webhook"]
    name: str = "webhook"
    url_env: str = "NEWSWATCH_WEBHOOK_URL"
    secret_env: str = "NEWSWATCH_WEBHOOK_SECRET"  # noqa: S105 (a variable name, not a secret)
    # Inside Airflow, an HTTP connection (host = URL, password = secret) may be used instead.
    conn_id: str | None = None
    timeout: float = Field(10.0, gt=0)


class SlackChannel(_ChannelSchedule):
    """Alerts to a Slack-compatible incoming webhook."""

    kind: Literal["slack"]
    name: str = "slack"
    url_env: str = "NEWSWATCH_SLACK_WEBHOOK_URL"
    conn_id: str | None = None
    timeout: float = Field(10.0, gt=0)


class EmailChannel(_ChannelSchedule):
    """Alerts by email over SMTP; the password comes from the environment."""

    kind: Literal["email"]
    name: str = "email"
    host: str
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username: str | None = None
    password_env: str = "NEWSWATCH_SMTP_PASSWORD"  # noqa: S105 (a variable name)
    sender: str
    recipients: list[str] = Field(min_length=1)
    conn_id: str | None = None
    timeout: float = Field(20.0, gt=0)


class AppriseChannel(_ChannelSchedule):
    """Alerts through apprise (Slack, Teams, Telegram, ntfy, email, ...); URLs never in YAML."""

    kind: Literal["apprise"]
    name: str = "apprise"
    # One or more apprise URLs separated by whitespace or commas; they embed tokens.
    urls_env: str = "NEWSWATCH_APPRISE_URLS"
    # Inside Airflow, a connection whose extra {"urls": ...} (or host) holds the URLs.
    conn_id: str | None = None
    title_prefix: str = "[newswatch] "
    timeout: float = Field(30.0, gt=0)


Channel = Annotated[
    JsonlChannel | WebhookChannel | SlackChannel | EmailChannel | AppriseChannel,
    Field(discriminator="kind"),
]


class AlertSettings(ConfigSpec):
    """Where alerts go and how failed deliveries are retried."""

    channels: list[Channel] = Field(default_factory=lambda: list[Channel]([JsonlChannel()]))
    max_attempts: int = Field(100, ge=1)
    backoff_initial: float = Field(30.0, ge=0)
    backoff_max: float = Field(900.0, ge=0)


class _NamedSource(Protocol):
    """A configured source as the feed-down rule sees it."""

    @property
    def name(self) -> str: ...
    @property
    def enabled(self) -> bool: ...


class _FeedDownAfter(Protocol):
    @property
    def alert_after_hours(self) -> float: ...


class _UserAgent(Protocol):
    @property
    def user_agent(self) -> str: ...


class AlertsConfig(Protocol):
    """What the alert stage reads of the composed settings: declared here, so alerts/ never
    imports the layer that composes them."""

    @property
    def db_path(self) -> Path: ...
    @property
    def alerts(self) -> AlertSettings: ...
    @property
    def topics(self) -> Sequence[Topic]: ...
    @property
    def sources(self) -> Sequence[_NamedSource]: ...
    @property
    def poll(self) -> _FeedDownAfter: ...
    @property
    def fetch(self) -> _UserAgent: ...
    @property
    def analyst(self) -> AnalystSettings: ...
