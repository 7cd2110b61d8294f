"""Synthetic news reports for the same-story and throughput benchmarks.

Every name, place, organisation and sentence template below is our own writing. Events come from
many domains (disasters, diplomacy, military, protests, markets, energy, courts, health, space,
sport, technology, transport, elections); each event gets a cast of people, organisations, places
and numbers, and 1-3 outlets write about it independently (different templates, different
paragraph order, never a shared 12-word run), sometimes followed by a follow-up 1-3 days later.

Template mini-language (one template per line in the `_*_TEMPLATES` blocks):
    [a|b|c]       pick one alternative (may be empty, may contain slots; no nesting)
    {slot}        an event fact; tuple values are variants picked per use
    {P1}          a person: "Title Full Name" on first mention in a report, surname afterwards
    {P1.last}     a person's attribute: full, first, last, title, age, job
In quote frames {S} is the speaker and {Q} the quotation, chosen per sentence.

Usage::

    reports = generate_reports(2000, seed=1)
    page = render_html(reports[0])
    feed = render_rss(reports[:20], site=reports[0].site, base_url="http://127.0.0.1:8000/x")
"""

# Template and page-layout lines are prose and markup, not code: wrapping them would hurt reading.
# ruff: noqa: E501

from __future__ import annotations

import functools
import html
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from jinja2 import Environment

from bench.datafiles import data, text
from bench.rss import FeedItem, rss
from samples.layouts import environment

# --------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """One article as an outlet published it."""

    report_id: str
    event_id: str
    site: str
    url: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str | None
    section: str
    followup: bool = False  # a later report on the event with new developments

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Site:
    """A fictional outlet: its domain, HTML template and house style."""

    name: str
    domain: str
    template: str
    dateline: bool = False
    percent: str = "%"
    title_case: bool = False
    staff_byline: float = 0.2
    farm: bool = False


SITES: tuple[Site, ...] = tuple(Site(**s) for s in data("newsgen/sites.json")["sites"])
FARM_SITES: tuple[Site, ...] = tuple(Site(**s) for s in data("newsgen/sites.json")["farm_sites"])
_SITE_BY_DOMAIN = {s.domain: s for s in SITES + FARM_SITES}


def site_info(domain: str) -> Site:
    """The Site for a domain (an unknown domain gets a classic-template stand-in)."""
    return _SITE_BY_DOMAIN.get(domain) or Site(domain, domain, "classic")


@dataclass(frozen=True)
class Person:
    """A named person in an event's cast; `title` precedes the name on first mention."""

    first: str
    last: str
    title: str = ""
    age: int = 0
    job: str = ""

    @property
    def full(self) -> str:
        """First and last name."""
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Country:
    """A fictional country with its demonym, capital and other cities."""

    name: str
    adj: str
    capital: str
    cities: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Name, place and organisation vocabularies
# --------------------------------------------------------------------------------------------

# First names from many cultures; the ones that are also English words (Grace, Rose, Mark, ...)
# are what article spinners "translate", so they are deliberately frequent.
FIRST_NAMES: tuple[str, ...] = data("newsgen/first_names.json")

SURNAMES: tuple[str, ...] = data("newsgen/surnames.json")

COUNTRIES: tuple[Country, ...] = (
    Country("Veldoria", "Veldorian", "Velgrad", ("Marrowby", "Port Anselm", "Kessendorf")),
    Country("Kastrania", "Kastranian", "Kastor", ("Drevnik", "Lomira", "Sallowmere")),
    Country("Marovia", "Marovian", "Marovgrad", ("Tesnica", "Ostrel", "Dolmen Bay")),
    Country("Tarsenia", "Tarsenian", "Tarsa", ("Quellin", "Hadrow", "Fenmouth")),
    Country("Belmora", "Belmoran", "San Belmo", ("Altaviva", "Rocaverde", "Puerto Lirio")),
    Country("Carvenia", "Carvenian", "Carvel", ("Nordhaven", "Ashby Cross", "Wrenfield")),
    Country("Drusania", "Drusanian", "Drusk", ("Pelagon", "Ironmouth", "Saltreach")),
    Country("Elbaria", "Elbarian", "Elbar", ("Mistral Point", "Corvana", "Lindvale")),
    Country("Galdora", "Galdoran", "Galdor City", ("Havelock", "Brannoch", "Emberlee")),
    Country("Halvoria", "Halvorian", "Halvik", ("Stormness", "Ostby", "Rimholt")),
    Country("Istrenia", "Istrenian", "Istrel", ("Varnasso", "Belcastro", "Monteruga")),
    Country("Jorvania", "Jorvanian", "Jorvan", ("Kettleby", "Hollin", "Radmoor")),
    Country("Korvalia", "Korvalian", "Korval", ("Zhemsk", "Pilyava", "Orekh")),
    Country("Lusatra", "Lusatran", "Lusa", ("Porto Sereno", "Cabralta", "Miradouro")),
    Country("Mirenza", "Mirenzan", "Mirenza City", ("Calvetta", "Sorrabella", "Ponte Alto")),
    Country("Norvane", "Norvanese", "Norvan", ("Eskerby", "Tidewater", "Frostholm")),
    Country("Orsandia", "Orsandian", "Orsand", ("Kelmarsh", "Dunmere", "Glenharrow")),
    Country("Pellagia", "Pellagian", "Pellos", ("Kyranthos", "Zephyra", "Nerinos")),
    Country("Quorinth", "Quorinthian", "Quorin", ("Ambervale", "Thornwick", "Redhollow")),
    Country("Rastova", "Rastovan", "Rastov", ("Krivogorsk", "Belaya Dol", "Syrtsevo")),
    Country("Selvany", "Selvanian", "Selvan", ("Verdemar", "Aguaclara", "Monteluz")),
    Country("Tovaria", "Tovarian", "Tovar", ("Kalvik", "Strumen", "Ovrin")),
    Country("Ulvenia", "Ulvenian", "Ulven", ("Coldwater Bay", "Fellbrook", "Marlin Head")),
    Country("Varesh", "Vareshi", "Vareshabad", ("Qalat Nur", "Samirah", "Dar Talim")),
    Country("Wendoria", "Wendorian", "Wendor", ("Ashcombe", "Kingsreach", "Merriton")),
    Country("Yrvala", "Yrvalan", "Yrva", ("Solvik", "Tennmark", "Haldra")),
    Country("Zeltria", "Zeltrian", "Zelt", ("Grauwitz", "Rabenfels", "Oberkamm")),
    Country("Arkania", "Arkanian", "Arkan", ("Deshavar", "Tal Mira", "Qumra")),
    Country("Brevonia", "Brevonian", "Breva", ("Lakemont", "Sundry Cove", "Pinecrest")),
    Country("Calmora", "Calmoran", "Calmor", ("Baywick", "Tamsin Ford", "Greyloch")),
)

RIVERS = data("newsgen/rivers.json")
DIRECTIONS = data("newsgen/directions.json")
BRAND_PREFIXES = data("newsgen/brand_prefixes.json")
SECTOR_NOUNS = data("newsgen/sector_nouns.json")
BRAND_SUFFIXES = ("Group", "Holdings", "Corp", "International", "", "", "")
TEAM_PATTERNS = data("newsgen/team_patterns.json")
PARTY_ADJS = data("newsgen/party_adjs.json")
PARTY_NOUNS = ("Union", "Alliance", "Movement", "Front", "Congress", "Forum", "Platform", "Party")
OPERATION_ADJS = ("Iron", "Steel", "Northern", "Silent", "Swift", "Golden", "Granite", "Eastern")
OPERATION_NOUNS = ("Shield", "Falcon", "Bastion", "Arrow", "Guardian", "Rampart", "Spear", "Vigil")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = data("newsgen/months.json")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh")
_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


# --------------------------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------------------------


def _n(x: int) -> str:
    """Newsroom style: one to nine in words, larger numbers in digits with thousands commas."""
    return _SMALL[x] if 0 <= x < 10 else f"{x:,}"


def _pct(x: float) -> str:
    """A percentage with up to two decimals, trailing zeros dropped."""
    return f"{x:.2f}".rstrip("0").rstrip(".") + "%"


def _money(amount: float, cur: str = "$") -> str:
    """Amounts in millions become "$4.2 million"; smaller ones keep digits."""
    if amount >= 1000:
        return f"{cur}{amount / 1000:.1f} billion".replace(".0 ", " ")
    if amount >= 1:
        return f"{cur}{amount:.1f} million".replace(".0 ", " ")
    return f"{cur}{round(amount * 1_000_000):,}"


def _ord(x: int) -> str:
    """21 -> "21st", 12 -> "12th"."""
    suffix = "th" if 10 <= x % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(x % 10, "th")
    return f"{x}{suffix}"


def _millions(x: float) -> str:
    """A head count in millions, e.g. "1.2 million"."""
    return f"{x:.1f} million".replace(".0 ", " ")


# --------------------------------------------------------------------------------------------
# Cast builder
# --------------------------------------------------------------------------------------------


