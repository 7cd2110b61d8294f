"""Alert channels: JSON lines, signed webhooks, Slack-compatible webhooks and email.

Every channel has `send(alert)`, which returns when the alert was delivered and raises
`DeliveryError(reason, retryable)` when it was not. URLs, secrets and passwords come from
environment variables named in the settings; they never appear in an error or a log line.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol

import httpx

from alerts.alert import RULE_TITLES, Alert
from newswatch.settings import (
    EmailChannel,
    JsonlChannel,
    Settings,
    SlackChannel,
    WebhookChannel,
)

log = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-Newswatch-Timestamp"
SIGNATURE_HEADER = "X-Newswatch-Signature"
_REDACTED = "[redacted]"
# Loggers that may print a request URL (a Slack webhook URL is itself a secret).
_HTTP_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.proxy")


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

    def close(self) -> None:
        """Release connections."""


def payload(alert: Alert) -> dict[str, Any]:
    """What webhooks and JSON lines carry: the alert's fields plus its one-line message."""
    return {**alert.to_dict(), "message": alert.message()}


def alert_json(alert: Alert) -> bytes:
    """The alert as compact JSON: UTF-8, sorted keys."""
    text = json.dumps(payload(alert), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


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

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s and s in message for s in self.secrets):
            record.msg, record.args = redact(message, self.secrets), None
        return True


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
        line = json.dumps(payload(alert), sort_keys=True, ensure_ascii=False) + "\n"
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
        hidden = (url, *secrets)
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
        url = _env_value(self._env, self.config.url_env)
        secret = _env_value(self._env, self.config.secret_env)
        body = alert_json(alert)
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
        url = _env_value(self._env, self.config.url_env)
        body = json.dumps({"text": alert.message()}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        self._post(self.config.url_env, url, body, headers)


def email_message(alert: Alert, sender: str, recipients: list[str]) -> EmailMessage:
    """One plain-text email for one alert."""
    what = RULE_TITLES.get(alert.rule, alert.rule)
    subject = (
        f"[{alert.topic}] {what}: {alert.query}"
        if alert.rule == "query"
        else f"[{alert.topic}] {what}: {alert.entity} ({alert.label})"
    )
    msg = EmailMessage()
    msg["Subject"] = subject
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


class EmailSender:
    """Sends one email per alert over SMTP (STARTTLS and login when configured)."""

    def __init__(self, config: EmailChannel, env: Mapping[str, str]) -> None:
        self.name = config.name
        self.config, self._env = config, env

    def send(self, alert: Alert) -> None:
        cfg = self.config
        password = _env_value(self._env, cfg.password_env) if cfg.username else ""
        msg = email_message(alert, cfg.sender, cfg.recipients)
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


def build_channels(
    settings: Settings, env: Mapping[str, str] | None = None
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
        else:
            channel = EmailSender(cfg, env)
        channels[cfg.name] = channel
    return channels


class ConnectionLike(Protocol):
    """What newswatch reads of an Airflow connection."""

    host: str | None
    password: str | None
    login: str | None


def env_with_connections(
    settings: Settings,
    get_connection: Callable[[str], ConnectionLike],
    env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment with secrets filled from the channels' Airflow connections.

    A channel with `conn_id` takes its URL from the connection's host and its secret (webhook
    HMAC key, SMTP password) from the connection's password; values already in the environment
    are kept, so an operator can override a connection without editing it.
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
        for name, value in pairs:
            if value and not out.get(name):
                out[name] = value
    return out
