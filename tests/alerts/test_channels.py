"""JSON lines, Slack and email channels against real files and servers; secrets stay secret."""

import email
import json
import logging
from datetime import datetime, timedelta
from email import policy

import pytest

from alerts.outbox import deliver_pending
from alerts.rules import evaluate
from common.keys import utcnow
from newswatch.settings import AlertRule, EmailChannel, JsonlChannel, SlackChannel, WebhookChannel
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
MASSIMOV = ("Karim Massimov", "PERSON")
TITLE = "Former security chief detained"
MESSAGE = (
    '[csto] first mention: Karim Massimov (PERSON) — "Former security chief detained" '
    "(steppe-herald.example) https://steppe-herald.example/a2"
)


@pytest.fixture
def one_alert(make_settings, article, load_articles, topic):
    """Settings with the given channels and exactly one queued alert (Massimov's first mention)."""

    def build(channels, **alert_settings):
        only_first = topic(alerts=[AlertRule(rule="first_mention")])
        settings = make_settings(channels, topics=[only_first], **alert_settings)
        load_articles(settings, article("a2", T0, {MASSIMOV: 2}, title=TITLE))
        with Warehouse(settings.db_path) as wh:
            assert evaluate(wh, settings) == 1
        return settings

    return build


def deliver(settings, env=None, now=None):
    with Warehouse(settings.db_path) as wh:
        return deliver_pending(wh, settings, now, env=env or {})


def delivery(settings) -> dict:
    with Warehouse(settings.db_path) as wh:
        cur = wh.conn.execute("SELECT * FROM deliveries")
        cols = [d[0] for d in cur.description]
        (row,) = cur.fetchall()
        return dict(zip(cols, row, strict=True))


def test_jsonl_appends_one_object_per_alert(one_alert, tmp_path, article, load_articles):
    path = tmp_path / "out" / "nested" / "alerts.jsonl"
    settings = one_alert([JsonlChannel(path=path)])
    assert deliver(settings).sent == 1
    assert deliver(settings).sent == 0
    load_articles(settings, article("a9", T0, {("Askar Mamin", "PERSON"): 1}))
    with Warehouse(settings.db_path) as wh:
        assert evaluate(wh, settings) == 1
    assert deliver(settings).sent == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["message"] == MESSAGE
    assert first["entity"] == "Karim Massimov" and first["rule"] == "first_mention"
    assert first["title"] == TITLE and first["site"] == "steppe-herald.example"
    assert json.loads(lines[1])["entity"] == "Askar Mamin"