class _World:
    """Draws an event's cast, places and organisations from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.country, self.country2 = rng.sample(COUNTRIES, 2)
        self.city, self.city2 = rng.sample((self.country.capital, *self.country.cities), 2)
        self.used_names: set[str] = set()

    def person(self, title: str = "", *, age: int = 0, job: str = "") -> Person:
        """A new person whose full name is unique within the event."""
        while True:
            p = Person(self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES), title, age, job)
            if p.last not in self.used_names:
                self.used_names.add(p.last)
                return p

    def brand(self, sector: str) -> str:
        """A company name such as "Kestrel Energy Group"."""
        suffix = self.rng.choice(BRAND_SUFFIXES)
        name = f"{self.rng.choice(BRAND_PREFIXES)} {self.rng.choice(SECTOR_NOUNS[sector])}"
        return f"{name} {suffix}".strip()

    def party(self) -> str:
        """A party name such as "the Civic Renewal Movement"."""
        a, b = self.rng.sample(PARTY_ADJS, 2)
        return f"the {a} {b} {self.rng.choice(PARTY_NOUNS)}"

    def team(self, city: str) -> str:
        """A club name built on a city."""
        return self.rng.choice(TEAM_PATTERNS).format(c=city)

    def pick(self, seq: Sequence[str]) -> str:
        """One item of seq."""
        return self.rng.choice(seq)

    def between(self, lo: int, hi: int) -> int:
        """A random integer in [lo, hi]."""
        return self.rng.randint(lo, hi)


# --------------------------------------------------------------------------------------------
# Generic templates (any domain). Domains supply: event_np, bg_np, next_np, next_q, org, org2.
# --------------------------------------------------------------------------------------------

_GENERIC_TEMPLATES = text("newsgen/generic_templates.txt")


# --------------------------------------------------------------------------------------------
# Domains: templates per paragraph role plus the facts each template refers to
# --------------------------------------------------------------------------------------------

Slots = dict[str, object]

_ROLES = frozenset(
    [
        "lead",
        "detail",
        "background",
        "reaction",
        "outlook",
        "quote_P1",
        "quote_P2",
        "quote_P3",
        "quote_W",
        "fu_lead",
        "fu_detail",
        "fu_background",
        "title",
        "fu_title",
        "quote_frame",
        "wquote_frame",
        "background_g",
        "reaction_g",
        "outlook_g",
    ]
)


def _parse_templates(block: str) -> dict[str, tuple[str, ...]]:
    """Split a template block into roles; a line "role:" starts a role."""
    out: dict[str, list[str]] = {}
    role = ""
    for raw in block.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.endswith(":") and line[:-1] in _ROLES:
            role = line[:-1]
            out.setdefault(role, [])
        else:
            out[role].append(line)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class _Domain:
    """One kind of event: its templates, fact builder and follow-up developments."""

    name: str
    section: str
    block: str
    facts: Callable[[_World], Slots]
    followup: Callable[[_World, Slots], Slots]
    jobs: tuple[str, ...] = ()
    templates: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "templates", _parse_templates(self.block))


# ---- floods ---------------------------------------------------------------------------------

_FLOODS = text("newsgen/floods.txt")


def _floods(w: _World) -> Slots:
    """Facts for a river flood."""
    adj = w.country.adj
    killed = w.between(4, 60)
    return {
        "killed": _n(killed),
        "killed_i": killed,
        "missing": _n(w.between(3, 40)),
        "evacuated": _n(w.between(12, 180) * 100),
        "rain_mm": str(w.between(110, 340)),
        "hours": str(w.pick(("24", "36", "48", "72"))),
        "river": w.pick(RIVERS),
        "homes_i": (homes := w.between(300, 9000)),
        "homes": _n(homes),
        "depth": f"{w.between(12, 30) / 10:.1f}",
        "crews": _n(w.between(200, 3000)),
        "boats": str(w.between(12, 140)),
        "aid": _money(w.between(5, 120)),
        "bg_killed": _n(w.between(6, 90)),
        "victims": (
            "an elderly couple whose house collapsed",
            "two children swept away by the current",
            "a firefighter who had been trying to reach a trapped family",
            "a driver whose car was carried off a bridge",
        ),
        "met_office": f"{adj} Meteorological Service",
        "rescue_org": f"{adj} Civil Protection Agency",
        "P1": w.person("Emergency Situations Minister"),
        "P2": w.person("regional governor"),
        "P3": w.person("meteorologist"),
        "org": f"the {adj} Civil Protection Agency",
        "org2": "the regional administration",
        "event_np": ("the floods", "the flooding in {region}", "the floods in {country}"),
        "bg_np": ("flooding", "severe flooding along its rivers"),
        "next_np": "a full assessment of the flood damage",
        "next_q": ("river levels would start to fall", "residents could return to their homes"),
    }


def _floods_fu(w: _World, s: Slots) -> Slots:
    """A few days on: higher toll, more damaged homes, compensation."""
    killed = int(str(s["killed_i"])) + w.between(2, 25)
    homes = int(str(s["homes_i"])) + w.between(200, 4000)
    return {
        "killed_prev": s["killed"],
        "killed": _n(killed),
        "missing": _n(w.between(1, 12)),
        "homes_prev": s["homes"],
        "homes": _n(homes),
        "comp": _money(w.between(2, 9) / 1000, "€"),
        "restored": str(w.between(55, 95)),
    }


# ---- wildfire -------------------------------------------------------------------------------

_WILDFIRE = text("newsgen/wildfire.txt")


def _wildfire(w: _World) -> Slots:
    """Facts for a wildfire."""
    adj = w.country.adj
    hectares = w.between(15, 400) * 100
    return {
        "hectares": _n(hectares),
        "hectares_i": hectares,
        "fires": _n(w.between(3, 30)),
        "firefighters": _n(w.between(150, 2500)),
        "aircraft": _n(w.between(4, 40)),
        "evacuated": _n(w.between(8, 150) * 100),
        "villages": _n(w.between(3, 25)),
        "injured": _n(w.between(3, 60)),
        "temp": str(w.between(36, 46)),
        "wind": str(w.between(50, 110)),
        "houses": _n(w.between(12, 400)),
        "village": w.pick(("Ardelle", "Monsaro", "Pinehurst", "Vrania", "Costera", "Lorn")),
        "plume_km": str(w.between(40, 300)),
        "bg_hectares": _n(w.between(20, 200) * 500),
        "forest": (f"the forests around {w.city}", f"the hills above {w.city}"),
        "shift": str(w.between(18, 40)),
        "fire_org": f"{adj} Fire Service",
        "P1": w.person("fire service chief"),
        "P2": w.person("Civil Defence Minister"),
        "P3": w.person("forest ecologist"),
        "org": f"the {adj} Fire Service",
        "org2": "the civil defence ministry",
        "event_np": ("the wildfire", "the fire near {city}", "the wildfires in {region}"),
        "bg_np": ("the threat of wildfires", "a growing wildfire risk"),
        "next_np": "an estimate of the area burned",
        "next_q": ("the fire could be contained", "evacuated residents could go home"),
    }


def _wildfire_fu(w: _World, s: Slots) -> Slots:
    """Later: bigger burned area, containment, suspected cause."""
    hectares = int(str(s["hectares_i"])) + w.between(10, 200) * 100
    return {
        "hectares_prev": s["hectares"],
        "hectares": _n(hectares),
        "contained": str(w.between(30, 85)),
        "comp": _money(w.between(5, 30) / 1000, "€"),
        "houses": _n(w.between(40, 700)),
        "cause": ("sparks from farm machinery", "a damaged power line", "a discarded cigarette"),
    }


# ---- diplomacy ------------------------------------------------------------------------------

_DIPLOMACY = text("newsgen/diplomacy.txt")

_ISSUES = data("newsgen/issues.json")


def _diplomacy(w: _World) -> Slots:
    """Facts for bilateral talks."""
    river = w.pick(RIVERS)
    issue, short, deal, vp, detail = (t.replace("{river}", river) for t in w.rng.choice(_ISSUES))
    leader = w.pick(("Prime Minister", "President"))
    venue = w.pick((w.country.capital, w.country2.capital, w.rng.choice(COUNTRIES).capital))
    return {
        "issue": issue,
        "issue_short": short,
        "deal": deal,
        "deal_vp": vp,
        "deal_detail": detail,
        "hours": str(w.between(5, 19)),
        "round": w.pick(ORDINALS[1:]),
        "points": str(w.between(6, 24)),
        "deadline": w.pick(MONTHS),
        "trade": _money(w.between(800, 14000)),
        "weeks_n": _n(w.between(2, 8)),
        "years_dispute": str(w.between(8, 40)),
        "border_km": _n(w.between(120, 1400)),
        "venue": venue,
        "venue2": w.pick((w.country.capital, w.country2.capital)),
        "mediator": w.pick(
            (
                "the regional Council of Neighbouring States",
                "a group of former diplomats",
                f"the government of {w.rng.choice(COUNTRIES).name}",
            )
        ),
        "P1": w.person(f"{w.country.adj} {leader}"),
        "P2": w.person(f"{w.country2.adj} Foreign Minister"),
        "P3": w.person(f"{w.pick(SURNAMES)} Institute analyst"),
        "org": f"the {w.country.adj} Foreign Ministry",
        "org2": f"the {w.country2.adj} government",
        "event_np": ("the talks", "the agreement", "the deal with {country2}"),
        "bg_np": ("relations with {country2}", "the dispute over {issue_short}"),
        "next_np": "the full text of the agreement",
        "next_q": ("both parliaments would approve the deal", "the deal would survive at home"),
    }


def _diplomacy_fu(w: _World, s: Slots) -> Slots:
    """Later: debate, first implementation steps."""
    return {"poll": str(w.between(31, 68))}


# ---- military -------------------------------------------------------------------------------

_MILITARY = text("newsgen/military.txt")


def _military(w: _World) -> Slots:
    """Facts for a troop deployment or exercise near a border."""
    adj = w.country.adj
    troops = w.between(8, 250) * 100
    op = f"Operation {w.pick(OPERATION_ADJS)} {w.pick(OPERATION_NOUNS)}"
    return {
        "troops": _n(troops),
        "troops_i": troops,
        "vehicles": _n(w.between(40, 600)),
        "aircraft": _n(w.between(6, 80)),
        "days": str(w.between(5, 30)),
        "exercise": op,
        "border_area": (f"the border with {w.country2.name}", f"the {w.country2.adj} frontier"),
        "km": str(w.between(15, 120)),
        "reservists": _n(w.between(10, 150) * 100),
        "ships": _n(w.between(3, 25)),
        "port": w.pick(w.country.cities),
        "org_name": f"{adj} Defence Ministry",
        "alliance": w.pick(
            (
                "the Northern Security Pact",
                "the Collective Defence Council",
                "the Eastern Shield Alliance",
                "the Regional Security Treaty",
            )
        ),
        "bg_event": (
            "a row over gas transit fees in {bg_year}",
            "a border shooting in {bg_year}",
            "the expulsion of diplomats in {bg_year}",
        ),
        "end_date": f"{w.pick(MONTHS)} {w.between(1, 28)}",
        "P1": w.person("Defence Minister"),
        "P2": w.person("General"),
        "P3": w.person(f"{w.country2.adj} foreign ministry spokesperson"),
        "org": f"the {adj} Defence Ministry",
        "org2": f"the {w.country2.adj} government",
        "event_np": ("the deployment", "the troop build-up", "the exercise near the border"),
        "bg_np": ("its security on the border with {country2}", "military tension with {country2}"),
        "next_np": "details of the exercise",
        "next_q": (
            "the troops would return to their bases",
            "talks between the two sides would follow",
        ),
    }


def _military_fu(w: _World, s: Slots) -> Slots:
    """Later: numbers grow, talks or alerts."""
    troops = int(str(s["troops_i"])) + w.between(5, 60) * 100
    return {"troops_prev": s["troops"], "troops": _n(troops)}


# ---- protest --------------------------------------------------------------------------------

_PROTEST = text("newsgen/protest.txt")

_GRIEVANCES = data("newsgen/grievances.json")
_SLOGANS = data("newsgen/slogans.json")


def _protest(w: _World) -> Slots:
    """Facts for a street protest."""
    grievance, short, bill, argument = (
        t.format(city=w.city, city2=w.city2) for t in w.rng.choice(_GRIEVANCES)
    )
    crowd = w.between(20, 400) * 100
    return {
        "grievance": grievance,
        "grievance_short": short,
        "bill": bill,
        "gov_argument": argument,
        "crowd": _n(crowd),
        "crowd_org": _n(crowd * w.between(2, 5)),
        "arrests": _n(w.between(5, 180)),
        "injured": _n(w.between(3, 45)),
        "square": f"{w.pick(('Liberty', 'Republic', 'Cathedral', 'Station', w.pick(SURNAMES)))} Square",
        "movement": w.pick(
            (
                f"the {w.country.adj} Federation of Trade Unions",
                "a coalition of student groups",
                "a network of tenants' associations",
                "the Citizens' Initiative",
            )
        ),
        "slogan": w.pick(_SLOGANS),
        "P1": w.person(w.pick(("union leader", "protest organiser", "student leader"))),
        "P2": w.person(f"{w.city} police chief"),
        "P3": w.person("political scientist"),
        "org": f"the {w.city} police",
        "org2": "the interior ministry",
        "event_np": ("the protest", "the demonstration in {city}", "the clashes in {city}"),
        "bg_np": ("the debate over {grievance_short}", "public anger over {grievance_short}"),
        "next_np": "a full account of the arrests",
        "next_q": ("the government would back down", "the protests would spread"),
    }


def _protest_fu(w: _World, s: Slots) -> Slots:
    """Later: second day, court hearings, talks offer."""
    return {"arrests_fu": _n(w.between(3, 20)), "poll": str(w.between(51, 78))}


# ---- central bank ---------------------------------------------------------------------------

_RATES = text("newsgen/rates.txt")


def _rates(w: _World) -> Slots:
    """Facts for a central-bank rate decision (hike or cut)."""
    adj = w.country.adj
    hike = w.rng.random() < 0.55
    bp = w.pick((25, 50, 75, 100) if hike else (25, 50))
    old = w.between(10, 120) / 10
    new = old + bp / 100 if hike else max(0.25, old - bp / 100)
    board = w.pick((7, 9))
    against = w.between(1, 3)
    return {
        "rate_verb": "raised" if hike else "cut",
        "rate_verb_pres": "raises" if hike else "cuts",
        "rate_ing": "raising" if hike else "cutting",
        "move": "hike" if hike else "cut",
        "reason": ("to bring inflation back under control", "to cool rising prices")
        if hike
        else ("to support a slowing economy", "to help struggling businesses"),
        "bp": str(bp),
        "old_rate": _pct(round(old, 2)),
        "new_rate": _pct(round(new, 2)),
        "inflation": _pct(w.between(25, 140) / 10 if hike else w.between(5, 35) / 10),
        "target": w.pick(("2%", "3%")),
        "core": _pct(w.between(15, 90) / 10),
        "currency": f"{adj} {w.pick(('crown', 'mark', 'florin', 'thaler'))}",
        "fx_verb": "strengthened" if hike else "weakened",
        "fx_move": _pct(w.between(2, 19) / 10),
        "index": f"{w.pick(BRAND_PREFIXES)} {w.pick(('30', '40', '50', '100'))} [index|share index]",
        "index_verb": "fell" if hike else "rose",
        "index_move": _pct(w.between(3, 25) / 10),
        "votes_for": _n(board - against),
        "votes_against": _n(against),
        "board": _n(board),
        "growth": _pct(w.between(2, 35) / 10),
        "growth_prev": _pct(w.between(5, 40) / 10),
        "bp_expected": str(w.pick((25, 50))),
        "mortgage_effect": "rise" if hike else "fall",
        "target_year": str(2024 + w.between(1, 3)),
        "n_moves": _n(w.between(3, 11)),
        "gdp_last": _pct(w.between(2, 45) / 10),
        "gdp_prev": _pct(w.between(10, 55) / 10),
        "nth": w.pick(ORDINALS[1:5]),
        "biz_reaction": "warned that higher borrowing costs would hurt small firms"
        if hike
        else "welcomed the cut, saying cheaper credit would help small firms",
        "next_meeting": f"{w.pick(MONTHS)} {w.between(1, 28)}",
        "bank_name": f"{adj} Central Bank",
        "P1": w.person("central bank governor"),
        "P2": w.person("Finance Minister"),
        "P3": w.person(f"{w.brand('bank')} economist"),
        "org": f"the {adj} Central Bank",
        "org2": "the finance ministry",
        "event_np": ("the rate decision", "the central bank's decision", "the {move}"),
        "bg_np": ("inflation", "the cost of living"),
        "next_np": "the minutes of the meeting",
        "next_q": ("the bank would move again next month", "lenders would pass on the {move}"),
    }


def _rates_fu(w: _World, s: Slots) -> Slots:
    """Later: market reaction, banks adjust mortgages."""
    return {
        "n_banks": _n(w.between(3, 6)),
        "mort_bp": str(w.between(10, 60)),
        "yield_10": _pct(w.between(20, 90) / 10),
    }


# ---- energy prices --------------------------------------------------------------------------

_ENERGY = text("newsgen/energy.txt")


def _energy(w: _World) -> Slots:
    """Facts for an energy-price rise."""
    adj = w.country.adj
    old = w.between(140, 190) / 100
    supplier = w.brand("energy")
    return {
        "tariff_rise": _pct(w.between(5, 45)),
        "effective": f"{w.pick(MONTHS)} 1",
        "regulator": f"{adj} Energy Regulatory Authority",
        "bill_rise": f"€{w.between(90, 700)}",
        "bill_avg": f"€{w.between(1400, 3600):,}",
        "fuel": w.pick(("petrol", "diesel")),
        "price_old": f"€{old:.2f}",
        "price_new": f"€{old + w.between(8, 30) / 100:.2f}",
        "diesel": f"€{old + 0.12:.2f}",
        "oil": f"${w.between(70, 130)}",
        "households": _millions(w.between(8, 120) / 10),
        "supplier": supplier,
        "wholesale": str(w.between(20, 140)),
        "support": f"€{w.between(150, 600)}",
        "cost_share": str(w.between(12, 40)),
        "import_share": str(w.between(40, 95)),
        "review_month": w.pick(MONTHS),
        "package": _money(w.between(200, 3000), "€"),
        "P1": w.person("Energy Minister"),
        "P2": w.person(f"{supplier} chief executive"),
        "P3": w.person("consumer rights campaigner"),
        "org": f"the {adj} Energy Regulatory Authority",
        "org2": "the energy ministry",
        "event_np": ("the price rise", "the increase in energy bills", "the new price cap"),
        "bg_np": ("the cost of energy", "the rising cost of heating"),
        "next_np": "a breakdown of the new tariffs",
        "next_q": ("the government would offer more help", "prices would fall again next year"),
    }


def _energy_fu(w: _World, s: Slots) -> Slots:
    """Later: helplines busy, government support package."""
    return {}


# ---- court verdict --------------------------------------------------------------------------

_COURT = text("newsgen/court.txt")

_CASES = data("newsgen/cases.json")
_OFFICES = data("newsgen/offices.json")


def _court(w: _World) -> Slots:
    """Facts for a corruption verdict."""
    charge, ing, scheme, short = w.rng.choice(_CASES)
    office, role_desc, role_short = w.rng.choice(_OFFICES)
    years = w.between(3, 14)
    start = w.between(2008, 2016)
    lo = w.between(2, 4)
    return {
        "D": w.person(f"former {office}"),
        "charge": charge,
        "charge_ing": ing,
        "scheme": scheme,
        "scheme_short": short,
        "role_desc": role_desc,
        "role_short": role_short.replace("mayor", "Mayor").replace("minister", "Minister"),
        "region_name": w.city2,
        "amount": _money(w.between(3, 180)),
        "fine": _money(w.between(1, 40)),
        "years": _n(years),
        "years_sought": _n(years + w.between(1, 5)),
        "trial_months": _n(w.between(4, 30)),
        "codef": _n(w.between(2, 8)),
        "codef_lo": _n(lo),
        "codef_hi": _n(lo + w.between(1, 5)),
        "seized": _money(w.between(2, 60)),
        "witnesses": _n(w.between(20, 140)),
        "scheme_years": _n(w.between(3, 9)),
        "served_from": str(start),
        "served_to": str(start + w.between(2, 6)),
        "appeal_days": _n(w.pick((14, 15, 30))),
        "shell_n": _n(w.between(12, 80)),
        "court": f"{w.city} District Court",
        "P1": w.person("presiding judge"),
        "P2": w.person("prosecutor"),
        "P3": w.person("defence lawyer"),
        "org": "the prosecutor's office",
        "org2": f"the {w.country.adj} justice ministry",
        "event_np": ("the verdict", "the sentence", "the ruling against {D.last}"),
        "bg_np": ("corruption", "graft in public contracts"),
        "next_np": "the full written judgment",
        "next_q": ("the sentence would be upheld on appeal", "others would face charges"),
    }


def _court_fu(w: _World, s: Slots) -> Slots:
    """Later: appeal filed or a new inquiry."""
    return {"new_contracts": _n(w.between(8, 60)), "new_amount": _money(w.between(5, 300))}


# ---- health outbreak ------------------------------------------------------------------------

_HEALTH = text("newsgen/health.txt")

_DISEASES = ("measles", "cholera", "mumps", "hepatitis A", "diphtheria", "whooping cough")


def _health(w: _World) -> Slots:
    """Facts for a disease outbreak."""
    adj = w.country.adj
    disease = w.pick(_DISEASES)
    cases = w.between(60, 4000)
    return {
        "disease": disease,
        "disease_cap": disease[0].upper() + disease[1:],
        "cases": _n(cases),
        "cases_i": cases,
        "hospitalised": _n(w.between(cases // 12, cases // 4)),
        "deaths": _n(w.between(2, 30)),
        "weeks_n": _n(w.between(3, 9)),
        "group": w.pick(("children under five", "unvaccinated schoolchildren", "young adults")),
        "vacc": str(w.between(61, 86)),
        "vacc_target": str(w.pick((90, 95))),
        "doses": _n(w.between(20, 900) * 1000),
        "schools": _n(w.between(12, 140)),
        "hospital": f"{w.city} General Hospital",
        "institute": f"{adj} Public Health Institute",
        "bg_cases": _n(w.between(300, 20000)),
        "campaign_end": f"the end of {w.pick(MONTHS)}",
        "target_people": _n(w.between(100, 2000) * 1000),
        "P1": w.person("Health Minister"),
        "P2": w.person(f"{w.city} General Hospital director"),
        "P3": w.person("epidemiologist"),
        "org": f"the {adj} Public Health Institute",
        "org2": "the health ministry",
        "event_np": ("the outbreak", "the {disease} outbreak", "the spread of {disease}"),
        "bg_np": ("low vaccination coverage", "pressure on its hospitals"),
        "next_np": "updated case figures",
        "next_q": ("the outbreak had peaked", "the vaccination campaign would slow the spread"),
    }


def _health_fu(w: _World, s: Slots) -> Slots:
    """Later: more cases, more vaccinated."""
    cases = int(str(s["cases_i"])) + w.between(30, 900)
    return {
        "cases_prev": s["cases"],
        "cases": _n(cases),
        "deaths": _n(w.between(3, 40)),
        "vaccinated_new": _n(w.between(20, 400) * 1000),
    }


# ---- space launch ---------------------------------------------------------------------------

_SPACE = text("newsgen/space.txt")

_PAYLOADS = data("newsgen/payloads.json")


def _space(w: _World) -> Slots:
    """Facts for a satellite launch."""
    adj = w.country.adj
    payload, short, purpose = w.rng.choice(_PAYLOADS)
    rocket = (
        f"{w.pick(('Sokol', 'Tern', 'Vega Nova', 'Kite', 'Astra', 'Harrier'))}-{w.between(1, 5)}"
    )
    mission = w.pick(("Aurora", "Lyra", "Kestrel", "Solstice", "Meridian", "Halo", "Orion Gate"))
    site_short = w.pick(w.country.cities)
    return {
        "payload": payload,
        "payload_cap": payload[0].upper() + payload[1:],
        "payload_short": short,
        "purpose": purpose,
        "rocket": rocket,
        "mission": mission,
        "site": f"the {site_short} spaceport",
        "site_short": site_short,
        "launch_time": f"{w.between(1, 11)}:{w.pick(('05', '20', '35', '50'))} [a.m.|p.m.]",
        "minutes": str(w.between(9, 58)),
        "mass": _n(w.between(90, 2400)),
        "orbit_km": _n(w.between(400, 900)),
        "cost": _money(w.between(40, 600)),
        "years": _n(w.between(3, 12)),
        "build_years": _n(w.between(3, 9)),
        "instruments": _n(w.between(3, 9)),
        "delays": _n(w.between(2, 4)),
        "prev_launches": _n(w.between(2, 14)),
        "prev_year": str(w.between(2012, 2019)),
        "previous_attempt": w.pick(("previous attempt", "first attempt at a launch")),
        "next_launch": w.pick(MONTHS),
        "weeks_n": _n(w.between(2, 6)),
        "resolution": str(w.between(2, 30)),
        "agency": f"{adj} Space Agency",
        "P1": w.person("space agency director"),
        "P2": w.person("mission director"),
        "P3": w.person("astronomer"),
        "org": f"the {adj} Space Agency",
        "org2": "the science ministry",
        "event_np": ("the launch", "the {mission} mission", "the launch of {payload}"),
        "bg_np": (
            "questions about the cost of its space programme",
            "criticism of its space spending",
        ),
        "next_np": "the first images from the mission",
        "next_q": (
            "the instruments would work as planned",
            "the satellite would reach its final orbit",
        ),
    }


def _space_fu(w: _World, s: Slots) -> Slots:
    """Later: first images."""
    return {}


# ---- sport ----------------------------------------------------------------------------------

_SPORT = text("newsgen/sport.txt")


def _sport(w: _World) -> Slots:
    """Facts for a football match won by the home side."""
    adj = w.country.adj
    home_city, away_city = w.city, w.city2
    g_home = w.between(2, 4)
    g_away = w.between(1, g_home - 1)
    home = w.team(home_city)
    away = w.team(away_city)
    rival = w.team(w.pick((*w.country.cities, w.country.capital)))
    while rival in (home, away):
        rival = w.team(w.pick((*w.country.cities, w.country.capital)))
    pos = w.pick(("top of the table", "second place", "third place", "fourth place"))
    return {
        "home": home,
        "away": away,
        "rival": rival,
        "home_city": home_city,
        "next_opp": w.team(w.pick(COUNTRIES).capital),
        "score": f"{g_home}-{g_away}",
        "attendance": _n(w.between(80, 620) * 100),
        "stadium": w.pick(
            (
                f"the {home_city} Arena",
                f"{w.pick(SURNAMES)} Park",
                f"the {w.pick(SURNAMES)} Stadium",
            )
        ),
        "position": pos,
        "position_short": pos.replace(" of the table", "").replace(" place", ""),
        "league": f"the {adj} Premier League",
        "league_h": f"{adj} Premier League",
        "prize": w.pick(("winning the title", "a top-four finish", "European qualification")),
        "minute_a": _ord(w.between(8, 40)),
        "minute_late": _ord(w.between(78, 93)),
        "season_goals": _ord(w.between(4, 21)),
        "minutes_left": _n(w.between(5, 25)),
        "points": str(w.between(18, 70)),
        "games": str(w.between(10, 30)),
        "gap": w.pick(("one point", "two points", "three points", "five points")),
        "losing_run": _n(w.between(3, 7)),
        "delay_min": _n(w.between(5, 25)),
        "last_title": str(w.between(1978, 2015)),
        "appointed_month": w.pick(MONTHS),
        "fine": _money(w.between(20, 300) / 1000, "€"),
        "weeks_n": _n(w.between(2, 8)),
        "P1": w.person(f"{home} coach"),
        "P2": w.person(f"{away} coach"),
        "P3": w.person("striker"),
        "S2": w.person("midfielder"),
        "A1": w.person("forward"),
        "A2": w.person("defender"),
        "org": "the league",
        "org2": away,
        "event_np": ("the match", "{home}'s win", "the game at {stadium}"),
        "bg_np": ("crowd trouble at football matches", "hooliganism in football"),
        "next_np": "its report on the match",
        "next_q": ("{home} could keep up their form", "{away} would keep faith with {P2.last}"),
    }


def _sport_fu(w: _World, s: Slots) -> Slots:
    """Later: disciplinary case, injury, sacking."""
    return {}


# ---- data breach ----------------------------------------------------------------------------

_BREACH = text("newsgen/breach.txt")


def _breach(w: _World) -> Slots:
    """Facts for a corporate data breach."""
    adj = w.country.adj
    company = w.brand("tech")
    users = w.between(3, 120) / 10
    return {
        "company": company,
        "users": _millions(users),
        "users_f": users,
        "data_types": w.pick(
            (
                "names, email addresses and phone numbers",
                "names, home addresses and dates of birth",
                "passport numbers and home addresses",
                "email addresses and encrypted passwords",
            )
        ),
        "detect_days": str(w.between(14, 200)),
        "share_drop": _pct(w.between(30, 180) / 10),
        "gang": w.pick(("Black Lantern", "NightHarvest", "Grey Fox Crew", "ShadowLedger")),
        "ransom": _money(w.between(2, 40)),
        "customers_total": _millions(users + w.between(5, 90) / 10),
        "markets": _n(w.between(2, 9)),
        "employees": _n(w.between(12, 300) * 100),
        "report_hours": str(w.pick((24, 48, 72))),
        "regulator": f"{adj} Data Protection Authority",
        "P1": w.person(f"{company} chief executive"),
        "P2": w.person("data protection commissioner"),
        "P3": w.person("cybersecurity researcher"),
        "org": f"the {adj} Data Protection Authority",
        "org2": company,
        "event_np": ("the breach", "the cyberattack on {company}", "the data leak"),
        "bg_np": ("the threat of cyberattacks", "data security"),
        "next_np": "a list of the data that was taken",
        "next_q": ("the company would face a fine", "the stolen data would be sold online"),
    }


def _breach_fu(w: _World, s: Slots) -> Slots:
    """Later: bigger breach, resignation, shares fall further."""
    more = float(str(s["users_f"])) + w.between(3, 40) / 10
    return {
        "users_prev": s["users"],
        "users": _millions(more),
        "extra_users": _millions(w.between(3, 40) / 10),
        "share_drop2": _pct(w.between(20, 90) / 10),
        "share_total": _pct(w.between(150, 350) / 10),
    }


# ---- rail strike ----------------------------------------------------------------------------

_STRIKE = text("newsgen/strike.txt")


def _strike(w: _World) -> Slots:
    """Facts for a rail strike."""
    adj = w.country.adj
    operator = w.brand("rail")
    offer = w.between(2, 6)
    short = w.pick(
        ("Rail Workers' Union", "Union of Train Drivers", "Transport Workers' Federation")
    )
    return {
        "operator": operator,
        "union": f"the {adj} {short}",
        "union_short": f"{adj} {short}",
        "hours": w.pick(("24", "48", "72")),
        "cancelled": str(w.between(60, 95)),
        "passengers": _millions(w.between(4, 30) / 10),
        "offer": str(offer),
        "demand": str(offer + w.between(3, 9)),
        "running": _n(w.between(40, 400)),
        "nth": w.pick(ORDINALS[1:5]),
        "month_start": w.pick(MONTHS),
        "loss_years": _n(w.between(3, 9)),
        "cost_day": _money(w.between(20, 140), "€"),
        "next_strike": f"{w.pick(MONTHS)} {w.between(1, 28)}",
        "P1": w.person("union leader"),
        "P2": w.person("Transport Minister"),
        "P3": w.person(f"{operator} spokesperson"),
        "org": operator,
        "org2": "the transport ministry",
        "event_np": ("the strike", "the rail strike", "the walkout by rail workers"),
        "bg_np": ("industrial unrest on the railways", "a dispute over public sector pay"),
        "next_np": "a revised timetable",
        "next_q": (
            "the union would accept a new offer",
            "the strikes would spread to other sectors",
        ),
    }


def _strike_fu(w: _World, s: Slots) -> Slots:
    """Later: tentative deal or return to service."""
    offer = int(str(s["offer"]))
    return {
        "deal_pct": str(offer + w.between(1, 3)),
        "bonus": f"€{w.between(3, 15) * 100:,}",
        "ballot_days": _n(w.between(5, 21)),
        "running_pct": str(w.between(60, 95)),
    }


# ---- election -------------------------------------------------------------------------------

_ELECTION = text("newsgen/election.txt")


def _election(w: _World) -> Slots:
    """Facts for a parliamentary election."""
    seats_total = w.pick((101, 150, 200, 250, 300))
    pct_a = w.between(28, 44) + w.between(0, 9) / 10
    pct_b = round(pct_a - w.between(3, 12) - w.between(0, 9) / 10, 1)
    pct_c = round(w.between(6, 14) + w.between(0, 9) / 10, 1)
    seats_a = round(seats_total * (pct_a + 6) / 100)
    seats_b = round(seats_total * (pct_b + 3) / 100)
    parties = {w.party() for _ in range(6)}
    party_a, party_b, party_c = sorted(parties)[:3]
    turnout = w.between(48, 78)
    return {
        "party_a": party_a,
        "party_b": party_b,
        "party_c": party_c,
        "party_a_h": party_a[4:],
        "party_b_h": party_b[4:],
        "pct_a": f"{pct_a:.1f}",
        "pct_b": f"{pct_b:.1f}",
        "pct_c": f"{pct_c:.1f}",
        "seats_a": str(seats_a),
        "seats_b": str(seats_b),
        "seats_total": str(seats_total),
        "majority": str(seats_total // 2 + 1),
        "margin": _n(round(pct_a - pct_b)),
        "turnout": str(turnout),
        "turnout_prev": str(turnout + w.between(-9, 9)),
        "counted": str(w.between(70, 98)),
        "prev_election": str(w.between(2017, 2020)),
        "worst_since": str(w.between(1992, 2012)),
        "pct_city": str(w.between(40, 62)),
        "observer_n": _n(w.between(8, 40)),
        "years_power": _n(w.between(4, 16)),
        "prev_power_year": str(w.between(2006, 2018)),
        "party_year": str(w.between(2008, 2019)),
        "p1_job": w.pick(
            ("judge", "mayor of {city}", "central bank economist", "television journalist")
        ),
        "final_days": _n(w.between(5, 12)),
        "P1": w.person("party leader"),
        "P2": w.person("outgoing Prime Minister"),
        "P3": w.person("electoral commission chair"),
        "org": "the electoral commission",
        "org2": "the outgoing government",
        "event_np": ("the election", "the vote", "the election result"),
        "bg_np": ("political fragmentation", "distrust of its political parties"),
        "next_np": "the final results",
        "next_q": ("a coalition could be formed quickly", "{party_a} would find a partner"),
    }


def _election_fu(w: _World, s: Slots) -> Slots:
    """Later: coalition talks, final results."""
    return {"complaints": _n(w.between(12, 300))}


DOMAINS: tuple[_Domain, ...] = (
    _Domain(
        "floods",
        "world",
        _FLOODS,
        _floods,
        _floods_fu,
        ("shopkeeper", "farmer", "schoolteacher", "pensioner", "mechanic", "nurse"),
    ),
    _Domain(
        "wildfire",
        "world",
        _WILDFIRE,
        _wildfire,
        _wildfire_fu,
        ("farmer", "hotel owner", "beekeeper", "pensioner", "waiter", "vineyard worker"),
    ),
    _Domain("diplomacy", "politics", _DIPLOMACY, _diplomacy, _diplomacy_fu),
    _Domain(
        "military",
        "world",
        _MILITARY,
        _military,
        _military_fu,
        ("farmer", "shop owner", "bus driver", "schoolteacher"),
    ),
    _Domain(
        "protest",
        "politics",
        _PROTEST,
        _protest,
        _protest_fu,
        ("nurse", "student", "engineer", "pensioner", "bus driver", "teacher"),
    ),
    _Domain(
        "rates",
        "business",
        _RATES,
        _rates,
        _rates_fu,
        ("shop owner", "software developer", "baker", "taxi driver"),
    ),
    _Domain(
        "energy",
        "business",
        _ENERGY,
        _energy,
        _energy_fu,
        ("pensioner", "delivery driver", "hairdresser", "café owner", "single parent"),
    ),
    _Domain("court", "world", _COURT, _court, _court_fu, ("retired engineer", "taxi driver")),
    _Domain(
        "health",
        "health",
        _HEALTH,
        _health,
        _health_fu,
        ("mother of three", "father of two", "shop assistant", "primary school teacher"),
    ),
    _Domain("space", "science", _SPACE, _space, _space_fu),
    _Domain("sport", "sport", _SPORT, _sport, _sport_fu, ("season-ticket holder", "supporter")),
    _Domain(
        "breach",
        "technology",
        _BREACH,
        _breach,
        _breach_fu,
        ("customer", "small-business owner", "retired teacher"),
    ),
    _Domain(
        "strike",
        "business",
        _STRIKE,
        _strike,
        _strike_fu,
        ("commuter", "office worker", "nurse", "student"),
    ),
    _Domain(
        "election",
        "politics",
        _ELECTION,
        _election,
        _election_fu,
        ("voter", "student", "pensioner", "factory worker"),
    ),
)


# --------------------------------------------------------------------------------------------
# Template filling
# --------------------------------------------------------------------------------------------

_ALT_RE = re.compile(r"\[([^\[\]]*)\]")
_SLOT_RE = re.compile(r"\{([A-Za-z0-9_]+)(?:\.([a-z]+))?\}")
_WORD_RE = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
_SENT_SPLIT_RE = re.compile(r'(?<=[.!?])\s+(?=["“A-Z0-9])|(?<=[.!?]["”])\s+(?=["“A-Z0-9])')
GRAM = 12  # no two reports on one event share a run this long; no 12+-word sentence repeats
LONG_GRAM = 16  # runs this long may not recur anywhere (stored at every 4th start: 19+ words)
_MULTI_RE = re.compile(r"[.!?][\"”]? ")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences at ., ! or ? (optionally closing a quote) before a capital."""
    out: list[str] = []
    for para in text.split("\n\n"):
        out.extend(s for s in _SENT_SPLIT_RE.split(para.strip()) if s)
    return out


