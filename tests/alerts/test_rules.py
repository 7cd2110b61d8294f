"""Alert rules over a real DuckDB warehouse: which events fire, once, and on which article."""

from datetime import datetime, timedelta

import pytest

from alerts.rules import alert_key, evaluate, watchlist_names
from newswatch.settings import AlertRule, JsonlChannel, WebhookChannel
from warehouse.records import entity_id
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 10, 12, 0)
CSTO = ("Collective Security Treaty Organization", "ORG")
TOKAYEV = ("Kassym-Jomart Tokayev", "PERSON")
MASSIMOV = ("Karim Massimov", "PERSON")
PUTIN = ("Vladimir Putin", "PERSON")
MAMIN = ("Askar Mamin", "PERSON")
LUKASHENKO = ("Alexander Lukashenko", "PERSON")
KAZAKH = ("Kazakh", "NORP")
QUERY = "detained OR arrest*"


@pytest.fixture
def loaded(make_settings, article, load_articles):
    """Three csto articles (loaded newest first) and one of another topic."""
    settings = make_settings([JsonlChannel(), WebhookChannel(kind="webhook")])
    load_articles(
        settings,
        article("a3", T0 - timedelta(hours=2), {TOKAYEV: 1, PUTIN: 2}),
        article(
            "a2",
            T0 - timedelta(days=3),
            {CSTO: 1, MASSIMOV: 3},
            title="Former security chief detained",
        ),
        run="r1",
    )
    load_articles(
        settings,
        article("a1", T0 - timedelta(days=5), {CSTO: 2, TOKAYEV: 1, KAZAKH: 4}),
        # Putin is mentioned earlier, but in another topic only; so is Lukashenko.
        article("o1", T0 - timedelta(days=10), {PUTIN: 1, LUKASHENKO: 1}, topics={"other": ("x",)}),
        run="r2",
    )
    return settings


