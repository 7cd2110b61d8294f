"""The one Jinja loader for page layouts: the sample corpus's (samples/templates/*.html.j2) and
the generated corpus's (samples/templates/newsgen/), so both are edited in one place."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent / "templates"


def environment(*, autoescape: bool, trim_blocks: bool) -> Environment:
    """A strict environment over the layouts folder that keeps every newline a layout has."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,  # noqa: S701 (the generated layouts escape through explicit filters)
        undefined=StrictUndefined,
        trim_blocks=trim_blocks,
        keep_trailing_newline=True,
    )
