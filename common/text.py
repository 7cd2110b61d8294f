"""Characters no text from a page or feed may carry into a terminal, a chart or a header."""

from __future__ import annotations

import re

# C0 and C1 controls (tab included, newline not: messages span lines), DEL, the line and
# paragraph separators (they end a JavaScript string) and the bidi controls (they reorder
# what a reader sees).
UNSAFE_CHARS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
