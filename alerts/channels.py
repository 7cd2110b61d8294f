"""Alert channels: JSON lines, signed webhooks, Slack-compatible webhooks, email and apprise.

Every channel has `send(alert)` and `send_digest(digest)`, which return when the message was
delivered and raise `DeliveryError(reason, retryable)` when it was not. URLs, secrets and
passwords come from environment variables named in the settings; they never appear in an error
or a log line.

Why one module of this size: five small senders sharing one protocol, one message formatter
(single alert and digest, per channel format) and one secret-reading helper; each sender is
under a hundred lines, and `build_channels` is the one place that knows them all.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
import re
import smtplib
import ssl
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

import httpx

from alerts.alert import RULE_TITLES, Alert
from alerts.config import (
    AlertsConfig,
    AppriseChannel,
    EmailChannel,
    JsonlChannel,
    SlackChannel,
    WebhookChannel,
)
from alerts.schedule import to_local
from common.text import UNSAFE_CHARS

log = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-Newswatch-Timestamp"
SIGNATURE_HEADER = "X-Newswatch-Signature"
_REDACTED = "[redacted]"
# Loggers that may print a request URL (a Slack webhook URL is itself a secret).
_HTTP_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.proxy")
# Loggers that print apprise URLs or their parts (apprise itself, and requests under it).
_APPRISE_LOGGERS = ("apprise", "urllib3.connectionpool", "requests")
# A digest's text lists this many alerts, then says how many more there are.
DIGEST_LINES = 50


class DeliveryError(Exception):
    """An alert was not delivered; `retryable` says whether trying later may succeed."""

    def __init__(self, reason: str, retryable: bool) -> None:
        super().__init__(reason, retryable)
        self.reason, self.retryable = reason, retryable

    def __str__(self) -> str:
        kind = "retryable" if self.retryable else "permanent"
        return f"{self.reason} ({kind})"


class AlertChannel(Protocol):
    """Where alerts go."""

    name: str

    def send(self, alert: Alert) -> None:
        """Deliver one alert or raise DeliveryError."""

    def send_digest(self, digest: Digest) -> None:
        """Deliver one message listing many alerts or raise DeliveryError."""

    def close(self) -> None:
        """Release connections."""


@dataclass(frozen=True)
class Digest:
    """The alerts of one channel's digest period, sent as one message (times naive UTC)."""

    channel: str
    period: str  # hourly | daily
    # The period's start, or the oldest alert's creation when alerts held over from earlier
    # periods (quiet hours, a receiver that was down) ride along.
    start: datetime
    end: datetime
    timezone: str
    alerts: tuple[Alert, ...]


def payload(alert: Alert) -> dict[str, Any]:
    """What webhooks and JSON lines carry: the alert's fields plus its one-line message."""
    return {**alert.to_dict(), "message": alert.message()}


def _compact_json(value: Any) -> bytes:
    """Compact JSON: UTF-8, sorted keys (the exact bytes that webhooks sign)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def alert_json(alert: Alert) -> bytes:
    """The alert as compact JSON: UTF-8, sorted keys."""
    return _compact_json(payload(alert))


def digest_counts(alerts: Iterable[Alert]) -> list[tuple[str, str, int]]:
    """(topic, rule, alerts) of a digest, most alerts first."""
    counts = Counter((a.topic, a.rule) for a in alerts)
    return sorted(((t, r, n) for (t, r), n in counts.items()), key=lambda c: (-c[2], c[0], c[1]))


def digest_title(digest: Digest) -> str:
    """One line: period, alert count and the span in the channel's time zone."""
    start, end = to_local(digest.start, digest.timezone), to_local(digest.end, digest.timezone)
    until = f"{end:%H:%M}" if start.date() == end.date() else f"{end:%Y-%m-%d %H:%M}"
    count = len(digest.alerts)
    noun = "alert" if count == 1 else "alerts"
    span = f"{start:%Y-%m-%d %H:%M} to {until} ({digest.timezone})"
    return f"{digest.period} digest: {count} {noun}, {span}"