def test_jsonl_unwritable_path_is_retryable(one_alert, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = one_alert([JsonlChannel(path=blocker / "alerts.jsonl")])
    assert deliver(settings).pending == 1
    row = delivery(settings)
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["last_error"].startswith(f"cannot append to {blocker / 'alerts.jsonl'}")


def test_slack_posts_the_message_text(one_alert, local_server):
    bodies = []

    def handle(request):
        bodies.append(request.raw.rfile.read(int(request.headers["Content-Length"])))
        return local_server.Reply(200, b"ok")

    local_server.route("/services/T1/B2/xyz", handler=handle)
    settings = one_alert([SlackChannel(kind="slack", url_env="SLACK_URL")])
    stats = deliver(settings, {"SLACK_URL": local_server.url("/services/T1/B2/xyz")})
    assert stats.sent == 1
    assert [json.loads(b) for b in bodies] == [{"text": MESSAGE}]
    headers = local_server.headers_seen("/services/T1/B2/xyz")[0]
    assert headers["Content-Type"].startswith("application/json")


def email_channel(port, **update):
    return EmailChannel(
        kind="email",
        host="127.0.0.1",
        port=port,
        starttls=False,
        sender="newswatch@example.org",
        recipients=["desk@example.org", "analyst@example.org"],
        timeout=5,
        **update,
    )


def test_email_sends_one_message_per_alert(one_alert, smtp_server):
    settings = one_alert([email_channel(smtp_server.port)])
    assert deliver(settings).sent == 1
    assert deliver(settings).sent == 0
    (mail,) = smtp_server.messages
    assert mail.mail_from == "<newswatch@example.org>"
    assert mail.rcpts == ["<desk@example.org>", "<analyst@example.org>"]
    msg = email.message_from_bytes(mail.data, policy=policy.default)
    assert msg["Subject"] == "[csto] first mention: Karim Massimov (PERSON)"
    assert msg["To"] == "desk@example.org, analyst@example.org"
    assert msg["X-Newswatch-Alert-Key"] == delivery(settings)["alert_key"]
    body = msg.get_content()
    assert MESSAGE in body
    assert "Link:      https://steppe-herald.example/a2" in body


def test_email_temporary_refusal_is_retried(one_alert, smtp_server):
    settings = one_alert([email_channel(smtp_server.port)], backoff_initial=5)
    smtp_server.replies["DATA"] = "451 try again later"
    now = utcnow()
    assert deliver(settings, now=now).pending == 1
    row = delivery(settings)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["last_error"] == "SMTP 451 SMTPDataError (retryable)"
    assert row["next_attempt_at"] == now + timedelta(seconds=5)
    del smtp_server.replies["DATA"]
    assert deliver(settings, now=now + timedelta(seconds=1)).sent == 0  # not due yet
    assert deliver(settings, now=now + timedelta(seconds=6)).sent == 1
    assert len(smtp_server.messages) == 1


def test_email_refused_recipients_are_permanent(one_alert, smtp_server):
    settings = one_alert([email_channel(smtp_server.port)])
    smtp_server.replies["RCPT"] = "550 no such user"
    stats = deliver(settings)
    assert (stats.sent, stats.failed, stats.pending) == (0, 1, 0)
    row = delivery(settings)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["last_error"] == "SMTP server refused every recipient (permanent)"


def test_missing_env_var_is_a_permanent_failure_naming_it(one_alert):
    hook = WebhookChannel(kind="webhook", url_env="NW_TEST_HOOK_URL", secret_env="NW_TEST_SECRET")
    settings = one_alert([hook])
    stats = deliver(settings, {"NW_TEST_HOOK_URL": "http://127.0.0.1:9/distinctive-url-value"})
    assert (stats.sent, stats.failed, stats.pending) == (0, 1, 0)
    row = delivery(settings)
    assert row["status"] == "failed"
    assert row["last_error"] == "environment variable NW_TEST_SECRET is not set (permanent)"
    assert "distinctive-url-value" not in row["last_error"]


def test_missing_smtp_password_names_the_variable(one_alert, smtp_server):
    channel = email_channel(smtp_server.port, username="bot", password_env="NW_TEST_SMTP_PW")
    settings = one_alert([channel])
    assert deliver(settings).failed == 1
    assert delivery(settings)["last_error"].startswith("environment variable NW_TEST_SMTP_PW ")
    assert smtp_server.messages == []


def test_channel_removed_from_config_fails_its_deliveries(one_alert, make_settings):
    settings = one_alert([JsonlChannel(name="old")])
    renamed = settings.model_copy(update={"alerts": make_settings([JsonlChannel()]).alerts})
    assert deliver(renamed).failed == 1
    assert delivery(settings)["last_error"] == "channel 'old' is no longer configured (permanent)"


WEBHOOK_SECRET = "wh-SECRET-4f1d9c2b7a"
URL_TOKEN = "URLTOKEN-93be01aa"
SLACK_TOKEN = "SLACKTOKEN-77c2e1f0"
SMTP_PASSWORD = "smtp-PASSWORD-c0ffee42"


def test_secrets_appear_in_no_log_record_and_no_error(
    one_alert, local_server, smtp_server, monkeypatch, caplog
):
    local_server.route("/hook", handler=lambda r: local_server.Reply(500, b"boom"))
    local_server.route(f"/services/{SLACK_TOKEN}", handler=lambda r: local_server.Reply(500))
    monkeypatch.setenv("NW_HOOK_URL", local_server.url(f"/hook?token={URL_TOKEN}"))
    monkeypatch.setenv("NW_HOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("NW_SLACK_URL", local_server.url(f"/services/{SLACK_TOKEN}"))
    monkeypatch.setenv("NW_SMTP_PW", SMTP_PASSWORD)
    channels = [
        WebhookChannel(kind="webhook", url_env="NW_HOOK_URL", secret_env="NW_HOOK_SECRET"),
        SlackChannel(kind="slack", url_env="NW_SLACK_URL"),
        # The test server offers no AUTH, so login fails after the password is read.
        email_channel(smtp_server.port, username="bot", password_env="NW_SMTP_PW"),
    ]
    settings = one_alert(channels, max_attempts=1)
    caplog.set_level(logging.DEBUG)
    with Warehouse(settings.db_path) as wh:
        stats = deliver_pending(wh, settings)  # env=None: the real environment
        errors = [r[0] for r in wh.conn.execute("SELECT last_error FROM deliveries").fetchall()]
    assert stats.failed == 3
    assert all(errors) and len(errors) == 3
    assert any("HTTP 500" in e for e in errors)
    logged = [r.getMessage() for r in caplog.records]
    assert any("HTTP Request: POST" in m for m in logged)  # httpx did log its requests
    for secret in (WEBHOOK_SECRET, URL_TOKEN, SLACK_TOKEN, SMTP_PASSWORD):
        assert not any(secret in e for e in errors), secret
        assert not any(secret in m for m in logged), secret
        assert secret not in caplog.text
