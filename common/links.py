"""A cross-script entity link: shared by the linker that decides it and the store that keeps it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityLink:
    """A decision that `name` is the entity called `target`, with why."""

    name: str
    label: str
    target: str
    target_label: str
    method: str  # territory | transliteration | surname
    score: float  # 0..1
    evidence: str  # the transliteration or CLDR entry that matched
    # The target is a stored entity named in Cyrillic that takes this (Latin) name.
    rename: bool = False
