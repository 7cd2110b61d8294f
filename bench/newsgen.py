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

import html
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

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


SITES: tuple[Site, ...] = (
    Site("The Harbour Ledger", "harbourledger.example", "classic", percent=" per cent"),
    Site("Daily Meridian", "dailymeridian.example", "tabloid", title_case=True),
    Site("Northwind Wire", "northwindwire.example", "agency", dateline=True, staff_byline=0.5),
    Site("Capital Observer", "capitalobserver.example", "modern", percent=" percent"),
    Site("The Lantern Post", "lanternpost.example", "classic", title_case=True),
    Site("Riverside Chronicle", "riversidechronicle.example", "modern"),
    Site("Globe Dispatch", "globedispatch.example", "agency", dateline=True, percent=" percent"),
    Site("Evening Courier", "eveningcourier.example", "tabloid", percent=" per cent"),
    Site("Kestrel News", "kestrelnews.example", "modern", title_case=True),
    Site("Frontline Report", "frontlinereport.example", "classic", dateline=True),
    Site("Summit Herald", "summitherald.example", "classic", percent=" percent"),
    Site("Open Bulletin", "openbulletin.example", "tabloid"),
)

# Content farms republish others' reports; the generator never writes originals for them.
FARM_SITES: tuple[Site, ...] = (
    Site("NewsFlash247", "newsflash247.example", "farm", staff_byline=1.0, farm=True),
    Site("Top Trending Now", "toptrendingnow.example", "farm", title_case=True, farm=True),
    Site("World Buzz Daily", "worldbuzzdaily.example", "farm", staff_byline=1.0, farm=True),
    Site("InfoHub Live", "infohublive.example", "farm", farm=True),
)

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
FIRST_NAMES: tuple[str, ...] = (
    "Maxim",
    "Grace",
    "Rose",
    "Mark",
    "Faith",
    "Hope",
    "Joy",
    "Victor",
    "Frank",
    "Dawn",
    "Violet",
    "Ruby",
    "Pearl",
    "Amber",
    "Bill",
    "Hunter",
    "Miles",
    "Grant",
    "Heather",
    "Iris",
    "Lily",
    "Holly",
    "Ivy",
    "Robin",
    "Cliff",
    "Glen",
    "Dale",
    "Sandy",
    "Crystal",
    "Patience",
    "Harmony",
    "Melody",
    "Autumn",
    "Sterling",
    "Chase",
    "Drew",
    "Wade",
    "Sunny",
    "Summer",
    "Anna",
    "Elena",
    "Sofia",
    "Tomas",
    "Lukas",
    "Andrei",
    "Dmitri",
    "Olga",
    "Irina",
    "Pavel",
    "Marta",
    "Jonas",
    "Karin",
    "Henrik",
    "Ingrid",
    "Nils",
    "Amara",
    "Kwame",
    "Ngozi",
    "Tendai",
    "Chidi",
    "Fatima",
    "Omar",
    "Yusuf",
    "Layla",
    "Karim",
    "Samir",
    "Leila",
    "Hassan",
    "Nadia",
    "Ravi",
    "Priya",
    "Arjun",
    "Anjali",
    "Vikram",
    "Mei",
    "Wei",
    "Jun",
    "Hiroshi",
    "Yuki",
    "Kenji",
    "Sora",
    "Min-jun",
    "Ji-woo",
    "Lucia",
    "Mateo",
    "Diego",
    "Carmen",
    "Javier",
    "Isabel",
    "Pablo",
    "Ana",
    "Joao",
    "Beatriz",
    "Rafael",
    "Camila",
    "Luca",
    "Giulia",
    "Marco",
    "Chiara",
    "Pierre",
    "Claire",
    "Julien",
    "Camille",
    "Hugo",
    "Elise",
    "Jan",
    "Eva",
    "Piotr",
    "Katarzyna",
    "Milan",
    "Petra",
    "Zoran",
    "Jelena",
    "Nikos",
    "Eleni",
    "Stefan",
    "Mira",
    "Tariq",
    "Aisha",
    "Noor",
    "Daniel",
    "Sarah",
    "Thomas",
    "Laura",
    "David",
    "Emma",
    "James",
    "Helen",
    "Peter",
    "Julia",
    "Michael",
    "Nina",
    "Oliver",
    "Sophie",
    "Samuel",
    "Martha",
    "Adrian",
    "Vanessa",
    "Leon",
    "Ada",
    "Felix",
    "Clara",
    "Tobias",
    "Alma",
    "Emil",
    "Greta",
    "Oskar",
    "Selma",
    "Bruno",
    "Lena",
    "Arturo",
    "Rosa",
    "Teodor",
    "Vesna",
    "Bogdan",
    "Zofia",
)

SURNAMES: tuple[str, ...] = (
    "Adeyemi",
    "Okafor",
    "Mensah",
    "Banda",
    "Kariuki",
    "Haddad",
    "Nasser",
    "Rahimi",
    "Sharma",
    "Patel",
    "Iyer",
    "Nguyen",
    "Tanaka",
    "Sato",
    "Kim",
    "Park",
    "Chen",
    "Liu",
    "Wang",
    "Zhou",
    "Morales",
    "Herrera",
    "Castillo",
    "Vargas",
    "Moreno",
    "Silva",
    "Costa",
    "Ferreira",
    "Rossi",
    "Bianchi",
    "Conti",
    "Moretti",
    "Dubois",
    "Laurent",
    "Moreau",
    "Girard",
    "Becker",
    "Hoffmann",
    "Schreiber",
    "Vogel",
    "Lindqvist",
    "Berg",
    "Nyberg",
    "Halvorsen",
    "Novak",
    "Horvat",
    "Kowalski",
    "Nowak",
    "Dvorak",
    "Petrov",
    "Volkov",
    "Sokolov",
    "Orlov",
    "Belov",
    "Kuznetsov",
    "Whitfield",
    "Harrow",
    "Ashdown",
    "Calloway",
    "Pemberton",
    "Fairbanks",
    "Holloway",
    "Brennan",
    "Doyle",
    "Quinn",
    "Walsh",
    "Gallagher",
    "Murray",
    "Fraser",
    "Sinclair",
    "Mackay",
    "Owusu",
    "Boateng",
    "Diallo",
    "Traore",
    "Keita",
    "Toure",
    "Abebe",
    "Tesfaye",
    "Alemu",
    "Ozturk",
    "Yilmaz",
    "Demir",
    "Kaya",
    "Aydin",
    "Papadakis",
    "Georgiou",
    "Dimitrov",
    "Ionescu",
    "Popescu",
    "Marin",
    "Stoica",
    "Kovacs",
    "Nagy",
    "Szabo",
    "Varga",
    "Varenko",
    "Maltsev",
    "Kastelic",
    "Orvell",
    "Brandt",
    "Aldana",
    "Quiroga",
    "Esposito",
    "Romano",
    "Galli",
    "Ferro",
    "Lindgren",
    "Sandberg",
    "Eriksen",
    "Jensen",
    "Madsen",
    "Virtanen",
    "Koskinen",
    "Laine",
    "Mwangi",
    "Otieno",
    "Njoroge",
    "Achebe",
    "Eze",
    "Bello",
    "Sesay",
    "Kamara",
    "Conteh",
    "Farouk",
    "Mansour",
    "Saleh",
    "Karimi",
    "Hosseini",
    "Qureshi",
    "Malik",
    "Chaudhry",
    "Rao",
    "Menon",
    "Pillai",
    "Das",
    "Bose",
    "Takahashi",
    "Yamamoto",
    "Nakamura",
    "Lee",
    "Choi",
    "Han",
    "Tran",
    "Pham",
    "Santos",
    "Oliveira",
    "Pereira",
    "Almeida",
    "Ribeiro",
    "Navarro",
    "Ortega",
    "Delgado",
    "Fuentes",
    "Rios",
    "Campos",
    "Vidal",
    "Serrano",
    "Blanco",
    "Mercier",
    "Fontaine",
    "Rousseau",
    "Lambert",
    "Keller",
    "Wagner",
    "Krause",
    "Richter",
    "Lorenz",
    "Hartmann",
    "Zielinski",
    "Wozniak",
    "Marek",
    "Sykora",
    "Blaha",
    "Pavlovic",
    "Markovic",
    "Jovanovic",
    "Nikolaidis",
    "Stavros",
    "Karlsson",
    "Holm",
    "Dahl",
    "Strand",
    "Lund",
    "Sorensen",
    "Ahonen",
    "Ferrante",
    "Caruso",
    "Greco",
    "Lombardi",
    "Barros",
    "Teixeira",
    "Mendes",
    "Cardoso",
    "Okonkwo",
    "Adebayo",
    "Nwosu",
    "Asante",
    "Darko",
    "Appiah",
    "Kimani",
    "Wanjiru",
    "Odhiambo",
)

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

RIVERS = (
    "Ostra",
    "Velna",
    "Tamsa",
    "Orrin",
    "Silvan",
    "Kerrow",
    "Lathe",
    "Brenna",
    "Almara",
    "Savell",
    "Nerra",
    "Corvo",
    "Quell",
    "Halda",
    "Mistra",
    "Vosk",
    "Telva",
    "Yarrow",
)
DIRECTIONS = (
    ("northern", "north"),
    ("southern", "south"),
    ("eastern", "east"),
    ("western", "west"),
    ("north-eastern", "north-east"),
    ("south-western", "south-west"),
    ("central", "centre"),
)
BRAND_PREFIXES = (
    "Nova",
    "Aster",
    "Kestrel",
    "Meridian",
    "Halcyon",
    "Ironvale",
    "Bluewater",
    "Northstar",
    "Silverline",
    "Greenfield",
    "Crestmoor",
    "Brightwell",
    "Oakridge",
    "Redfern",
    "Stonebridge",
    "Clearwater",
    "Highpoint",
    "Lumen",
    "Vantage",
    "Zenith",
    "Orbis",
    "Polaris",
    "Arden",
    "Corvid",
    "Harbourside",
    "Tidewell",
    "Westbrook",
    "Quantis",
    "Solace",
    "Evergreen",
)
SECTOR_NOUNS = {
    "energy": ("Energy", "Power", "Gas and Power", "Utilities"),
    "tech": ("Systems", "Digital", "Networks", "Software", "Labs", "Technologies"),
    "bank": ("Bank", "Capital", "Financial", "Savings Bank"),
    "rail": ("Rail", "Railways", "Trains", "Rail Services"),
}
BRAND_SUFFIXES = ("Group", "Holdings", "Corp", "International", "", "", "")
TEAM_PATTERNS = (
    "{c} United",
    "{c} Rovers",
    "{c} Athletic",
    "FC {c}",
    "{c} City",
    "Real {c}",
    "{c} Wanderers",
    "Sporting {c}",
    "Dynamo {c}",
)
PARTY_ADJS = (
    "Civic",
    "Democratic",
    "National",
    "People's",
    "Progressive",
    "Liberal",
    "Social",
    "Green",
    "United",
    "Reform",
    "Freedom",
    "Labour",
    "Conservative",
    "Renewal",
    "Citizens'",
    "Patriotic",
)
PARTY_NOUNS = ("Union", "Alliance", "Movement", "Front", "Congress", "Forum", "Platform", "Party")
OPERATION_ADJS = ("Iron", "Steel", "Northern", "Silent", "Swift", "Golden", "Granite", "Eastern")
OPERATION_NOUNS = ("Shield", "Falcon", "Bastion", "Arrow", "Guardian", "Rampart", "Spear", "Vigil")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
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

_GENERIC_TEMPLATES = """
quote_frame:
"{Q}," {S} said.
"{Q}," said {S}.
{S} said: "{Q}."
"{Q}," {S} told reporters [in {city}|on {day}|later that day].
[Speaking to reporters|Speaking to journalists|Speaking at a news conference] [in {city}|on {day}], {S} said: "{Q}."
"{Q}," {S} [wrote|said] in a post on social media.
"{Q}," {S} said in a [written|brief|short] statement.
[In an interview with|Speaking to] [local|national] [television|radio], {S} said: "{Q}."
"{Q}," {S} [said|insisted|stressed] [on {day}|], [according to|in remarks carried by] [state media|local media|the {country_adj} news agency].
{S} was quoted [as saying|by local media as saying]: "{Q}."
"{Q}," said {S}, [speaking|who spoke] [on {day}|in {city}].
[Asked about|Pressed on] [the situation|the issue|this] [by reporters|at a briefing], {S} [replied|answered]: "{Q}."
wquote_frame:
"{Q}," said {W.full}, a {W.age}-year-old {W.job} [from|in] {wplace}.
{W.full}, {W.age}, a {W.job} [from|in] {wplace}, said: "{Q}."
"{Q}," [said|explained] {W.full}, [{W.age}|a {W.job} aged {W.age}].
[One|A] {W.job} [in|from] {wplace}, {W.full}, [told|said to] [reporters|a local radio station]: "{Q}."
"{Q}," {W.full} [said|told us], [standing outside the town hall|speaking by telephone|speaking near the scene].
background_g:
[This is|It is] not the first time {country} has [faced|dealt with|grappled with] {bg_np}.
{bg_np} has been a [recurring|long-running|persistent] [issue|concern] in {country} [for years|for more than a decade|since at least {bg_year}].
[Analysts|Observers] [say|note] that {bg_np} has [become|grown into] [a major|an increasingly sensitive] [political|public] issue [in {country}|for the government].
reaction_g:
[Word of|News of] {event_np} [spread quickly|drew strong reactions] on social media, where [many|some] users [shared|debated] [the news|it] [within minutes|through the evening].
There was no [immediate|official] [comment|response] from {org2} [on {day}|by the time of publication|as of {day} evening].
outlook_g:
[More|Further] details [are expected|were expected to be released] [on {next_day}|later this week|in the coming days].
{org} said it would [publish|release] {next_np} [by {next_day}|on {next_day}|before the end of {month}|in the coming days].
It was not [immediately|yet] clear [when|whether] {next_q}.
[Observers|Analysts|Officials] [will be watching|are watching] closely to see whether {next_q}.
"""


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

