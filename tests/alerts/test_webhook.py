"""Signed webhook delivery through the outbox to a real local receiver, with retries."""

import socket
from datetime import datetime, timedelta

import pytest

from alerts.channels import sign, verify_signature
from alerts.outbox import deliver_pending, run_alerts
from alerts.rules import evaluate
from common.keys import utcnow
from newswatch.settings import WebhookChannel
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
SECRET = "test-hook-secret"  # the receiver fixture's secret
CSTO = ("Collective Security Treaty Organization", "ORG")
MASSIMOV = ("Karim Massimov", "PERSON")
HOOK = WebhookChannel(kind="webhook", name="hook", url_env="HOOK_URL", secret_env="HOOK_SECRET")


@pytest.fixture
def queued(make_settings, article, load_articles):
    """Three alerts waiting for the webhook: 2 first mentions, 1 watched CSTO mention."""

    def build(**alert_settings):
        settings = make_settings([HOOK], **alert_settings)
        load_articles(settings, article("a1", T0, {CSTO: 1, MASSIMOV: 1}))
        with Warehouse(settings.db_path) as wh:
            assert evaluate(wh, settings) == 3
            keys = {r[0] for r in wh.conn.execute("SELECT alert_key FROM alerts").fetchall()}
        return settings, keys

    return build


def env(url: str) -> dict[str, str]:
    return {"HOOK_URL": url, "HOOK_SECRET": SECRET}


def deliveries(settings) -> list[dict]:
    with Warehouse(settings.db_path) as wh:
        cur = wh.conn.execute("SELECT * FROM deliveries ORDER BY attempts DESC, alert_key")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def deliver(settings, url, now=None):
    with Warehouse(settings.db_path) as wh:
        return deliver_pending(wh, settings, now, env=env(url))


def test_signed_alerts_arrive_once(queued, receiver):
    settings, keys = queued()
    stats = deliver(settings, receiver.url)
    assert (stats.sent, stats.failed, stats.pending) == (3, 0, 0)
    assert receiver.signatures_ok == [True, True, True]
    assert {b["alert_key"] for b in receiver.bodies} == keys
    body = next(b for b in receiver.bodies if b["entity"] == MASSIMOV[0])
    assert body["rule"] == "first_mention"
    assert body["url"] == "https://steppe-herald.example/a1"
    assert body["published"] == "2022-01-10T12:00:00+00:00"
    assert body["message"].startswith("[csto] first mention: Karim Massimov (PERSON) — ")
    assert all(d["status"] == "sent" and d["sent_at"] for d in deliveries(settings))
    again = deliver(settings, receiver.url)
    assert (again.sent, again.failed, again.pending) == (0, 0, 0)
    assert receiver.hits == 3


def test_receiver_errors_leave_deliveries_pending_with_backoff(queued, receiver):
    settings, _ = queued(backoff_initial=10, backoff_max=60)
    receiver.status = 503
    now = utcnow() + timedelta(seconds=1)
    stats = deliver(settings, receiver.url, now)
    assert (stats.sent, stats.failed, stats.pending) == (0, 0, 3)
    # One attempt per pass while the receiver is down; the others wait untouched.
    assert receiver.hits == 1
    tried, *waiting = deliveries(settings)
    assert tried["status"] == "pending"
    assert tried["attempts"] == 1
    assert tried["next_attempt_at"] == now + timedelta(seconds=10)
    assert tried["last_error"] == "HTTP 503 Service Unavailable (retryable)"
    assert [(d["status"], d["attempts"]) for d in waiting] == [("pending", 0), ("pending", 0)]
    # Not due yet: the retried one is skipped, a waiting one is tried (and fails) instead.
    deliver(settings, receiver.url, now + timedelta(seconds=5))
    assert sorted(d["attempts"] for d in deliveries(settings)) == [0, 1, 1]
    later = deliver(settings, receiver.url, now + timedelta(seconds=30))
    assert later.pending == 3
    assert sorted(d["attempts"] for d in deliveries(settings)) == [1, 1, 1]
    # The second failure of a delivery waits twice as long.
    deliver(settings, receiver.url, now + timedelta(seconds=60))
    assert sorted(d["attempts"] for d in deliveries(settings)) == [1, 1, 2]
    assert max(d["next_attempt_at"] for d in deliveries(settings)) == now + timedelta(seconds=80)