def digest_body(digest: Digest, max_lines: int = DIGEST_LINES) -> str:
    """Counts by topic and rule, then one line per alert (the first `max_lines` of them)."""
    lines = [
        f"{n} × [{topic}] {RULE_TITLES.get(rule, rule)}"
        for topic, rule, n in digest_counts(digest.alerts)
    ]
    lines.append("")
    lines.extend(f"- {alert.message()}" for alert in digest.alerts[:max_lines])
    more = len(digest.alerts) - max_lines
    if more > 0:
        lines.append(f"… and {more} more")
    return "\n".join(lines)


def digest_text(digest: Digest) -> str:
    """Title, a blank line and the body: what text channels send."""
    return f"{digest_title(digest)}\n\n{digest_body(digest)}"


def _iso_utc(value: datetime) -> str:
    """A naive-UTC timestamp as ISO 8601 with its offset, like the alerts' own."""
    return value.replace(tzinfo=UTC).isoformat()


def digest_payload(digest: Digest) -> dict[str, Any]:
    """What webhooks and JSON lines carry for a digest: every alert, in full."""
    return {
        "digest": True,
        "channel": digest.channel,
        "period": digest.period,
        "period_start": _iso_utc(digest.start),
        "period_end": _iso_utc(digest.end),
        "timezone": digest.timezone,
        "count": len(digest.alerts),
        "counts": [
            {"topic": t, "rule": r, "alerts": n} for t, r, n in digest_counts(digest.alerts)
        ],
        "alerts": [payload(alert) for alert in digest.alerts],
        "message": digest_text(digest),
    }


def digest_json(digest: Digest) -> bytes:
    """The digest as compact JSON: UTF-8, sorted keys."""
    return _compact_json(digest_payload(digest))