_FLOODS = """
lead:
At least {killed} people [have died|were killed] and {missing} [remain|are still] missing after [torrential|days of heavy|relentless] rain [triggered|caused] [severe|widespread] flooding in {region}, [authorities|officials] said on {day}.
Floodwaters [swept through|inundated] {city} and [dozens of|several] [nearby|surrounding] villages on {day}, killing {killed} people and forcing {evacuated} residents to [leave their homes|flee to higher ground].
[Emergency crews|Rescue teams] in {country} [were searching|searched] for {missing} missing people on {day} after the {river} [burst its banks|overflowed], leaving at least {killed} dead [across|in] {region}.
The death toll from flooding in {region} [rose|climbed] to {killed} on {day} as [rescuers|rescue workers] [used boats|waded through waist-deep water] to reach [stranded|cut-off] families [in and around|near] {city}.
[Heavy|Torrential] rain [that began|which started] [late on {prev_day}|over the weekend] turned streets in {city} into rivers, [killing at least {killed} people|leaving at least {killed} people dead], [the {rescue_org} said|according to the {rescue_org}].
detail:
[More than|Some|Nearly] {rain_mm} millimetres of rain fell [in|over] {hours} hours, [according to the {met_office}|the {met_office} said], [roughly|about] [twice|three times] the [usual|normal] amount for the [whole|entire] month.
{P1} said {homes} homes had been [damaged|flooded] and [that|] [power|electricity] [was|had been] cut to [large parts of|parts of] {city2}.
[Several|A number of] [roads|bridges] [linking|connecting] {city} [and|with] {city2} [were|had been] [closed|washed away], [making it harder|which made it difficult] for [aid|supplies] to [get through|reach the worst-hit areas].
The {rescue_org} said it had [deployed|sent] {crews} [rescue workers|personnel] [and|along with] {boats} boats [to the area|to {region}], [backed by|supported by] [army|military] helicopters.
Schools in {city} [will remain|were ordered to stay] closed [until further notice|for the rest of the week], [the regional administration said|according to a statement from the regional administration].
[Television footage|Images shared online|Pictures from the scene] showed [cars|vehicles] [submerged|half-submerged] [on flooded streets|in brown water] in {city} and [residents|families] [sheltering|waiting for help] on the roofs of their [houses|homes].
[Among the dead|The victims] [were|included] {victims}, [officials said|local media reported].
In {city2}, the water [reached|rose to] {depth} metres [in some streets|in places], [said|according to] {P2}.
[About|Around|Roughly] {evacuated} people [spent the night|were staying] in [temporary shelters|sports halls and schools] [set up by|run by] [the authorities|local volunteers].
[Train services between {city} and {city2} were|Rail traffic between {city} and {city2} was] suspended after [a section of track|an embankment] [was|had been] [washed away|undermined by the water].
background:
{region} [was hit by|suffered] [similar|serious] flooding in {bg_year}, when {bg_killed} people died[ and thousands lost their homes|].
[Scientists|Climate researchers] say [extreme|intense] rainfall [events|episodes] [have become|are becoming] more [frequent|common] [in the region|across {country}] [as the climate warms|because of a warming climate].
The {river} [runs|flows] through [several|a string of] [densely populated|low-lying] towns [before reaching|on its way to] the [coast|sea], and [its embankments|the flood defences along it] have [long|repeatedly] been [criticised as too weak|a source of concern].
[Critics|Opposition politicians] have [accused the government of failing|long criticised the government for failing] to invest in flood defences [in {region}|along the {river}] [despite|in spite of] [repeated|earlier] warnings [from engineers|from local officials].
reaction:
{P1} [described|called] the flooding [the worst|one of the worst] [disasters|emergencies] [the region had seen|to hit {region}] [in decades|in a generation].
The government [announced|approved] [an emergency fund|emergency aid] of {aid} for [affected|flood-hit] [families|households] [on {day}|late on {day}].
[Neighbouring|Nearby] {country2} [offered|sent] [helicopters|rescue teams|water pumps] to [help|assist] with the [rescue|relief] effort, [the foreign ministry said|according to the foreign ministry].
[Volunteers|Local businesses] in {city} [organised|set up] [collections|donation points] for [food|blankets], [drinking water|clothes] and [medicine|baby supplies].
outlook:
[Forecasters|The {met_office}] [warned|said] that more rain [was expected|could fall] [over the weekend|in the coming days], [raising fears|prompting fears] of [further|new] flooding [downstream|along the {river}].
[Officials|Authorities] said it [could take|would take] [weeks|months] to [assess|calculate] the full [cost|extent] of the damage.
{P2} said [clean-up|recovery] [work|operations] would begin [as soon as|once] the water [receded|had receded].
quote_P1:
Our priority [right now|at this moment] is to reach every family [in {city}|around {city2}] that is still [cut off|stranded]
We have [mobilised|brought in] every [available|] resource, [including the army|including military helicopters], and {crews} [people|rescuers] will [keep working|continue] through the night
I have never seen [water|a river] rise this quickly. The next {hours} hours will be [critical|decisive]
[Nobody|No one] [in {region}|in {city}] should try to drive through flooded roads. [Please|I urge everyone to] listen to the rescue teams
quote_P2:
{city} has been hit [extremely|very] hard and people here need help [now|today], not [next month|in a few weeks]
We warned for years that the embankments along the {river} were not strong enough
The whole [region|province] is in mourning [tonight|today]. [Every|Each] family [in {city}|in {city2}] knows someone who has lost [something|everything]
quote_P3:
[This amount of|So much] rain in {hours} hours is [highly|very] unusual for {month}, even in {region}
The [soil|ground] [around {city}|along the {river}] was already saturated [after a wet month|from earlier storms], so the water had nowhere to go
quote_W:
The water came in [through the doors|under the door] in [a matter of minutes|just minutes] on {day}. We [only|barely] had time to [grab|take] the children
I have lived [here|in this street] for {w_years} years and I have never seen anything like [it|this]
Everything on the ground floor of our house in {wplace} is [gone|ruined]. The furniture, the [shop|fridge], [everything|all our papers]
We [waited|sat] on the roof until {day} morning before a boat [came|arrived]. Nobody [knew|could tell us] what was happening
fu_lead:
The number of people killed in the floods in {region} [has risen|rose] to {killed} on {fu_day}, [officials said|the {rescue_org} said], as [the water began to recede|receding water revealed the scale of the damage] [in|around] {city}.
[Rescuers in {country}|Emergency teams] [recovered|found] more bodies on {fu_day}, [bringing|taking] the death toll from the floods to {killed}, while {missing} people [remain|were still] unaccounted for.
[Thousands of|Many] residents of {city} [returned|began returning] home on {fu_day} to [clear|shovel] mud and [debris|ruined furniture] [after|following] the [floods|flooding] that [struck|hit] {region} on {day}.
fu_detail:
[The government|Officials] [said|estimated] that {homes} homes [had been|were] [damaged or destroyed|damaged], [up from|compared with] {homes_prev} in [initial|earlier] [estimates|figures].
{P1} [announced|said] that [compensation|payments] of {comp} would be [paid|made] to [each affected household|families who lost their homes].
[Power|Electricity] [had been|was] restored to about {restored}% of homes [by|on] {fu_day}, [the grid operator said|according to the grid operator].
[Prosecutors|Investigators] [have opened|opened] an inquiry into [whether|why] flood warnings [were not issued|were issued too late] [before|ahead of] the [disaster|floods].
[The death toll|The confirmed number of dead] [was revised up|rose] from {killed_prev} [after|as] [rescuers reached|teams searched] villages that had been [cut off|unreachable] [since {day}|for days].
fu_background:
The [floods|disaster] began on {day} when [heavy|intense] rain [caused|sent] the {river} to [overflow|spill over its banks].
[Earlier this week|On {day}], [floodwater|the flooding] [cut off|isolated] {city} [from neighbouring towns|for several hours] and forced {evacuated} people [from|out of] their homes.
title:
[At least|] {killed} dead as floods [hit|sweep] {region}
Floods in {country} kill {killed}, thousands evacuated
{river} bursts its banks, [forcing|prompting] evacuation of {evacuated}
Deadly flooding [hits|strikes] {city}: {killed} dead, {missing} missing
Rescuers search for missing as {country} floods kill {killed}
fu_title:
{country} flood death toll rises to {killed}
[Clean-up begins|Residents return] in {city} as flood toll reaches {killed}
[Questions over|Inquiry into] flood warnings after {killed} die in {region}
"""


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

_WILDFIRE = """
lead:
[Firefighters|Hundreds of firefighters] [battled|were battling] [a fast-moving|a huge] wildfire [in the hills above|on the outskirts of] {city} on {day}, [as|while] [strong|gusting] winds [pushed|drove] the flames towards [residential areas|several villages].
A wildfire [has burned|burned through] more than {hectares} hectares of [forest|pine forest and farmland] in {region}, [forcing|prompting] the evacuation of {evacuated} people [from|in] {villages} villages, [officials said|the {fire_org} said] on {day}.
[Authorities|Officials] in {country} [ordered|began] the evacuation of {villages} villages on {day} as [a wildfire|flames] [fanned by|driven by] winds of up to {wind} kilometres per hour [spread|raced] through {forest}.
[Thick|Dense] smoke [covered|hung over] {city} on {day} as [crews|firefighters] [struggled|fought] to contain {fires} separate wildfires [burning|raging] across {region}.
detail:
[More than|Some|About] {firefighters} firefighters, [backed by|supported by] {aircraft} water-dropping aircraft, [were deployed|have been sent] to [the fire|the main blaze], {P1} said.
[Temperatures|The temperature] [reached|climbed to] {temp} degrees Celsius [on {day}|in the afternoon], [and|while] humidity [dropped|fell] [below|under] 15%, [creating|making for] [ideal|dangerous] conditions for the fire to spread.
{injured} people [were treated|had been treated] for [burns|smoke inhalation] [and|or] [minor injuries|other injuries], [including|among them] [several firefighters|two firefighters], [health officials said|according to health officials].
[At least|] {houses} houses [were destroyed|had burned down] [in|near] the village of {village}, [local officials said|according to the local council].
The main road between {city} and {city2} [was closed|remained closed] [and|while] police [set up|manned] [checkpoints|roadblocks] to keep [drivers|sightseers] [away|out of the area].
[Residents|Some residents] [were evacuated|were taken to safety] by boat [from|after being trapped on] a beach [near|below] {village}, [the coastguard said|according to the coastguard].
[Satellite images|Images from a satellite] [showed|revealed] a [plume|column] of smoke [stretching|drifting] [more than|some] {plume_km} kilometres [out to sea|to the south].
[Power lines|Electricity pylons] [near|around] {village} were [damaged|brought down] by the [flames|heat], [leaving|cutting off] [thousands of|several thousand] homes without electricity.
background:
{country} has [endured|suffered] [a series of|several] [intense|severe] fire seasons [in recent years|since {bg_year}], [with|and] [longer|hotter] summers [blamed|widely blamed] on climate change.
In {bg_year}, [a fire|wildfires] in {region} [destroyed|burned] [more than|about] {bg_hectares} hectares and [led to|prompted] [an overhaul|a review] of the [country's|national] [firefighting|fire response] [system|plans].
[Experts|Forestry experts] [say|have warned] that [abandoned|neglected] farmland and [dense|unmanaged] undergrowth [have made|make] [the region's forests|{forest}] [especially|highly] vulnerable.
reaction:
{P2} [praised|thanked] the [firefighters|crews] [and|but] [said|warned] that the [coming|next] [days|hours] would be [difficult|decisive].
The government [declared|announced] a state of emergency in {region} [on {day}|late on {day}], [freeing up|releasing] [funds|emergency funds] for [extra|additional] [equipment|aircraft].
{country2} and [other|several] [neighbouring|nearby] countries [sent|offered] [aircraft|firefighting planes] [to help|as the fire spread].
outlook:
[Forecasters expected the wind to ease by {next_day}|The wind was forecast to drop by {next_day}], which [could|might] give [crews|firefighters] a chance to [contain the blaze|bring the fire under control].
[Investigators|Police] [were trying to establish|have not yet said] what [caused|started] the fire, [although|though] [officials|authorities] [have not ruled out|did not rule out] arson.
Residents [will not be allowed|will not be able] to return [home|to their homes] until [engineers|officials] [have inspected|have checked] the [area|damage].
quote_P1:
The fire [front|line] [near {village}|above {city}] is [several kilometres long|very long] and the wind [keeps changing direction|is changing direction constantly]
[Our crews|My people] have been working for {shift} hours without [a break|rest]. They are exhausted [but|and yet] they are not giving up
[We are|We're] fighting on {fires} fronts at the same time, [which|and that] stretches [every|all our] resources
quote_P2:
[Anyone who|Whoever] started this fire [in {region}|near {city}] [deliberately|on purpose] will be found and [punished|brought to justice]
[Nobody|No one] [in {village}|in {city}] will be left [without help|alone]. The state will [pay|cover the cost] to rebuild [every|each] home that was lost
quote_P3:
[The forests|These forests] [around {city}|in {region}] [are|have become] [drier|much drier] than [they were|at any time] [twenty years ago|a generation ago], and fires [now|today] [spread|move] much faster
What we are seeing [in {region}|around {city}] [is|looks like] the [new|future] normal for summers in this part of the world
quote_W:
[We|My family] [left|drove away from] {village} with [nothing|just the clothes we were wearing]. [Behind us|Behind the car] the whole hill was [on fire|burning]
The [sky|whole sky] over {wplace} turned [orange|red] [in the middle of the afternoon|by four o'clock]. [You|We] could [hardly|barely] breathe
[I stayed|My neighbours and I stayed] to [defend|save] our house in {village} with [garden hoses|buckets of water]. [It was|That was] [madness|not enough], [but|and] we had no choice
fu_lead:
[Firefighters|Crews] [said|reported] on {fu_day} that they had [contained|brought under control] about {contained}% of the [wildfire|fire] [near|above] {city}, [after it burned|which has burned] {hectares} hectares [since {day}|over several days].
[Residents|Some of the {evacuated} people evacuated] [began returning|were allowed to return] to villages [around|near] {city} on {fu_day}, [finding|and found] [scenes of|widespread] [devastation|destruction].
[Police|Police in {country}] [arrested|detained] [a man|a suspect|two people] on {fu_day} on suspicion of starting the wildfire that [has|] [burned|destroyed] {hectares} hectares [in|across] {region}.
fu_detail:
The [burned|affected] area [grew|had grown] to {hectares} hectares, [up from|compared with] {hectares_prev} [on {day}|in the first estimates], [according to|said] the {fire_org}.
{P2} [said|announced] that {houses} homes [had been|were] [destroyed|lost] and [promised|pledged] [compensation|payments] of up to {comp} per household.
[Prosecutors|Investigators] said the fire [may have been|was probably] started by {cause}.
[Crews|Firefighters] [were still dousing|continued to put out] [hotspots|smouldering patches] [around|near] {village} on {fu_day}, [the {fire_org} said|according to the {fire_org}].
fu_background:
The fire [broke out|started] on {day} [in|near] {forest} and spread [quickly|rapidly] [because of|due to] [strong winds|dry conditions].
[Earlier this week|On {day}], [authorities|officials] [evacuated|moved] {evacuated} people [from|out of] {villages} villages [as|when] the flames [approached|reached] [the outskirts of|] {city}.
title:
Wildfire [forces|prompts] evacuation of {villages} villages in {region}
[Firefighters|Crews] battle [huge|fast-moving] wildfire near {city}
{country} wildfire [burns|scorches] {hectares} hectares [as winds fan flames|amid heatwave]
Thousands flee as [wildfires|fires] [rage|spread] across {region}
fu_title:
[Residents return|Evacuees return] to [charred|burned] villages near {city}
Crews [contain|gain ground on] {city} wildfire as damage [mounts|is assessed]
{country} wildfire: {hectares} hectares burned, [suspect held|questions grow]
"""


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