def words_of(text: str) -> list[str]:
    """Lower-cased word tokens, the unit of the shared-run checks."""
    return _WORD_RE.findall(text.lower())


_SPACE_PUNCT_RE = re.compile(r" ([,.;:!?])")
_PERCENT_RE = re.compile(r"(\d)%")
_Parts = list  # of str | ("alt", [parts, ...]) | ("slot", name, attr)
_COMPILED: dict[str, _Parts] = {}


def _compile_flat(text: str) -> _Parts:
    """Literal text and slots of a template without alternatives."""
    parts: _Parts = []
    pos = 0
    for m in _SLOT_RE.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        parts.append(("slot", m.group(1), m.group(2)))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def _compiled(template: str) -> _Parts:
    """Parse a template once into literals, alternatives and slots (cached)."""
    parts = _COMPILED.get(template)
    if parts is None:
        parts = []
        pos = 0
        for m in _ALT_RE.finditer(template):
            parts.extend(_compile_flat(template[pos : m.start()]))
            options = [_compile_flat(o) for o in m.group(1).split("|")]
            # A literal-only option is stored as one string, the common and cheap case.
            flat = [o[0] if len(o) == 1 and type(o[0]) is str else (o or "") for o in options]
            parts.append(("alt", flat))
            pos = m.end()
        parts.extend(_compile_flat(template[pos:]))
        _COMPILED[template] = parts
    return parts