def sign(secret: str, timestamp: str | int, body: bytes | str) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>`."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    signature_header: str,
    max_age_s: float = 300,
    *,
    now: float | None = None,
) -> bool:
    """For receivers: is the signature right and the timestamp within `max_age_s` of now?"""
    try:
        ts = int(str(timestamp).strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > max_age_s:
        return False
    expected = sign(secret, ts, body).encode("ascii")
    return hmac.compare_digest(expected, signature_header.strip().encode("utf-8"))


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every (non-empty) secret replaced."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, _REDACTED)
    return text


class _RedactFilter(logging.Filter):
    """Rewrites log records that would show a secret."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def extend(self, secrets: Iterable[str]) -> None:
        """Hide these too."""
        self.secrets = tuple({*self.secrets, *(s for s in secrets if s)})

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s and s in message for s in self.secrets):
            record.msg, record.args = redact(message, self.secrets), None
        return True


# Apprise sends from worker threads that may still log after a timed-out notify returned, so
# its loggers keep one filter for good, holding every apprise secret this process has used.
_APPRISE_FILTER = _RedactFilter(())


def _redact_apprise_logs(secrets: Iterable[str]) -> None:
    """From now on, keep apprise's (and requests') log lines free of these secrets."""
    _APPRISE_FILTER.extend(secrets)
    for name in _APPRISE_LOGGERS:
        logger = logging.getLogger(name)
        if _APPRISE_FILTER not in logger.filters:
            logger.addFilter(_APPRISE_FILTER)


@contextmanager
def _redacted_logs(secrets: tuple[str, ...]) -> Iterator[None]:
    """While sending, keep the HTTP libraries' log lines free of the given secrets."""
    flt = _RedactFilter(secrets)
    loggers = [logging.getLogger(name) for name in _HTTP_LOGGERS]
    for logger in loggers:
        logger.addFilter(flt)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(flt)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every HTTP channel (building one costs ~0.1 s)."""
    return httpx.create_ssl_context()


def _env_value(env: Mapping[str, str], name: str) -> str:
    """A required environment variable; a missing one is a permanent failure naming it."""
    value = env.get(name, "")
    if not value:
        raise DeliveryError(f"environment variable {name} is not set", retryable=False)
    return value


class JsonlSender:
    """Appends each alert as one JSON object per line, flushed and fsynced."""

    def __init__(self, config: JsonlChannel) -> None:
        self.name = config.name
        self.path = Path(config.path)

    def send(self, alert: Alert) -> None:
        self._append(payload(alert))

    def send_digest(self, digest: Digest) -> None:
        self._append(digest_payload(digest))

    def _append(self, value: dict[str, Any]) -> None:
        """Append one JSON object as a line, flushed and fsynced."""
        line = json.dumps(value, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise DeliveryError(
                f"cannot append to {self.path}: {exc.strerror or type(exc).__name__}",
                retryable=True,
            ) from None

    def close(self) -> None:
        pass


class _HttpSender:
    """Shared POST logic of the webhook and Slack channels."""

    def __init__(self, name: str, timeout: float, user_agent: str) -> None:
        self.name = name
        self._timeout = timeout
        self._user_agent = user_agent
        self._client: httpx.Client | None = None

    def _post(
        self, url_env: str, url: str, body: bytes, headers: dict[str, str], *secrets: str
    ) -> None:
        """POST `body`; 2xx is success, 429/5xx/network errors retryable, the rest permanent."""
        hidden = (*url_secrets(url), *secrets)
        if self._client is None:
            self._client = httpx.Client(
                timeout=self._timeout,
                verify=_tls_context(),
                follow_redirects=False,
                headers={"User-Agent": self._user_agent},
            )
        try:
            with _redacted_logs(hidden):
                response = self._client.post(url, content=body, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise DeliveryError(
                f"the URL in {url_env} is not a valid http(s) URL", retryable=False
            ) from None
        except httpx.TimeoutException:
            raise DeliveryError("timed out", retryable=True) from None
        except httpx.HTTPError as exc:
            detail = redact(str(exc), hidden)
            raise DeliveryError(
                f"connection failed: {type(exc).__name__}: {detail}", retryable=True
            ) from None
        code = response.status_code
        if 200 <= code < 300:
            return
        reason = f"HTTP {code} {response.reason_phrase}".strip()
        raise DeliveryError(reason, retryable=code == 429 or code >= 500)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class WebhookSender(_HttpSender):
    """POSTs the alert as JSON, signed with HMAC-SHA256 (see docs/alerts.md)."""

    def __init__(
        self, config: WebhookChannel, env: Mapping[str, str], user_agent: str = "newswatch"
    ) -> None:
        super().__init__(config.name, config.timeout, user_agent)
        self.config, self._env = config, env

    def send(self, alert: Alert) -> None:
        self._send_signed(alert_json(alert))

    def send_digest(self, digest: Digest) -> None:
        self._send_signed(digest_json(digest))

    def _send_signed(self, body: bytes) -> None:
        """POST `body` with the timestamp and signature headers."""
        url = _env_value(self._env, self.config.url_env)
        secret = _env_value(self._env, self.config.secret_env)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        self._post(self.config.url_env, url, body, headers, secret)


class SlackSender(_HttpSender):
    """POSTs `{"text": <message>}` to a Slack-compatible incoming webhook."""

    def __init__(
        self, config: SlackChannel, env: Mapping[str, str], user_agent: str = "newswatch"
    ) -> None:
        super().__init__(config.name, config.timeout, user_agent)
        self.config, self._env = config, env

    def send(self, alert: Alert) -> None:
        self._send_text(alert.message())

    def send_digest(self, digest: Digest) -> None:
        self._send_text(f"newswatch {digest_text(digest)}")

    def _send_text(self, text: str) -> None:
        """POST `{"text": text}`, escaped so names and titles are shown, never acted on."""
        url = _env_value(self._env, self.config.url_env)
        body = json.dumps({"text": slack_escape(text)}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        self._post(self.config.url_env, url, body, headers)


def one_line(text: str) -> str:
    """Text for a header: line breaks and other controls become spaces, so a name can never
    end the header and start another."""
    return " ".join(UNSAFE_CHARS.sub(" ", text).split())


def slack_escape(text: str) -> str:
    """Text for Slack's message format: `&`, `<` and `>` as entities, so a title holding
    `<!channel>` pings no one and `<url|text>` links nowhere."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Characters Markdown (CommonMark and the chat dialects) gives a meaning.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def markdown_escape(text: str) -> str:
    """Text shown literally by a Markdown renderer (no links, emphasis or headings)."""
    return _MARKDOWN.sub(r"\\\1", text)


def discord_escape(text: str) -> str:
    """Text for a Discord message: literal Markdown, and no @everyone, @here or <@id> ping."""
    return markdown_escape(text).replace("@", "@\u200b")


def alert_subject(alert: Alert) -> str:
    """The message's part before the article title: topic, rule and what matched."""
    what = RULE_TITLES.get(alert.rule, alert.rule)
    return (
        f"[{alert.topic}] {what}: {alert.query}"
        if alert.rule == "query"
        else f"[{alert.topic}] {what}: {alert.entity} ({alert.label})"
    )


def email_message(alert: Alert, sender: str, recipients: list[str]) -> EmailMessage:
    """One plain-text email for one alert."""
    msg = EmailMessage()
    msg["Subject"] = one_line(alert_subject(alert))
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Message-ID"] = make_msgid(domain="newswatch.invalid")
    msg["X-Newswatch-Alert-Key"] = alert.alert_key
    published = f"{alert.published:%Y-%m-%d %H:%M} UTC" if alert.published else "unknown"
    msg.set_content(
        f"{alert.message()}\n\n"
        f"Title:     {alert.title or '(untitled)'}\n"
        f"Source:    {alert.site or alert.source} ({alert.source})\n"
        f"Published: {published}\n"
        f"Link:      {alert.url}\n"
        f"Alert key: {alert.alert_key}\n"
    )
    return msg


def digest_email(digest: Digest, sender: str, recipients: list[str]) -> EmailMessage:
    """One plain-text email listing a digest's alerts."""
    msg = EmailMessage()
    msg["Subject"] = one_line(f"[newswatch] {digest_title(digest)}")
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Message-ID"] = make_msgid(domain="newswatch.invalid")
    msg["X-Newswatch-Digest"] = f"{digest.period} {len(digest.alerts)}"
    msg.set_content(digest_body(digest) + "\n")
    return msg


class EmailSender:
    """Sends one email per alert over SMTP (STARTTLS and login when configured)."""

    def __init__(self, config: EmailChannel, env: Mapping[str, str]) -> None:
        self.name = config.name
        self.config, self._env = config, env

    def send(self, alert: Alert) -> None:
        self._send_mail(lambda: email_message(alert, self.config.sender, self.config.recipients))

    def send_digest(self, digest: Digest) -> None:
        self._send_mail(lambda: digest_email(digest, self.config.sender, self.config.recipients))

    def _send_mail(self, build: Callable[[], EmailMessage]) -> None:
        """Send the message `build` makes over SMTP, mapping failures to DeliveryError."""
        cfg = self.config
        password = _env_value(self._env, cfg.password_env) if cfg.username else ""
        msg = build()
        try:
            with smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout) as smtp:
                if cfg.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if cfg.username:
                    smtp.login(cfg.username, password)
                smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})", retryable=False) from None
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError("SMTP server refused every recipient", retryable=False) from None
        except smtplib.SMTPNotSupportedError as exc:
            detail = redact(str(exc), [password])
            raise DeliveryError(f"SMTP server lacks a feature: {detail}", retryable=False) from None
        except smtplib.SMTPResponseException as exc:
            code = exc.smtp_code
            raise DeliveryError(
                f"SMTP {code} {type(exc).__name__}", retryable=400 <= code < 500
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            detail = redact(str(exc), [password])
            raise DeliveryError(
                f"SMTP failed: {type(exc).__name__}: {detail}", retryable=True
            ) from None

    def close(self) -> None:
        pass


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
# URLs are split on whitespace, and on commas only before a scheme: commas inside a URL
# (mailto://...?to=a@x.org,b@y.org) stay.
_URL_SEPARATOR = re.compile(r"[\s,]+(?=[A-Za-z][A-Za-z0-9+.-]*://)|\s+")
_DNS_NAME = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def split_apprise_urls(text: str) -> list[str]:
    """The apprise URLs in a variable: separated by whitespace or commas."""
    return [url.strip(",") for url in _URL_SEPARATOR.split(text.strip()) if url.strip(",")]


def apprise_url_secrets(url: str) -> set[str]:
    """The parts of an apprise URL that may be secret: all but its scheme, DNS host and port.

    Apprise URLs carry tokens anywhere (tgram://<bot token>/<chat>, ntfy://<topic>,
    discord://<id>/<token>, mailto://<user>:<password>@host, ...?token=...), so every piece
    of six characters or more is hidden, and the password whatever its length (shorter pieces
    are path words such as "api", not credentials, and hiding them would garble every line).
    """
    found = {url}
    match = _SCHEME.match(url)
    rest = url[match.end() :] if match else url
    rest, _, query = rest.partition("?")
    authority, _, path = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    password = ""
    if at:
        user, _, password = userinfo.partition(":")
        found.add(user)
    host, _, port = hostport.partition(":")
    if not _DNS_NAME.match(host):
        found.add(host)
    if not port.isdigit():
        found.add(port)
    found.update(re.split(r"[/#]", path))
    found.update(pair.partition("=")[2] for pair in query.split("&"))
    found.update([unquote(part) for part in found])
    hidden = {part for part in found if len(part) >= 6}
    if password:
        hidden.update({password, unquote(password)})
    return hidden


def url_secrets(url: str) -> set[str]:
    """What to hide of a webhook URL in any log line: the URL as written and as the HTTP
    library prints it (scheme and host lower-cased, path re-encoded), and every part that may
    carry a token (path pieces, query values, user and password), whatever the scheme's case."""
    found = apprise_url_secrets(url)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return found
    found.update({str(parsed), parsed.path, parsed.raw_path.decode("ascii", "replace")})
    found.update(p for p in parsed.path.split("/") if len(p) >= 6)
    return {part for part in found if len(part) >= 6} | {url}


def _scheme_of(url: str) -> str:
    """`scheme://` of a URL for error messages (the scheme names a service, not a secret)."""
    match = _SCHEME.match(url)
    return f"{match.group(1)}://" if match else "no scheme"