_DIPLOMACY = """
lead:
{P1} and {P2} [agreed|signed] {deal} [after|following] {hours} hours of talks in {venue} on {day}, [a step|a move] [officials|diplomats] [described|hailed] as [a breakthrough|significant].
The leaders of {country} and {country2} [met|held talks] in {venue} on {day} [in an effort|in a bid] to [resolve|end] a [long-running|years-long] dispute over {issue}.
{country} and {country2} [took a step towards|moved closer to] [settling|ending] their dispute over {issue} on {day}, [agreeing to|as they agreed to] {deal_vp}, [according to|said] a joint statement.
[Talks|Negotiations] between {country} and {country2} [ended|concluded] in {venue} on {day} with {deal}, [after|at the end of] the {round} round of [talks|negotiations] [this year|since the dispute began].
detail:
The [agreement|document], [which runs to|which contains] {points} points, [sets out|lays out] [a timetable|a schedule] [for implementation|for the next steps] [by|before the end of] {deadline}.
{P1} told a [joint|] news conference [in {venue}|after the talks] that the two sides had [narrowed their differences|made real progress] on [most|the main] [questions|issues].
Bilateral trade between the two countries [was worth|reached] [about|roughly] {trade} last year, [according to official figures|based on government data].
[Officials|Diplomats] [said|added] that [technical|expert-level] [teams|working groups] would [meet|convene] [within|in] {weeks_n} weeks to [work out|finalise] the [details|technical details].
The talks were [mediated|facilitated] by {mediator}, which [has|had] [hosted|organised] [several|previous] rounds [since {bg_year}|in recent years].
[The two|Both] delegations [included|were joined by] [ministers of|officials responsible for] [energy, trade and transport|foreign affairs, trade and defence|agriculture and the environment].
A [planned|scheduled] [press conference|signing ceremony] was [delayed by|pushed back by] [more than|about] [an hour|two hours] [as|while] [negotiators|officials] [argued over|haggled over] [last-minute|final] [wording|changes to the text].
[Under the deal|Under the agreement], {deal_detail}, [according to|said] [a copy seen by reporters|officials briefed on the text].
background:
The dispute over {issue_short} [dates back|goes back] [at least|more than] {years_dispute} years and has [repeatedly|periodically] [soured|strained] relations between [the two neighbours|{country} and {country2}].
[Previous|Earlier] [attempts|rounds of talks] [collapsed|broke down] in {bg_year} [amid|after] [mutual accusations|accusations of bad faith] [and|as well as] a [row|spat] over [diplomatic staff|the expulsion of diplomats].
{country2} is [one of|among] {country}'s [largest|biggest] trading partners, [and|while] [the two|both] countries [share|have] a border [of about|stretching some] {border_km} kilometres.
reaction:
[Opposition|Nationalist] [politicians|lawmakers] in {country2} [criticised|attacked] the [agreement|deal], [saying it gave away too much|arguing that it conceded too much] [to {country}|].
[Business groups|Exporters] [on both sides|in both countries] [welcomed|praised] the [outcome|talks], [saying|and said] [it|the deal] [could|would] [boost|unlock] [trade|investment].
[Foreign governments|Several governments in the region] [welcomed|praised] the [agreement|talks] [and|while] [urging|calling on] both sides to [implement it quickly|keep talking].
outlook:
[Both sides|The two governments] [said|agreed] they would [meet again|reconvene] in {venue2} [in|by] {deadline} to [review progress|assess implementation].
[The deal|The agreement] [still needs to be|must still be] [ratified|approved] by [parliament|the parliaments of both countries], [where|and] [its fate|approval] [is|remains] [uncertain|far from guaranteed].
quote_P1:
Today in {venue} we have [shown|proved] that [dialogue|patient diplomacy] [works|can deliver results] [even on|even when it comes to] the [most difficult|hardest] questions
The {venue} [agreement|deal] is not the end of the road, but [it is|this is] [an important|a very important] step for the people of {country} and {country2}
We did not [get everything we wanted|agree on everything] on {issue_short}, [and|but] [that is|that's] what [a fair compromise looks like|compromise means]
quote_P2:
{country2} [has always|has] [been ready|wanted] to [talk|negotiate] [in good faith|as equals], and today [our partners|the other side] [met us halfway|showed the same spirit]
The [difficulty|real test] will be in [implementing|putting into practice] these {points} points. We will [judge|measure] [this agreement|the deal] by [actions|what happens on the ground], not [words|signatures]
quote_P3:
{P1.last} and {P2.last} [both|] [needed|wanted] a [win|success] [at home|for domestic audiences], [and|so] [this deal|the agreement] [gives|offers] them [one|that]
[The hard part|What matters] is what happens [before {deadline}|in the next {weeks_n} weeks]. [Similar|Earlier] [agreements|deals] [have collapsed|fell apart] at the implementation stage
fu_lead:
[Parliament|Lawmakers] in {country2} [began|opened] [debate on|a debate over] the [agreement|deal] with {country} on {fu_day}, [two days|days] after it was [signed|agreed] in {venue}.
[Officials|Technical teams] from {country} and {country2} [met|held their first meeting] on {fu_day} to [start|begin] [implementing|putting into practice] the [deal|agreement] [reached|signed] in {venue} [on {day}|earlier this week].
[Protesters|Hundreds of protesters] [gathered|rallied] [outside|in front of] [parliament|the foreign ministry] in {b_city} on {fu_day} to [denounce|oppose] the [agreement|deal] with {country}.
fu_detail:
[A|The] [first|initial] [vote|reading] in parliament [is expected|is scheduled] [on|for] {next_day}, [officials said|according to parliamentary officials].
{P2} [defended|stood by] the [deal|agreement] in [a televised address|an interview] on {fu_day}, [saying|and said] [it|the agreement] [protected|safeguarded] {country2}'s [interests|core interests].
[The text|The full text] of the [agreement|deal], [published|released] on {fu_day}, [shows|showed] that [both sides|the two sides] [agreed|committed] to {deal_vp} [within|in] {weeks_n} weeks.
[A poll|An opinion poll] [published|released] on {fu_day} [found|suggested] that {poll}% of {country2_adj} [voters|respondents] [supported|backed] the [deal|agreement].
fu_background:
The [deal|agreement] was [signed|reached] on {day} after {hours} hours of [talks|negotiations] in {venue}.
[Earlier this week|On {day}], [the two leaders|{P1.last} and {P2.last}] [agreed|settled] on {deal} [at the end of|after] [marathon|lengthy] talks.
title:
{country} and {country2} agree [deal|framework] on {issue_short}
[Breakthrough|Progress] in {country}-{country2} talks [over|on] {issue_short}
{P1.last} and {P2.last} [strike|reach] deal [after|following] {hours}-hour talks in {venue}
[Neighbours|Rivals] {country} and {country2} [move to end|seek to end] dispute over {issue_short}
fu_title:
[Deal|Agreement] with {country} [faces|meets] [resistance|scrutiny] in {country2}
{country}-{country2} deal: [first|early] [steps|talks] on [implementation|next steps]
"""

_ISSUES = (
    (
        "water rights on the {river}",
        "water sharing",
        "a framework for sharing water from the {river}",
        "set up a joint commission on water from the {river}",
        "{country} and {country2} will each be guaranteed a minimum share of the river's summer flow",
    ),
    (
        "a disputed stretch of their border",
        "the border",
        "a plan to mark out the disputed border",
        "survey and mark the disputed section of the border",
        "surveyors from {country} and {country2} will walk the disputed line together",
    ),
    (
        "fishing rights in their shared waters",
        "fishing rights",
        "a quota system for shared waters",
        "divide fishing quotas in the waters between them",
        "boats from {country} and {country2} will need a joint licence to fish in the contested zone",
    ),
    (
        "a stalled gas pipeline",
        "the pipeline",
        "a roadmap to restart work on the pipeline",
        "restart construction of the stalled pipeline",
        "the state energy companies of {country} and {country2} will share construction costs equally",
    ),
    (
        "the fate of detained citizens",
        "detainees",
        "an exchange of detained citizens",
        "exchange citizens detained in each other's prisons",
        "the first group of detainees will be handed over at a crossing near {city2}",
    ),
    (
        "visa rules and cross-border trade",
        "trade and visas",
        "a deal easing visa and customs rules",
        "ease visa requirements and speed up customs checks",
        "lorry drivers from {country2} will be able to enter {country} without a visa",
    ),
    (
        "a proposed rail link between their capitals",
        "the rail link",
        "a joint financing plan for the rail link",
        "share the cost of a rail link between their capitals",
        "construction on the rail link to {b_city} is due to start within two years",
    ),
)


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

_MILITARY = """
lead:
{country} [has begun|began] [moving|deploying] {troops} troops and {vehicles} armoured vehicles to [its border with|the frontier with] {country2}, {P1} said on {day}.
[The {country_adj} military|{country}'s armed forces] [launched|started] a {days}-day military exercise [code-named|called] {exercise} on {day}, [involving|with] {troops} troops [and|as well as] {aircraft} aircraft [near|close to] the border with {country2}.
[Tensions|Tension] between {country} and {country2} [rose|grew] on {day} after {country} [deployed|sent] {troops} soldiers to {border_area}, [a move|a step] {country2} [called|denounced as] [a provocation|provocative].
{country} [announced|unveiled] plans on {day} to [station|base] {troops} [additional|extra] troops [along|near] {border_area} for [at least|] {days} days, [citing|pointing to] [security concerns|what it called growing threats].
detail:
{P2} said the [troops|units] [would be|were being] [based|stationed] [about|some] {km} kilometres from the border, [and|while] [heavy artillery|air defence systems] would [remain|stay] [further back|in the rear].
The exercise [will include|includes] [live-fire drills|live firing], [river crossings|bridge-building] and [night operations|air-defence drills], [according to|said] the {org_name}.
[About|Some|Around] {reservists} reservists [have been|were] called up [to take part|for the drills], the [ministry|defence ministry] said [in a statement|in a written statement].
[Satellite images|Images] [published|released] by [a private company|an independent analysis group] [showed|appeared to show] [rows of|dozens of] [tanks|military vehicles] [parked|lined up] [near|outside] {city2}.
[Military|Army] [convoys|trucks] [were seen|had been spotted] on the [main road|motorway] [between|from] {city} [and|to] {city2} [throughout|during] {day}, [residents|local people] [said|told reporters].
{ships} [navy|naval] vessels [will|would] [also|] [take part|join the drills] [off the coast|in the waters] near {port}, [officials said|the navy said].
{P1} said the [deployment|move] was [purely|entirely] [defensive|a precaution] and [was not aimed at|did not target] [any|a particular] [country|neighbour].
[Schools|Some schools] in [villages|towns] [near|close to] the border with {country2} [switched|moved] to [online lessons|remote teaching] [as a precaution|for the duration of the drills], [local authorities said|according to local authorities].
background:
{country} and {country2} [fought|were involved in] a [brief|short] [border war|border conflict] in {bg_year} and [have|still have] [never|not] [signed|concluded] a [formal|full] peace treaty.
[Relations|Ties] between the [two neighbours|two countries] [have|had] [worsened|deteriorated] [sharply|steadily] [since|after] {bg_event}.
{country} is a member of {alliance}, which [obliges|commits] [members|its members] to [come to each other's aid|consult each other] [if attacked|in the event of an attack].
reaction:
{country2}'s foreign ministry [summoned|called in] {country}'s ambassador [on {day}|late on {day}] [to protest|to lodge a protest over] the [deployment|troop build-up].
{alliance} said it was [following|monitoring] the situation [closely|carefully] and [urged|called on] [both sides|all sides] to [avoid|refrain from] [steps|actions] that [could|might] [raise tensions|escalate the situation].
outlook:
The [exercise|drills] [are due to|will] [end|conclude] on {end_date}, [after which|and then] [some|most] of the troops [are expected to|should] return to their [bases|barracks].
[Diplomats|Analysts] [said|warned] [the coming days|the next few weeks] would show whether [either side|both sides] [was|were] [willing|prepared] to [de-escalate|step back].
quote_P1:
[These are|This is] [routine|planned] [measures|exercises] that [we|our forces] carry out [every year|regularly], and [nobody|no one] in {country2} should [see|read] [them|this] as a threat
Our [soldiers|armed forces] [near {city2}|along {border_area}] are there to [protect|defend] our [citizens|territory], [not|and not] to [attack|threaten] anyone
quote_P2:
The {troops} [troops|soldiers] [involved|taking part] are [fully|well] [prepared|equipped] and [morale|their morale] is [high|excellent]
We [will|must] be [ready|able] to [respond|react] [to any situation|to any scenario] [near {city2}|on the {country2_adj} border] within [hours|a few hours]
quote_P3:
The deployment of {troops} [troops|soldiers] is a [direct|clear] [threat|provocation] to [regional|our] security and {country2} [reserves|keeps] the right to respond
{country2} has no [hostile|aggressive] [intentions|plans], [but|and] we will not [be intimidated|accept pressure]
quote_W:
People in {wplace} [hear|can hear] the [trucks|convoys] [all night|every night]. [Everyone is nervous|Nobody can sleep properly]
I still remember {bg_year}. Nobody here wants to [live through|go through] that again
fu_lead:
{country} [said|announced] on {fu_day} that it [would|will] [begin pulling back|withdraw] [some|part] of the {troops} troops it [deployed|sent] to the border with {country2} [earlier this week|on {day}].
[Diplomats|Envoys] from {country} and {country2} [held|began] [talks|emergency talks] in a [neutral|third] country on {fu_day} [aimed at|seeking] [easing|defusing] tensions [over|after] {country}'s troop [build-up|deployment].
[More|Additional] {country_adj} troops [arrived|were moved] [near|to] the border with {country2} on {fu_day}, [bringing|taking] the total [deployed|in the area] to [about|around] {troops}, [officials said|according to officials].
fu_detail:
{P3} said on {fu_day} that {country2} [had|has] [placed|put] [its|some of its] [border units|forces near the border] on [higher|heightened] alert.
[Satellite images|New images] [taken|captured] on {fu_day} [showed|appeared to show] [field hospitals|fuel depots] [being set up|under construction] [near|close to] {city2}.
[A|The] [hotline|telephone line] between the two [defence ministries|general staffs] was [used|activated] for the first time [since {bg_year}|in years], [officials on both sides said|officials said].
fu_background:
The [build-up|deployment] began on {day}, [when|as] {country} [started|began] moving [troops|soldiers] and [armour|armoured vehicles] [towards|to] the border.
[Earlier this week|On {day}], {P1} [ordered|approved] the [deployment|move] of {troops_prev} [troops|soldiers] to {border_area}.
title:
{country} [deploys|sends] {troops} troops to {country2} border
{country} [launches|begins] {exercise} drills [near|on] {country2} border
{country2} [protests|condemns] {country_adj} troop [build-up|deployment]
[Tensions rise|Tension mounts] as {country} moves troops [to|towards] border
fu_title:
{country} and {country2} [hold talks|seek to ease tensions] [after|over] border [deployment|build-up]
{country2} puts [troops|forces] on alert [as|after] {country_adj} build-up [continues|grows]
"""


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

