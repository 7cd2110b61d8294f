"""Bytes to text, once for every page and feed: BOM, then valid UTF-8, then the declared charset,
then charset_normalizer's guess. Web pages, archive pages and feeds all decode here, so one page
gives one text whichever way it arrived."""

from __future__ import annotations

import codecs
import re

import charset_normalizer


def decode_body(content: bytes, content_type: str | None = None) -> str:
    """Text of a page or feed body, right even when the declared charset is wrong.

    A byte-order mark wins, then UTF-16 recognised by its high bytes. Then UTF-8 wins over a
    declared single-byte charset when the bytes are UTF-8 (pages declared ISO-8859-1 but written
    in UTF-8 are common, and real Latin-1 or cp1251 text is practically never valid UTF-8), even
    with a few broken sequences: those become U+FFFD and the rest of the page keeps its letters.
    Else, of the declared charset (the Content-Type header, else a <meta> or XML declaration)
    when it decodes the bytes, charset_normalizer's guess, Windows-1252, Windows-1251 and UTF-8
    with replacement characters, the reading with the fewest mojibake marks (the declared one
    on a tie).
    """
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    declared = _codec(_charset_param(content_type) or _sniffed_charset(content[:4096]))
    wide = _utf16_order(content[:4096])
    if declared and declared.startswith("utf-16") and not wide and 0 not in content[:4096]:
        declared = None  # UTF-16 markup has a zero byte in every other place; this has none
    if wide and (declared is None or not declared.startswith("utf-32")):
        return content.decode(wide, errors="replace")
    wide_label = declared is not None and declared.startswith(("utf-16", "utf-32"))
    as_utf8, good, broken = _utf8_reading(content)
    # Mostly UTF-8 (at least 20 good multi-byte characters per broken sequence) is UTF-8:
    # text in a single-byte charset has next to no valid multi-byte sequences.
    if not wide_label and good >= 20 * broken:
        return as_utf8
    if declared in ("utf-16", "utf-32"):
        # No byte-order mark: the byte order whose text has fewer characters ending in a zero
        # byte (ASCII read the wrong way round becomes U+3C00, U+6800, ...).
        orders = [content.decode(f"{declared}-{o}", errors="replace") for o in ("be", "le")]
        return min(orders, key=lambda text: sum(1 for ch in text if ord(ch) & 0xFF == 0))
    if wide_label:
        return content.decode(str(declared), errors="replace")
    # The declared charset if it reads cleanly, charset_normalizer's guess, the two 8-bit
    # charsets of most web pages and UTF-8 with replacement characters: the reading with the
    # fewest mojibake marks wins, the declared one on a tie (a lying label decodes "cleanly"
    # into nonsense; a guess over mostly-ASCII text with a few Western bytes can land on Big5).
    # Each valid multi-byte UTF-8 sequence (`good`) is a letter any 8-bit reading garbles.
    strict = _strict(content, declared)
    readings = [] if strict is None else [(strict, good)]
    guess, guessed = _guess(content)
    if guess is not None:
        readings.append((guess, 0 if guessed == "utf_8" else good))
    eight_bit = ("cp1252", "cp1251", *(("utf-16-le", "utf-16-be") if 0 in content else ()))
    readings += [(content.decode(c, errors="replace"), good) for c in eight_bit]
    # Declared UTF-8 but for a few bad bytes: one mark (U+FFFD) each.
    readings.insert(0 if declared == "utf-8" else len(readings), (as_utf8, 0))
    return min(readings, key=lambda r: len(mojibake_marks(r[0])) + r[1])[0]


def _strict(content: bytes, declared: str | None) -> str | None:
    """The bytes in the declared charset, None if undeclared or they do not decode in it."""
    if declared is None:
        return None
    # WHATWG: a "latin-1" label means windows-1252; it only fails on five unused bytes.
    for candidate in ("cp1252", "latin-1") if declared == "latin-1" else (declared,):
        try:
            return content.decode(candidate)
        except UnicodeDecodeError:
            continue
    return None


def _guess(content: bytes) -> tuple[str | None, str | None]:
    """charset_normalizer's reading of the bytes and its codec, if it has one. Among readings
    as clean as its best (chaos within 0.05), the charset most used on the web wins: on short
    Western text it ranks Mac Central European or cp1250 level with windows-1252."""
    # Not preemptive: a <meta> label it would trust first may be the lie being checked.
    results = list(charset_normalizer.from_bytes(content, preemptive_behaviour=False))
    if not results:
        return None, None
    best = min(results, key=lambda m: m.chaos)
    ties = [m for m in results if m.chaos <= best.chaos + 0.05]
    common = [m for m in ties if m.encoding in _WEB_RANK]
    chosen = min(common, key=lambda m: _WEB_RANK[m.encoding]) if common else results[0]
    return str(chosen), chosen.encoding