_DISCORD = re.compile(
    r"^(discord|https?://(canary\.|ptb\.)?discord(app)?\.com/api/webhooks/)", re.I
)
_TEAMS = re.compile(
    r"^(workflows?|msteams|power-?automate)s?://|^https?://[^/]*\.(webhook\.office|logic\.azure|powerautomate)\.com/",
    re.I,
)


def _apprise_family(url: str) -> str:
    """Which escaping a URL's service needs beyond what apprise does: discord, teams or none."""
    if _DISCORD.match(url):
        return "discord"
    if _TEAMS.match(url):
        return "teams"
    return "other"


class AppriseSender:
    """Notifies every apprise URL in the channel's variable: a title and a plain-text body.

    Apprise reports one outcome per URL but a delivery is one row: when any URL fails, the
    message is retried to all of them (at-least-once; give each service its own channel to
    retry them apart).
    """

    def __init__(self, config: AppriseChannel, env: Mapping[str, str]) -> None:
        self.name = config.name
        self.config, self._env = config, env

    def send(self, alert: Alert) -> None:
        self._notify(alert_subject(alert), alert.message(), warn=alert.rule == "feed_down")

    def send_digest(self, digest: Digest) -> None:
        self._notify(digest_title(digest), digest_body(digest))

    def _notify(self, title: str, body: str, *, warn: bool = False) -> None:
        """Send through apprise; bad URLs are permanent failures, failed services retryable."""
        import apprise  # loading apprise and its plugins takes ~0.5 s: only when used

        cfg = self.config
        urls = split_apprise_urls(_env_value(self._env, cfg.urls_env))
        if not urls:
            raise DeliveryError(f"{cfg.urls_env} holds no apprise URL", retryable=False)
        hidden = {part for url in urls for part in apprise_url_secrets(url)}
        _redact_apprise_logs(hidden)
        # Apprise escapes the body for Slack, email and Teams; Discord gets both raw, and Teams
        # shows the title as Markdown: those are escaped here, each URL in its own group.
        groups: dict[str, Any] = {}
        for number, url in enumerate(urls, 1):
            family = _apprise_family(url)
            notifier = groups.setdefault(family, apprise.Apprise())
            if not notifier.add(url):
                raise DeliveryError(
                    f"apprise cannot use URL {number} of {len(urls)} in {cfg.urls_env} "
                    f"({_scheme_of(url)}): check its form in the apprise documentation",
                    retryable=False,
                )
        results = []
        for family, notifier in groups.items():
            full_title, text = cfg.title_prefix + title, body
            if family == "discord":
                full_title, text = discord_escape(full_title), discord_escape(text)
            elif family == "teams":
                full_title = markdown_escape(full_title)
            results.append(
                notifier.notify(
                    title=full_title,
                    body=text,
                    body_format=apprise.NotifyFormat.TEXT,
                    notify_type=apprise.NotifyType.WARNING if warn else apprise.NotifyType.INFO,
                    timeout=cfg.timeout,
                )
            )
        if all(results):
            return
        failed = [r.name for result in results for r in result.results if not r]
        failed = failed or ["no service answered"]
        # Service names ("JSON", "Telegram") and counts only: nothing of the URLs.
        reason = f"apprise: {len(failed)} of {len(urls)} failed ({', '.join(failed)})"
        raise DeliveryError(reason, retryable=True)

    def close(self) -> None:
        pass


