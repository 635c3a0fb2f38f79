"""Semantic Scholar records: the Academic Graph API's JSON and the S2 datasets' JSON Lines rows.

Graph API (``https://api.semanticscholar.org/graph/v1``, camelCase keys), every layout it
answers with, whatever ``fields=`` selected:

* a paper (``paper/{id}``, ``{paperId, title, externalIds, authors, ...}``): one Work at
  position 0;
* a list of papers: search (``paper/search``: ``{total, offset, next, data}``, bulk search's
  ``{total, token, data}``), title match (``paper/search/match``: ``{data: [paper +
  matchScore]}``), an author's papers (``{offset, next, data}``), a batch (``paper/batch``: a
  JSON array, ``null`` for an id not found), recommendations (``{recommendedPapers}``) and a
  paper's citations or references (``data[].citingPaper`` / ``citedPaper``): a Listing
  "Semantic Scholar papers" (``total_results`` = ``total`` when given), then one Work per item;
* an author (``author/{id}``: ``{authorId, name, paperCount, hIndex, papers?}``): a Profile,
  then the papers it lists as Works (positions 0..);
* a list of authors: a paper's authors (``paper/{id}/authors``: ``{offset, data}``), author
  search and ``author/batch``: a Listing "Semantic Scholar authors", then one Profile per
  author (positions 0..), each followed by the papers it lists, if any. The Listing's
  ``work_ids`` stay empty: its entries are profiles, not works;
* an error answer (``{"error": ...}``, or ``{"message": ...}`` beside at most a ``code``):
  SourceErrorResponse.

S2 datasets (one record a line of the ``papers`` / ``authors`` .jsonl(.gz) files, which the
engine hands over one line a page): the same records with lower-case keys (``corpusid``,
``externalids``, ``publicationdate``, ``citationcount``, ``s2fieldsofstudy``, ``authorid``,
``papercount``, ``hindex``, ``aliases``); a paper row has no ``paperId``, its ``url`` carries it.
An ``abstracts`` or ``s2orc`` row (``corpusid`` and ``abstract`` or ``content``, no title) is
refused with a ParseError: join it with its ``papers`` row first.

Mapping: title, abstract, ``publicationDate`` (day precision; else ``year``, year precision),
venue (``venue``, else ``journal.name``, else ``publicationVenue.name``), authors in order
(name as printed; given/family split from it, except for a name in a caseless script such
as CJK, whose order cannot be told; ``identifiers.s2`` = ``authorId``; affiliations and
ORCID when the record has them), identifiers (``s2`` = ``paperId``;
``externalIds`` DOI, ArXiv, DBLP, MAG, PubMed, PubMedCentral, each validated, a bad one dropped
with a ``bad_identifier`` warning), ``cited_by`` = ``citationCount``, keywords =
``fieldsOfStudy`` then the ``s2FieldsOfStudy`` categories (distinct), ``work_type`` =
``publicationTypes[0]``, links = ``url`` and ``openAccessPdf.url``. An author's
``externalIds.DBLP`` holds dblp *names* (not pids), so they and ``aliases`` become
``other_names``. ``corpusId`` has no field in the record contract and is not kept.

A paper's embedded ``citations`` and ``references`` are never emitted as works: they are other
papers' records, each reached by its own request (``paper/{id}``). Likewise ``tldr``,
``embedding`` and ``citationStyles`` are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from ingest_core.errors import MalformedEntry, ParseError, SourceErrorResponse
from ingest_core.parser import (
    Page,
    ParseItem,
    RecordContext,
    as_int,
    as_list,
    as_text,
    checked_ids,
    checked_orcid,
    clean_text,
    date_from_parts,
    iso_date,
    split_name,
    texts,
)
from ingest_core.schemas import (
    Identifiers,
    Listing,
    PersonIdentifiers,
    Profile,
    PublishedDate,
    RecordWarning,
    Work,
)

Shape = Literal["paper", "author", "papers", "authors", "untitled_row", "error"]

PAPERS_TITLE = "Semantic Scholar papers"
AUTHORS_TITLE = "Semantic Scholar authors"

# externalIds key -> Identifiers field: the Graph API's and the datasets' spelling, and the
# lower-case one of older dumps
_EXTERNAL_FIELD: dict[str, str] = {}
for _key, _field in (("DOI", "doi"), ("ArXiv", "arxiv"), ("DBLP", "dblp"), ("MAG", "mag"),
                     ("PubMed", "pmid"), ("PubMedCentral", "pmcid")):
    _EXTERNAL_FIELD[_key] = _EXTERNAL_FIELD[_key.lower()] = _field


@dataclass(frozen=True, slots=True)
class _Keys:
    """The key names of one spelling: the Graph API's camelCase or the datasets' lower case."""

    external_ids: str
    publication_date: str
    fields_of_study: str
    s2_fields_of_study: str
    open_access_pdf: str
    publication_types: str
    publication_venue: str
    citation_count: str
    author_id: str
    paper_count: str
    h_index: str


_GRAPH = _Keys("externalIds", "publicationDate", "fieldsOfStudy", "s2FieldsOfStudy",
               "openAccessPdf", "publicationTypes", "publicationVenue", "citationCount",
               "authorId", "paperCount", "hIndex")
_DATASET = _Keys("externalids", "publicationdate", "fieldsofstudy", "s2fieldsofstudy",
                 "openaccesspdf", "publicationtypes", "publicationvenue", "citationcount",
                 "authorid", "papercount", "hindex")
_PAPER_KEYS = frozenset({"paperId", "corpusId", "corpusid"})
_AUTHOR_SIGNS = ("name", "papers", "paperCount", "hIndex", "citationCount", "affiliations",
                 "url", "externalIds", "aliases", "homepage")
_ERROR_KEYS = frozenset({"error", "message", "code"})
_LIST_KEYS = frozenset({"total", "offset", "next", "token", "data"})
_S2_PAPER_ID = re.compile(r"[0-9a-f]{40}\Z")
# inline markup in titles and abstracts (HTML, JATS, MathML), optionally namespaced, with
# quoted attributes only: "x<b and c>y" in a formula is text, not a tag
_TAG = re.compile(
    r"</?(?:[a-z]+:)?(?:i|b|u|em|strong|sub|sup|scp|sc|span|small|p|br|div|a|font|italic|"
    r"bold|inline-formula|tex-math|math|mi|mo|mn|mrow|msub|msup|mtext|mfrac|title)"
    r"(?:\s+[\w:-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?>",
    re.IGNORECASE,
)
_PROBE = 5
"""How many items of a list detection looks at to tell papers from authors."""


def _str(value: Any) -> str | None:
    """``as_text(value)``, with a fast path for the usual case: a string."""
    if value.__class__ is str:
        return (clean_text(value) or None) if value else None
    return as_text(value)


def _item_shape(item: object) -> Literal["paper", "author"] | None:
    """What one entry of a list is: a paper (or a citation/reference wrapper), an author."""
    if not isinstance(item, dict):
        return None
    if not _PAPER_KEYS.isdisjoint(item) or "citingPaper" in item or "citedPaper" in item:
        return "paper"
    if "authorId" in item or "authorid" in item:
        return "author"
    return None


def _list_shape(items: Sequence[Any]) -> Literal["papers", "authors"] | None:
    for item in items[:_PROBE]:
        kind = _item_shape(item)
        if kind is not None:
            return "papers" if kind == "paper" else "authors"
    return None


def _shape_of(page: Page) -> tuple[Shape | None, float]:
    """The page's layout and how sure that is, from its top-level keys only."""
    value = page.json
    if isinstance(value, list):
        kind = _list_shape(value)
        return (kind, 0.95) if kind else (None, 0.0)
    if not isinstance(value, dict):
        return None, 0.0
    if "paperId" in value:
        return "paper", 0.95
    if "corpusId" in value:  # a Graph API paper asked without its paperId
        return "paper", 0.9
    if "corpusid" in value:  # a dataset row
        if "title" in value:
            return "paper", 0.95
        if "abstract" in value or "content" in value or "externalids" in value:
            return "untitled_row", 0.9  # abstracts, s2orc: the paper's title is elsewhere
        return None, 0.0
    if "authorId" in value or "authorid" in value:
        signs = sum(1 for k in _AUTHOR_SIGNS if k in value or k.lower() in value)
        return "author", 0.95 if signs else 0.6
    data = value.get("data")
    if isinstance(data, list):
        kind = _list_shape(data)
        if kind is not None:
            return kind, 0.95
        if not data and set(value) <= _LIST_KEYS and len(value) > 1:
            return "papers", 0.6  # an empty search answer: {total: 0, offset: 0, data: []}
        return None, 0.0
    recommended = value.get("recommendedPapers")
    if isinstance(recommended, list):
        return "papers", 0.9 if _list_shape(recommended) else 0.6
    if value and set(value) <= _ERROR_KEYS and (
        isinstance(value.get("error"), str) != isinstance(value.get("message"), str)
    ):
        return "error", 0.6
    return None, 0.0