def _tidy(text: str) -> str:
    """Fix the spacing that empty alternatives leave behind and capitalise the first letter."""
    text = _SPACE_PUNCT_RE.sub(r"\1", " ".join(text.split()))
    if ",," in text or ",." in text or ",;" in text:
        text = text.replace(",,", ",").replace(",.", ".").replace(",;", ";")
    i = len(text) - len(text.lstrip('"“'))
    return text[:i] + text[i : i + 1].upper() + text[i + 1 :]


class _Filler:
    """Expands templates against one report's slots, tracking who was already named."""

    def __init__(self, rng: random.Random, slots: Slots) -> None:
        self.rng = rng
        self.slots = slots
        self.mentioned: set[str] = set()
        self.alias: dict[str, str] = {}
        self.variants: dict[str, set[object]] = {}

    def fill(self, template: str) -> str:
        """Pick alternatives, then substitute slots (recursively)."""
        out: list[str] = []
        self._render(_compiled(template), out)
        return "".join(out)

    def _render(self, parts: _Parts, out: list[str]) -> None:
        # Alternatives hold only literals and slots (no nesting), so one level of loop suffices.
        append, rnd, slot = out.append, self.rng.random, self._slot
        for part in parts:
            if type(part) is str:
                append(part)
            elif part[0] == "slot":
                append(slot(part[1], part[2]))
            else:
                options = part[1]
                option = options[int(rnd() * len(options))]
                if type(option) is str:
                    append(option)
                else:
                    for sub in option:
                        append(sub if type(sub) is str else slot(sub[1], sub[2]))

    def _slot(self, key: str, attr: str | None) -> str:
        name = self.alias.get(key, key)
        value = self.slots[name]
        if isinstance(value, Person):
            return self._person(name, value, attr)
        if isinstance(value, tuple):
            # Prefer a variant this report has not used yet, so phrasing does not repeat.
            used = self.variants.setdefault(name, set())
            value = self.rng.choice([v for v in value if v not in used] or value)
            used.add(value)
        text = str(value)
        return self.fill(text) if "{" in text or "[" in text else text

    def _person(self, key: str, person: Person, attr: str | None) -> str:
        if attr:
            return str(getattr(person, attr))
        if key in self.mentioned:
            return person.last
        self.mentioned.add(key)
        return f"{person.title} {person.full}".strip()


