"""Entity links in the warehouse: names stored under the entity a link points to."""

from dataclasses import replace
from datetime import datetime, timedelta

from common.links import EntityLink
from tests.warehouse.test_store import article
from warehouse.records import LoadBatch, entity_id
from warehouse.store import Warehouse

T0 = datetime(2022, 1, 7, 12, 0)
SHOIGU = ("Sergei Shoigu", "PERSON")
SHOIGU_RU = ("Сергей Шойгу", "PERSON")
LINK = EntityLink(
    "Сергей Шойгу", "PERSON", "Sergei Shoigu", "PERSON", "transliteration", 1.0, "sergey shoygu"
)


def ru(key: str, when: datetime, mentions: dict, forms: dict | None = None):
    return replace(article(key, when, mentions), language="ru", forms=forms or {})


def mentions(wh: Warehouse) -> dict[str, int]:
    rows = wh.conn.execute(
        "SELECT e.name, sum(m.count) FROM mentions m JOIN entities e USING (entity_id) GROUP BY 1"
    ).fetchall()
    return dict(rows)


def test_a_linked_name_is_stored_under_its_target_with_the_evidence(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        batch = LoadBatch(
            "r1",
            articles=[
                article("en1", T0, {SHOIGU: 2}),
                ru(
                    "ru1",
                    T0,
                    {SHOIGU_RU: 3, ("Шойгу", "PERSON"): 1},
                    {SHOIGU_RU: ("Сергею Шойгу",)},
                ),
            ],
            links=[
                LINK,
                EntityLink("Шойгу", "PERSON", "Sergei Shoigu", "PERSON", "surname", 1.0, "shoygu"),
            ],
        )
        wh.load(batch)
        # Two names of one article that are one entity make one mention row.
        assert mentions(wh) == {"Sergei Shoigu": 6}
        assert wh.conn.execute(
            "SELECT method, score, evidence FROM entity_links WHERE name = 'Сергей Шойгу'"
        ).fetchall() == [("transliteration", 1.0, "sergey shoygu")]
        assert wh.conn.execute("SELECT language, form, articles FROM entity_forms").fetchall() == [
            ("ru", "Сергею Шойгу", 1)
        ]
        # Loading the same batch again changes nothing: links, forms and counts stay.
        wh.load(batch)
        assert mentions(wh) == {"Sergei Shoigu": 6}
        assert wh.conn.execute("SELECT sum(articles) FROM entity_forms").fetchone() == (1,)
        assert wh.conn.execute("SELECT count(*) FROM entity_links").fetchone() == (2,)
        # A later article under the Russian name needs no new decision.
        wh.load(LoadBatch("r2", articles=[ru("ru2", T0 + timedelta(hours=1), {SHOIGU_RU: 1})]))
        assert mentions(wh) == {"Sergei Shoigu": 7}


def test_a_rename_keeps_the_entity_and_its_history(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(LoadBatch("r1", articles=[ru("ru1", T0, {SHOIGU_RU: 2})]))
        eid = entity_id(*SHOIGU_RU)
        reverse = EntityLink(
            *SHOIGU, *SHOIGU_RU, "transliteration", 1.0, "sergey shoygu", rename=True
        )
        wh.load(LoadBatch("r2", articles=[article("en1", T0, {SHOIGU: 1})], links=[reverse]))
        assert wh.conn.execute("SELECT entity_id, name FROM entities").fetchall() == [
            (eid, "Sergei Shoigu")
        ]
        assert mentions(wh) == {"Sergei Shoigu": 3}
        # The Russian name still finds the same entity by its own key.
        wh.load(LoadBatch("r3", articles=[ru("ru2", T0, {SHOIGU_RU: 1})]))
        assert mentions(wh) == {"Sergei Shoigu": 4}


def test_a_topic_name_is_its_own_entity_whatever_a_link_said(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(LoadBatch("r1", articles=[article("en1", T0, {SHOIGU: 1})], links=[LINK]))
        # The analyst lists "Сергей Шойгу" in a topic of its own: the link no longer applies.
        wh.load(
            LoadBatch("r2", articles=[ru("ru1", T0, {SHOIGU_RU: 2})], pinned=frozenset({SHOIGU_RU}))
        )
        assert mentions(wh) == {"Sergei Shoigu": 1, "Сергей Шойгу": 2}


def test_topic_names_not_mentioned_create_no_entity(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        minsk = ("Minsk", "GPE")
        wh.load(
            LoadBatch(
                "r1", articles=[article("en1", T0, {SHOIGU: 1})], pinned=frozenset({minsk, SHOIGU})
            )
        )
        assert wh.conn.execute("SELECT name FROM entities").fetchall() == [("Sergei Shoigu",)]
