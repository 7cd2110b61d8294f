"""What the warehouse keeps about a site's short lines, and how one more carrier changes it:
shared by the cleaner, which decides which lines are template, and the store, which counts."""

from __future__ import annotations

from dataclasses import dataclass

# Story marks kept per line: enough to recognise the versions of the stories that carry it.
MARKS_KEPT = 64


@dataclass(frozen=True)
class LineStats:
    """How many unrelated stories of a site carry a line, and marks of the articles seen."""

    stories: int = 0
    marks: frozenset[int] = frozenset()


def add_carrier(stats: LineStats | None, marks: frozenset[int]) -> LineStats:
    """The stats after one more article carries the line: one more story, unless the article
    shares a quarter of its marks (samples of its word runs) with earlier carriers, as
    versions of one story do, rewrites included; a template line or two in common does not
    make two stories one."""
    stats = stats or LineStats()
    related = len(stats.marks & marks) >= max(1, len(marks) // 4)
    kept = frozenset(sorted(stats.marks | marks)[:MARKS_KEPT])
    return LineStats(stats.stories + (0 if related else 1), kept)