# --------------------------------------------------------------------------------------------
# Report writing
# --------------------------------------------------------------------------------------------

_GENERIC = _parse_templates(_GENERIC_TEMPLATES)
_EXTRA_POOLS = {"background": "background_g", "reaction": "reaction_g", "outlook": "outlook_g"}
# When a role's pool is used up for this event, a paragraph continues with the next role.
_FALLBACK = data("newsgen/fallback.json")
_BODY_KINDS = data("newsgen/body_kinds.json")
_FU_BODY_KINDS = data("newsgen/fu_body_kinds.json")


@dataclass
class _Event:
    """An event's facts and what its reports have said so far."""

    event_id: str
    domain: _Domain
    world: _World
    slots: Slots
    when: datetime
    grams: set[tuple[str, ...]] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    sites: list[Site] = field(default_factory=list)


@dataclass
class _Memory:
    """What earlier reports of the whole run said, to keep events from echoing each other."""

    sentences: set[str] = field(default_factory=set)  # every sentence of GRAM+ words
    long_runs: set[int] = field(default_factory=set)  # LONG_GRAM-word runs, every 4th start


class _Writer:
    """Writes one report of an event, never repeating a 12-word run of any earlier report."""

    def __init__(
        self,
        rng: random.Random,
        ev: _Event,
        slots: Slots,
        memory: _Memory,
        site: Site,
        followup: bool,
        dateline: str = "",
    ) -> None:
        self.rng = rng
        self.ev = ev
        self.templates = ev.domain.templates
        self.filler = _Filler(rng, slots)
        self.memory = memory
        self.site = site
        self.followup = followup
        self.prefix = dateline  # goes in front of the first sentence written
        self.used: set[tuple[str, str]] = set()
        self.frames_used: set[str] = set()
        self.lengths: dict[str, int] = {}  # words per accepted sentence

    # -- sentences --

    def _accept(self, text: str) -> str | None:
        """Return the styled text if no earlier report makes it an echo, else None.

        Rejected: a 12-word run said by another report on this event, a 12+-word sentence
        said anywhere before, or a LONG_GRAM-word run from any earlier sentence.
        """
        text = _house_style(self.prefix + text, self.site)
        words = words_of(text)
        grams = {tuple(words[i : i + GRAM]) for i in range(len(words) - GRAM + 1)}
        if not grams.isdisjoint(self.ev.grams):
            return None
        runs = [hash(tuple(words[i : i + LONG_GRAM])) for i in range(len(words) - LONG_GRAM + 1)]
        if not self.memory.long_runs.isdisjoint(runs):
            return None
        keys: list[str] = []
        if len(words) >= GRAM:
            if _MULTI_RE.search(text):
                parts = [words_of(part) for part in split_sentences(text)]
            else:
                parts = [words]
            keys = [" ".join(w) for w in parts if len(w) >= GRAM]
            if any(k in self.memory.sentences for k in keys):
                return None
        self.memory.sentences.update(keys)
        self.memory.long_runs.update(runs[::4])  # enough to catch any shared run of 19+ words
        self.ev.grams |= grams
        self.lengths[text] = len(words)
        self.prefix = ""
        return text

    def _try(self, template: str) -> str | None:
        before = set(self.filler.mentioned)
        text = self._accept(_tidy(self.filler.fill(template)))
        if text is None:
            self.filler.mentioned = before
        return text

    def _plain(self, role: str) -> str | None:
        pools = [role] + ([_EXTRA_POOLS[role]] if role in _EXTRA_POOLS else [])
        cands = [(p, t) for p in pools for t in self.templates.get(p, _GENERIC.get(p, ()))]
        cands = [c for c in cands if c not in self.used]
        self.rng.shuffle(cands)
        for cand in cands[:10]:
            text = self._try(cand[1])
            if text:
                self.used.add(cand)
                return text
        return None

    def _frame(self, pool: str) -> str:
        frames = _GENERIC[pool]
        fresh = [f for f in frames if f not in self.frames_used] or list(frames)
        frame = self.rng.choice(fresh)
        self.frames_used.add(frame)
        return frame

    def _quote(self, witness: bool) -> str | None:
        speakers = ["W"] if witness else ["P1", "P2", "P3"]
        cands = [
            (f"quote_{k}", t)
            for k in speakers
            for t in self.templates.get(f"quote_{k}", ())
            if (f"quote_{k}", t) not in self.used
        ]
        self.rng.shuffle(cands)
        for cand in cands[:8]:
            before = set(self.filler.mentioned)
            quote = _tidy(self.filler.fill(cand[1]))
            self.filler.alias["S"] = cand[0][-2:]
            self.filler.slots["Q"] = quote
            text = self._try(self._frame("wquote_frame" if witness else "quote_frame"))
            if text:
                self.used.add(cand)
                return text
            self.filler.mentioned = before
        return None

    def sentence(self, role: str) -> str | None:
        """One new sentence for role, falling back to related roles when the pool runs dry."""
        for r in _FALLBACK.get(role, (role,)):
            if r in ("quote", "wquote"):
                text = self._quote(witness=r == "wquote" and "quote_W" in self.templates)
            else:
                text = self._plain(r)
            if text:
                return text
        return None

    # -- paragraphs --

    def paragraph(self, kind: str, n: int) -> list[str]:
        """Up to n sentences for a paragraph of the given kind."""
        first = kind
        rest = {
            "lead": "detail",
            "fu_lead": "fu_detail",
            "quote": "detail",
            "wquote": "detail",
            "reaction": "quote",
            "fu_detail": "detail",
            "fu_background": "quote",
        }.get(kind, kind)
        if kind in ("lead", "fu_lead", "fu_background"):
            n = min(n, 3 if kind == "lead" else 2)
        out: list[str] = []
        for i in range(n):
            role = first if i == 0 else rest
            if role == "detail" and self.rng.random() < 0.2:
                role = "quote"
            text = self.sentence(role)
            if text:
                out.append(text)
        return out

    def body(self, target_words: int, n_par: int) -> list[list[str]]:
        """All paragraphs, sized to land near target_words."""
        kinds = list(_FU_BODY_KINDS if self.followup else _BODY_KINDS)
        self.rng.shuffle(kinds)
        if self.followup and "fu_background" not in kinds[: n_par - 2]:
            kinds.insert(self.rng.randint(1, n_par - 3), "fu_background")
        last = "outlook" if self.rng.random() < 0.7 else self.rng.choice(("background", "quote"))
        plan = ["fu_lead" if self.followup else "lead", *kinds[: n_par - 2], last]
        per = target_words / n_par / 18
        paras: list[list[str]] = []
        for kind in plan:
            n = max(1, min(5, round(self.rng.gauss(per, 0.6))))
            para = self.paragraph(kind, n)
            if para:
                paras.append(para)
        self._fit(paras, plan)
        return paras

    def _fit(self, paras: list[list[str]], plan: list[str]) -> None:
        """Grow or trim to 5-10 paragraphs and 250-800 words."""

        def count() -> int:
            return sum(self.lengths[s] for p in paras for s in p)

        tries = 0
        while (count() < 260 or len(paras) < 5) and tries < 40:
            tries += 1
            if len(paras) < 10 and (len(paras) < 5 or self.rng.random() < 0.3):
                para = self.paragraph(self.rng.choice(("detail", "quote", "background")), 2)
                if para:
                    paras.insert(self.rng.randint(1, len(paras)), para)
                continue
            i = self.rng.randint(1, len(paras) - 1)
            text = self.sentence(self.rng.choice(("detail", "quote", "background", "reaction")))
            if text:
                paras[i].append(text)
        while count() > 790 and len(paras) > 1:
            long = max(range(1, len(paras)), key=lambda i: len(paras[i]))
            if len(paras[long]) > 1:
                paras[long].pop()
            elif len(paras) > 5:
                paras.pop(long)
            else:
                break
        del paras[10:]

    def title(self) -> str:
        """A headline no earlier report of the event used."""
        pool = self.templates["fu_title" if self.followup else "title"]
        text = ""
        for _ in range(12):
            filler = _Filler(self.rng, self.filler.slots)
            text = _tidy(filler.fill(self.rng.choice(pool)))
            if text not in self.ev.titles:
                break
        self.ev.titles.add(text)
        return text


