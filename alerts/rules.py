"""Alert rules: find new alert events in the warehouse and put them in the outbox."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from alerts import spike
from alerts.alert import Alert
from alerts.config import AlertRule, AlertsConfig, Topic
from common.keys import stable_key, utcnow
from extractors.relevance import TopicQuery
from warehouse.store import Warehouse

log = logging.getLogger(__name__)

# The topic of alerts meant for whoever runs newswatch rather than for analysts.
OPERATOR_TOPIC = "_operator"


def alert_key(topic: str, rule: str, *parts: str) -> str:
    """The stable key of an alert event: the same event always gets the same key."""
    return stable_key(topic, rule, *parts)


def evaluate(wh: Warehouse, settings: AlertsConfig, now: datetime | None = None) -> int:
    """Find new alert events for every topic, plus operator alerts (feeds down), and queue
    them; return how many alerts are new. `now` (naive UTC) defaults to the clock.

    Alerts and one pending delivery per configured channel are written in one transaction.
    Alert keys are stable, so evaluating again (or concurrently with a crash in between)
    never raises the same alert twice.
    """
    now = utcnow() if now is None else now
    channels = [c.name for c in settings.alerts.channels]
    with wh.transaction():
        found: dict[str, Alert] = {}
        for topic in settings.topics:
            for rule in topic.alerts:
                for alert in _rule_alerts(wh, topic, rule, now):
                    found.setdefault(alert.alert_key, alert)
        for alert in _feeds_down(wh, settings, now):
            found.setdefault(alert.alert_key, alert)
        if not found:
            return 0
        existing = wh.existing_alert_keys(list(found))
        fresh = [a for k, a in found.items() if k not in existing]
        wh.add_alerts([_alert_row(a) for a in fresh], channels, now)
    log.info("alerts: %d new, %d channels", len(fresh), len(channels))
    return len(fresh)


def _rule_alerts(wh: Warehouse, topic: Topic, rule: AlertRule, now: datetime) -> list[Alert]:
    """The not-yet-raised alerts of one rule of one topic."""
    if rule.rule == "first_mention":
        return _first_mentions(wh, topic, rule, now)
    if rule.rule == "watched_entity":
        return _watched(wh, topic, now)
    if rule.rule == "spike":
        return _spikes(wh, topic, rule, now)
    return _query_matches(wh, topic, rule, now)


def _first_mentions(wh: Warehouse, topic: Topic, rule: AlertRule, now: datetime) -> list[Alert]:
    """Entities (of the rule's labels) new to the topic, each at its earliest article."""
    if not rule.labels:
        return []
    rows = wh.first_mention_candidates(topic.name, rule.labels)
    return [
        _alert(
            r,
            topic.name,
            "first_mention",
            now,
            alert_key(topic.name, "first_mention", r["entity_id"]),
        )
        for r in rows
    ]


def watchlist_names(topic: Topic) -> list[str]:
    """The watchlist as lower-cased canonical names (an alias listed resolves to its entity)."""
    names: set[str] = set()
    for wanted in topic.watchlist:
        key = wanted.casefold()
        names.add(wanted.lower())
        for entry in topic.gazetteer:
            if key == entry.name.casefold() or key in {a.casefold() for a in entry.aliases}:
                names.add(entry.name.lower())
    return sorted(names)


def _watched(wh: Warehouse, topic: Topic, now: datetime) -> list[Alert]:
    """One alert per story of the topic that mentions a watchlist entity, at its first article."""
    names = watchlist_names(topic)
    if not names:
        return []
    rows = wh.watched_mention_candidates(topic.name, names)
    return [
        _alert(
            r,
            topic.name,
            "watched_entity",
            now,
            alert_key(topic.name, "watched_entity", r["entity_id"], r["story_key"]),
        )
        for r in rows
    ]


def _query_matches(wh: Warehouse, topic: Topic, rule: AlertRule, now: datetime) -> list[Alert]:
    """Stories of the topic with an article, not matched against this rule before, whose
    title+text match (one alert per story: the key is the story's)."""
    query = TopicQuery.parse(rule.query)
    checked: list[str] = []
    hits: list[dict[str, Any]] = []
    # Texts arrive in chunks and are dropped; only keys and the matches' metadata are kept.
    for r in wh.query_rule_candidates(topic.name, rule.query):
        checked.append(r["article_key"])
        if query.match(f"{r['title'] or ''}\n{r['text']}").matched:
            r.pop("text")
            hits.append(r)
    wh.mark_query_checked(topic.name, rule.query, checked)
    # A story merged since its alert keeps it: the union is not news again.
    alerted = wh.alerted_stories(topic.name, "query", rule.query)
    hits = [r for r in hits if r["story_key"] not in alerted]
    return [
        _alert(
            {**r, "entity": None, "label": None, "query": rule.query},
            topic.name,
            "query",
            now,
            alert_key(topic.name, "query", rule.query, r["story_key"]),
        )
        for r in hits
    ]


def _spikes(wh: Warehouse, topic: Topic, rule: AlertRule, now: datetime) -> list[Alert]:
    """Entities (of the rule's labels) in far more distinct stories in the window ending at `now`
    than their own baseline predicts (alerts/spike.py), pointing at the newest driving story.

    The key is the entity, the window and the hour or day `now` is in: re-evaluating during one
    spike adds nothing. A spike alert of the previous period holds off a new one until it is
    one window length old, so a burst that straddles the boundary alerts once; a later burst
    is a new alert.
    """
    if not rule.labels:
        return []
    win = spike.spike_window(now, rule.window, rule.baseline_days)
    alerts = []
    counts = wh.spike_counts(
        topic.name, rule.labels, win.baseline_start, win.window_start, now, rule.min_count
    )
    for r in counts:
        test = spike.spike_test(
            int(r["observed"]),
            int(r["baseline"]),
            window=rule.window,
            baseline_days=rule.baseline_days,
            min_count=rule.min_count,
            min_ratio=rule.min_ratio,
            p_value=rule.p_value,
        )
        if not test.fired:
            continue
        entity_id = r["entity_id"]
        key = alert_key(topic.name, "spike", entity_id, rule.window, win.period.isoformat())
        previous = alert_key(
            topic.name, "spike", entity_id, rule.window, win.previous_period.isoformat()
        )
        if wh.alert_raised_since(previous, win.window_start):
            continue
        stories = wh.spike_stories(topic.name, entity_id, win.window_start, now, rule.max_stories)
        if not stories:
            continue
        row = {
            **stories[0],  # the alert points at the newest driving story's first article
            "entity": r["entity"],
            "label": r["label"],
            "title": spike.summary(r["entity"], test, rule.window),
            "details": json.dumps(_story_details(stories), sort_keys=True, ensure_ascii=False),
        }
        alerts.append(_alert(row, topic.name, "spike", now, key))
        log.debug("spike: [%s] %s", topic.name, row["title"])
    return alerts


def _story_details(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The driving stories as JSON-ready dicts (timestamps as ISO 8601, naive UTC)."""
    out = []
    for s in stories:
        d = dict(s)
        for name in ("published", "first_time"):
            value = d[name]
            d[name] = value.isoformat() if isinstance(value, datetime) else value
        d["first_seen"] = d.pop("first_time")
        d["articles"] = int(d["articles"])
        out.append(d)
    return out


def _feeds_down(wh: Warehouse, settings: AlertsConfig, now: datetime) -> list[Alert]:
    """One `feed_down` operator alert per failing streak longer than poll.alert_after_hours.

    The key is the source and the start of its streak: re-evaluating during one outage adds
    nothing, and a new outage after a recovery is a new alert.
    """
    enabled = [s.name for s in settings.sources if s.enabled]
    if not enabled:
        return []
    since = now - timedelta(hours=settings.poll.alert_after_hours)
    rows = wh.feed_down_candidates(since, enabled)
    alerts = []
    for r in rows:
        start: datetime = r["failing_since"]
        hours = (now - start).total_seconds() / 3600
        title = (
            f"{r['name']} failing for {hours:.1f} h since {start:%Y-%m-%d %H:%M} UTC "
            f"({r['consecutive_failures']} polls): {r['last_error'] or 'unknown error'}"
        )
        key = alert_key(OPERATOR_TOPIC, "feed_down", r["name"], start.isoformat())
        row = {
            "entity": r["name"],
            "label": r["kind"],
            "article_key": "",
            "title": title,
            "url": r["location"],
            "source": r["name"],
            "site": None,
            "published": start,
        }
        alerts.append(_alert(row, OPERATOR_TOPIC, "feed_down", now, key))
    return alerts


def _alert(row: dict[str, Any], topic: str, rule: str, now: datetime, key: str) -> Alert:
    """An alert from a candidate row."""
    return Alert(
        alert_key=key,
        topic=topic,
        rule=rule,
        entity=row.get("entity"),
        label=row.get("label"),
        query=row.get("query"),
        article_key=row["article_key"],
        story_key=row.get("story_key"),
        title=row["title"],
        url=row["url"],
        source=row["source"],
        site=row["site"],
        published=row["published"],
        created_at=now,
        details=row.get("details"),
    )


def _alert_row(a: Alert) -> tuple[Any, ...]:
    """The insert_alert parameters of an alert."""
    return (
        a.alert_key,
        a.topic,
        a.rule,
        a.entity,
        a.label,
        a.query,
        a.article_key,
        a.title,
        a.url,
        a.source,
        a.site,
        a.published,
        a.created_at,
        a.story_key,
        a.details,
    )