_PROTEST = """
lead:
[Tens of thousands|Thousands] of people [marched|took to the streets] in {city} on {day} to protest against {grievance}, in [one of|what organisers called one of] the largest demonstrations [in years|in more than a decade].
Police in {city} [used tear gas|fired tear gas] and [water cannon|stun grenades] on {day} to [disperse|break up] [protesters|demonstrators] [angry about|opposing] {grievance}, [arresting|detaining] {arrests} people.
[Protesters|Demonstrators] [filled|packed] {square} in central {city} on {day}, [chanting|waving banners] against {grievance}.
{crowd} people [joined|took part in] a [march|rally] [through|in] central {city} on {day} [against|over] {grievance}, according to police, while organisers put the [figure|number] at {crowd_org}.
detail:
[Police|The interior ministry] said {injured} officers [were|had been] [hurt|injured] [in|during] [clashes|scuffles] with [a small group|groups] of [masked|hooded] [protesters|youths] [near|outside] [the parliament building|the government headquarters].
[Organisers|The organisers] [estimated|claimed] that {crowd_org} people had [taken part|joined], [far|well] above the [police estimate|official estimate] of {crowd}.
Several shops along the [route|march route] [had boarded up their windows|stayed closed] [ahead of|in anticipation of] the [march|protest].
The [protest|march] was [organised|called] by {movement}, which has [vowed|promised] to [keep|go on] [protesting|demonstrating] [every week|every {day}] until the government [backs down|changes course].
[Public transport|Metro and bus services] in central {city} [was|were] [disrupted|suspended] [for several hours|for most of the afternoon] [as|while] [marchers|protesters] [blocked|occupied] [major roads|the main avenues].
[Many|Some] [protesters|of the marchers] [carried|held] [banners|placards] [reading|with slogans such as] "{slogan}".
[Most of the|The] [protest|march] [passed off peacefully|was peaceful], [but|although] [scuffles|clashes] [broke out|erupted] [in the evening|after dark] [when|as] police [tried to clear|moved to clear] {square}.
[Police|Officers] [detained|arrested] {arrests} people, [most of them|many of them] [for|on suspicion of] [damaging property|throwing objects at police], [a police spokesperson said|according to a police spokesperson].
background:
The government [says|argues] that {gov_argument}, [but|while] [critics|unions] [say|argue] the [plan|measure] [will|would] [hit|hurt] [ordinary|low-income] families [hardest|the most].
[Protests|Demonstrations] over {grievance_short} [have been held|have taken place] [in|across] [several|a number of] cities [over the past few weeks|since {month_prev}].
{country}'s [parliament|lower house] is [due|scheduled] to [vote on|debate] {bill} [next month|in the coming weeks|on {next_day}].
reaction:
The [government|interior ministry] [condemned|criticised] [the violence|violence by a minority of protesters], [but|while] [insisting|saying] it [respected|would respect] the right to [peaceful|] protest.
[Opposition leaders|Several opposition leaders] [joined|marched with] the [protesters|crowd] and [called on|urged] the government to [withdraw|scrap] {bill}.
outlook:
{movement} [said|announced] [it would|it plans to] [hold|stage] [another|a new] [protest|march] [on {next_day}|next week|at the weekend] [if the government refuses to negotiate|unless the government agrees to talks].
[Unions|Trade unions] have [threatened|warned of] a [general|nationwide] strike if {bill} is [passed|approved].
quote_P1:
[People|Ordinary people] in {country} are [tired|sick and tired] of [being ignored|paying for decisions made without them]. Today [they|we] showed [that enough is enough|that we are not going away]
We [will|are going to] [keep coming back|come back] to {square} [every week|again and again] until [the government listens|they listen to us]
Our [movement|protest] against {grievance_short} is [peaceful|non-violent] and [anyone who says|whoever claims] otherwise is [lying|trying to discredit us]
quote_P2:
[My officers|Police officers] [acted|responded] [with restraint|proportionately] [on {day}|in {square}] [against|towards] a [violent|small but violent] minority who [attacked|threw stones at] [them|police lines]
[Everyone|Anyone] in {city} has the right to [protest|demonstrate], but [nobody|no one] has the right to [destroy|damage] [property|shops] [or attack police|and attack officers]
quote_P3:
The [size|scale] of [this|the] [protest|march] [shows|suggests] that [discontent|frustration] [goes|runs] [well beyond|deeper than] {grievance_short}
[The government|Ministers] [misjudged|underestimated] how [angry|frustrated] people [are|had become] about {grievance_short}, and [now|] [it has|they have] [few|limited] [good|] options
quote_W:
I came to {square} with my [children|grandchildren] because [I want them to have|they deserve] a future in this country
I have [never|not once] [been to|taken part in] a [protest|demonstration] in {city} before, [but|and yet] [this time|today] I [could not|couldn't] stay at home
fu_lead:
[Protesters|Demonstrators] [returned|were back] [to|on] the streets of {city} on {fu_day} for a [second|third] [day|consecutive day], [as|while] [anger|frustration] [over|about] {grievance_short} [showed no sign of easing|continued to grow].
The {country_adj} government [offered|proposed] talks with [union leaders|protest organisers] on {fu_day} [after|following] [mass|large] [protests|demonstrations] in {city} [against|over] {grievance_short}.
A court in {city} on {fu_day} ordered {arrests_fu} of the people [arrested|detained] [during|at] the protest on {day} to be held in custody [pending trial|for 30 days].
fu_detail:
{P2} [said|told reporters] on {fu_day} that police [had|] [identified|were looking for] [several|more] [people|suspects] [suspected of|accused of] [attacking|throwing stones at] [officers|police].
[A new|Another] [poll|opinion poll] [published|released] on {fu_day} [found|showed] that {poll}% of [respondents|people] [opposed|were against] {bill}.
{movement} [rejected|dismissed] the [offer|invitation] [of talks|] [as "too little, too late"|, calling it a delaying tactic].
fu_background:
The protests [began|started] on {day}, when [crowds|thousands of people] [gathered in|marched through] {square} [and|before] [clashes|scuffles] broke out [later that evening|after dark].
title:
[Thousands|Tens of thousands] [protest|march] in {city} [against|over] {grievance_short}
Police [fire tear gas|clash with protesters] in {city}[; {arrests} arrested|]
{country}: [mass|huge] protest [against|over] {grievance_short}
[Anger|Fury] over {grievance_short} [brings|draws] {crowd} onto {city} streets
fu_title:
{city} protests [enter second day|continue] [as|while] government [offers talks|faces pressure]
{country} government [offers talks|under pressure] [after|following] mass protests
"""

_GRIEVANCES = (
    (
        "a planned increase in the retirement age",
        "pension reform",
        "the pension reform bill",
        "the pension system will run out of money without changes",
    ),
    (
        "rising rents and a shortage of affordable housing",
        "housing costs",
        "the housing bill",
        "new building rules will bring rents down over time",
    ),
    (
        "a new tax on fuel",
        "the fuel tax",
        "the fuel tax law",
        "the tax is needed to pay for public transport",
    ),
    (
        "a proposed law restricting independent media",
        "the media law",
        "the media bill",
        "the law is needed to fight disinformation",
    ),
    (
        "plans for an open-pit gold mine near {city2}",
        "the mine",
        "the mining permit",
        "the mine will bring thousands of jobs to the region",
    ),
    (
        "the closure of the main hospital in {city}",
        "the hospital closure",
        "the health budget",
        "a new regional hospital will offer better care",
    ),
    (
        "cuts to university funding",
        "education cuts",
        "the education budget",
        "the cuts are needed to balance the budget",
    ),
)
_SLOGANS = (
    "We will not pay for your mistakes",
    "Homes, not profits",
    "Our future is not for sale",
    "Hands off our pensions",
    "Listen to the street",
    "A free press is a free country",
    "Water is worth more than gold",
    "Healthcare is a right",
)


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

_RATES = """
lead:
[The|{country}'s] central bank {rate_verb} its [benchmark|key|main] interest rate by {bp} basis points to {new_rate} on {day}, [saying|as it said] [it needed|the move was needed] {reason}.
[Policymakers|Rate-setters] at the {bank_name} voted {votes_for} to {votes_against} on {day} in favour of a {bp}-basis-point {move}, [taking|bringing] the [benchmark|key] rate to {new_rate}.
{country}'s central bank [delivered|announced] a [larger-than-expected|widely expected] {move} in interest rates on {day}, [taking|bringing] its [benchmark|policy] rate from {old_rate} to {new_rate}.
The {bank_name} [moved|acted] {reason} on {day}, {rate_ing} [borrowing costs|its main rate] [for the {nth} time this year|again] [to|and setting it at] {new_rate}.
detail:
[Annual|Consumer price] inflation [stood at|was] {inflation} in {month_prev}, [compared with|against] the bank's target of {target}, [according to the statistics office|official figures show].
The {currency} {fx_verb} [by|about] {fx_move} against the dollar [after|following] the [announcement|decision], [while|and] the {index} {index_verb} {index_move}.
{votes_for} of the {board} members of the {bank_name}'s [monetary policy committee|rate-setting board] voted for the {move}, [while|and] {votes_against} [favoured|preferred] [a smaller|a more cautious] [step|move].
The bank [revised|changed] its [forecast|projection] for economic growth this year to {growth} from {growth_prev}, [citing|pointing to] [weaker exports|sluggish consumer spending|uncertainty abroad].
[Most|Many] [economists|analysts] [polled|surveyed] [by local media|before the meeting] had [expected|predicted] a [move|change] of {bp_expected} basis points.
[Mortgage|Loan] [rates|costs] for [households|homeowners] [are likely to|will probably] {mortgage_effect} [in the coming weeks|over the next few months], [lenders said|according to lenders].
{P1} said [the bank|policymakers] [saw inflation returning|expected inflation to fall back] to [its|the] target [by|only by] {target_year}.
[Core inflation|Underlying inflation], which [excludes|strips out] [food and energy|volatile food and fuel prices], [was|stood at] {core} [last month|in {month_prev}].
background:
The bank has [changed|adjusted] rates {n_moves} times since {bg_year}, as [it|policymakers] [struggled|tried] to [contain|respond to] [rising|volatile] [prices|energy and food prices].
{country}'s economy [grew|expanded] [by|] {gdp_last} last year, [slower than|down from] {gdp_prev} the year before, [according to official estimates|the statistics office said].
[Food and energy|Energy and housing] costs have [driven|pushed up] [much of|most of] the [recent|] [rise|increase] in [consumer prices|inflation].
reaction:
{P2} [said|told reporters] the government respected the central bank's independence [but|and] [hoped|expected] borrowing costs would [ease|come down] [soon|before long].
[Business groups|Employers' associations] {biz_reaction}.
outlook:
The bank's next [policy|rate-setting] meeting is [scheduled|due] [for|on] {next_meeting}, and [markets|traders] [are pricing in|expect] [a further|another] {move} [by|before] the end of the year.
{P1} [declined|refused] to [say|commit to] [whether|how much] [further|more] [moves|changes] [would|might] follow, [saying|stressing] [that|] decisions would be taken [meeting by meeting|one meeting at a time].
quote_P1:
[Our|The bank's] [job|mandate] is price stability, and with inflation at {inflation} [every|each] decision we take [is|will be] [guided|driven] by [that|the data]
We [looked|have looked] [carefully|closely] at [all the|the latest] data before [deciding on|settling on] a {bp}-basis-point {move}
We will [continue|keep] [watching|monitoring] [wages|wage growth] and the {currency} [very|] closely [over the coming months|before the next meeting]
quote_P2:
[The government|Our budget] [will|is going to] [do its part|play its role] by keeping [spending|public spending] under [control|tight control] [until|through] {target_year}
Families across {country} [are|have been] [feeling|struggling with] the [pressure|cost of living], and [we are|the government is] [working|doing everything possible] to [help|support] them
quote_P3:
The {bp}-basis-point {move} [was|came] [broadly|largely] in line with [expectations|what markets expected], [but|and] the [tone|language] of the statement [was|sounded] [more hawkish|more cautious] than [expected|before]
[We now expect|Our team expects] [rates|the key rate] to [stay|remain] at {new_rate} until [at least|] the [end|middle] of [the year|next year]
quote_W:
Every time the rate [changes|moves], my [mortgage|loan] [payment|repayment] [changes|moves] with it. With rates at {new_rate}, [it is|it's] [hard|impossible] to plan
fu_lead:
The {currency} [extended|continued] its [moves|swings] on {fu_day}, [two days|days] after the central bank's [{bp}-basis-point|surprise] {move} [to|took the rate to] {new_rate}.
[Commercial|Major] banks in {country} [began|started] [adjusting|changing] their [lending|mortgage] rates on {fu_day} [after|following] the central bank's {move} [earlier this week|on {day}].
[Minutes|The minutes] of the {bank_name}'s [meeting|latest meeting], [published|released] on {fu_day}, [showed|revealed] a [divided|split] [board|committee], with {votes_against} members [preferring|arguing for] a [different|smaller] [move|step].
fu_detail:
{n_banks} of the [largest|biggest] [lenders|banks] [said|announced] they would {mortgage_effect} their mortgage rates by [up to|] {mort_bp} basis points [from next month|from {month_next}].
[Government bond|Bond] yields [moved|shifted] [sharply|noticeably] on {fu_day}, with the [ten-year|10-year] yield [reaching|touching] {yield_10}.
{P3} said the [minutes|bank's communication] [suggested|pointed to] [another|a further] {move} [at|by] the next meeting.
fu_background:
The {bank_name} {rate_verb} [its|the] [benchmark|key] rate [to {new_rate}|by {bp} basis points] on {day}.
[On {day}|Earlier this week], [rate-setters|the central bank] [took|moved] the [policy|key] rate from {old_rate} to {new_rate}.
title:
{country} central bank {rate_verb_pres} rates to {new_rate}
{bank_name} {rate_verb_pres} key rate by {bp} basis points
{country} {rate_verb_pres} interest rates [as|with] inflation at {inflation}
[Central bank in {country} delivers|Rate-setters in {country} deliver] {bp}-point {move}
fu_title:
{country} banks [pass on|start passing on] rate {move} to [borrowers|customers]
[Split|Divided] board behind {country} rate {move}, minutes show
"""


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

_ENERGY = """
lead:
[Households|Families] in {country} will pay {tariff_rise} more for [electricity and gas|gas and electricity] from {effective}, after the {regulator} [approved|signed off on] a [new|higher] price cap on {day}.
{country}'s energy regulator [approved|agreed to] a {tariff_rise} increase in [household|domestic] energy tariffs on {day}, [adding|which will add] about {bill_rise} a year to the average bill.
The price of {fuel} in {country} [hit|reached] a record {price_new} a litre on {day}, [up from|compared with] {price_old} [a month ago|in {month_prev}], [as|while] [global oil prices|crude prices] [climbed|rose] [above|past] {oil} a barrel.
[Energy bills|Gas and electricity bills] for [millions of|about {households}] households in {country} [will rise|are set to rise] by {tariff_rise} [next month|from {effective}], the {regulator} said on {day}.
detail:
The [average|typical] household [bill|energy bill] will [rise|climb] to {bill_avg} a year, [the regulator said|according to the regulator].
{supplier}, the [country's|nation's] [largest|biggest] [supplier|energy company], [said|reported] [its|that its] [wholesale|purchasing] costs had [risen|jumped] by {wholesale}% [since the spring|since the start of the year|over the past six months].
[Petrol stations|Some filling stations] in {city} [reported|saw] [long queues|queues] [on {day}|late on {day}] as [drivers|motorists] [rushed|hurried] to [fill up|buy fuel] [before|ahead of] [further increases|another rise].
{P1} said the government would [extend|keep] [a discount|support] for [low-income|vulnerable] households [worth|of] {support} [each|per] winter.
[The increase|The rise] [affects|will affect] [about|roughly] {households} [homes|households] on [standard|regulated] tariffs, [the regulator said|according to the regulator].
[Business groups|Small firms] [said|warned] [that|] [energy costs|rising fuel prices] [now|already] [account for|make up] [as much as|up to] {cost_share}% of their [operating|running] costs.
[Diesel|The diesel price] [also rose|climbed too], [reaching|to] {diesel} a litre, [which will|a rise that will] [push up|raise] [transport|delivery] costs [for businesses|across the economy].
background:
Energy prices in {country} [have|had] [risen|climbed] [sharply|steadily] [since {bg_year}|in recent years], [when|after] [supply disruptions|a cold winter] [pushed up|drove up] [wholesale|international] gas prices.
{country} [imports|buys] [most of|about {import_share}% of] its gas [from abroad|from {country2}], [leaving|which leaves] it [exposed|vulnerable] to [swings|changes] in [global|world] prices.
The price cap [was introduced|was first set] in {bg_year} to [protect|shield] [consumers|households] from [sudden|sharp] [rises|increases] in [bills|energy costs].
reaction:
[Consumer groups|Campaigners] [said|warned] the [rise|increase] would [push|force] [more|thousands more] families into [fuel poverty|energy debt] [this winter|over the winter].
[Opposition parties|The opposition] [called for|demanded] a [windfall|special] tax on [energy company profits|the profits of energy suppliers] to [fund|pay for] [help|support] for [households|consumers].
outlook:
The {regulator} [will|is due to] [review|set] the [cap|price cap] again in {review_month}, [and|while] [analysts|market analysts] [expect|predict] [prices|bills] to [stay|remain] [high|elevated] [into next year|for months].
[Ministers|The government] [are|is] [expected|due] to [announce|unveil] [further|new] [support|help] for [households|consumers] [in the budget|before winter].
quote_P1:
We [know|understand] [how hard|how difficult] a {tariff_rise} rise [is|will be] for [families|households], [which|and that] is why [our support|the discount] [will continue|stays in place]
[The government|We] cannot [control|set] [world|global] [energy prices|gas prices], but [we can help|{country} will protect] [those who need it most|the most vulnerable]
quote_P2:
Our wholesale costs have [risen|gone up] by {wholesale}%, [far|much] faster than [our|the] prices, and we [cannot|can't] [absorb|carry] [that|the difference] [forever|indefinitely]
We [urge|encourage] every customer [who is struggling|who is worried about paying] to call {supplier} [early|as soon as possible]
quote_P3:
A {tariff_rise} rise is [a|another] [blow|hammer blow] [to|for] [families|households] [already|who are already] [struggling|stretched] [to pay their bills|by rising costs]
[Energy companies|Suppliers] like {supplier} [are|have been] [making|reporting] [record|huge] profits while [customers|ordinary people] [pay|are paying] the [price|bill]
quote_W:
[We|My husband and I] already [turn|switch] the heating off [at night|during the day]. With bills at {bill_avg}, I [do not|don't] know where else we [can|could] [save|cut back]
I [run|drive] a [delivery van|taxi] in {wplace}, so every [cent|rise] at the pump [comes|goes] [straight|directly] out of my [pocket|earnings]
fu_lead:
[Thousands of|Many] [households|customers] [contacted|called] [energy suppliers|their suppliers] on {fu_day} [to ask about|seeking help with] [payment plans|their bills] [after|following] the {regulator}'s [decision|announcement] [earlier this week|on {day}].
The {country_adj} government [announced|unveiled] [extra|new] support for [households|families] on {fu_day}, [days|two days] after the [regulator|energy regulator] [approved|allowed] a {tariff_rise} rise in [energy bills|tariffs].
fu_detail:
[Under the new plan|Under the package], [eligible|low-income] households will [receive|get] {support} [towards|off] their [bills|energy bills] [this winter|over the winter].
{supplier} [said|told reporters] [that|] [calls to|contacts with] its [helpline|customer service] had [doubled|risen sharply] [since {day}|this week].
[The cost|The cost of the package] [is estimated at|will be] {package} [, the finance ministry said|, according to the finance ministry].
fu_background:
The {regulator} [approved|allowed] the {tariff_rise} [increase|rise] on {day}, [citing|blaming] [higher|soaring] wholesale prices.
title:
{country} energy bills to rise {tariff_rise} from {effective}
[Regulator approves|Green light for] {tariff_rise} [energy price rise|rise in energy bills] in {country}
{fuel} price hits record {price_new} a litre in {country}
[Households face|Families brace for] {bill_rise} rise in energy bills
fu_title:
{country} [unveils|announces] [help|support] for households after energy price rise
[Calls flood|Customers swamp] energy helplines [after|as] {country} bills rise
"""


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