def _strip_markup(text: str | None) -> str | None:
    """A cleaned text without its inline markup (``<i>E. coli</i>``, JATS, MathML tags)."""
    if text is None or "<" not in text:
        return text
    text = _TAG.sub("", text)  # the text was clean: only removed tags can leave double spaces
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip() or None


class SemanticScholarParser:
    """Semantic Scholar Graph API answers and S2 dataset rows (see the module docstring)."""

    name = "semantic_scholar"
    source = "semantic_scholar"
    version = "1"
    url_patterns: Sequence[str] = (  # a tuple; Sequence is what the Parser protocol declares
        r"^https?://api\.semanticscholar\.org/(?:graph|recommendations|datasets)/",
        r"^https?://api\.semanticscholar\.org/v1/(?:paper|author)/",
    )

    def detect(self, page: Page) -> float:
        """High for a paper (``paperId``/``corpusid``), an author (``authorId``) or a list of
        them; an error answer scores 0.6 (0.9 from an S2 API URL)."""
        if page.kind != "json":
            return 0.0
        shape, score = page.derived(_shape_of)
        if shape is None:
            return 0.0
        if page.url_matches(self.url_patterns):
            score += 0.3 if shape == "error" else 0.05
        return min(1.0, score)

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the page's records: see the module docstring for each layout."""
        value = page.json
        if value is None:
            raise ParseError(
                "the page is not well-formed JSON; fetch the Semantic Scholar answer again",
                input=page.name, parser=self.name,
            )
        shape, _ = page.derived(_shape_of)
        ctx = RecordContext(self, page)
        if shape == "paper":
            yield self._work(ctx, 0, value)
        elif shape == "author":
            yield from self._author_page(ctx, value)
        elif shape == "papers":
            yield from self._papers(ctx, page, value)
        elif shape == "authors":
            yield from self._authors(ctx, page, value)
        elif shape == "error":
            message = _str(value.get("error")) or _str(value.get("message")) or "?"
            code = _str(value.get("code"))
            raise SourceErrorResponse(
                f"Semantic Scholar answered with an error{f' ({code})' if code else ''}: "
                f"{message}",
                input=page.name, parser=self.name,
            )
        elif shape == "untitled_row":
            raise ParseError(
                "this S2 dataset row (abstracts or s2orc) has no title, so it is no paper "
                "record: join it with its papers-dataset row by corpusid before parsing",
                input=page.name, parser=self.name,
            )
        else:
            raise ParseError(
                "not a Semantic Scholar record: expected a paper (paperId or corpusid), an "
                "author (authorId), a list of them under data[], or an error answer",
                input=page.name, parser=self.name,
            )

    # --- lists ----------------------------------------------------------------------

    def _papers(self, ctx: RecordContext, page: Page, value: Any) -> Iterator[ParseItem]:
        items, total = self._list_items(value)
        entries = [self._work(ctx, i, self._unwrap(item)) for i, item in enumerate(items)]
        yield from ctx.page_items(
            Listing, entries, title=PAPERS_TITLE, total_results=total, query=_query(page)
        )

    def _authors(self, ctx: RecordContext, page: Page, value: Any) -> Iterator[ParseItem]:
        items, total = self._list_items(value)
        entries: list[ParseItem] = []
        position = seen = emitted = 0
        for item in items:
            seen += 1
            profile_at = position
            position += 1
            if not isinstance(item, dict):
                entries.append(ctx.malformed(profile_at, "the author is missing (null)"))
                continue
            works = [self._work(ctx, position + i, p) for i, p in
                     enumerate(_papers_of(item))]
            position += len(works)
            fields = self._profile_fields(item, works, profile_at)
            profile = ctx.build(Profile, profile_at, **fields)
            emitted += not isinstance(profile, MalformedEntry)
            entries.append(profile)
            entries.extend(works)
        listing = ctx.build(
            Listing, None, title=AUTHORS_TITLE, total_results=total, query=_query(page),
            entries_seen=seen, entries_emitted=emitted,
            profile_ids=[e.id for e in entries if isinstance(e, Profile)],
        )
        if isinstance(listing, MalformedEntry):
            raise ParseError(f"the listing record is invalid: {listing.message}",
                             input=page.name, parser=self.name)
        yield listing
        yield from entries

    @staticmethod
    def _list_items(value: Any) -> tuple[list[Any], int | None]:
        if isinstance(value, list):
            return value, None
        items = value.get("data")
        if not isinstance(items, list):
            items = value.get("recommendedPapers")
        return (items if isinstance(items, list) else []), as_int(value.get("total"))

    @staticmethod
    def _unwrap(item: Any) -> Any:
        """The paper of a citations/references entry (``citingPaper``/``citedPaper``)."""
        if isinstance(item, dict) and "paperId" not in item:
            inner = item.get("citingPaper") or item.get("citedPaper")
            if isinstance(inner, dict):
                return inner
        return item

    # --- an author ------------------------------------------------------------------

    def _author_page(self, ctx: RecordContext, author: Mapping[str, Any]) -> Iterator[ParseItem]:
        works = [self._work(ctx, i, p) for i, p in enumerate(_papers_of(author))]
        fields = self._profile_fields(author, [], None)
        if fields["name"] is None:
            raise ParseError(
                "the author record has no name; request it with fields=name",
                input=ctx.page.name, parser=self.name,
            )
        yield from ctx.page_items(Profile, works, **fields)

    @staticmethod
    def _profile_fields(
        author: Mapping[str, Any],
        works: list[Work | MalformedEntry],
        position: int | None,
    ) -> dict[str, Any]:
        name = _str(author.get("name"))
        fields: dict[str, Any] = {"name": name}
        if name is not None:
            fields["given"], fields["family"] = _given_family(name)
        get = author.get
        keys = _DATASET if "authorid" in author else _GRAPH
        warnings: list[RecordWarning] = []
        fields["identifiers"] = _person_ids(get(keys.author_id), position, warnings)
        external = get(keys.external_ids)
        if external and isinstance(external, dict):
            if orcid := _orcid(external.get("ORCID"), position, warnings):
                fields["orcid"] = orcid
            dblp_names = external.get("DBLP")  # dblp *names*, not pids
        else:
            dblp_names = None
        aliases = get("aliases")
        if dblp_names or aliases:
            fields["other_names"] = [n for n in texts(as_list(dblp_names) + as_list(aliases))
                                     if n != name]
        if affiliations := get("affiliations"):
            fields["affiliation"] = _str(affiliations)  # the first one
        fields["metrics"] = {
            "works_count": as_int(get(keys.paper_count)),
            "citations": as_int(get(keys.citation_count)),
            "h_index": as_int(get(keys.h_index)),
        }
        url, homepage = get("url"), get("homepage")
        if url or homepage:
            fields["links"] = texts([url, homepage])
        if warnings:
            fields["warnings"] = warnings
        if works:  # a profile inside a list: its works follow it
            kept = [w for w in works if not isinstance(w, MalformedEntry)]
            fields.update(entries_seen=len(works), entries_emitted=len(kept),
                          work_ids=[w.id for w in kept])
        return fields

    # --- a paper --------------------------------------------------------------------

    @staticmethod
    def _work(ctx: RecordContext, position: int, paper: Any) -> Work | MalformedEntry:
        if not isinstance(paper, dict):
            return ctx.malformed(position, "the paper is missing (null: not found)")
        keys = _DATASET if "corpusid" in paper else _GRAPH
        title = _strip_markup(_str(paper.get("title")))
        paper_id = _str(paper.get("paperId"))
        url = _str(paper.get("url"))
        if title is None:
            what = f" (paperId {paper_id})" if paper_id else ""
            return ctx.malformed(position, f"the paper has no title{what}")
        if paper_id is None and url is not None and "/paper/" in url:
            paper_id = url  # a dataset row: the paper id is only in its url
        warnings: list[RecordWarning] = []
        # only the fields the record has are passed: a default costs pydantic nothing
        fields: dict[str, Any] = {
            "title": title,
            "identifiers": _work_ids(paper.get(keys.external_ids), paper_id, position, warnings),
        }
        get = paper.get
        if (abstract := get("abstract")) is not None:
            fields["abstract"] = _strip_markup(_str(abstract))
        if authors := get("authors"):
            fields["authors"] = _authors_of(authors, position, warnings)
        year = as_int(get("year"))
        published = _published(get(keys.publication_date), year, position, warnings)
        if published is not None:
            fields["published"] = published
            fields["year"] = year or published.date.year
        if venue := _venue(paper, keys):
            fields["venue"] = venue
        types = get(keys.publication_types)
        if isinstance(types, list) and types:
            fields["work_type"] = _str(types[0])
        pdf = get(keys.open_access_pdf)
        pdf_url = _str(pdf.get("url")) if isinstance(pdf, dict) else None
        if url or pdf_url:
            fields["links"] = texts([url, pdf_url])
        studies = get(keys.fields_of_study)
        s2_studies = get(keys.s2_fields_of_study)
        if studies or s2_studies:
            keywords = texts(studies)
            for fos in as_list(s2_studies):
                category = _str(fos.get("category")) if isinstance(fos, dict) else None
                if category and category not in keywords:
                    keywords.append(category)
            fields["keywords"] = keywords
        if (cited := get(keys.citation_count)) is not None:
            fields["cited_by"] = as_int(cited)
        if warnings:
            fields["warnings"] = warnings
        return ctx.build(Work, position, **fields)


