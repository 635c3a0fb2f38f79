"""A curator's decision: two members are, or are not, one entity.

Decisions are kept in the store (table ``curation``) and in JSON Lines files, one per line,
as :meth:`CurationDecision.model_dump_json` writes them; a hand-written line needs only the
kind and the pair::

    {"must_link": ["<id>", "<id>"], "note": "same person, confirmed by email"}

A member is a work record id (a paper decision), a profile record id or
``<work id>#<position>`` (person decisions). Entity ids (``person-…``) are turned into their
anchor member when a decision is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DecisionKind = Literal["must_link", "cannot_link"]
DecisionLevel = Literal["person", "paper"]


class CurationDecision(BaseModel):
    """One must-link or cannot-link between two members, with who made it and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DecisionKind
    a: str = Field(min_length=1, max_length=48)
    b: str = Field(min_length=1, max_length=48)
    level: DecisionLevel
    note: str | None = None
    who: str | None = None
    at: dt.datetime | None = Field(default=None, description="When it was decided (UTC).")
    action: str | None = Field(
        default=None,
        description="Decisions made by one curator action (a split writes several) share it.")

    @property
    def id(self) -> str:
        """One decision per pair and level: a later decision on the same pair replaces it."""
        low, high = sorted((self.a, self.b))
        return hashlib.sha256(f"{self.level}\x1f{low}\x1f{high}".encode()).hexdigest()[:16]

    @property
    def pair(self) -> tuple[str, str]:
        return self.a, self.b