# Charsets of web pages, most used first (W3Techs' survey order, by Python codec name).
_WEB_RANK = {
    name: rank
    for rank, name in enumerate(
        (
            "utf_8",
            "cp1252",
            "latin_1",
            "cp1251",
            "koi8_r",
            "shift_jis",
            "euc_jp",
            "gb2312",
            "gb18030",
            "euc_kr",
            "big5",
            "iso8859_15",
            "cp1250",
            "iso8859_2",
            "cp1256",
            "cp1254",
            "cp1253",
            "cp1255",
            "cp1257",
            "cp874",
            "koi8_u",
        )
    )
}


def _utf8_reading(content: bytes) -> tuple[str, int, int]:
    """The bytes read as UTF-8 with replacement characters, its valid multi-byte characters
    and its broken sequences (one U+FFFD each; a U+FFFD written in the bytes is not broken)."""
    text = content.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    broken = replaced - content.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - replaced
    return text, good, broken


def _utf16_order(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark, told by its high bytes: in every other place they take
    one or two values (0 for ASCII, 4 for Cyrillic, ...), where the other places, and every
    place of an 8-bit charset, take many."""
    pairs = len(head) // 2
    if pairs < 16:
        return None
    even, odd = head[0 : 2 * pairs : 2], head[1 : 2 * pairs : 2]
    if _narrow(odd) and not _narrow(even) and odd.count(0) >= pairs * 0.05:
        return "utf-16-le"
    if _narrow(even) and not _narrow(odd) and even.count(0) >= pairs * 0.05:
        return "utf-16-be"
    return None


def _narrow(column: bytes) -> bool:
    """Whether two byte values make up nine tenths of `column`."""
    counts = sorted((column.count(b) for b in set(column)), reverse=True)
    return sum(counts[:2]) >= len(column) * 0.9


# Mojibake: text decoded with the wrong charset. UTF-8 read as cp1252/Latin-1 ("Ã©", "Ð°") or
# as cp1251 ("Р°", "СЃ"); cp1251 read as Latin-1 (runs of accented capitals and letters no
# language strings together: "Àëìàòû"); KOI8-R and cp1251 read as each other (a lower-case
# Cyrillic letter followed by a capital inside a word: "юКЛЮРЩ"); Latin letters fused with
# Cyrillic ("fьr"), a CJK character ("work杘n": CJK text puts Latin words beside its own, but
# not one lone character after them) or box drawing ("company▓s"); U+FFFD and NUL (UTF-16
# read as 8-bit).
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00d0\u00d1][\u0080-\u00bf\u0152-\u0178\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
    "|[\u0420\u0421][\u0402-\u040f\u0452-\u045f\u0490\u0491\u00a0-\u00bf\u2013-\u2122]"
    "|[\u00c0-\u00ff]{4,}"
    "|[\u0430-\u044f\u0451][\u0410-\u042f\u0401]"
    "|[a-zA-Z][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z]"
    "|[a-zA-Z][\u3400-\u9fff\uac00-\ud7af](?![\u3000-\u303f\u3400-\u9fff\uac00-\ud7af\uff00-\uffef])"
    "|[a-zA-Z\u0400-\u04ff][\u2500-\u259f]|[\u2500-\u259f][a-zA-Z\u0400-\u04ff]"
    "|[\ufffd\x00]"
)


def mojibake_marks(text: str) -> list[str]:
    """The stretches of `text` that read as a wrong-charset decoding (empty when none do)."""
    # One accented letter repeated ("Ääää", "ööööö") is someone shouting, not a wrong charset.
    return [m for m in _MOJIBAKE.findall(text) if len(m) < 4 or len(set(m.lower())) > 1]


# Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]+)""", re.I)


def _charset_param(content_type: str | None) -> str | None:
    match = _CHARSET_PARAM.search(content_type or "")
    return match.group(1) if match else None


def _sniffed_charset(head: bytes) -> str | None:
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", errors="replace") if match else None


def _codec(label: str | None) -> str | None:
    """Python's canonical codec name for a charset label; latin-1 and ASCII as "latin-1"."""
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "latin-1" if name in {"iso8859-1", "latin-1", "ascii", "cp1252"} else name