def _papers_of(author: Mapping[str, Any]) -> list[Any]:
    papers = author.get("papers")
    return papers if isinstance(papers, list) else []


def _query(page: Page) -> str | None:
    """The ``query=`` of a search URL the page was fetched from, if known."""
    url = page.url
    if not url or "query=" not in url:
        return None
    found = parse_qs(urlsplit(url).query).get("query")
    return _str(found[0]) if found else None


def _published(
    raw: Any, year: int | None, position: int, warnings: list[RecordWarning]
) -> PublishedDate | None:
    """``publicationDate`` (day precision), else the year (year precision)."""
    if raw is not None:
        published = iso_date(raw)
        if published is not None:
            return published
        warnings.append(RecordWarning(
            code="bad_date", position=position,
            message=f"publicationDate {raw!r} is not an ISO date; the year is kept instead",
        ))
    return date_from_parts(year) if year is not None else None


def _venue(paper: Mapping[str, Any], keys: _Keys) -> str | None:
    """``venue``, else ``journal.name``, else ``publicationVenue.name`` (first non-empty)."""
    venue = paper.get("venue")
    if venue and (text := _str(venue)):
        return text
    for key in ("journal", keys.publication_venue):
        holder = paper.get(key)
        if isinstance(holder, dict):
            name = _str(holder.get("name"))
            if name:
                return name
    return None


