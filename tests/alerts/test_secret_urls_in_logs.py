"""Webhook URLs carry their token in the path; however the operator writes the scheme and host
(`HTTP://`, `Https://`, upper-case hosts), no DEBUG line of httpx or httpcore shows it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pytest

from alerts.channels import url_secrets
from alerts.outbox import deliver_pending
from alerts.rules import evaluate
from newswatch.settings import AlertRule, SlackChannel, WebhookChannel
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
TOKEN = "sekret-token-42"
SIGNING = "signing-secret-9d"


@pytest.fixture
def queued(make_settings, article, load_articles, topic):
    def build(channels):
        settings = make_settings(channels, topics=[topic(alerts=[AlertRule(rule="first_mention")])])
        load_articles(settings, article("a1", T0, {("Karim Massimov", "PERSON"): 2}))
        with Warehouse(settings.db_path) as wh:
            assert evaluate(wh, settings) == 1
        return settings

    return build


@pytest.mark.parametrize("scheme", ["HTTP", "Http", "hTTp"])
@pytest.mark.parametrize("kind", ["slack", "webhook"])
def test_no_debug_line_shows_the_token(queued, local_server, caplog, scheme, kind) -> None:
    path = f"/services/T0/B0/{TOKEN}"
    local_server.route(path, handler=lambda _r: local_server.Reply(200, b"ok"))
    url = f"{scheme}://127.0.0.1:{local_server.port}{path}"
    channel: Any = (
        SlackChannel(kind="slack", url_env="HOOK")
        if kind == "slack"
        else WebhookChannel(kind="webhook", url_env="HOOK", secret_env="SIGN")
    )
    settings = queued([channel])
    with caplog.at_level(logging.DEBUG), Warehouse(settings.db_path) as wh:
        stats = deliver_pending(wh, settings, None, env={"HOOK": url, "SIGN": SIGNING})
    assert stats.sent == 1
    assert "HTTP Request" in caplog.text  # httpx did log the request...
    assert TOKEN not in caplog.text and SIGNING not in caplog.text  # ...without the secrets


def test_url_secrets_cover_the_forms_the_http_library_prints() -> None:
    secrets = url_secrets(f"HTTPS://Hooks.Example.ORG/services/T0/B0/{TOKEN}?sig=abcdef123")
    assert f"https://hooks.example.org/services/T0/B0/{TOKEN}?sig=abcdef123" in secrets
    assert TOKEN in secrets and "abcdef123" in secrets
