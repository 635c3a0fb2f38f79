"""Resolved entities: one ``paper`` per real paper, one ``person`` per real person.

They sit beside the page records (``schemas.records``) and point back to them: a paper lists
the ``work`` record ids it merges, a person lists the profile records and author positions
it is made of, so every merge can be traced to the pages that caused it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .records import Author, Identifiers, PublishedDate

MemberRole = Literal["profile", "author"]


def member_key(record_id: str, position: int | None) -> str:
    """A member's key, as evidence, entity members and curation name it: a profile's (or a
    work's) record id, or ``<work record id>#<author position>``."""
    return record_id if position is None else f"{record_id}#{position}"


def member_record(key: str) -> str:
    """The record id a member key names."""
    return key.partition("#")[0]
EvidenceKind = Literal[
    "name",
    "shared_papers",
    "shared_coauthors",
    "shared_topics",
    "same_profile",
    "profile_metrics",
    "curation",
    "shared_venue",
    "title_terms",
    "affiliation",
    "years",
    "orcid",
    "author_id",
    "prior",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paper(_Model):
    """One real paper, merged from the ``work`` records that show it."""

    kind: Literal["paper"] = "paper"
    id: str = Field(description="Deterministic and stable: derived from one member, not a counter.")
    title: str
    abstract: str | None = None
    authors: list[Author] = Field(default_factory=list)
    published: PublishedDate | None = Field(
        default=None, description="The most precise date any member gave."
    )
    year: int | None = None
    identifiers: Identifiers = Field(default_factory=Identifiers)
    links: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="Sites the members come from.")
    members: list[str] = Field(description="Ids of the merged work records, sorted.")


class PersonMember(_Model):
    """One mention of a person: a profile's subject, or one author position of a work."""

    record_id: str
    role: MemberRole
    position: int | None = Field(
        default=None, description="0-based index into the work's authors; null for a profile."
    )
    name: str = Field(description="The name as that page spelled it.")
    source: str


class Evidence(_Model):
    """Why members were joined: one kind of evidence with its weight in the decision."""

    kind: EvidenceKind
    score: float = Field(description="The merge score this evidence contributed to, 0..1.")
    weight: float | None = Field(
        default=None,
        description="Its term in the pair model's log-odds (negative: evidence against); "
        "null for evidence that needs no weighing (a shared profile, paper or ORCID iD).",
    )
    detail: str = Field(description="Readable: the shared papers, coauthors, names...")
    between: list[str] = Field(
        default_factory=list, description="Member keys (record id, or record id#position)."
    )


class Person(_Model):
    """One real person, joined from profiles and author positions by the evidence listed."""

    kind: Literal["person"] = "person"
    id: str = Field(description="Deterministic and stable: derived from one member, not a counter.")
    name: str
    given: str | None = None
    family: str | None = None
    aliases: list[str] = Field(default_factory=list, description="Every spelling seen, sorted.")
    members: list[PersonMember]
    paper_ids: list[str] = Field(default_factory=list)
    confidence: float = Field(description="The weakest merge score inside the person; 1 alone.")
    evidence: list[Evidence] = Field(default_factory=list)


Entity = Annotated[Paper | Person, Field(discriminator="kind")]
ENTITY_ADAPTER: TypeAdapter[Paper | Person] = TypeAdapter(Entity)


def entity_from_json(line: str | bytes) -> Paper | Person:
    """Rebuild an entity from one line of ``model_dump_json()`` output."""
    return ENTITY_ADAPTER.validate_json(line)