_COURT = """
lead:
A court in {city} [sentenced|jailed] {D} to {years} years in prison on {day} for {charge_ing} {amount} [from|through] {scheme}, [ending|concluding] a trial that [lasted|ran for] {trial_months} months.
{D} was [found guilty|convicted] of {charge} on {day} and [sentenced|jailed] for {years} years, [in one of|in what prosecutors called one of] the [biggest|largest] corruption cases in {country}'s [recent|] history.
The {court} on {day} [convicted|found guilty] {D} of {charge} [linked to|over] {scheme}, [ordering|and ordered] {D.last} to [serve|spend] {years} years [in prison|behind bars] and [pay|repay] {fine}.
[Judges|A panel of judges] in {city} [handed|gave] {D} a {years}-year prison [sentence|term] on {day} [after finding|having found] that {D.last} had [siphoned off|diverted] {amount} [through|from] {scheme}.
detail:
[Prosecutors|The prosecution] had [sought|asked for] {years_sought} years, [arguing|saying] [that|] {D.last} [had|] [abused|exploited] [a position of trust|public office] [for personal gain|to enrich associates].
{codef} [co-defendants|other defendants], [including|among them] [a former deputy|two former] [ministry officials|civil servants], [received|were given] [sentences|prison terms] of [between|from] {codef_lo} [and|to] {codef_hi} years.
The court [also|] ordered the [confiscation|seizure] of [property|assets] [worth|valued at] {seized}, [including|among them] [a villa|two apartments] [near|in] {city2} and [a yacht|several cars].
{D.last}, who [denied|has denied] [all|the] charges, [showed no emotion|remained silent] [as|while] the [verdict|sentence] was [read out|announced], [witnesses|reporters in the courtroom] said.
[During|Over the course of] the trial, [more than|some] {witnesses} witnesses [gave evidence|testified], [including|among them] [former colleagues|business partners] [of the defendant|of {D.last}].
{P1} said the [evidence|documents] [showed|proved] a [pattern|scheme] of [false invoices|inflated contracts] [stretching|running] [over|across] [several|{scheme_years}] years.
[Investigators|Auditors] [first|initially] [uncovered|detected] the [scheme|irregularities] in {bg_year} [during|after] a routine [audit|inspection] of [public|state] [contracts|spending].
background:
{D.last} [served|was] {role_desc} [between|from] {served_from} [and|to] {served_to} and was [long|once] [seen|regarded] as [a rising star|an influential figure] in {country_adj} politics.
[The case|The trial] [has|had] [attracted|drawn] [intense|wide] [public|media] [interest|attention] in {country}, where [corruption|graft] [remains|is still] a [major|serious] [concern|problem] [for voters|for many voters].
{country} [set up|created] [a special|an independent] anti-corruption [court|prosecutor's office] in {bg_year} [under pressure from|at the urging of] [foreign donors|international lenders].
reaction:
[Anti-corruption campaigners|Transparency activists] [welcomed|hailed] the verdict as [a signal|a sign] that [powerful people|senior officials] [could|can] [no longer|not] [escape|avoid] [justice|punishment].
[Supporters of|Allies of] {D.last} [gathered|protested] [outside|in front of] the [court|courthouse], [describing|calling] the [case|trial] [as|] [politically motivated|a political vendetta].
outlook:
{D.last}'s [lawyers|defence team] have {appeal_days} days to [appeal|file an appeal], [and|] {P3} said [an appeal|one] would be [filed|lodged] [within|in] [days|the coming days].
The prosecutor's office [said|indicated] [it|that it] [was considering|would consider] [appealing|an appeal] [against|over] the [length|leniency] of the [sentence|prison term].
quote_P1:
The court [has|] found that the defendant [acted|behaved] [deliberately|knowingly] and [over|across] {scheme_years} years, [causing|inflicting] [serious|great] [damage|harm] to the [state|public purse]
[Holding|The holding of] public office [brings|carries] [a special|a higher] [duty|responsibility], and [the defendant|{D.last}] [betrayed|failed] [it|that duty]
quote_P2:
[Today's|This] verdict [shows|proves] that [nobody|no one] in {country} is above the law, [no matter how|however] [powerful|well connected] [they are|]
We [followed|traced] the [money|payments] [through|across] [dozens of|{shell_n}] [companies|shell companies] and [the evidence|the paper trail] [was|proved] [overwhelming|conclusive]
quote_P3:
[My client|Our client] is innocent and [this verdict|the ruling] [ignores|disregards] [key|crucial] [evidence|facts]. We will [appeal|file an appeal] within {appeal_days} days
The trial of {D.last} was [political|politically motivated] from [the very beginning|day one], and [we|the defence] [will|intend to] [prove|show] [it|that] on appeal
quote_W:
[They|People like that] [took|stole] {amount} [meant|intended] for [roads|schools] and hospitals in {city}. [Finally|At last] someone [pays|is paying] for it
fu_lead:
{D}'s [lawyers|defence team] [filed|lodged] an appeal on {fu_day} against the {years}-year prison sentence [handed down|imposed] [by|at] the {court} [earlier this week|on {day}].
[Prosecutors|Investigators] in {country} [opened|launched] [a new|a fresh] [investigation|inquiry] on {fu_day} into [contracts|deals] [signed|awarded] [by|under] {D}, [days|two days] after {D.last} was [jailed|convicted] for {charge}.
fu_detail:
[The appeal|The defence appeal] [argues|claims] that the [trial court|judges] [ignored|failed to consider] [evidence|documents] [showing|that showed] [that|] {D.last} [had|] [not|never] [signed|approved] the [contracts|payments].
[The new inquiry|The fresh investigation] [covers|concerns] {new_contracts} contracts [worth|valued at] {new_amount}, [the prosecutor's office said|according to the prosecutor's office].
{P2} said [more|further] [arrests|charges] [were|are] [possible|likely] [as|while] [investigators|detectives] [examined|went through] [bank records|financial records].
fu_background:
{D.last} was [convicted|found guilty] on {day} of {charge} [and|] [sentenced|jailed] for {years} years.
title:
[Former {role_short}|Ex-{role_short}] {D.last} jailed for {years} years [over|for] {charge}
{country}: {D.last} [convicted|found guilty] in {amount} [graft|corruption] case
[Court|Judges] [jail|sentence] {D.last} to {years} years [for|over] {charge}
{years} years [in prison|behind bars] for {D.last} [over|in] {scheme_short} [scandal|case]
fu_title:
{D.last} [appeals|lodges appeal against] {years}-year [sentence|jail term]
[New|Fresh] [probe|inquiry] into contracts [signed|awarded] by jailed {D.last}
"""

_CASES = (
    ("embezzlement", "embezzling", "inflated road-building contracts", "road contract"),
    ("taking bribes", "taking", "kickbacks on hospital equipment purchases", "hospital kickback"),
    ("fraud and money laundering", "laundering", "a network of shell companies", "shell company"),
    ("abuse of office", "diverting", "rigged tenders for school buildings", "school tender"),
    ("embezzlement and forgery", "stealing", "fake invoices for flood defences", "flood defence"),
)
_OFFICES = (
    ("transport minister", "the country's transport minister", "minister"),
    ("mayor", "mayor of {city}", "mayor"),
    ("deputy health minister", "deputy health minister", "deputy minister"),
    ("head of the state roads agency", "head of the state roads agency", "agency chief"),
    ("regional governor", "governor of {region_name}", "governor"),
)


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

_HEALTH = """
lead:
Health authorities in {country} [declared|announced] [an outbreak|an epidemic] of {disease} in {region} on {day} after {cases} cases were [confirmed|recorded] [in|over] {weeks_n} weeks, [most of them|many of them] among {group}.
{country} [has recorded|recorded] {cases} cases of {disease} [since|in the period since] {month_prev}, {P1} said on {day}, [announcing|as officials announced] a [mass|nationwide] vaccination campaign.
[Hospitals|Children's wards] in {city} [were|are] [under strain|struggling to cope] [after|as] [an outbreak|a surge] of {disease} [sent|put] {hospitalised} people [to hospital|into hospital] [in recent weeks|this month], [officials said|the {institute} said] on {day}.
[An outbreak|A rapid spread] of {disease} in {region} has [killed|claimed the lives of] {deaths} people and [infected|sickened] [at least|more than] {cases}, the {institute} said on {day}.
detail:
[Of|Among] the {cases} [confirmed|recorded] cases, {hospitalised} [people|patients] [needed|required] [hospital treatment|treatment in hospital], [according to|said] the {institute}.
[Vaccination coverage|The vaccination rate] in {region} [has fallen|dropped] to {vacc}%, [well below|far below] the {vacc_target}% [experts say is needed|needed] to [prevent|stop] outbreaks.
[The ministry|Health officials] [said|announced] [that|] {doses} [doses|vaccine doses] [had been|were being] [sent|delivered] to [clinics|health centres] [in|across] the region.
[Schools|{schools} schools] in {city} [were told|have been asked] to [check|verify] [pupils'|children's] vaccination records, [officials in {city2} said|the {institute} said|according to {P1}].
[Mobile|Pop-up] vaccination [teams|clinics] [will|are to] [visit|travel to] [villages|remote areas] where health services are [limited|scarce].
[Doctors|Medical staff] at {hospital} said [that|] [beds|isolation beds] [were|had been] [full|almost full] [by|on] {day}, [forcing|and they had been forced] [them|] to [postpone|delay] [routine|planned] [operations|surgery].
[The first|The earliest] [cases|infections] [were traced|were linked] to [a school|a wedding|a market] in {city2} [in|at the end of] {month_prev}, [investigators said|according to epidemiologists].
background:
[Vaccination|Immunisation] [rates|levels] in {country} [have|had] [fallen|declined] since {bg_year}, [as|when] [health services|clinics] [were disrupted|came under strain] and [mistrust|scepticism] [grew|spread] [online|on social media].
{country}'s last [major|large] outbreak of {disease} [was|came] in {bg_year}, [when|and] {bg_cases} people [were infected|fell ill].
[Health|Medical] [unions|workers] have [long|repeatedly] [warned|complained] of [staff shortages|underfunding] [in|at] [rural|regional] [hospitals|clinics].
reaction:
[Opposition politicians|Parents' groups] [accused the health ministry of reacting too slowly|criticised the government for responding too late] to [early|the first] [warnings|cases].
[Neighbouring|Nearby] {country2} [said|announced] [it was|that it was] [stepping up|increasing] [checks|health screening] [at|on] [border crossings|the border].
outlook:
{P1} said the [vaccination|immunisation] [campaign|drive] would [run|continue] [until|through] {campaign_end} and [aimed|was intended] to [reach|cover] {target_people} people.
[Experts|Epidemiologists] [warned|said] [that|] [cases|the number of cases] [could|may] [keep rising|continue to rise] for [several|a few] [weeks|more weeks] [before|until] the [campaign takes|vaccinations take] effect.
quote_P1:
[Vaccines are safe and they save lives|Vaccination is safe and it saves lives]. I [urge|ask] every [parent|family] in {region} to [check|look at] their [children's|child's] records
We are [sending|deploying] all the [staff|resources] we [have|can] to {region}, and [no one|nobody] will be left without [treatment|care]
quote_P2:
Our [staff|nurses and doctors] at {hospital} [are|have been] working [double shifts|around the clock]. We [need|urgently need] [more|extra] [beds|staff] [now|right now]
[Most of|Nearly all] the [patients|children] we [are treating|see] in {city} had not been vaccinated, [and|so] [this|it] [was|is] [entirely|largely] [preventable|avoidable]
quote_P3:
{disease_cap} is [one of|among] the most [contagious|infectious] diseases we know, [and|so] even [small|slight] [gaps|drops] in [coverage|vaccination] can lead to [outbreaks|flare-ups]
[The next|The coming] [two|few] weeks will [show|tell us] [whether|if] [the campaign|the response] in {region} [is|has been] [fast|quick] enough
quote_W:
My [son|daughter] [was|had been] [ill|sick] for [a week|ten days] before we [got|could get] [a bed|an appointment] at {hospital}. [It was|It's been] [terrifying|frightening]
fu_lead:
[The number of|Confirmed] {disease} cases in {country} [rose|climbed] to {cases} on {fu_day}, [the {institute} said|health officials said], [as|while] the vaccination campaign [expanded|was extended] to [more|further] regions.
[More than|Over] {vaccinated_new} people [were|had been] vaccinated [against|for] {disease} in {region} [since|by] {fu_day}, [days|three days] after [authorities|the government] [declared|announced] an outbreak.
fu_detail:
[The death toll|The number of deaths] [rose|increased] to {deaths}, [most of them|including] [young children|elderly people], [officials said|the ministry said].
[Queues|Long queues] [formed|built up] [outside|at] [clinics|vaccination centres] in {city} on {fu_day}, [with some|and some] [parents|families] [waiting|queueing] [for hours|for more than three hours].
The {institute} said [the rate of new cases|new infections] [appeared|seemed] to be [slowing|levelling off] in {city} but [rising|still rising] in [rural|outlying] [areas|districts].
fu_background:
[The outbreak|Authorities] [was declared|declared the outbreak] on {day} [after|when] {cases_prev} cases [had been|were] [confirmed|recorded].
title:
{country} declares {disease} outbreak [in {region}|as cases reach {cases}]
{disease_cap} [outbreak strains|cases overwhelm] hospitals in {city}
{cases} {disease} cases [prompt|trigger] [vaccination drive|mass vaccination] in {country}
[Deadly|Fast-spreading] {disease} outbreak [kills|claims] {deaths} in {region}
fu_title:
{country} {disease} cases rise to {cases} [as vaccination drive expands|amid vaccine queues]
[Queues at clinics|Vaccine queues] as {country} [battles|fights] {disease} outbreak
"""

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

