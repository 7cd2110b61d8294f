"""Digests, rate limits and quiet hours through the outbox, to real receivers and files.

Time is simulated: alerts are raised with `evaluate(now=...)` and delivered with
`deliver_pending(now=...)`; the webhook signatures use the real clock, as receivers do.
"""

import email
import json
from datetime import datetime, timedelta
from email import policy
from pathlib import Path

import pytest

from alerts.alert import Alert
from alerts.channels import Digest, digest_body, digest_title
from alerts.outbox import deliver_pending
from alerts.rules import evaluate
from newswatch.settings import EmailChannel, JsonlChannel, SlackChannel, WebhookChannel
from warehouse.records import LoadBatch
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
SECRET = "test-hook-secret"  # the receiver fixture's secret
CSTO = ("Collective Security Treaty Organization", "ORG")
MASSIMOV = ("Karim Massimov", "PERSON")
MAMIN = ("Askar Mamin", "PERSON")
_OPEN: dict[Path, Warehouse] = {}


@pytest.fixture(autouse=True)
def _close_warehouses():
    """Close the test's warehouse at the end."""
    yield
    for wh in _OPEN.values():
        wh.close()
    _OPEN.clear()


def warehouse(settings) -> Warehouse:
    """One open warehouse per test: opening a DuckDB file costs ~0.1 s."""
    if settings.db_path not in _OPEN:
        _OPEN[settings.db_path] = Warehouse(settings.db_path)
    return _OPEN[settings.db_path]


def hook(**schedule) -> WebhookChannel:
    return WebhookChannel(
        kind="webhook", name="hook", url_env="HOOK_URL", secret_env="HOOK_SECRET", **schedule
    )


@pytest.fixture
def raise_alerts(article):
    """raise_alerts(settings, key, mentions, now): load one article, evaluate at `now`."""

    def run(settings, key, mentions, now):
        wh = warehouse(settings)
        wh.load(LoadBatch(key, articles=[article(key, T0, mentions)]))
        return evaluate(wh, settings, now)

    return run


@pytest.fixture
def queued(make_settings, raise_alerts):
    """Settings with the given channels and three alerts raised at `now` (default 12:10 UTC)."""

    def build(channels, now=T0 + timedelta(minutes=10), **alert_settings):
        settings = make_settings(channels, **alert_settings)
        assert raise_alerts(settings, "a1", {CSTO: 1, MASSIMOV: 1}, now) == 3
        return settings

    return build


def deliver(settings, now, url=""):
    env = {"HOOK_URL": url, "HOOK_SECRET": SECRET, "SLACK_URL": url}
    return deliver_pending(warehouse(settings), settings, now, env=env)


def rows(settings, sql="SELECT * FROM deliveries ORDER BY alert_key"):
    cur = warehouse(settings).conn.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_hourly_digest_is_one_message_marking_every_alert_sent_once(queued, raise_alerts, receiver):
    settings = queued([hook(digest="hourly")])
    waiting = deliver(settings, T0 + timedelta(minutes=30), receiver.url)
    assert (waiting.sent, waiting.pending, waiting.held) == (0, 3, 3)
    assert receiver.hits == 0
    top = T0 + timedelta(hours=1)
    stats = deliver(settings, top, receiver.url)
    assert (stats.sent, stats.failed, stats.pending, stats.held) == (3, 0, 0, 0)
    (body,) = receiver.bodies
    assert receiver.signatures_ok == [True]
    assert body["digest"] is True and body["count"] == 3 and len(body["alerts"]) == 3
    assert body["period"] == "hourly" and body["channel"] == "hook"
    assert body["period_start"] == "2022-01-10T12:00:00+00:00"
    assert body["period_end"] == "2022-01-10T13:00:00+00:00"
    assert {(c["rule"], c["alerts"]) for c in body["counts"]} == {
        ("first_mention", 2),
        ("watched_entity", 1),
    }
    assert {a["entity"] for a in body["alerts"]} == {CSTO[0], MASSIMOV[0]}
    assert body["message"].startswith("hourly digest: 3 alerts, 2022-01-10 12:00 to 13:00 (UTC)")
    assert all(d["status"] == "sent" and d["sent_at"] == top for d in rows(settings))
    assert rows(settings, "SELECT channel, alerts, period_end FROM channel_messages") == [
        {"channel": "hook", "alerts": 3, "period_end": top}
    ]
    assert deliver(settings, top + timedelta(minutes=20), receiver.url).sent == 0
    # An alert of a period whose digest already went out waits for the next digest.
    assert raise_alerts(settings, "a2", {MAMIN: 1}, T0 + timedelta(minutes=50)) == 1
    assert deliver(settings, top + timedelta(minutes=30), receiver.url).held == 1
    assert receiver.hits == 1
    later = deliver(settings, top + timedelta(hours=1), receiver.url)
    assert (later.sent, later.pending) == (1, 0)
    assert [b["count"] for b in receiver.bodies] == [3, 1]
    assert receiver.bodies[1]["alerts"][0]["entity"] == MAMIN[0]
    assert deliver(settings, top + timedelta(hours=3), receiver.url).sent == 0
    assert receiver.hits == 2


