"""The composed settings: every stage's own spec, loaded from `config/` YAML plus environment.

Each stage package owns its spec next to its code (extractors/config.py, alerts/config.py,
warehouse/config.py); this module owns only the newswatch-level ones (polling, the stream, the
Airflow DAGs), composes them into `Settings`, and loads them with pydantic-settings. The names
below are re-exported so callers have one place to import settings from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from alerts.config import (
    ALERT_LABELS,
    SPIKE_FIELDS,
    AlertRule,
    AlertSettings,
    AppriseChannel,
    Channel,
    EmailChannel,
    JsonlChannel,
    SlackChannel,
    Topic,
    WebhookChannel,
)
from common.spec import ConfigSpec
from extractors.config import (
    DEFAULT_LABELS,
    ArchiveSource,
    CleanSettings,
    EntityLabel,
    FeedSource,
    FetchSettings,
    GazetteerEntry,
    NlpSettings,
    Source,
    StorySettings,
    WarcSource,
)
from warehouse.config import AnalystSettings

__all__ = [
    "ALERT_LABELS",
    "DEFAULT_LABELS",
    "SPIKE_FIELDS",
    "AirflowSettings",
    "AlertRule",
    "AlertSettings",
    "AnalystSettings",
    "AppriseChannel",
    "ArchiveSource",
    "Channel",
    "CleanSettings",
    "ConfigError",
    "EmailChannel",
    "EntityLabel",
    "FeedSource",
    "FetchSettings",
    "GazetteerEntry",
    "JsonlChannel",
    "NlpSettings",
    "PollSettings",
    "Settings",
    "SlackChannel",
    "Source",
    "StorySettings",
    "StreamSettings",
    "Topic",
    "WarcSource",
    "WebhookChannel",
    "load_settings",
]

# The repo's own config/ is the default, so a fresh clone runs from any working directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"
MAIN_FILE = "newswatch.yaml"
ENV_PREFIX = "NEWSWATCH__"


class ConfigError(Exception):
    """A configuration file or override is invalid; the message names file, key and problem."""


class StreamSettings(ConfigSpec):
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


class AirflowSettings(ConfigSpec):
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
    # The one-slot pool every warehouse task runs in; `newswatch live` and the compose init
    # create it under this name.
    pool: str = "newswatch_warehouse"
    # Every newswatch DAG's tasks: retries, and the first delay (doubling, up to 10 minutes).
    retries: int = Field(2, ge=0)
    retry_delay_seconds: int = Field(30, ge=0)


class PollSettings(ConfigSpec):
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


class Settings(BaseSettings):
    """Everything a newswatch run needs, composed from the stages' own specs."""

    # Env names: NEWSWATCH__SECTION__KEY. Only load_settings reads the environment (through
    # the sources below); constructing Settings directly never does.
    model_config = SettingsConfigDict(
        extra="forbid",
        frozen=True,
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        # An empty variable (compose's `${NAME:-}`) means "not set", not "set to nothing".
        env_ignore_empty=True,
    )

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

    @property
    def polled_sources(self) -> list[Source]:
        """The sources a run polls: feeds and archive folders (WARC files are backfilled)."""
        return [s for s in self.sources if s.kind != "warc"]

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment given to load_settings over the YAML (passed as init values)."""
        return (_MappingEnvSource(settings_cls, _ENVIRON.get()), init_settings)


class _MappingEnvSource(EnvSettingsSource):
    """NEWSWATCH__SECTION__KEY variables from a given mapping rather than os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        # Sources and topics are lists of mappings: they come from YAML files only.
        self._environ = {
            k: v
            for k, v in environ.items()
            if not k.upper().startswith((f"{ENV_PREFIX}SOURCES", f"{ENV_PREFIX}TOPICS"))
        }
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        """The variables of the given mapping, named as pydantic-settings expects."""
        # Names are matched case-insensitively, as pydantic-settings does with os.environ.
        return {k.lower(): v for k, v in self._environ.items() if v or not self.env_ignore_empty}


# The environment load_settings was given; empty outside it, so Settings(...) stays pure.
_ENVIRON: ContextVar[Mapping[str, str]] = ContextVar(
    "newswatch_environ", default=MappingProxyType({})
)


def _read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file into a mapping, or raise ConfigError naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}:{where}: invalid YAML: {problem}") from None
    if data is None:
        return {}
    if _too_big(data, MAX_CONFIG_NODES):
        raise ConfigError(
            f"{path}: more than {MAX_CONFIG_NODES:,} values once anchors are expanded, or "
            f"nested deeper than {MAX_CONFIG_DEPTH} levels: not a configuration"
        )
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: expected a mapping of keys at the top, got {type(data).__name__}"
        )
    return data


# Far beyond any real configuration; a YAML alias bomb expands to billions.
MAX_CONFIG_NODES = 100_000
MAX_CONFIG_DEPTH = 64


def _too_big(data: Any, budget: int) -> bool:
    """Whether `data` holds more than `budget` values counting every alias expansion, or is
    nested deeper than MAX_CONFIG_DEPTH; stops as soon as it knows."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > budget or depth > MAX_CONFIG_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _format_errors(origin: str, exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> str:
    """Render pydantic errors as `origin: key.path: problem` lines."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in (*prefix, *err["loc"])) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{origin}: {loc}: {msg}")
    return "\n".join(lines)


def _resolve_paths(data: dict[str, Any], base_dir: Path) -> None:
    """Make archive and WARC paths (and globs) in a config file relative to its folder."""
    for source in data.get("sources") or []:
        if isinstance(source, dict) and source.get("kind") == "archive" and source.get("path"):
            path = Path(str(source["path"]))
            if not path.is_absolute():
                source["path"] = str((base_dir / path).resolve())
        elif isinstance(source, dict) and source.get("kind") == "warc" and source.get("path"):
            raw = source["path"]
            paths = [raw] if isinstance(raw, str) else raw
            if isinstance(paths, list):
                source["path"] = [
                    p if not isinstance(p, str) or Path(p).is_absolute() else str(base_dir / p)
                    for p in paths
                ]


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

    environ = {k: v for k, v in env.items() if k.startswith(ENV_PREFIX)}
    if environ:
        token = _ENVIRON.set(environ)
        try:
            base = Settings(**{**data, "topics": topics})
        except ValidationError as exc:
            raise ConfigError(_format_errors("environment override", exc)) from None
        except RecursionError:
            raise ConfigError("environment override: a value is nested too deeply") from None
        finally:
            _ENVIRON.reset(token)
    db = db if db is not None else env.get("NEWSWATCH_DB") or None
    if db is None:
        return base
    # The db path has its own short variable and a command-line option; both beat the YAML.
    return base.model_copy(update={"db_path": Path(db)})