_SPACE = """
lead:
{country} [launched|sent] {payload} into orbit on {day}, [with|as] a {rocket} rocket [lifting off|blasting off] from {site} [shortly after|just before] {launch_time} local time.
The {agency} [successfully|] [launched|put] {payload} [into orbit|into space] on {day}, [the agency said|officials said], [a milestone|marking a milestone] for [the country's|{country}'s] [space programme|ambitions in space].
A {rocket} rocket [carrying|with] {payload} [lifted off|blasted off] from {site} on {day}, [and|before] the [satellite|spacecraft] [separated|detached] from the [upper stage|rocket] [about|some] {minutes} minutes later.
{country}'s {mission} mission [got under way|began] on {day} when {payload} [was launched|took off] [aboard|on] a {rocket} rocket, [the {agency} said|according to the {agency}].
detail:
The [satellite|spacecraft], which [weighs|has a mass of] [about|roughly] {mass} kilograms, [will|is due to] [operate|circle the Earth] at [an altitude|a height] of {orbit_km} kilometres.
[Mission controllers|Ground controllers] in {city} [confirmed|reported] that [the|its] solar panels had [deployed|unfolded] and that the craft was [sending|returning] [data|signals].
The [mission|project] [cost|has cost] [about|around] {cost} and [is expected|is designed] to [last|run] [for|at least] {years} years, [the agency said|according to the agency].
[Engineers|The team] [spent|took] {build_years} years [building|developing] the [spacecraft|satellite], [which|and it] [carries|has] {instruments} [scientific|onboard] instruments.
[Data|Images] from the {mission} [mission|satellite] will be [used|shared] to {purpose}, [officials said|the agency said].
The launch of the {rocket} had been [delayed|postponed] [twice|{delays} times], [first because of bad weather and then|most recently] because of a [fault|technical problem] [with|in] [a fuel valve|the launch pad's cooling system|a ground computer].
[Crowds gathered on|Hundreds of people watched from] [beaches|hills] [near|around] {site} [to see the launch|as the rocket rose], [local media reported|according to local media].
background:
{country} [set up|created] the {agency} in {bg_year} and has [since|] launched {prev_launches} [satellites|spacecraft] [of its own|on its own rockets].
[The|A] {previous_attempt} in {prev_year} [failed|ended in failure] [when|after] [the rocket|its upper stage] [malfunctioned|broke up] [shortly after|minutes after] [launch|lift-off].
[Several|A number of] [countries|governments] in the region [are|have been] [expanding|investing in] [their space programmes|satellite programmes] [to|as they seek to] [monitor|watch] [crops, weather and borders|their territory and climate].
reaction:
{country}'s [president|prime minister] [congratulated|praised] the [team|engineers] [in a post|in a message] on social media, [calling the launch|describing the launch as] [a moment of national pride|a historic day].
[Scientists|Researchers] [abroad|at foreign universities] [welcomed|praised] the [mission|launch], [saying|and said] [its|the] data [could|would] [help|benefit] [climate research|weather forecasting].
outlook:
[The|Its] [first|initial] [images|data] [are expected|should arrive] [within|in] {weeks_n} weeks, [after|once] [engineers|controllers] [finish|complete] [tests|checks] [of the instruments|on board].
The {agency} [plans|is planning] [another|its next] launch [in|for] {next_launch}, [which will carry a second satellite|when a larger payload is due to go into orbit].
quote_P1:
[Today|This] is a [historic|proud] day for {country} and for [every engineer|all the engineers] who [made it possible|worked on this mission]
With {payload} in orbit, [we have|we've] [joined|entered] a [small|select] group of [countries|nations] that can [build|design] and [launch|fly] their own [satellites|spacecraft]
quote_P2:
The [separation|deployment] [after {minutes} minutes|at minute {minutes}] was [textbook|perfect], and every one of the {instruments} instruments we have checked [so far|until now] is working [normally|as expected]
We [held|were holding] our breath for {minutes} minutes. [When|As soon as] the signal [came|arrived], the room [erupted|burst into applause]
quote_P3:
[This|The mission] [gives|will give] [scientists|researchers] in {country} [data|measurements] they [simply|just] did not have before
[For a|For such a] [young|small] [space programme|agency] like {country}'s, [this|the launch] is [a remarkable|an impressive] [achievement|result]
fu_lead:
The {agency} [released|published] the first [images|pictures] [taken|sent back] by {payload} on {fu_day}, [days|two days] after its launch from {site}.
[Engineers|Controllers] [completed|finished] [tests|checks] of {payload} on {fu_day} and [began|started] [raising|adjusting] its orbit, the {agency} said.
fu_detail:
The [images|first pictures] [show|showed] [the coastline|farmland] [near|around] {city} [in|at] a [resolution|detail] of [about|roughly] {resolution} metres.
[All|Each of the] {instruments} instruments [passed|completed] [their|the] [first|initial] [tests|checks], [the agency said|according to the agency].
[The spacecraft|The satellite] [will|is to] [reach|climb to] its [final|working] orbit [within|in] {weeks_n} weeks [after|following] [a series of|several] engine [burns|firings].
fu_background:
{payload_cap} was launched on {day} [from|at] {site} [aboard|on] a {rocket} rocket.
title:
{country} [launches|puts] {payload} into orbit
{rocket} rocket [lifts off|blasts off] with {country_adj} {payload_short}
{country}'s {mission} mission [begins|lifts off] [from|at] {site_short}
[Historic|Successful] launch for {country} space programme
fu_title:
{country} [satellite|spacecraft] [sends back|beams back] first [images|pictures]
{mission} mission: first [tests|checks] [completed|go well]
"""

_PAYLOADS = (
    (
        "an Earth-observation satellite",
        "Earth-observation satellite",
        "monitor crops, floods and forest fires",
    ),
    ("a weather satellite", "weather satellite", "improve storm warnings and weather forecasts"),
    (
        "a communications satellite",
        "communications satellite",
        "bring internet access to remote villages",
    ),
    ("a small space telescope", "space telescope", "study distant stars and galaxies"),
    ("a lunar orbiter", "lunar orbiter", "map the surface of the Moon"),
)


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

_SPORT = """
lead:
{home} [beat|defeated] {away} {score} [at|in front of a crowd of {attendance} at] {stadium} on {day}, [moving|climbing] to {position} in {league}.
{P3} scored [twice|two goals] as {home} [came from behind|fought back] to [beat|overcome] {away} {score} on {day}, [keeping|boosting] their [hopes|chances] of {prize}.
{home} [earned|secured] a {score} [win|victory] over {away} at {stadium} on {day}, [thanks to|helped by] [a late goal|a {minute_late}-minute winner] from {S2}.
[A crowd of|] {attendance} [spectators|fans] [saw|watched] {home} [beat|see off] {away} {score} on {day} in {league}, [a result|a win] that [lifted|took] [them|the club] to {position}.
detail:
{away} [had taken|took] the lead [in|after] the {minute_a} minute through {A1}, who [fired|shot] [low|high] into the [corner|net] [from|at] [the edge of the area|close range].
{P3} [equalised|levelled the score] [shortly before|just after] half-time [with a header|from a corner|with a volley], [the striker's|a] {season_goals} goal of the season.
{S2} [scored|struck] the [winner|decisive goal] in the {minute_late} minute, [curling|driving] [a shot|the ball] [past|beyond] the [goalkeeper|keeper] [from|at] [20 metres|an angle].
{away} [finished|ended] the match with ten men after {A2} was [sent off|shown a red card] [for|after] [a second yellow card|a late tackle] [in|with] {minutes_left} minutes [left|remaining].
The [win|result] [means|leaves] {home} [on|with] {points} points from {games} games, {gap} [clear of|ahead of|behind] {rival}.
{away} [have|had] [now|] [lost|failed to win] {losing_run} [matches|games] in a row, [putting|increasing] pressure on {P2}.
[The|{day}'s] [match|game] was [delayed|held up] [for|by] [about|] {delay_min} minutes [in the second half|before kick-off] [after|when] [fans|supporters] [threw flares|set off smoke bombs] [on to the pitch|in the stands].
background:
{home} [last won {league} in|have not won {league} since] {last_title} and [were|had been] [tipped|widely expected] to [struggle|finish mid-table] [this season|at the start of the season].
{P1} [took charge|was appointed] [in|last] {appointed_month} [after|following] a [poor|difficult] run [of results|] [that|which] cost the previous coach [the job|their job].
[The two|Both] clubs [have|share] a [long|fierce] rivalry [dating back|going back] [decades|more than half a century], [and|while] [tickets|seats] [for the match|] [sold out|were sold out] [within hours|in days].
reaction:
[Supporters|Fans] [celebrated|partied] [in|on] the streets [of|around] {home_city} [late into the night|until the early hours], [local media reported|according to local media].
{away} [said|announced] [it would|that it would] [complain to|lodge a complaint with] the league [about|over] the [refereeing|red card].
outlook:
{home} [travel|play away] to {next_opp} [next|on] {next_day}, [while|and] {away} [host|welcome] {rival} [in|at] [a match|a game] [they|the club] [can not|cannot] [afford|risk] to lose.
[The league|The disciplinary committee] [is expected to|will] [review|examine] [the incident|the crowd trouble] [next week|in the coming days].
quote_P1:
[I am|I'm] [proud|so proud] of [the players|the team]. [We never stopped|The team never stopped] believing, even [after|when] {A1.last} [scored|put {away} ahead]
[We|The team] [showed|had] [real|great] character [today|tonight]. [But|And] [there is|there's] [still|a lot of] work to do [before|ahead of] {next_opp}
quote_P2:
We [were|played] [well|the better side] for [an hour|long spells] [at {stadium}|against {home}], but [mistakes|two mistakes] [cost|killed] us. [That|It] [hurts|is painful]
I [accept|take] [responsibility|the blame] for [the|this] {score} defeat. [The players|My players] [need|deserve] [better|more] from me [and|as] [I will|I'll] [fix|change] it
quote_P3:
[The|That] [goal|winner] was for [the fans|our supporters] in {home_city}. [They|The crowd] [pushed|carried] us [all|] the way
[I|We] [just|] [tried|wanted] to [keep|stay] calm [in|inside] the [box|area]. {P1.last} [told|had told] [me|us] [the chance|chances] would come
quote_W:
I have [been coming|come] to {stadium} for {w_years} years and [that|this] was [one of|among] the [best|greatest] nights [I can remember|of my life]
fu_lead:
{league} [opened|launched] [disciplinary|] proceedings against {away} on {fu_day} [over|after] [crowd trouble|fan disorder] [during|at] [the|their] {score} defeat [by|to] {home} [earlier this week|on {day}].
{home} [confirmed|announced] on {fu_day} that {P3} [would|will] [miss|be out for] [several|{weeks_n}] weeks [with|because of] [a hamstring|an ankle] injury [picked up|suffered] [against|in the win over] {away}.
fu_detail:
[The club|{away}] [could|may] [face|be hit with] a [fine|penalty] [of up to|up to] {fine} [or|and] [a partial|] stadium closure, [league officials said|according to the league].
[Scans|Medical tests] [showed|revealed] [a|] [strain|tear], [the club said|according to the club], [ruling|which rules] the player out of [the|next week's] [match|game] against {next_opp}.
{P2} [was|had been] [sacked|dismissed] [by|] {away} [on {fu_day}|this week], [the club|{away}] [said|confirmed] [in a statement|on its website].
fu_background:
{home} [beat|won against] {away} {score} [at|in] {stadium} on {day}.
title:
{home} [beat|edge] {away} {score} to [climb|move] to {position_short}
{P3.last} [double|brace] [helps|sends] {home} past {away}
[Late|Dramatic] {S2.last} [winner|goal] [gives|hands] {home} {score} [win|victory] over {away}
{away} [beaten {score} at|fall {score} to] {home}[ as pressure grows on {P2.last}|]
fu_title:
{league_h} [charges|opens case against] {away} over [crowd trouble|fan disorder]
{home} [without|to be without] {P3.last} for [weeks|several weeks] [after|with] injury
"""


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

_BREACH = """
lead:
{company} said on {day} that hackers had [stolen|accessed] the personal data of [about|roughly] {users} customers, [including|among them] {data_types}, in [one of|what experts called one of] the [largest|biggest] breaches in {country}'s history.
[Personal details|The personal data] of {users} [customers|users] of {company} [were|have been] [exposed|leaked] in a [cyberattack|hack] [that|which] went [undetected|unnoticed] for {detect_days} days, the company [said|admitted] on {day}.
{country}'s data protection [regulator|watchdog] [opened|launched] an investigation into {company} on {day} after the [company|firm] [disclosed|revealed] [that|] {users} [customer records|accounts] had been [compromised|stolen].
[Shares in|Shares of] {company} [fell|dropped] {share_drop} on {day} after the [company|firm] [confirmed|revealed] a [data breach|cyberattack] [affecting|that affected] {users} [customers|users].
detail:
The [stolen|leaked] data [includes|included] {data_types}, [but|although] {company} [said|insisted] [payment card|bank] details [were|had been] [stored separately|encrypted] and were not [affected|taken].
[The attackers|Hackers] [got in|gained access] [through|via] [a compromised password|a flaw in] [belonging to a supplier|third-party software] [used|relied on] by the company, [according to|said] {P1}.
[A group|A criminal group] [calling itself|known as] {gang} [claimed|has claimed] responsibility [on|in] a [post|message] on a [dark web|hidden] [forum|site] and [demanded|asked for] a ransom of {ransom}.
The {regulator} [can|could] [fine companies|impose fines] of up to 4% of their [annual|global] [turnover|revenue] for [serious|major] [breaches|failures to protect data].
{company} said it had [reset|forced a reset of] [all|customer] passwords and [hired|brought in] [an outside|a specialist] [security firm|cybersecurity firm] to [investigate|examine] the [attack|breach].
[Customers|Users] [began|started] [receiving|getting] [suspicious|fake] [text messages|emails] [asking|that asked] them to [confirm|update] their [details|bank details] [within hours of|soon after] the [announcement|disclosure].
The company [has|had] [about|some] {customers_total} customers [in|across] {country} and [several|{markets}] [other|neighbouring] [countries|markets].
background:
{company} [is|was] [one of|among] the [largest|biggest] [technology|digital services] [companies|firms] in {country}, [employing|with a workforce of] [about|some] {employees} [staff|people].
[Cyberattacks|Ransomware attacks] on [companies|businesses] [and|as well as] [public bodies|hospitals] in {country} [have|had] [risen|increased] [sharply|steadily] [since|over the years since] {bg_year}, [according to|government figures show,] [the national cybersecurity centre|official data].
{country} [tightened|strengthened] its data protection [law|rules] in {bg_year}, [requiring|forcing] [companies|firms] to [report|disclose] breaches [within|in] {report_hours} hours.
reaction:
[Consumer groups|Customer associations] [said|announced] they [were preparing|would prepare] a [class action|collective lawsuit] [on behalf of|for] [affected|victims of the breach] [customers|].
[Lawmakers|Several lawmakers] [demanded|called for] [that|] {P1.last} [appear|testify] before [a parliamentary committee|parliament] to [explain|account for] [the delay|why the breach went unnoticed].
outlook:
The {regulator} said [its|the] [investigation|inquiry] [could|may] take [several|many] months, [and|while] {company} [said|promised] [to|it would] [contact|write to] [every|all] affected [customer|customers] [by|before] {next_day}.
[Security researchers|Experts] [warned|said] [the|that the] [stolen|leaked] data [could|might] [be used in|fuel] [phishing|fraud] [campaigns|scams] [for months|for years] to come.
quote_P1:
We [deeply|sincerely] [regret|apologise for] [what happened|this incident] and [the worry|the concern] it [has caused|is causing] our {users} [customers|users]
[We|Our teams] [are|have been] working [around the clock|day and night] to [secure|protect] {company}'s [systems|network] and [to|] [support|help] [everyone|every customer] affected
quote_P2:
[Companies|Firms] like {company} that [hold|collect] the personal data of [millions of people|so many people] [have|bear] a [duty|legal duty] to [protect|keep] it [safe|secure]
[We will look closely at|Our investigation will examine] [why|how] [this|the breach] [went|remained] [undetected|unnoticed] for {detect_days} days
quote_P3:
Every {company} customer should [assume|expect] that [scammers|criminals] [will|are going to] [try|attempt] to [use|exploit] this [data|information]. [Be|Stay] [suspicious|careful] of [any|unexpected] [calls|messages]
{detect_days} days is [a very long time|far too long] for [an intruder|attackers] to go unnoticed in a [network|system] [of this size|like this]
quote_W:
I [got|received] [three|several] [text messages|emails] [claiming to be from {company}|that looked like they came from {company}] [asking|telling me] to [confirm|update] my [bank details|card number]. [Now|So] I [know|understand] why
fu_lead:
{company} [said|confirmed] on {fu_day} that [the number of|] [customers|users] affected by [the|last week's|this week's] [breach|data breach] [was higher|had risen] [than first thought|], [at|to] {users}.
{company} chief executive {P1.full} [resigned|stepped down] on {fu_day}, [days|two days] after the [company|firm] [disclosed|revealed] a [data breach|cyberattack] [affecting|that affected] {users_prev} customers.
fu_detail:
[The revised|The new] [figure|total] [includes|covers] {extra_users} [former|inactive] [customers|accounts] [whose|with] data [had been|was still] [stored|kept] on the [affected|compromised] servers.
[Police|Investigators] [said|confirmed] [they|that they] [were working|had been working] with [partners abroad|foreign police forces] to [trace|identify] the [attackers|hackers].
[Shares|The company's shares] [fell|dropped] [another|a further] {share_drop2} on {fu_day}, [bringing|taking] [their|the] [losses|decline] [since|this week since] the [disclosure|announcement] to {share_total}.
fu_background:
{company} [first|initially] [disclosed|revealed] the [breach|attack] on {day}, [saying|and said] the [data|records] of {users_prev} customers had been [taken|stolen].
title:
{company} [hack|breach] exposes data of {users} [customers|users]
Hackers steal [data|personal data] of {users} {company} customers
{country} [regulator|watchdog] [probes|investigates] {company} [over|after] [data breach|cyberattack]
{company} [shares fall|shares slide] {share_drop} after [data breach|cyberattack]
fu_title:
{company} [breach|data breach] [bigger|worse] than first [thought|reported], affecting {users}
{company} [boss|chief executive] [quits|resigns] over [data breach|cyberattack]
"""


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