def _work_ids(
    external: Any, paper_id: str | None, position: int, warnings: list[RecordWarning]
) -> dict[str, str] | Identifiers:
    """``s2`` and the ``externalIds`` the contract holds; one validation when all are good."""
    if not external and paper_id is not None and _S2_PAPER_ID.match(paper_id):
        return {"s2": paper_id}  # only an id in its bare form: validated with the Work
    values: dict[str, str] = {}
    if paper_id is not None:
        values["s2"] = paper_id
    if isinstance(external, dict):
        for key, raw in external.items():
            field = _EXTERNAL_FIELD.get(key)
            if field is not None and raw is not None:
                text = _str(raw)
                if text is not None:
                    values[field] = text
    try:
        return Identifiers.model_validate(values)
    except ValueError:  # pydantic's ValidationError: drop and report the bad ones
        ids, bad = checked_ids(Identifiers, position=position, **values)
        warnings.extend(bad)
        return ids


def _authors_of(
    raw: Any, position: int, warnings: list[RecordWarning]
) -> list[dict[str, Any]]:
    """The paper's authors in order; an entry without a name is skipped and reported."""
    authors: list[dict[str, Any]] = []
    if not isinstance(raw, list):
        return authors
    for i, item in enumerate(raw):
        entry: Mapping[str, Any] = item if isinstance(item, dict) else {}
        name = _str(entry.get("name"))
        if name is None:
            warnings.append(RecordWarning(
                code="author_without_name", position=position,
                message=f"author {i + 1} has no name and was left out",
            ))
            continue
        given, family = _given_family(name)
        ids = _person_ids(entry.get("authorId") or entry.get("authorid"), position, warnings)
        external = entry.get("externalIds") or entry.get("externalids")
        orcid = (_orcid(external.get("ORCID"), position, warnings)
                 if isinstance(external, dict) else None)
        author: dict[str, Any] = {"name": name, "given": given, "family": family,
                                  "identifiers": ids}
        if affiliations := entry.get("affiliations"):
            author["affiliations"] = texts(affiliations)
        if orcid:
            author["orcid"] = orcid
        authors.append(author)  # a plain dict: validated with its Work, in one pass
    return authors