# --------------------------------------------------------------------------------------------
# Public generator
# --------------------------------------------------------------------------------------------

_EPOCH = datetime(2021, 1, 4, tzinfo=UTC)
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "over",
        "the",
        "to",
        "with",
        "vs",
    ]
)


def title_case(title: str) -> str:
    """Headline Case, keeping short function words lower-case."""
    out = []
    for i, word in enumerate(title.split(" ")):
        low = word.lower()
        keep = i > 0 and low in _SMALL_WORDS
        out.append(word if keep or not word[:1].islower() else word[:1].upper() + word[1:])
    return " ".join(out)


def _house_style(text: str, site: Site) -> str:
    """Apply the outlet's way of writing percentages."""
    if site.percent == "%" or "%" not in text:
        return text
    return _PERCENT_RE.sub(r"\1" + site.percent, text)


def _slug(title: str) -> str:
    """URL slug of the first nine words of a headline."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:9]) or "story"


def _new_event(idx: int, rng: random.Random) -> _Event:
    """Draw an event: domain, cast, facts and the date it happened."""
    domain = rng.choice(DOMAINS)
    world = _World(rng)
    when = _EPOCH + timedelta(
        days=rng.randint(0, 1400), hours=rng.randint(5, 20), minutes=rng.randint(0, 59)
    )
    direction, direction_noun = rng.choice(DIRECTIONS)
    c, c2 = world.country, world.country2
    slots: Slots = {
        "country": c.name,
        "country_adj": c.adj,
        "country2": c2.name,
        "country2_adj": c2.adj,
        "city": world.city,
        "city2": world.city2,
        "b_city": c2.capital,
        "region": (f"{direction} {c.name}", f"the {direction_noun} of {c.name}"),
        "wplace": (world.city, world.city2),
        "day": WEEKDAYS[when.weekday()],
        "prev_day": WEEKDAYS[(when.weekday() - 1) % 7],
        "next_day": WEEKDAYS[(when.weekday() + 2) % 7],
        "month": MONTHS[when.month - 1],
        "month_prev": MONTHS[(when.month - 2) % 12],
        "month_next": MONTHS[when.month % 12],
        "bg_year": str(when.year - rng.randint(2, 14)),
        "w_years": str(rng.randint(12, 55)),
    }
    slots.update(domain.facts(world))
    return _Event(f"e{idx:05d}", domain, world, slots, when)


def _write(
    ev: _Event, site: Site, rng: random.Random, memory: _Memory, followup: bool, when: datetime
) -> tuple[str, tuple[str, ...], str | None]:
    """Title, paragraphs and author of one report."""
    slots = dict(ev.slots)
    if followup:
        slots.update(ev.domain.followup(ev.world, slots))
        slots["fu_day"] = WEEKDAYS[when.weekday()]
        slots["next_day"] = WEEKDAYS[(when.weekday() + 1) % 7]
    jobs = ev.domain.jobs or ("resident",)
    slots["W"] = ev.world.person(age=rng.randint(19, 84), job=rng.choice(jobs))
    dateline = ""
    if site.dateline:
        tag = f" ({site.name})" if site.template == "agency" else f", {slots['country']}"
        dateline = f"{str(slots['city']).upper()}{tag} — "
    writer = _Writer(rng, ev, slots, memory, site, followup, dateline)
    n_par = rng.randint(5, 10)
    target = rng.randint(max(270, n_par * 40), min(760, n_par * 95))
    paras = writer.body(target, n_par)
    title = writer.title()
    title = title_case(title) if site.title_case else title
    author = None if rng.random() < site.staff_byline else ev.world.person().full
    return _house_style(title, site), tuple(" ".join(p) for p in paras), author


def generate_reports(
    n: int,
    seed: int = 0,
    *,
    per_event: tuple[int, int] = (1, 3),
    followup_rate: float = 0.25,
) -> list[Report]:
    """n distinct reports: events covered by 1-3 outlets each, some with a later follow-up."""
    rng = random.Random(seed)
    memory = _Memory()
    urls: set[str] = set()
    reports: list[Report] = []
    idx = 0
    while len(reports) < n:
        ev = _new_event(idx, rng)
        idx += 1
        k = rng.randint(*per_event)
        jobs = [(site, False) for site in rng.sample(SITES, k)]
        if rng.random() < followup_rate:
            jobs.append((rng.choice(SITES), True))
        for site, followup in jobs:
            if len(reports) >= n:
                break
            offset = timedelta(minutes=rng.randint(25, 720))
            if followup:
                offset += timedelta(days=rng.randint(1, 3))
            when = ev.when + offset
            title, paragraphs, author = _write(ev, site, rng, memory, followup, when)
            path = f"{ev.domain.section}/{when:%Y/%m/%d}/{_slug(title)}"
            url, dup = f"https://{site.domain}/{path}.html", 2
            while url in urls:
                url, dup = f"https://{site.domain}/{path}-{dup}.html", dup + 1
            urls.add(url)
            reports.append(
                Report(
                    report_id=f"r{len(reports):05d}",
                    event_id=ev.event_id,
                    site=site.domain,
                    url=url,
                    title=title,
                    paragraphs=paragraphs,
                    published=when,
                    author=author,
                    section=ev.domain.section,
                    followup=followup,
                )
            )
    return reports


def iter_templates() -> Iterable[tuple[str, str, str]]:
    """(domain, role, template) for every template, for coverage checks."""
    for d in DOMAINS:
        for role, items in d.templates.items():
            for t in items:
                yield d.name, role, t
    for role, items in _GENERIC.items():
        for t in items:
            yield "generic", role, t


# --------------------------------------------------------------------------------------------
# Filler headlines for "Related" / "Also read" boxes
# --------------------------------------------------------------------------------------------

_FILLER_SUBJECTS = data("newsgen/filler_subjects.json")
_FILLER_PREDICATES = data("newsgen/filler_predicates.json")


def related_headlines(rng: random.Random, k: int) -> list[str]:
    """k unrelated local headlines for link boxes and farm "Also read" lines."""
    out = []
    for _ in range(k):
        country = rng.choice(COUNTRIES)
        place = rng.choice((country.capital, *country.cities))
        subject = rng.choice(_FILLER_SUBJECTS)
        out.append(
            f"{place} {subject[0].lower() + subject[1:]} {rng.choice(_FILLER_PREDICATES)}"
            if rng.random() < 0.5
            else f"{subject} in {place} {rng.choice(_FILLER_PREDICATES)}"
        )
    return out


# --------------------------------------------------------------------------------------------
# HTML pages and RSS
# --------------------------------------------------------------------------------------------

_SECTIONS = ("World", "Politics", "Business", "Science", "Health", "Technology", "Sport")
_SUBHEADINGS = data("newsgen/subheadings.json")
TEMPLATES = ("classic", "modern", "agency", "tabloid", "farm")


def date_banner(when: datetime) -> str:
    """The "• Tue. Jan 11th, 2022" banner many WordPress news themes show."""
    suffix = _ord(when.day)[-2:]
    return f"• {when:%a}. {when:%b} {when.day}{suffix}, {when.year}"


def _links(rng: random.Random, site: Site, k: int) -> list[tuple[str, str]]:
    """k (href, headline) pairs of unrelated local stories for a link box."""
    return [
        (f"https://{site.domain}/news/{_slug(headline)}.html", headline)
        for headline in related_headlines(rng, k)
    ]


def _body(report: Report, rng: random.Random, *, subheading: bool, ads: bool) -> list[_Block]:
    """The article body as blocks: ("p", text), ("h2", text) or ("ad", "")."""
    blocks: list[_Block] = []
    sub_at = len(report.paragraphs) // 2 if subheading and len(report.paragraphs) > 4 else -1
    for i, para in enumerate(report.paragraphs):
        if i == sub_at:
            blocks.append(("h2", rng.choice(_SUBHEADINGS)))
        blocks.append(("p", para))
        if ads and i in (1, 4):
            blocks.append(("ad", ""))
    return blocks


def _json_str(text: str) -> str:
    """A JSON string literal safe to embed in a <script> block."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("</", "<\\/")
    return f'"{escaped}"'


