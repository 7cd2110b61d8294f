"""English, Russian and Kazakh pages through `newswatch run --once`: one entity per person and
place across languages, the mentions of each language counted, no-NER languages reported.

Real components: a local HTTP server, the CLI in a subprocess, spaCy, natasha and DuckDB.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from bench.httpserver import LocalServer
from bench.rss import FeedItem, rss
from tests.newswatch.test_cli import newswatch

pytestmark = pytest.mark.e2e

PAGES = {
    "en": (
        "Russian airlift to Kazakhstan runs around the clock",
        [
            "Russia's defence minister Sergei Shoigu said on Friday that transport aircraft were "
            "carrying paratroopers of the Collective Security Treaty Organization to Kazakhstan "
            "without pause, after President Kassym-Jomart Tokayev asked the CSTO for help.",
            "Shoigu was shown on television receiving reports on the operation. The bloc's "
            "secretary general Stanislav Zas said the force would guard airports and power "
            "stations in Almaty and would not police the streets.",
            "Units from Belarus, Armenia and Tajikistan were on their way, and in Kyrgyzstan the "
            "parliament was asked to approve the deployment, as the law there requires.",
            "Zas said the force would stay only as long as Tokayev considered it necessary.",
        ],
    ),
    "ru": (
        "Шойгу доложили о переброске миротворцев ОДКБ в Казахстан",
        [
            "Министр обороны России Сергей Шойгу заслушал доклад о переброске миротворцев "
            "ОДКБ в Казахстан. Самолёты доставили десантников на аэродромы под Алматы после "
            "того, как Касым-Жомарт Токаев попросил союзников о помощи.",
            "Генеральный секретарь ОДКБ Станислав Зась заявил, что миротворцы не будут "
            "участвовать в разгоне протестов. По словам Зася, войска охраняют важные объекты.",
            "Шойгу поручил обеспечить контингент всем необходимым. Подразделения также "
            "направили Армения и Таджикистан, а парламент Киргизии одобрил отправку военных.",
            "Токаеву направили слова поддержки из Москвы. В Кыргызстане решение приняли за "
            "один день.",
        ],
    ),
    "kk": (
        "Бітімгерлер Алматыдағы нысандарды күзетті",
        [
            "Қазақстан Президенті Қасым-Жомарт Тоқаев ОДКБ елдерінің басшыларына алғыс айтты. "
            "Бітімгершілік күштер Алматыдағы әуежайды және маңызды нысандарды күзетті.",
            "Ұйымның бас хатшысы Станислав Зась миссия аяқталғанын мәлімдеді. Әскерлер елден "
            "он күн ішінде шығарылады деп хабарланды.",
            "Казахстан билігі тәртіп толық қалпына келтірілгенін айтты. Қалада коменданттық "
            "сағат әлі де сақталып отыр.",
            "Тұрғындар дүкендер мен банктердің біртіндеп ашыла бастағанын хабарлады.",
        ],
    ),
}


def page(title: str, paragraphs: list[str], lang: str) -> bytes:
    """A plain news page of our own."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def serve(server: LocalServer, languages: list[str], feed: str) -> str:
    """Serve these languages' pages and a feed listing them; return the feed URL."""
    items = []
    for n, lang in enumerate(languages):
        title, paragraphs = PAGES[lang]
        path = f"/{lang}/story-{n}.html"
        server.route(
            path, body=page(title, paragraphs, lang), headers={"Content-Type": "text/html"}
        )
        items.append(FeedItem(title, server.url(path), datetime(2022, 1, 7, 9 + n, tzinfo=UTC)))
    server.route(
        feed, body=rss(items, title="multilingual"), headers={"Content-Type": "application/rss+xml"}
    )
    return server.url(feed)