def _given_family(name: str) -> tuple[str | None, str | None]:
    """Given and family parts of a printed name (S2 gives only the whole name).

    A name written only in a script without letter case (CJK: "李 明", "加藤 智美") is kept
    whole: whether it prints the family name first cannot be told from the string.
    """
    if name.lower() == name.upper():
        return None, None
    parts = split_name(name)
    return parts.given, parts.family


def _person_ids(
    raw: Any, position: int | None, warnings: list[RecordWarning]
) -> dict[str, str] | PersonIdentifiers:
    """``identifiers.s2`` from an ``authorId``: digits go as a plain field (validated with the
    record, in one pass); anything else is checked, and dropped with a warning if bad."""
    if raw is None:
        return {}
    if isinstance(raw, str) and raw.isdigit() and len(raw) <= 12:
        return {"s2": raw}
    ids, bad = checked_ids(PersonIdentifiers, position=position, s2=_str(raw))
    warnings.extend(bad)
    return ids


def _orcid(raw: Any, position: int | None, warnings: list[RecordWarning]) -> str | None:
    """The bare ORCID iD of ``externalIds.ORCID``; a bad one is dropped and reported."""
    text = _str(raw)
    if text is None:
        return None
    orcid = checked_orcid(text)
    if orcid is None:
        warnings.append(RecordWarning(
            code="bad_identifier", position=position,
            message=f"orcid: {text!r} is not a valid ORCID iD (checksum or form)",
        ))
    return orcid