# What each layout draws from the page's random stream, in the order the page had it drawn
# when the layouts were f-strings: the same report gives the same bytes.
def _classic(report: Report, site: Site, rng: random.Random, boiler: bool) -> dict[str, Any]:
    also = _links(rng, site, 3) if boiler else []
    related = _links(rng, site, 5) if boiler else []
    post_id = rng.randint(10000, 99999)
    body = _body(report, rng, subheading=False, ads=False)
    return {"also": also, "related": related, "post_id": post_id, "body": body}


def _modern(report: Report, site: Site, rng: random.Random, boiler: bool) -> dict[str, Any]:
    related = _links(rng, site, 4) if boiler else []
    return {"related": related, "body": _body(report, rng, subheading=True, ads=False)}


def _agency(report: Report, site: Site, rng: random.Random, boiler: bool) -> dict[str, Any]:
    more = _links(rng, site, 3) if boiler else []
    return {"more": more, "body": _body(report, rng, subheading=False, ads=False)}


def _tabloid(report: Report, site: Site, rng: random.Random, boiler: bool) -> dict[str, Any]:
    extras: dict[str, Any] = {"comments": 0, "also": "", "most_read": []}
    if boiler:
        extras["comments"] = rng.randint(3, 480)
        extras["also"] = related_headlines(rng, 1)[0]
        extras["most_read"] = _links(rng, site, 5)
    return extras | {"body": _body(report, rng, subheading=True, ads=boiler)}