_STRIKE = """
lead:
[Train drivers|Rail workers] in {country} [walked out|went on strike] on {day} in a [dispute|row] over pay, [cancelling|forcing the cancellation of] [about|around] {cancelled}% of [train services|trains] and [disrupting|affecting] [travel|journeys] for {passengers} passengers.
A {hours}-hour rail strike [brought|left] [much of|large parts of] {country}'s [train network|rail network] [to a standstill|at a standstill] on {day}, [as|after] {union} [rejected|turned down] a pay offer of {offer}%.
[Commuters|Passengers] in {city} [faced|endured] [crowded|packed] [buses|platforms] and [long queues|traffic jams] on {day} as a strike by {union} [halted|cancelled] [most|nearly all] [train services|trains] [across the country|nationwide].
[Most|Nearly all] [trains|rail services] [between|linking] {city} and {city2} [were|had been] [cancelled|suspended] on {day}, the [first|{nth}] day of a strike [called|organised] by {union} over [pay|wages] and [working conditions|rosters].
detail:
{union} [is demanding|wants] a [pay rise|wage increase] of {demand}% [to|in order to] [keep up with|match] inflation, [while|but] {operator} has [offered|proposed] {offer}% [over|spread across] two years.
{operator} said [only|just] {running} [trains|services] [would run|were running] [on {day}|during the strike], [mostly|mainly] on [main|intercity] [lines|routes] [around|near] {city}.
[Freight|Goods] [trains|traffic] [were|was] also [affected|hit], with [ports|factories] warning of [delays|disruption] to [deliveries|supply chains] [in the coming days|for days].
[Roads|Motorways] [into|around] {city} [were|became] [jammed|congested] [from|before] [early morning|dawn] [as|while] [commuters|drivers] [switched|turned] to [cars|driving], [police said|according to traffic police].
[Schools|Some universities] in {city} [moved|switched] [classes|lectures] [online|to remote learning] [for the day|during the strike] [because|as] [pupils|students] [could not|were unable to] [travel|get in].
[Picket lines|Pickets] [formed|were set up] [outside|at] [the main stations|{city} Central station] [from|before] [5 a.m.|dawn], with [strikers|union members] [handing out|distributing] [leaflets|flyers] to [passengers|travellers].
The strike [is|was] the {nth} [walkout|stoppage] [by rail workers|on the railways] since {month_start}.
background:
[Rail|Railway] workers' [pay|wages] [has|have] [fallen|lagged] [behind|far behind] [inflation|the cost of living] [since|over the years since] {bg_year}, [according to|the union says, citing] [the union|official data].
{operator} [is|remains] [state-owned|majority state-owned] and has been [losing money|running at a loss] [for|over] [several|{loss_years}] years, [partly|in part] [because of|due to] [falling passenger numbers|rising energy costs].
The government [plans|has proposed] [a law|legislation] [requiring|that would require] [a minimum level of service|minimum service levels] [during|on] strike days, [a move|which] [unions|union leaders] [say|argue] [would|will] [undermine|restrict] the right to strike.
reaction:
[Business groups|Retailers] [said|estimated] the strike [cost|was costing] the economy [about|roughly] {cost_day} [a day|per day], [with|and] [shops|restaurants] [in|across] {city} [reporting|seeing] [fewer|far fewer] [customers|visitors].
[Passenger groups|Commuter associations] [urged|called on] [both sides|the union and the company] to [return to talks|resume negotiations] [and|to] [end|stop] the [disruption|strikes].
outlook:
{union} [has|had] [announced|called] [further|more] [strikes|walkouts] [for|on] {next_strike} if no [deal|agreement] is [reached|struck] [by then|before then].
[Talks|Negotiations] [between|involving] the union and {operator} are [due|scheduled] to [resume|restart] on {next_day}, with a [government|state] mediator [taking part|present].
quote_P1:
[Our members|Rail workers] have not had a real pay rise [in years|for a decade]. [Nobody|No one] at {operator} [wants|likes] to strike, but we [have|were left with] no [other|] choice
[The offer|What {operator} offered] is [an insult|a pay cut in real terms], and [our members|the members] [rejected|voted it down] [by|with] [a large|an overwhelming] majority
quote_P2:
[I understand|The government understands] [the|people's] [frustration|anger], but [strikes|these strikes] [hurt|punish] {passengers} passengers who [have nothing to do with|are not part of] [this dispute|the dispute]
[The door|Our door] [is|remains] open. [I|We] [urge|call on] {union} to [return to|come back to] the [table|negotiating table]
quote_P3:
We have [made|put forward] a [fair|reasonable] offer of {offer}% [within|in line with] what [we can afford|the company can afford]. [Any|A bigger] [rise|increase] would [mean|require] [higher|raising] [fares|ticket prices]
We [apologise|are sorry] to [passengers|our customers] for the [disruption|inconvenience] [on {day}|this {day}] and [advise|ask] [them|people] to [check|look up] their trains before they travel
quote_W:
It took me [three|nearly three] hours to get into {city} [this morning|today]. I [support|understand] the workers, but [this|it] [cannot|can't] go on [for weeks|like this]
fu_lead:
{union} and {operator} [reached|agreed] a [tentative|provisional] [deal|agreement] on {fu_day} [to end|ending] the [rail strike|pay dispute] [that|which] [halted|paralysed] [trains|services] across {country} [earlier this week|on {day}].
[Train services|Rail services] in {country} [returned|were slowly returning] to normal on {fu_day} [after|following] the [strike|walkout], [although|but] {operator} [warned|said] [some|several] [routes|lines] would [remain|stay] [disrupted|limited] [until|into] {next_day}.
fu_detail:
[Under the deal|Under the proposed agreement], [workers|drivers] [would|will] [receive|get] a {deal_pct}% [rise|pay rise] [this year|from {month_next}] [and|plus] a [one-off|single] payment of {bonus}.
[Union members|Members of {union}] [will|are to] [vote|ballot] on the [offer|deal] [over|within] the [next|coming] {ballot_days} days, [the union said|according to the union].
{operator} said [that|] [about|roughly] {running_pct}% of [services|trains] [were|had been] [running|operating] [by|on] {fu_day} [afternoon|evening].
fu_background:
[The strike|The walkout] [began|started] on {day} [and|,] [cancelled|wiping out] [about|around] {cancelled}% of [services|trains] [across|nationwide in] {country}.
title:
Rail strike [halts|paralyses] trains across {country}
{country} rail workers strike over pay, {cancelled}% of trains cancelled
[Commuter chaos|Travel chaos] in {city} as [train drivers|rail workers] walk out
{union_short} [rejects|turns down] {offer}% offer[, strikes|; trains halted]
fu_title:
[Deal reached|Tentative deal] [to end|in] {country} rail strike
[Trains return|Services resume] [after|following] {country} rail strike
"""


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

_ELECTION = """
lead:
{party_a} [won|came first in] {country}'s parliamentary election on {day} with {pct_a}% of the vote, [according to the electoral commission|preliminary results showed], [but|though] [fell short of|failed to win] a majority.
[Voters|Voters in {country}] [handed|gave] {party_a} [a clear victory|victory] in {day}'s [general|parliamentary] election, [with the party winning|as it took] {seats_a} of the {seats_total} seats [in parliament|in the assembly].
{party_a}, led by {P1}, [was|is] [set|on course] to [form|lead] the next government in {country} after [winning|taking] {pct_a}% of the vote in {day}'s election, with {counted}% of ballots counted.
[Turnout|Voter turnout] [reached|rose to] {turnout}% in {country}'s election on {day}, [as|while] {party_a} [defeated|beat] {party_b}, the [governing|ruling] party, by [about|some] {margin} [percentage|] points.
detail:
{party_b}, [led by|under] {P2}, [won|took] {pct_b}% [and|of the vote and] {seats_b} seats, [its|the party's] [worst|weakest] result since {worst_since}.
[A majority|An outright majority] [requires|needs] {majority} seats, [meaning|so] {party_a} [will|would] [need|have to find] [a coalition partner|partners] [to govern|to form a government].
{party_c} [came|finished] third with {pct_c}%, [making it|which could make it] [a possible|a likely] [kingmaker|coalition partner] [in|during] [coalition talks|negotiations].
Turnout was {turnout}%, [compared with|against] {turnout_prev}% at the [last|previous] election in {prev_election}, [the commission said|according to the commission].
[Observers|International observers] from [the regional Council of Neighbouring States|{observer_n} countries] said the vote was [largely|generally] [free|orderly], [though|but] they [noted|reported] [cases of|] [vote-buying|irregularities] [in some districts|in rural areas].
[In|Across] {city}, {party_a} [won|took] [about|nearly] {pct_city}% [of the vote|], [while|and] {party_b} [held on to its strongholds|kept its support] in [rural areas|the countryside].
[Queues|Long queues] [formed|built up] [outside|at] [polling stations|voting centres] in {city} [in the morning|before they opened], [and|while] [some|several] [stations|polling stations] [stayed open|remained open] [late|after the official closing time].
background:
{party_b} [had|has] [governed|ruled] {country} [since|for {years_power} years, since] {prev_power_year} [and|but] [saw|had seen] its [support|popularity] [fall|slide] [amid|because of] [rising prices|corruption scandals].
{P1}, a former {p1_job}, [founded|took over] {party_a} in {party_year} and [campaigned|ran] on [promises|a pledge] to [fight corruption|cut taxes|rebuild public services].
The election [was|had been] [called|brought forward] [early|a year early] after the [collapse|break-up] of the [previous|outgoing] [coalition|government] in {month_prev}.
reaction:
{P2} [conceded|admitted] defeat [late on {day}|in a speech to supporters], [saying|and said] [the party|{party_b}] would [lead|go into] [the opposition|opposition] [with|] [dignity|responsibility].
[Supporters|Thousands of supporters] of {party_a} [celebrated|gathered] [outside|in front of] [the party's headquarters|party headquarters] in {city}, [waving|with] [flags|party flags] [and|] [setting off|letting off] [fireworks|flares].
outlook:
[Official|Final] results [are expected|will be published] [within|in] [a week|{final_days} days], [after which|and then] the president [will|is due to] [ask|invite] [the winning party|{P1.last}] to [form|try to form] a government.
[Coalition talks|Negotiations on a coalition] [could|may] [take|last] [weeks|several weeks], [analysts said|according to analysts], [given|because of] the [fragmented|divided] [parliament|result].
quote_P1:
[Tonight|Today] [the people of {country}|voters in {country}] [have|] [chosen|voted for] [change|a new direction]. [We|Our party] will [not|never] [let them down|betray their trust]
[This|The] [victory|result] [belongs|goes] to [every citizen of {country}|all the people of {country}] who [believed|never stopped believing] that [things|this country] could [be different|change]
quote_P2:
We [accept|respect] the [voters'|people's] [decision|verdict]. {party_b_h} will [learn from|draw lessons from] [this|the] [result|defeat] and [come back|return] stronger
[The|Our] [campaign|message] did not [reach|convince] enough voters [in {city}|outside {city}], and I take [full|] responsibility [for that|]
quote_P3:
[Voting|The vote] [went|passed off] [smoothly|without major incident] in [most|the vast majority of] polling stations [across {country}|in {city} and elsewhere], and [all|the] complaints [will|are to] be [examined|investigated]
quote_W:
I [voted|came out to vote] because [young people|our children] in {wplace} need [jobs|work]. Nothing else matters [as much|to me]
fu_lead:
{party_a} [began|opened] coalition talks with {party_c} on {fu_day}, [days|two days] after [winning|coming first in] {country}'s election [with|on] {pct_a}% of the vote.
The electoral commission [published|confirmed] [final|official] results of {country}'s election on {fu_day}, [confirming|showing] {party_a} [won|had won] {seats_a} seats [and|while] {party_b} [took|won] {seats_b}.
fu_detail:
[Both|The two] [parties|sides] [said|reported] [the|their] [first|initial] [meeting|round] [had been|was] [constructive|positive], [but|although] [differences|gaps] [remain|remained] [over|on] [taxes|the budget] and [energy policy|pensions].
[The commission|Election officials] [rejected|dismissed] [most of|] [the|] {complaints} complaints [filed|lodged] [by|on behalf of] [parties|losing parties], [saying|and said] [they|the cases] [would not|could not] [change|alter] the [result|outcome].
{P2} [announced|said] [that|] [they|the outgoing leader] would [step down|resign] as [leader|party leader] [of {party_b}|] [once|after] a successor [is|was] chosen.
fu_background:
{party_a} [won|came first in] the election on {day} with {pct_a}% of the vote.
title:
{party_a_h} [wins|tops] {country} election [but|and] [falls short of|misses] majority
{country} [election|vote]: {P1.last}'s party [takes|wins] {pct_a}%
{country} [votes out|ousts] {party_b_h} [in|after] [election|bitter campaign]
{party_a_h} [wins|claims] {seats_a} seats in {country} [election|parliament]
fu_title:
{party_a_h} [opens|starts] coalition talks [after|following] {country} election win
[Final|Official] results confirm {party_a_h} [win|victory] in {country}
"""


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
_FALLBACK = {
    "lead": ("lead",),
    "fu_lead": ("fu_lead",),
    "detail": ("detail", "quote", "background"),
    "fu_detail": ("fu_detail", "detail", "quote"),
    "quote": ("quote", "detail", "reaction"),
    "wquote": ("wquote", "quote", "detail"),
    "background": ("background", "reaction", "detail"),
    "fu_background": ("fu_background",),
    "reaction": ("reaction", "quote", "background"),
    "outlook": ("outlook", "reaction"),
}
_BODY_KINDS = (
    "detail",
    "detail",
    "quote",
    "background",
    "quote",
    "reaction",
    "detail",
    "wquote",
    "background",
    "quote",
    "reaction",
    "detail",
)
_FU_BODY_KINDS = (
    "fu_detail",
    "fu_detail",
    "quote",
    "fu_background",
    "detail",
    "quote",
    "reaction",
    "background",
    "wquote",
    "detail",
)


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