def build_channels(
    settings: AlertsConfig, env: Mapping[str, str] | None = None
) -> dict[str, AlertChannel]:
    """The configured channels by name; environment values are read at each send."""
    env = os.environ if env is None else env
    agent = settings.fetch.user_agent
    channels: dict[str, AlertChannel] = {}
    for cfg in settings.alerts.channels:
        if cfg.name in channels:
            raise ValueError(f"alerts.channels: duplicate channel name {cfg.name!r}")
        channel: AlertChannel
        if isinstance(cfg, JsonlChannel):
            channel = JsonlSender(cfg)
        elif isinstance(cfg, WebhookChannel):
            channel = WebhookSender(cfg, env, agent)
        elif isinstance(cfg, SlackChannel):
            channel = SlackSender(cfg, env, agent)
        elif isinstance(cfg, EmailChannel):
            channel = EmailSender(cfg, env)
        else:
            channel = AppriseSender(cfg, env)
        channels[cfg.name] = channel
    return channels


class ConnectionLike(Protocol):
    """What newswatch reads of an Airflow connection."""

    host: str | None
    password: str | None
    login: str | None


def env_with_connections(
    settings: AlertsConfig,
    get_connection: Callable[[str], ConnectionLike],
    env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment with secrets filled from the channels' Airflow connections.

    A channel with `conn_id` takes its URL from the connection's host and its secret (webhook
    HMAC key, SMTP password) from the connection's password; an apprise channel takes its URLs
    from the connection's extra `{"urls": ...}` (a string or a list), else from its host.
    Values already in the environment are kept, so an operator can override a connection
    without editing it.
    """
    out = dict(os.environ if env is None else env)
    for cfg in settings.alerts.channels:
        conn_id = getattr(cfg, "conn_id", None)
        if not conn_id:
            continue
        conn = get_connection(conn_id)
        pairs: list[tuple[str, str | None]] = []
        if isinstance(cfg, WebhookChannel):
            pairs = [(cfg.url_env, conn.host), (cfg.secret_env, conn.password)]
        elif isinstance(cfg, SlackChannel):
            pairs = [(cfg.url_env, conn.host)]
        elif isinstance(cfg, EmailChannel):
            pairs = [(cfg.password_env, conn.password)]
        elif isinstance(cfg, AppriseChannel):
            pairs = [(cfg.urls_env, _connection_urls(conn))]
        for name, value in pairs:
            if value and not out.get(name):
                out[name] = value
    return out


def _connection_urls(conn: ConnectionLike) -> str | None:
    """Apprise URLs of a connection: its extra's "urls" (string or list), else its host."""
    extra = getattr(conn, "extra", None)
    if isinstance(extra, str) and extra.strip():
        try:
            urls = json.loads(extra).get("urls")
        except (ValueError, AttributeError):
            urls = None
        if isinstance(urls, list):
            return " ".join(str(u) for u in urls)
        if isinstance(urls, str) and urls.strip():
            return urls
    return conn.host
