"""Text from pages and feeds made safe to show: to a terminal, in a chart, in a table.

Titles, entity names, site names and server headers are written by whoever runs the site, so
control characters (escape sequences that recolour or rewrite a terminal), line and paragraph
separators (which end a JavaScript string) and bidirectional overrides (which reorder what a
reader sees) are shown as visible escapes instead of being passed on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from rich.text import Text

from common.text import UNSAFE_CHARS


def _escape(match: re.Match[str]) -> str:
    """The visible form of one unsafe character."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: Any) -> str:
    """`value` as text with every unsafe character shown as an escape (None becomes "")."""
    if value is None:
        return ""
    text = str(value)
    if UNSAFE_CHARS.search(text) is None:
        return text
    return UNSAFE_CHARS.sub(_escape, unicodedata.normalize("NFC", text))


def cells(*values: Any) -> list[Text]:
    """Table cells that rich shows as they are: no markup parsed, unsafe characters escaped."""
    return [Text(printable(v)) for v in values]


def forms_text(by_language: dict[str, list[str]], per_language: int = 4) -> str:
    """How an entity is written, per language: "en: Sergei Shoigu; ru: Шойгу, Сергей Шойгу"."""
    return "; ".join(
        f"{lang or '?'}: {', '.join(found[:per_language])}"
        for lang, found in sorted(by_language.items())
    )


def script_json(value: Any) -> str:
    """JSON that cannot end or confuse the <script> element it sits in."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
