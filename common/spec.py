"""The base of every stage's typed config spec."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigSpec(BaseModel):
    """A stage's settings: immutable, and strict about keys."""

    # Unknown keys are typos far more often than intent: reject them loudly.
    model_config = ConfigDict(extra="forbid", frozen=True)