def test_digest_to_a_down_receiver_stays_pending_and_goes_once_it_is_back(queued, receiver):
    settings = queued([hook(digest="hourly")], backoff_initial=10, backoff_max=60)
    receiver.status = 503
    top = T0 + timedelta(hours=1)
    down = deliver(settings, top, receiver.url)
    assert (down.sent, down.failed, down.pending) == (0, 0, 3)
    assert receiver.hits == 1
    for d in rows(settings):
        assert (d["status"], d["attempts"]) == ("pending", 1)
        assert d["next_attempt_at"] == top + timedelta(seconds=10)
        assert d["last_error"] == "HTTP 503 Service Unavailable (retryable)"
    # Backing off: not tried before its time, then tried again (one request per pass).
    deliver(settings, top + timedelta(seconds=5), receiver.url)
    assert receiver.hits == 1
    deliver(settings, top + timedelta(seconds=10), receiver.url)
    assert receiver.hits == 2
    assert {d["attempts"] for d in rows(settings)} == {2}
    receiver.status = 200
    back = deliver(settings, top + timedelta(seconds=40), receiver.url)
    assert (back.sent, back.failed, back.pending) == (3, 0, 0)
    (body,) = receiver.bodies
    assert body["count"] == 3 and receiver.signatures_ok == [True]
    assert all(d["status"] == "sent" and d["last_error"] is None for d in rows(settings))
    assert deliver(settings, top + timedelta(hours=2), receiver.url).sent == 0
    assert receiver.hits == 3


def test_digest_given_up_after_max_attempts_fails_every_alert(queued, receiver):
    settings = queued([hook(digest="hourly")], backoff_initial=1, max_attempts=2)
    receiver.status = 500
    top = T0 + timedelta(hours=1)
    assert deliver(settings, top, receiver.url).failed == 0
    gave_up = deliver(settings, top + timedelta(minutes=1), receiver.url)
    assert (gave_up.sent, gave_up.failed, gave_up.pending) == (0, 3, 0)
    assert {(d["status"], d["attempts"]) for d in rows(settings)} == {("failed", 2)}


def test_rate_limit_holds_the_excess_and_sends_it_in_the_next_hour(queued, receiver):
    start = T0 + timedelta(minutes=10)
    settings = queued([hook(rate_limit_per_hour=2)])
    first = deliver(settings, start, receiver.url)
    assert (first.sent, first.pending, first.held) == (2, 1, 1)
    (left,) = [d for d in rows(settings) if d["status"] == "pending"]
    assert (left["attempts"], left["last_error"]) == (0, None)  # held, not failed
    assert deliver(settings, start + timedelta(minutes=59), receiver.url).held == 1
    assert receiver.hits == 2
    # The rolling hour of the first two messages is over.
    later = deliver(settings, start + timedelta(hours=1), receiver.url)
    assert (later.sent, later.pending, later.held) == (1, 0, 0)
    assert receiver.signatures_ok == [True, True, True]
    assert len(rows(settings, "SELECT * FROM channel_messages")) == 3


def test_rate_limit_counts_digests(queued, raise_alerts, receiver):
    settings = queued([hook(digest="hourly", rate_limit_per_hour=1)])
    top = T0 + timedelta(hours=1)
    assert deliver(settings, top, receiver.url).sent == 3
    raise_alerts(settings, "a2", {MAMIN: 1}, top + timedelta(minutes=1))
    # 14:00's digest would be the second message within an hour of 13:30's: it waits.
    warehouse(settings).conn.execute(
        "UPDATE channel_messages SET sent_at = ?", [top + timedelta(minutes=30)]
    )
    assert deliver(settings, top + timedelta(hours=1), receiver.url).held == 1
    assert deliver(settings, top + timedelta(hours=1, minutes=30), receiver.url).sent == 1
    assert [b["count"] for b in receiver.bodies] == [3, 1]


def test_quiet_hours_across_midnight_hold_then_release_oldest_first(queued, raise_alerts, receiver):
    # Berlin is UTC+1 in January: 21:30 UTC is 22:30 there, inside 22:00-07:00.
    evening = datetime(2022, 1, 10, 21, 30)
    settings = queued([hook(quiet_hours="22:00-07:00", timezone="Europe/Berlin")], now=evening)
    assert raise_alerts(settings, "a2", {MAMIN: 1}, evening + timedelta(hours=2)) == 1
    for now, due in (
        (evening, 3),
        (evening + timedelta(hours=2), 4),
        (datetime(2022, 1, 11, 5, 59), 4),
    ):
        stats = deliver(settings, now, receiver.url)
        assert (stats.sent, stats.held, stats.pending) == (0, due, 4)
    assert receiver.hits == 0
    assert {d["attempts"] for d in rows(settings)} == {0}
    morning = deliver(settings, datetime(2022, 1, 11, 6, 0), receiver.url)  # 07:00 in Berlin
    assert (morning.sent, morning.pending) == (4, 0)
    assert not any(b.get("digest") for b in receiver.bodies)
    assert [b["entity"] for b in receiver.bodies][-1] == MAMIN[0]  # raised last, sent last
    assert receiver.signatures_ok == [True] * 4


