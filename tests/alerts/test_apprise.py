"""The apprise channel against a real local receiver (apprise's json:// and form:// types)."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest

from alerts.channels import apprise_url_secrets, env_with_connections, split_apprise_urls
from alerts.outbox import deliver_pending
from alerts.rules import evaluate
from newswatch.settings import AlertRule, AppriseChannel
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
MASSIMOV = ("Karim Massimov", "PERSON")
CSTO = ("Collective Security Treaty Organization", "ORG")
TITLE = "Former security chief detained"
MESSAGE = (
    '[csto] first mention: Karim Massimov (PERSON) — "Former security chief detained" '
    "(steppe-herald.example) https://steppe-herald.example/a2"
)
CHANNEL = AppriseChannel(kind="apprise", name="phones", urls_env="NW_APPRISE")
PASSWORD = "pw-SECRET-5e1f"
PATH_TOKEN = "PATHTOKEN-8c2d"
QUERY_TOKEN = "QUERYTOKEN-a41b"
BAD_TOKEN = "BADTOKEN-77aa"


@pytest.fixture
def queued(make_settings, article, load_articles, topic):
    """Settings with the given channels and one queued alert (Massimov's first mention)."""

    def build(channels, mentions=None, **alert_settings):
        only_first = topic(alerts=[AlertRule(rule="first_mention")])
        settings = make_settings(channels, topics=[only_first], **alert_settings)
        load_articles(settings, article("a2", T0, mentions or {MASSIMOV: 2}, title=TITLE))
        with Warehouse(settings.db_path) as wh:
            assert evaluate(wh, settings, T0) >= 1
        return settings

    return build


def deliver(settings, env, now=T0):
    with Warehouse(settings.db_path) as wh:
        return deliver_pending(wh, settings, now, env=env)


def last_errors(settings) -> list[str]:
    with Warehouse(settings.db_path) as wh:
        return [r[0] for r in wh.conn.execute("SELECT last_error FROM deliveries").fetchall()]


def test_apprise_json_notification_is_received(queued, apprise_receiver):
    settings = queued([CHANNEL])
    stats = deliver(settings, {"NW_APPRISE": apprise_receiver.url})
    assert (stats.sent, stats.failed, stats.pending) == (1, 0, 0)
    (body,) = apprise_receiver.bodies
    assert body["title"] == "[newswatch] [csto] first mention: Karim Massimov (PERSON)"
    assert body["message"] == MESSAGE
    assert body["type"] == "info"
    assert deliver(settings, {"NW_APPRISE": apprise_receiver.url}).sent == 0
    assert apprise_receiver.hits == 1


def test_several_urls_separated_by_commas_and_whitespace(queued, apprise_receiver, local_server):
    forms = []

    def form(request):
        body = request.raw.rfile.read(int(request.headers["Content-Length"])).decode()
        forms.append({k: v[0] for k, v in parse_qs(body).items()})
        return local_server.Reply(200, b"ok")

    local_server.route("/form", handler=form)
    urls = f"{apprise_receiver.url},\n  form://127.0.0.1:{local_server.port}/form"
    channel = CHANNEL.model_copy(update={"title_prefix": ""})
    settings = queued([channel])
    assert deliver(settings, {"NW_APPRISE": urls}).sent == 1
    assert [b["message"] for b in apprise_receiver.bodies] == [MESSAGE]
    (received,) = forms
    assert received["title"] == "[csto] first mention: Karim Massimov (PERSON)"
    assert received["message"] == MESSAGE


def test_failed_notify_is_retryable_then_delivered(queued, apprise_receiver):
    settings = queued([CHANNEL], backoff_initial=5)
    apprise_receiver.status = 500
    env = {"NW_APPRISE": apprise_receiver.url}
    assert deliver(settings, env).pending == 1
    assert last_errors(settings) == ["apprise: 1 of 1 failed (JSON) (retryable)"]
    apprise_receiver.status = 200
    assert deliver(settings, env, T0 + timedelta(seconds=5)).sent == 1
    assert len(apprise_receiver.bodies) == 1


def test_apprise_hourly_digest_is_one_notification(queued, apprise_receiver):
    channel = CHANNEL.model_copy(update={"digest": "hourly"})
    settings = queued([channel], mentions={MASSIMOV: 1, CSTO: 1})
    env = {"NW_APPRISE": apprise_receiver.url}
    assert deliver(settings, env, T0 + timedelta(minutes=30)).held == 2
    assert deliver(settings, env, T0 + timedelta(hours=1)).sent == 2
    (body,) = apprise_receiver.bodies
    assert body["title"] == "[newswatch] hourly digest: 2 alerts, 2022-01-10 12:00 to 13:00 (UTC)"
    assert body["message"].splitlines()[0] == "2 × [csto] first mention"
    assert "- " + MESSAGE in body["message"].splitlines()


def test_missing_variable_is_permanent_and_named(queued):
    settings = queued([CHANNEL])
    assert deliver(settings, {}).failed == 1
    assert last_errors(settings) == ["environment variable NW_APPRISE is not set (permanent)"]


def test_url_secrets_stay_out_of_logs_and_errors(queued, local_server, caplog):
    local_server.route(f"/hook/{PATH_TOKEN}", handler=lambda r: local_server.Reply(500, b"no"))
    failing = f"json://bot:{PASSWORD}@127.0.0.1:{local_server.port}/hook/{PATH_TOKEN}"
    failing += f"?token={QUERY_TOKEN}"
    unusable = f"notascheme://{BAD_TOKEN}/chat"
    first = CHANNEL.model_copy(update={"name": "failing"})
    second = CHANNEL.model_copy(update={"name": "unusable", "urls_env": "NW_APPRISE_2"})
    settings = queued([first, second], max_attempts=1)
    caplog.set_level(1)  # apprise's TRACE level (below DEBUG) prints URLs piece by piece
    stats = deliver(settings, {"NW_APPRISE": failing, "NW_APPRISE_2": f"{failing} {unusable}"})
    assert stats.failed == 2
    errors = sorted(last_errors(settings))
    assert errors == [
        "apprise cannot use URL 2 of 2 in NW_APPRISE_2 (notascheme://): check its form in "
        "the apprise documentation (permanent)",
        "apprise: 1 of 1 failed (JSON) (retryable)",  # given up: max_attempts is 1
    ]
    assert local_server.counts[f"/hook/{PATH_TOKEN}"] == 1  # it was really tried
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "apprise" in logged and "Unparseable URL" in logged  # apprise did log
    for secret in (PASSWORD, PATH_TOKEN, QUERY_TOKEN, BAD_TOKEN, failing, unusable):
        assert secret not in logged, secret
        assert not any(secret in e for e in errors), secret


def test_split_urls_keeps_commas_inside_a_url():
    text = " json://a.example/x, tgram://123:abc/456\nmailto://u:p@mail.example?to=a@x.org,b@y.org,"
    assert split_apprise_urls(text) == [
        "json://a.example/x",
        "tgram://123:abc/456",
        "mailto://u:p@mail.example?to=a@x.org,b@y.org",
    ]
    assert split_apprise_urls(" , ") == []


def test_url_secret_parts():
    telegram = apprise_url_secrets("tgram://123456789:AAHx-token/-100777")
    assert {"123456789", "AAHx-token", "-100777"} <= telegram
    ntfy = apprise_url_secrets("ntfys://ntfy.sh/newswatch-desk-9f2")
    assert "newswatch-desk-9f2" in ntfy and "ntfy.sh" not in ntfy
    mail = apprise_url_secrets("mailtos://newsdesk:p%40ss@smtp.example.org:587?to=ed@x.org")
    assert {"p%40ss", "p@ss", "ed@x.org", "newsdesk"} <= mail
    assert not {"smtp.example.org", "587", "to"} & mail
    assert "pw" in apprise_url_secrets("json://u:pw@host.example/x")  # short passwords too


def test_urls_from_an_airflow_connection(make_settings):
    settings = make_settings([CHANNEL.model_copy(update={"conn_id": "newswatch_apprise"})])

    def conn(host=None, extra=None):
        return SimpleNamespace(host=host, password=None, login=None, extra=extra)

    listed = conn(extra='{"urls": ["json://a.example/x", "ntfy://topic"]}')
    assert env_with_connections(settings, lambda _: listed, {})["NW_APPRISE"] == (
        "json://a.example/x ntfy://topic"
    )
    text = conn(host="json://host.example/h", extra='{"urls": "json://b.example/y"}')
    assert env_with_connections(settings, lambda _: text, {})["NW_APPRISE"] == (
        "json://b.example/y"
    )
    only_host = conn(host="json://host.example/h", extra="not json")
    assert env_with_connections(settings, lambda _: only_host, {})["NW_APPRISE"] == (
        "json://host.example/h"
    )
    # A value already in the environment wins over the connection.
    kept = env_with_connections(settings, lambda _: only_host, {"NW_APPRISE": "json://env/"})
    assert kept["NW_APPRISE"] == "json://env/"