def test_receiver_down_for_an_hour_gets_every_alert_exactly_once(queued, receiver):
    settings, keys = queued(backoff_initial=1, backoff_max=60, max_attempts=1000)
    receiver.status = 503
    start = utcnow()
    with Warehouse(settings.db_path) as wh:
        for minute in range(61):
            now = start + timedelta(minutes=minute)
            stats = deliver_pending(wh, settings, now, env=env(receiver.url))
            assert stats.sent == 0 and stats.pending == 3
    assert receiver.bodies == []
    receiver.status = 200
    back = deliver(settings, receiver.url, start + timedelta(minutes=62))
    assert (back.sent, back.failed, back.pending) == (3, 0, 0)
    assert sorted(b["alert_key"] for b in receiver.bodies) == sorted(keys)
    assert receiver.signatures_ok == [True, True, True]
    assert deliver(settings, receiver.url, start + timedelta(minutes=90)).sent == 0
    assert len(receiver.bodies) == 3


def test_unreachable_receiver_is_retryable(queued, receiver):
    settings, _ = queued(backoff_initial=1)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    stats = deliver(settings, dead)
    assert (stats.sent, stats.failed, stats.pending) == (0, 0, 3)
    tried = deliveries(settings)[0]
    assert tried["attempts"] == 1
    assert tried["last_error"].startswith("connection failed: ConnectError")
    # The receiver comes up (at another address): everything arrives once.
    stats = deliver(settings, receiver.url, utcnow() + timedelta(seconds=5))
    assert stats.sent == 3
    assert len(receiver.bodies) == 3


def test_client_errors_are_permanent(queued, receiver):
    settings, _ = queued()
    receiver.status = 400
    stats = deliver(settings, receiver.url)
    assert (stats.sent, stats.failed, stats.pending) == (0, 3, 0)
    assert receiver.hits == 3
    assert {(d["status"], d["attempts"]) for d in deliveries(settings)} == {("failed", 1)}
    assert deliver(settings, receiver.url, utcnow() + timedelta(days=1)).failed == 0
    assert receiver.hits == 3


def test_429_is_retried_until_max_attempts(queued, receiver):
    settings, _ = queued(backoff_initial=1, max_attempts=2)
    receiver.status = 429
    now = utcnow()
    for minute in range(6):
        deliver(settings, receiver.url, now + timedelta(minutes=minute))
    assert {(d["status"], d["attempts"]) for d in deliveries(settings)} == {("failed", 2)}
    assert receiver.hits == 6


def test_run_alerts_evaluates_and_delivers(make_settings, article, load_articles, receiver):
    settings = make_settings([HOOK])
    load_articles(settings, article("a1", T0, {CSTO: 1}))
    assert run_alerts(settings, env=env(receiver.url))[0] == 2
    new, stats = run_alerts(settings, env=env(receiver.url))
    assert new == 0 and (stats.sent, stats.pending) == (0, 0)
    assert len(receiver.bodies) == 2


def test_verify_signature():
    body = b'{"alert_key":"k","title":"\xc3\xa9"}'
    ts = 1_700_000_000
    header = sign("s3", ts, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature("s3", str(ts), body, header, now=ts + 10)
    assert verify_signature("s3", ts, body.decode("utf-8"), header, now=ts)
    assert not verify_signature("other", ts, body, header, now=ts)
    assert not verify_signature("s3", ts, body + b" ", header, now=ts)
    assert not verify_signature("s3", ts + 1, body, header, now=ts)
    assert not verify_signature("s3", ts, body, header, now=ts + 301)
    assert not verify_signature("s3", ts, body, header.removeprefix("sha256="), now=ts)
    assert not verify_signature("s3", "soon", body, header, now=ts)
    assert not verify_signature("s3", ts, body, "sha256=ü", now=ts)