def test_quiet_hours_with_a_digest_release_one_digest(queued, raise_alerts, receiver):
    evening = datetime(2022, 1, 10, 22, 30)
    channel = hook(digest="hourly", quiet_hours="22:00-07:00")
    settings = queued([channel], now=evening)
    raise_alerts(settings, "a2", {MAMIN: 1}, evening + timedelta(hours=3))
    for hour in range(23, 31):  # 23:00 to 06:00: every digest falls in the quiet hours
        now = datetime(2022, 1, 10) + timedelta(hours=hour)
        assert deliver(settings, now, receiver.url).sent == 0
    assert receiver.hits == 0
    stats = deliver(settings, datetime(2022, 1, 11, 7, 0), receiver.url)
    assert (stats.sent, stats.pending) == (4, 0)
    (body,) = receiver.bodies
    assert body["count"] == 4
    assert body["period_start"] == "2022-01-10T22:30:00+00:00"  # the oldest alert held
    assert body["period_end"] == "2022-01-11T07:00:00+00:00"


def test_daily_digest_goes_at_digest_at_local_time(queued, receiver):
    ny = hook(digest="daily", digest_at="08:00", timezone="America/New_York")
    settings = queued([ny])  # raised at 12:10 UTC, 07:10 in New York
    assert deliver(settings, datetime(2022, 1, 10, 12, 59), receiver.url).held == 3
    stats = deliver(settings, datetime(2022, 1, 10, 13, 0), receiver.url)  # 08:00 there
    assert stats.sent == 3
    (body,) = receiver.bodies
    assert body["period"] == "daily" and body["timezone"] == "America/New_York"
    assert (body["period_start"], body["period_end"]) == (
        "2022-01-09T13:00:00+00:00",
        "2022-01-10T13:00:00+00:00",
    )
    assert body["message"].startswith(
        "daily digest: 3 alerts, 2022-01-09 08:00 to 2022-01-10 08:00 (America/New_York)"
    )


def test_every_kind_sends_a_digest_as_one_message(queued, tmp_path, local_server, smtp_server):
    posts = []

    def slack(request):
        posts.append(json.loads(request.raw.rfile.read(int(request.headers["Content-Length"]))))
        return local_server.Reply(200, b"ok")

    local_server.route("/slack", handler=slack)
    out = tmp_path / "alerts.jsonl"
    channels = [
        JsonlChannel(path=out, digest="hourly"),
        SlackChannel(kind="slack", url_env="SLACK_URL", digest="hourly"),
        EmailChannel(
            kind="email",
            host="127.0.0.1",
            port=smtp_server.port,
            starttls=False,
            sender="newswatch@example.org",
            recipients=["desk@example.org"],
            digest="hourly",
        ),
    ]
    settings = queued(channels)
    stats = deliver(settings, T0 + timedelta(hours=1), local_server.url("/slack"))
    assert (stats.sent, stats.pending) == (9, 0)
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["digest"] is True and len(json.loads(line)["alerts"]) == 3
    (post,) = posts
    assert post["text"].startswith("newswatch hourly digest: 3 alerts, 2022-01-10 12:00 to 13:00")
    assert "- [csto] first mention: Karim Massimov (PERSON)" in post["text"]
    (mail,) = smtp_server.messages
    msg = email.message_from_bytes(mail.data, policy=policy.default)
    assert msg["Subject"] == "[newswatch] hourly digest: 3 alerts, 2022-01-10 12:00 to 13:00 (UTC)"
    body = msg.get_content()
    assert "2 × [csto] first mention" in body and "1 × [csto] watched entity" in body


def make_alert(n: int, rule: str = "first_mention") -> Alert:
    return Alert(
        alert_key=f"k{n:03d}",
        topic="csto",
        rule=rule,
        entity=f"Person {n}",
        label="PERSON",
        query=None,
        article_key=f"a{n}",
        title=f"Story {n}",
        url=f"https://example.org/{n}",
        source="herald",
        site="example.org",
        published=T0,
        created_at=T0,
    )


def test_digest_text_of_a_huge_period_is_truncated_with_a_count():
    alerts = tuple(
        make_alert(n, "watched_entity" if n % 3 == 0 else "first_mention") for n in range(120)
    )
    digest = Digest("c", "hourly", T0, T0 + timedelta(hours=1), "UTC", alerts)
    assert digest_title(digest) == "hourly digest: 120 alerts, 2022-01-10 12:00 to 13:00 (UTC)"
    lines = digest_body(digest).splitlines()
    assert lines[:2] == ["80 × [csto] first mention", "40 × [csto] watched entity"]
    listed = [line for line in lines if line.startswith("- ")]
    assert len(listed) == 50 and "Person 0 " in listed[0] and "Person 49 " in listed[-1]
    assert lines[-1] == "… and 70 more"
    one = Digest("c", "daily", T0, T0 + timedelta(days=1), "UTC", alerts[:1])
    assert digest_title(one).startswith("daily digest: 1 alert, 2022-01-10 12:00 to 2022-01-11")
    assert "more" not in digest_body(one)