_FILLER_SUBJECTS = (
    "City council",
    "Regional airport",
    "New museum",
    "Farmers' market",
    "Youth orchestra",
    "Harbour authority",
    "Water utility",
    "Public library",
    "University researchers",
    "Tourism board",
    "School board",
    "Zoo",
    "Local bakery",
    "Cycling club",
    "Film festival",
    "Hospital volunteers",
    "Street food fair",
    "Botanical garden",
    "Ferry operator",
)
_FILLER_PREDICATES = (
    "unveils plans for new waterfront park",
    "reports record visitor numbers",
    "delays opening until spring",
    "wins national design award",
    "seeks volunteers for summer",
    "names new director",
    "cuts weekend opening hours",
    "marks 50th anniversary",
    "launches free evening classes",
    "asks residents for feedback on bus routes",
    "welcomes first rare panda cubs",
    "raises prices for the first time in a decade",
    "opens night market in the old town",
    "moves to a bigger home",
    "plants 2,000 trees",
)


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
_SUBHEADINGS = (
    "What happens next",
    "Background",
    "Reaction",
    "What we know so far",
    "The numbers",
    "Why it matters",
    "A long history",
)
TEMPLATES = ("classic", "modern", "agency", "tabloid", "farm")


def date_banner(when: datetime) -> str:
    """The "• Tue. Jan 11th, 2022" banner many WordPress news themes show."""
    suffix = _ord(when.day)[-2:]
    return f"• {when:%a}. {when:%b} {when.day}{suffix}, {when.year}"


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _a(text: str) -> str:
    return html.escape(text, quote=True)


def _links(rng: random.Random, site: Site, k: int) -> str:
    items = []
    for headline in related_headlines(rng, k):
        items.append(
            f'<li><a href="https://{site.domain}/news/{_slug(headline)}.html">'
            f"{_e(headline)}</a></li>"
        )
    return "\n".join(items)


def _nav(site: Site, cls: str) -> str:
    links = "".join(f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in _SECTIONS)
    return f'<nav class="{cls}"><ul><li><a href="/">Home</a></li>{links}</ul></nav>'


def _body_html(report: Report, rng: random.Random, *, subheading: bool, ads: bool) -> str:
    parts = []
    sub_at = len(report.paragraphs) // 2 if subheading and len(report.paragraphs) > 4 else -1
    for i, para in enumerate(report.paragraphs):
        if i == sub_at:
            parts.append(f"<h2>{_e(rng.choice(_SUBHEADINGS))}</h2>")
        parts.append(f"<p>{_e(para)}</p>")
        if ads and i in (1, 4):
            parts.append('<div class="ad-slot" data-ad="inarticle">Advertisement</div>')
    return "\n".join(parts)


def _head(report: Report, site: Site, sep: str, extra: str = "") -> str:
    desc = _a(report.paragraphs[0][:160])
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(report.title)} {sep} {_e(site.name)}</title>
<meta name="description" content="{desc}">
<meta property="og:type" content="article">
<meta property="og:title" content="{_a(report.title)}">
<meta property="og:site_name" content="{_a(site.name)}">
<meta property="og:url" content="{_a(report.url)}">
<link rel="canonical" href="{_a(report.url)}">
<meta property="article:published_time" content="{report.published.isoformat()}">
<meta property="article:section" content="{_a(report.section.title())}">
{extra}</head>"""


def _byline(report: Report) -> str:
    return f"By {_e(report.author)}" if report.author else "Staff reporter"


def _classic(report: Report, site: Site, rng: random.Random, boiler: bool) -> str:
    year = report.published.year
    chrome = (
        f"""<div class="also-read"><strong>ALSO READ:</strong><ul>
{_links(rng, site, 3)}
</ul></div>
<div class="sharedaddy"><h3 class="sd-title">Share this:</h3><ul>
<li><a class="share-facebook" href="#">Facebook</a></li><li><a class="share-x" href="#">X</a></li>
<li><a class="share-whatsapp" href="#">WhatsApp</a></li><li><a class="share-email" href="#">Email</a></li>
</ul></div>"""
        if boiler
        else ""
    )
    aside = (
        f"""<aside id="secondary" class="widget-area">
<section class="widget widget_recent_entries"><h3 class="widget-title">Related</h3><ul>
{_links(rng, site, 5)}
</ul></section>
<section class="widget newsletter"><h3 class="widget-title">Newsletter</h3>
<p>Get the day's top stories in your inbox every morning.</p>
<form><input type="email" placeholder="Your email address"><button>Subscribe</button></form>
</section></aside>
<div id="cookie-notice" role="dialog">We use cookies to improve your experience and to show
personalised adverts. By continuing you agree to our cookie policy. <button>Accept</button></div>
<div id="wpcp-error-message" class="msgmsg-box-wpcp hideme">error: Content is protected !!</div>"""
        if boiler
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(report, site, "–")}
<body class="post-template-default single single-post">
<div class="top-bar"><span class="date-banner">{date_banner(report.published)}</span>
<span class="top-links"><a href="/about/">About us</a> <a href="/contact/">Contact</a></span></div>
<header class="site-header"><a class="site-title" href="/">{_e(site.name)}</a>
{_nav(site, "main-navigation")}</header>
<div class="breadcrumbs"><a href="/">Home</a> » <a href="/{report.section}/">{report.section.title()}</a> » <span>{_e(report.title)}</span></div>
<main id="primary" class="site-main">
<article id="post-{rng.randint(10000, 99999)}" class="post type-post status-publish">
<header class="entry-header"><span class="cat-links"><a href="/{report.section}/">{report.section.title()}</a></span>
<h1 class="entry-title">{_e(report.title)}</h1>
<div class="entry-meta"><span class="byline">{_byline(report)}</span>
<time class="entry-date published" datetime="{report.published.isoformat()}">{report.published:%B %d, %Y}</time></div>
</header>
<div class="entry-content">
{_body_html(report, rng, subheading=False, ads=False)}
</div>
{chrome}
</article>
</main>
{aside}
<footer class="site-footer"><p>Copyright © {year} {_e(site.name)}. All rights reserved.</p>
<p>Powered by WordPress | Theme: Newsline by Example Themes.</p></footer>
</body>
</html>
"""


def _modern(report: Report, site: Site, rng: random.Random, boiler: bool) -> str:
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
        f'"headline":{_json_str(report.title)},"datePublished":"{report.published.isoformat()}",'
        f'"publisher":{{"@type":"Organization","name":{_json_str(site.name)}}}}}</script>\n'
    )
    extras = (
        f"""<section class="share-bar" aria-label="Share"><button>Share</button>
<a href="#">Facebook</a><a href="#">X</a><a href="#">LinkedIn</a><a href="#">Copy link</a></section>
<section class="related-stories"><h3>Related</h3><ul>
{_links(rng, site, 4)}
</ul></section>
<section class="newsletter-signup"><h3>Sign up for The Briefing</h3>
<p>The stories that matter, every weekday at 7am.</p><input type="email"><button>Sign up</button></section>
<div class="consent-banner">This site uses cookies. <a href="/privacy/">Manage settings</a> <button>Accept all</button></div>"""
        if boiler
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(report, site, "|", ld)}
<body>
<div id="__next"><header class="masthead"><div class="logo"><a href="/">{_e(site.name)}</a></div>
<span class="today">{date_banner(report.published)}</span>
{_nav(site, "primary-nav")}</header>
<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/{report.section}/">{report.section.title()}</a></li></ol>
<main><article data-component="article" class="story">
<h1 class="story-headline">{_e(report.title)}</h1>
<div class="story-meta"><span class="author">{_byline(report)}</span>
<time datetime="{report.published.isoformat()}">{report.published:%d %B %Y, %H:%M} UTC</time></div>
<div class="article-body">
{_body_html(report, rng, subheading=True, ads=False)}
</div>
{extras}
</article></main>
<footer class="site-footer"><nav><a href="/about/">About</a> <a href="/privacy/">Privacy</a> <a href="/terms/">Terms</a></nav>
<p>© {report.published.year} {_e(site.name)} Media Ltd. All rights reserved.</p></footer></div>
</body>
</html>
"""


def _agency(report: Report, site: Site, rng: random.Random, boiler: bool) -> str:
    extras = (
        f"""<p class="credits">Reporting by {_e(report.author or "staff")}; editing by the {_e(site.name)} desk</p>
<div class="standards"><a href="/standards/">Our standards: how we report the news</a></div>
<div class="more"><h4>More from {_e(site.name)}</h4><ul>
{_links(rng, site, 3)}
</ul></div>
<div class="cookie-bar">We and our partners use cookies. <button>OK</button></div>"""
        if boiler
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(report, site, "|")}
<body class="wire">
<header><a href="/" class="brand">{_e(site.name)}</a> <span class="date">{date_banner(report.published)}</span>
{_nav(site, "wire-nav")}</header>
<div class="crumbs"><a href="/">Home</a> / <a href="/{report.section}/">{report.section.title()}</a></div>
<article>
<h1>{_e(report.title)}</h1>
<p class="byline">{_byline(report)} | {report.published:%B %d, %Y %I:%M %p} UTC</p>
{_body_html(report, rng, subheading=False, ads=False)}
{extras}
</article>
<footer><p>All quotes delayed a minimum of 15 minutes. © {report.published.year} {_e(site.name)}.</p></footer>
</body>
</html>
"""


def _tabloid(report: Report, site: Site, rng: random.Random, boiler: bool) -> str:
    extras = (
        f"""<div class="share-row"><span>SHARE</span> <a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a> <a href="#">Email</a></div>
<div class="comments-count">{rng.randint(3, 480)} comments</div>
<div class="inline-also"><b>ALSO READ:</b> <a href="#">{_e(related_headlines(rng, 1)[0])}</a></div>
<section class="most-read"><h3>MOST READ</h3><ol>
{_links(rng, site, 5)}
</ol></section>
<section class="newsletter"><h3>Don't miss a thing</h3><p>Sign up to our free daily newsletter.</p>
<input type="email" placeholder="Enter email"><button>Sign me up</button></section>
<div class="cookie-popup">We care about your privacy. We and our partners store cookies on your device. <button>I agree</button></div>"""
        if boiler
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(report, site, "|")}
<body class="tabloid">
<div class="ad-slot leaderboard">Advertisement</div>
<header><div class="brand"><a href="/">{_e(site.name.upper())}</a></div><div class="dateline">{date_banner(report.published)}</div>
{_nav(site, "menu")}</header>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/{report.section}/">{report.section.title()}</a> › News</div>
<article class="article">
<h1>{_e(report.title)}</h1>
<div class="meta">{_byline(report)} · Published {report.published:%H:%M, %d %b %Y}</div>
{_body_html(report, rng, subheading=True, ads=boiler)}
{extras}
</article>
<footer><p>© {report.published.year} {_e(site.name)}. Part of Example Media Group. All rights reserved.</p></footer>
</body>
</html>
"""


def _farm(report: Report, site: Site, rng: random.Random, boiler: bool) -> str:
    extras = (
        f"""<div class="tags">Tags: <a href="#">breaking news</a> <a href="#">{report.section}</a> <a href="#">latest</a></div>
<div class="also"><strong>Also read:</strong><ul>
{_links(rng, site, 4)}
</ul></div>
<div class="gnews">Follow us on Google News for the latest updates.</div>
<div class="share">Share: Facebook | X | Telegram | WhatsApp</div>
<div class="you-may-like"><h4>You may like</h4><ul>
{_links(rng, site, 6)}
</ul></div>
<div id="cookie">This website uses cookies. <button>Got it</button></div>
<div class="protect">error: Content is protected !!</div>"""
        if boiler
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{_head(report, site, "-")}
<body class="single farm">
<div class="ticker"><span>{date_banner(report.published)}</span> <span>Breaking: {_e(related_headlines(rng, 1)[0])}</span></div>
<header><h2 class="site-name"><a href="/">{_e(site.name)}</a></h2>
{_nav(site, "nav")}</header>
<div class="crumbs"><a href="/">Home</a> » <a href="/{report.section}/">{report.section.title()}</a></div>
<article class="post">
<h1 class="post-title">{_e(report.title)}</h1>
<div class="post-meta">{_byline(report)} | {report.published:%B %d, %Y} | {rng.randint(2, 9)} min read</div>
{_body_html(report, rng, subheading=rng.random() < 0.5, ads=boiler)}
{extras}
</article>
<footer><p>Copyright © {report.published.year} {_e(site.name)} | All Rights Reserved.</p></footer>
</body>
</html>
"""


def _json_str(text: str) -> str:
    """A JSON string literal safe to embed in a <script> block."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("</", "<\\/")
    return f'"{escaped}"'


_RENDERERS: dict[str, Callable[[Report, Site, random.Random, bool], str]] = {
    "classic": _classic,
    "modern": _modern,
    "agency": _agency,
    "tabloid": _tabloid,
    "farm": _farm,
}


def render_html(
    report: Report, *, template: str | None = None, extra_boilerplate: bool = True
) -> str:
    """The full page a news site would serve for the report (template defaults to the site's)."""
    site = site_info(report.site)
    rng = random.Random(report.url)  # same page every time for the same report
    return _RENDERERS[template or site.template](report, site, rng, extra_boilerplate)


def render_rss(reports: Sequence[Report], *, site: str, base_url: str) -> bytes:
    """An RSS 2.0 feed of the reports; links on https://{site} are rebased onto base_url."""
    base = base_url.rstrip("/")
    prefix = f"https://{site}"

    def link(url: str) -> str:
        return base + url[len(prefix) :] if url.startswith(prefix) else url

    items = []
    for r in reports:
        url = link(r.url)
        items.append(
            "<item>"
            f"<title>{xml_escape(r.title)}</title>"
            f"<link>{xml_escape(url)}</link>"
            f'<guid isPermaLink="true">{xml_escape(url)}</guid>'
            f"<pubDate>{format_datetime(r.published.astimezone(UTC), usegmt=True)}</pubDate>"
            f"<description>{xml_escape(r.paragraphs[0])}</description>"
            + (f"<author>{xml_escape(r.author)}</author>" if r.author else "")
            + "</item>"
        )
    name = site_info(site).name
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{xml_escape(name)}</title><link>{xml_escape(base)}/</link>"
        f"<description>Latest news from {xml_escape(name)}</description><language>en</language>"
        + "".join(items)
        + "</channel></rss>\n"
    )
    return doc.encode("utf-8")