def per_language(db: Path) -> dict[str, dict[str, int]]:
    """Mentions per entity (canonical name) and article language."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT e.name, a.language, sum(m.count) FROM mentions m JOIN entities e "
            "USING (entity_id) JOIN articles a USING (article_key) GROUP BY ALL"
        ).fetchall()
    out: dict[str, dict[str, int]] = {}
    for name, lang, n in rows:
        out.setdefault(name, {})[lang] = int(n)
    return out


def test_one_entity_per_person_and_place_across_english_and_russian(make_config, tmp_path):
    with LocalServer() as server:
        url = serve(server, ["en", "ru", "kk"], "/feed.xml")
        config = make_config(f"  - {{name: wire, url: '{url}'}}\n")
        db = tmp_path / "nw.duckdb"
        proc = newswatch("run", "--once", "--config", str(config), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"articles stored\s*│\s*3\b", proc.stdout), proc.stdout
    assert re.search(r"articles without NER\s*│\s*1\b", proc.stdout)
    assert "no NER      1 article(s): no NER model for kk" in proc.stdout

    counts = per_language(db)
    # Each person and place is one entity under its English name, counted per language.
    assert counts["Sergei Shoigu"] == {"en": 2, "ru": 2}  # natasha misses the headline one
    assert counts["Stanislav Zas"] == {"en": 2, "ru": 2}
    assert counts["Kassym-Jomart Tokayev"] == {"en": 2, "ru": 2}
    assert counts["Kyrgyzstan"] == {"en": 1, "ru": 2}
    assert counts["Collective Security Treaty Organization"] == {"en": 2, "ru": 3}
    assert counts["Armenia"] == {"en": 1, "ru": 1}
    cyrillic = [n for n in counts if re.search("[А-Яа-я]", n)]
    assert not [n for n in cyrillic if re.search("Шойгу|Зас|Токаев|Кирги|Кыргыз|ОДКБ", n)]

    with duckdb.connect(str(db), read_only=True) as con:
        # The Kazakh article is stored and searchable, with no entities and the reason why.
        kk = con.execute(
            "SELECT ner_model, ner_skipped, (SELECT count(*) FROM mentions m "
            "WHERE m.article_key = a.article_key) FROM articles a WHERE language = 'kk'"
        ).fetchall()
        assert kk == [(None, "no NER model for kk", 0)]
        links = dict(
            con.execute(
                "SELECT l.name, e.name FROM entity_links l JOIN entities e USING (entity_id)"
            ).fetchall()
        )
        assert links["Сергей Шойгу"] == "Sergei Shoigu" and links["Киргизия"] == "Kyrgyzstan"
        forms = con.execute(
            "SELECT form FROM entity_aliases WHERE entity = 'Stanislav Zas' AND language = 'ru'"
        ).fetchall()
        assert {f for (f,) in forms} == {"Станислав Зась", "Зася"}

    feeds = newswatch("feeds", "--config", str(config), "--db", str(db))
    assert "1 (no NER model for kk)" in feeds.stdout and "en 1" in feeds.stdout
    trend = newswatch("trend", "Шойгу", "--forms", "--config", str(config), "--db", str(db))
    assert (
        trend.returncode == 0 and "Sergei Shoigu" in trend.stdout and "Сергей Шойгу" in trend.stdout
    )


def test_a_russian_name_stored_first_takes_the_english_name_when_it_arrives(make_config, tmp_path):
    db = tmp_path / "nw.duckdb"
    with LocalServer() as server:
        first = make_config(f"  - {{name: ru-wire, url: '{serve(server, ['ru'], '/ru.xml')}'}}\n")
        assert newswatch("run", "--once", "--config", str(first), "--db", str(db)).returncode == 0
        before = per_language(db)
        # Nobody wrote his name in English yet: the Russian name is kept, not guessed.
        assert before["Сергей Шойгу"] == {"ru": 2} and "Sergei Shoigu" not in before
        both = make_config(
            f"  - {{name: ru-wire, url: '{server.url('/ru.xml')}'}}\n"
            f"  - {{name: en-wire, url: '{serve(server, ['en'], '/en.xml')}'}}\n"
        )
        assert newswatch("run", "--once", "--config", str(both), "--db", str(db)).returncode == 0
    after = per_language(db)
    assert after["Sergei Shoigu"] == {"en": 2, "ru": 2} and "Сергей Шойгу" not in after
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM entities WHERE name IN ('Sergei Shoigu', 'Сергей Шойгу')"
        ).fetchone() == (1,)