def _farm(report: Report, site: Site, rng: random.Random, boiler: bool) -> dict[str, Any]:
    also = _links(rng, site, 4) if boiler else []
    may_like = _links(rng, site, 6) if boiler else []
    breaking = related_headlines(rng, 1)[0]
    minutes = rng.randint(2, 9)
    body = _body(report, rng, subheading=rng.random() < 0.5, ads=boiler)
    return {
        "also": also,
        "may_like": may_like,
        "breaking": breaking,
        "minutes": minutes,
        "body": body,
    }


_Block = tuple[str, str]
_DRAWS: dict[str, Callable[[Report, Site, random.Random, bool], dict[str, Any]]] = {
    "classic": _classic,
    "modern": _modern,
    "agency": _agency,
    "tabloid": _tabloid,
    "farm": _farm,
}


@functools.cache
def _layouts() -> Environment:
    """The layouts' Jinja environment; values are escaped by the filters the layouts name."""
    env = environment(autoescape=False, trim_blocks=False)
    env.filters["h"] = lambda text: html.escape(text, quote=False)
    env.filters["q"] = lambda text: html.escape(text, quote=True)
    env.filters["js"] = _json_str
    return env


def render_html(
    report: Report, *, template: str | None = None, extra_boilerplate: bool = True
) -> str:
    """The full page a news site would serve for the report (template defaults to the site's)."""
    site = site_info(report.site)
    layout = template or site.template
    rng = random.Random(report.url)  # same page every time for the same report
    context = _DRAWS[layout](report, site, rng, extra_boilerplate)
    return (
        _layouts()
        .get_template(f"newsgen/{layout}.html.j2")
        .render(
            r=report,
            site=site,
            boiler=extra_boilerplate,
            banner=date_banner(report.published),
            sections=_SECTIONS,
            **context,
        )
    )


def render_rss(reports: Sequence[Report], *, site: str, base_url: str) -> bytes:
    """An RSS 2.0 feed of the reports; links on https://{site} are rebased onto base_url."""
    base = base_url.rstrip("/")
    prefix = f"https://{site}"

    def link(url: str) -> str:
        return base + url[len(prefix) :] if url.startswith(prefix) else url

    name = site_info(site).name
    items = (
        FeedItem(r.title, link(r.url), r.published, None, r.paragraphs[0], r.author)
        for r in reports
    )
    return rss(
        items,
        title=name,
        link=f"{base}/",
        description=f"Latest news from {name}",
        language="en",
    )