def alerts(settings) -> list[dict]:
    with Warehouse(settings.db_path) as wh:
        cur = wh.conn.execute(
            "SELECT rule, entity, label, query, article_key, alert_key, topic FROM alerts "
            "ORDER BY rule, entity, article_key"
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def run_evaluate(settings) -> int:
    with Warehouse(settings.db_path) as wh:
        return evaluate(wh, settings)


def test_first_evaluation_raises_each_expected_alert(loaded):
    assert run_evaluate(loaded) == 9
    got = {(a["rule"], a["entity"], a["article_key"]) for a in alerts(loaded)}
    assert got == {
        # first mentions: each entity once, at its earliest csto article; NORP is not a rule label
        ("first_mention", CSTO[0], "a1"),
        ("first_mention", TOKAYEV[0], "a1"),
        ("first_mention", MASSIMOV[0], "a2"),
        ("first_mention", PUTIN[0], "a3"),
        # watched entities (watchlist has the alias "CSTO" and a lower-case name): per article
        ("watched_entity", CSTO[0], "a1"),
        ("watched_entity", CSTO[0], "a2"),
        ("watched_entity", TOKAYEV[0], "a1"),
        ("watched_entity", TOKAYEV[0], "a3"),
        # the query rule on title + text
        ("query", None, "a2"),
    }
    assert {a["topic"] for a in alerts(loaded)} == {"csto"}


def test_alert_keys_are_the_documented_stable_hashes(loaded):
    run_evaluate(loaded)
    keys = {a["alert_key"] for a in alerts(loaded)}
    assert alert_key("csto", "first_mention", entity_id(*MASSIMOV)) in keys
    assert alert_key("csto", "watched_entity", entity_id(*CSTO), "a2") in keys
    assert alert_key("csto", "query", QUERY, "a2") in keys
    query_alert = next(a for a in alerts(loaded) if a["rule"] == "query")
    assert query_alert["query"] == QUERY
    assert query_alert["entity"] is None


def test_each_alert_gets_one_pending_delivery_per_channel(loaded):
    run_evaluate(loaded)
    with Warehouse(loaded.db_path) as wh:
        rows = wh.conn.execute(
            "SELECT channel, status, attempts, count(*) FROM deliveries GROUP BY ALL ORDER BY 1"
        ).fetchall()
    assert rows == [("jsonl", "pending", 0, 9), ("webhook", "pending", 0, 9)]


def test_re_evaluating_adds_nothing(loaded):
    assert run_evaluate(loaded) == 9
    assert run_evaluate(loaded) == 0
    assert run_evaluate(loaded) == 0
    assert len(alerts(loaded)) == 9
    with Warehouse(loaded.db_path) as wh:
        assert wh.conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 18


def test_new_articles_add_exactly_the_new_events(loaded, article, load_articles):
    run_evaluate(loaded)
    load_articles(
        loaded,
        article(
            "a4",
            T0 - timedelta(hours=1),
            {PUTIN: 1, MAMIN: 1, CSTO: 1},
            title="Arrests in Almaty",
        ),
        # Older than every article so far, but Tokayev's first mention was already alerted.
        article("a5", T0 - timedelta(days=30), {TOKAYEV: 1}, title="An old story"),
        run="r3",
    )
    assert run_evaluate(loaded) == 4
    new = {(a["rule"], a["entity"], a["article_key"]) for a in alerts(loaded)}
    assert ("first_mention", MAMIN[0], "a4") in new
    assert ("watched_entity", CSTO[0], "a4") in new
    assert ("query", None, "a4") in new
    assert ("watched_entity", TOKAYEV[0], "a5") in new
    assert ("first_mention", TOKAYEV[0], "a5") not in new
    assert len(new) == 13
    assert run_evaluate(loaded) == 0


def test_first_mention_labels_and_disabled_rules(make_settings, article, load_articles, topic):
    settings = make_settings(
        [JsonlChannel()],
        topics=[topic(alerts=[AlertRule(rule="first_mention", labels=["NORP"])], watchlist=[])],
    )
    load_articles(settings, article("a1", T0, {KAZAKH: 1, TOKAYEV: 1}))
    assert run_evaluate(settings) == 1
    assert [(a["entity"], a["label"]) for a in alerts(settings)] == [KAZAKH]
    no_rules = make_settings([JsonlChannel()], topics=[topic(alerts=[])])
    assert run_evaluate(no_rules) == 0


def test_query_rule_reads_each_article_once(make_settings, article, load_articles, topic):
    settings = make_settings(
        [JsonlChannel()], topics=[topic(alerts=[AlertRule(rule="query", query="peacekeep*")])]
    )
    load_articles(
        settings,
        article("a1", T0, {}, text="Peacekeepers landed in Almaty."),
        article("a2", T0, {}, text="Nothing to see."),
    )
    assert run_evaluate(settings) == 1
    with Warehouse(settings.db_path) as wh:
        checked = wh.conn.execute("SELECT count(*) FROM alert_query_checks").fetchone()[0]
    assert checked == 2
    load_articles(settings, article("a3", T0, {}, title="Peacekeeping ends", text="..."))
    assert run_evaluate(settings) == 1
    assert {a["article_key"] for a in alerts(settings)} == {"a1", "a3"}


def test_watchlist_resolves_aliases_case_insensitively(topic):
    assert watchlist_names(topic()) == [
        "collective security treaty organization",
        "csto",
        "kassym-jomart tokayev",
    ]


def test_merged_stories_keep_their_alerts_and_raise_none_again(
    make_settings, article, load_articles
):
    # Two stories each alerted (watched entity, query rule), then an article shows they are
    # one report: the union has its alerts already, and later copies of it add none.
    from common.stories import StoryMerge
    from warehouse.records import LoadBatch

    settings = make_settings([JsonlChannel()])
    detained = "Former security chief detained"
    load_articles(
        settings,
        article("s1", T0 - timedelta(hours=3), {TOKAYEV: 1}, title=detained),
        article("s2", T0 - timedelta(hours=2), {TOKAYEV: 1}, title=detained + " in Almaty"),
        run="r1",
    )
    run_evaluate(settings)
    before = alerts(settings)
    watched = [a for a in before if a["rule"] == "watched_entity"]
    assert sorted(a["article_key"] for a in watched) == ["s1", "s2"]
    with Warehouse(settings.db_path) as wh:
        wh.load(
            LoadBatch(
                "r2",
                articles=[
                    article(
                        "s3", T0 - timedelta(hours=1), {TOKAYEV: 1}, title=detained, story_key="s1"
                    )
                ],
                merges=[StoryMerge("s2", "s1", "s3", "s2", 0.3)],
            )
        )
    load_articles(
        settings,
        article("s4", T0, {TOKAYEV: 2}, title=detained + " again", story_key="s1"),
        run="r3",
    )
    assert run_evaluate(settings) == 0
    assert alerts(settings) == before
    with Warehouse(settings.db_path) as wh:
        keys = {r[0] for r in wh.conn.execute("SELECT story_key FROM alerts").fetchall()}
    assert keys == {"s1"}
