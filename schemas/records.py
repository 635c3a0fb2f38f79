"""The page-record contract: what every parser emits, validated by pydantic.

Field names are a contract with other services: add fields, never rename or drop them.
Every record carries ``kind``, a deterministic ``id``, the ``source`` site, its
``provenance`` and quality ``warnings``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

Representation = Literal["text", "html_lines", "embedded_json"]
Precision = Literal["day", "month", "year"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(_Model):
    """Where a record came from, precisely enough to find and re-parse it."""

    parser: str
    parser_version: str
    url: str | None = None
    retrieved_at: dt.datetime | None = None
    as_of: dt.date = Field(description="The date the page is read as of; resolves year-less dates.")
    sha256: str = Field(description="sha256 of the raw page bytes, hex.")
    position: int | None = Field(
        description="0-based position of the entry on the page; null for the page's own record."
    )
    representation: Representation = Field(
        description="What was read: plain text, HTML reduced to lines, or JSON embedded in HTML."
    )


class RecordWarning(_Model):
    """A quality flag: the value was kept, but a reader should know this."""

    code: str
    message: str
    position: int | None = None


class PublishedDate(_Model):
    """A date as precise as the page gave it."""

    date: dt.date
    precision: Precision
    year_inferred: bool = False


_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])", re.IGNORECASE)


def bare_orcid(value: str) -> str:
    """``https://orcid.org/0000-0002-1825-0097`` or ``0000000218250097`` as
    ``0000-0002-1825-0097``, checksum verified (ISO 7064 11,2).

    Raises:
        ValueError: no ORCID iD in the value, or its check digit is wrong.
    """
    found = _ORCID.search(value.strip())
    if found is None:
        raise ValueError(f"not an ORCID iD: {value!r}")
    digits = "".join(found.groups()).upper()
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise ValueError(f"ORCID iD {value!r} fails its check digit")
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


class Author(_Model):
    name: str = Field(description="As shown on the page, entities decoded, NFC.")
    given: str | None = None
    family: str | None = None
    affiliations: list[str] = Field(
        default_factory=list, description="The author's affiliations on this work, as shown."
    )
    orcid: str | None = Field(
        default=None, description="Bare ORCID iD, 0000-0000-0000-0000 (checksum verified)."
    )

    @field_validator("orcid")
    @classmethod
    def _orcid(cls, value: str | None) -> str | None:
        return None if value is None else bare_orcid(value)


class Identifiers(_Model):
    arxiv: str | None = Field(default=None, description="Bare arXiv id, e.g. 2509.24002.")
    doi: str | None = Field(default=None, description="Lower-case DOI, no resolver prefix.")


class _Record(_Model):
    id: str
    source: str = Field(description="The site the page comes from, e.g. huggingface.")
    provenance: Provenance
    warnings: list[RecordWarning] = Field(default_factory=list)


class Work(_Record):
    """One paper as one page shows it."""

    kind: Literal["work"] = "work"
    title: str
    abstract: str | None = None
    authors: list[Author] = Field(default_factory=list)
    author_count: int | None = None
    authors_complete: bool = False
    published: PublishedDate | None = None
    year: int | None = None
    venue: str | None = None
    work_type: str | None = None
    category: str | None = None
    upvotes: int | None = None
    links: list[str] = Field(default_factory=list)
    identifiers: Identifiers = Field(default_factory=Identifiers)
    keywords: list[str] = Field(
        default_factory=list, description="Subject terms the source gives (keywords, concepts)."
    )


class ProfileMetrics(_Model):
    h_index: int | None = None
    works_count: int | None = None
    followers: int | None = None
    topics: int | None = None
    collaborators: int | None = None
    trust_score: int | None = None
    trust_label: str | None = None
    verification_level: int | None = None


class Profile(_Record):
    """A researcher profile page's subject."""

    kind: Literal["profile"] = "profile"
    name: str
    given: str | None = None
    family: str | None = None
    headline: str | None = None
    affiliation: str | None = None
    claimed: bool | None = None
    open_to_collaborate: bool | None = None
    metrics: ProfileMetrics = Field(default_factory=ProfileMetrics)
    entries_seen: int = 0
    entries_emitted: int = 0
    work_ids: list[str] = Field(default_factory=list)


class Listing(_Record):
    """A page that lists papers: a daily listing or search results."""

    kind: Literal["listing"] = "listing"
    title: str
    page_date: PublishedDate | None = None
    query: str | None = None
    entries_seen: int = 0
    entries_emitted: int = 0
    work_ids: list[str] = Field(default_factory=list)


Record = Annotated[Work | Profile | Listing, Field(discriminator="kind")]
RECORD_ADAPTER: TypeAdapter[Work | Profile | Listing] = TypeAdapter(Record)


def record_from_json(line: str | bytes) -> Work | Profile | Listing:
    """Rebuild a record from one line of ``model_dump_json()`` output."""
    return RECORD_ADAPTER.validate_json(line)
