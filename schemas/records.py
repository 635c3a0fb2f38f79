"""The page-record contract: what every parser emits, validated by pydantic.

Field names are a contract with other services: add fields, never rename or drop them.
Every record carries ``kind``, a deterministic ``id``, the ``source`` site, its
``provenance`` and quality ``warnings``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from .identifiers import (
    bare_arxiv,
    bare_dblp_key,
    bare_dblp_pid,
    bare_doi,
    bare_mag,
    bare_openalex_author,
    bare_openalex_work,
    bare_orcid,
    bare_pmcid,
    bare_pmid,
    bare_s2_author,
    bare_s2_paper,
)

# Each identifier is a string normalised to its one bare form on validation (a ValueError
# from the normaliser is the field's validation error).
Arxiv = Annotated[str, AfterValidator(bare_arxiv)]
Doi = Annotated[str, AfterValidator(bare_doi)]
OpenAlexWork = Annotated[str, AfterValidator(bare_openalex_work)]
OpenAlexAuthor = Annotated[str, AfterValidator(bare_openalex_author)]
S2Paper = Annotated[str, AfterValidator(bare_s2_paper)]
S2Author = Annotated[str, AfterValidator(bare_s2_author)]
DblpKey = Annotated[str, AfterValidator(bare_dblp_key)]
DblpPid = Annotated[str, AfterValidator(bare_dblp_pid)]
Mag = Annotated[str, AfterValidator(bare_mag)]
Pmid = Annotated[str, AfterValidator(bare_pmid)]
Pmcid = Annotated[str, AfterValidator(bare_pmcid)]
Orcid = Annotated[str, AfterValidator(bare_orcid)]

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


class PersonIdentifiers(_Model):
    """A person's ids at the sources that keep author records (ORCID is ``orcid`` beside it)."""

    openalex: OpenAlexAuthor | None = Field(
        default=None, description="Bare OpenAlex author id, A5023888391."
    )
    s2: S2Author | None = Field(default=None, description="Semantic Scholar author id, digits.")
    dblp: DblpPid | None = Field(default=None, description="dblp person id, e.g. 95/7448-1.")


class Author(_Model):
    name: str = Field(description="As shown on the page, entities decoded, NFC.")
    given: str | None = None
    family: str | None = None
    affiliations: list[str] = Field(
        default_factory=list, description="The author's affiliations on this work, as shown."
    )
    orcid: Orcid | None = Field(
        default=None, description="Bare ORCID iD, 0000-0000-0000-0000 (checksum verified)."
    )
    identifiers: PersonIdentifiers = Field(default_factory=PersonIdentifiers)


class Identifiers(_Model):
    """A work's ids, each in one bare form, so equal ids compare equal across sources."""

    arxiv: Arxiv | None = Field(default=None, description="Bare arXiv id, e.g. 2509.24002.")
    arxiv_version: int | None = Field(
        default=None, ge=1, description="The arXiv version the record is of (2 for …v2)."
    )
    doi: Doi | None = Field(default=None, description="Lower-case DOI, no resolver prefix.")
    openalex: OpenAlexWork | None = Field(
        default=None, description="Bare OpenAlex work id, W2741809807."
    )
    s2: S2Paper | None = Field(
        default=None, description="Semantic Scholar paper id, 40 hex digits."
    )
    dblp: DblpKey | None = Field(
        default=None, description="dblp record key, journals/tvcg/XuLF12."
    )
    mag: Mag | None = Field(default=None, description="Microsoft Academic Graph id, digits.")
    pmid: Pmid | None = Field(default=None, description="PubMed id, digits.")
    pmcid: Pmcid | None = Field(default=None, description="PubMed Central id, PMC and digits.")


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
    cited_by: int | None = Field(default=None, ge=0, description="Citation count the source shows.")
    updated: PublishedDate | None = Field(
        default=None, description="When the source last revised the work (arXiv versions)."
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
    citations: int | None = None
    i10_index: int | None = None


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
    orcid: Orcid | None = Field(default=None, description="Bare ORCID iD of the profile's subject.")
    identifiers: PersonIdentifiers = Field(default_factory=PersonIdentifiers)
    other_names: list[str] = Field(default_factory=list, description="Other names the person uses.")
    interests: list[str] = Field(default_factory=list, description="Research interests, topics.")
    links: list[str] = Field(default_factory=list, description="The person's own pages.")
    entries_seen: int = 0
    entries_emitted: int = 0
    work_ids: list[str] = Field(default_factory=list)


class Listing(_Record):
    """A page that lists papers: a daily listing or search results."""

    kind: Literal["listing"] = "listing"
    title: str
    page_date: PublishedDate | None = None
    query: str | None = None
    total_results: int | None = Field(
        default=None, ge=0, description="How many results the source says the query has."
    )
    entries_seen: int = 0
    entries_emitted: int = 0
    work_ids: list[str] = Field(default_factory=list)
    profile_ids: list[str] = Field(
        default_factory=list, description="The people a listing of people lists (author search)."
    )


Record = Annotated[Work | Profile | Listing, Field(discriminator="kind")]
RECORD_ADAPTER: TypeAdapter[Work | Profile | Listing] = TypeAdapter(Record)


def record_from_json(line: str | bytes) -> Work | Profile | Listing:
    """Rebuild a record from one line of ``model_dump_json()`` output."""
    return RECORD_ADAPTER.validate_json(line)
