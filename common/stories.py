"""A story merge: shared by story detection, which decides it, and the store, which applies it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryMerge:
    """Story `merged` is the same report as story `into`: an article matched both."""

    merged: str  # the story key that goes away (its articles move to `into`)
    into: str  # the surviving story: the one first seen
    article_key: str  # the bridging article
    evidence: str  # the article of `merged` it matched
    score: float  # how well it matched that article
