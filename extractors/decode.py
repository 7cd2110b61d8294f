"""Bytes to text, once for every page and feed: BOM, then valid UTF-8, then the declared charset,
then charset_normalizer's guess. Web pages, archive pages and feeds all decode here, so one page
gives one text whichever way it arrived."""

from __future__ import annotations

import codecs
import re

import charset_normalizer


def decode_body(content: bytes, content_type: str | None = None) -> str:
    """Text of a page or feed body, right even when the declared charset is wrong.

    A byte-order mark wins. Then valid UTF-8 wins over a declared single-byte charset: pages
    declared ISO-8859-1 but written in UTF-8 are common, and real Latin-1 or cp1251 text with
    non-ASCII letters is practically never valid UTF-8. Then the declared charset (the
    Content-Type header, else a <meta> or XML declaration) if the bytes decode cleanly with
    it; then charset_normalizer's best guess; last, UTF-8 with replacement characters.
    """
    for bom, encoding in BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    declared = _codec(_charset_param(content_type) or _sniffed_charset(content[:4096]))
    if declared is None or not declared.startswith(("utf-16", "utf-32")):
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if declared is not None:
        # WHATWG: a "latin-1" label means windows-1252; it only fails on five unused bytes.
        for candidate in ("cp1252", "latin-1") if declared == "latin-1" else (declared,):
            try:
                return content.decode(candidate)
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(content).best()
    if best is not None:
        return str(best)
    return content.decode("utf-8", errors="replace")


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
