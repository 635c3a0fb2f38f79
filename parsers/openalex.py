"""OpenAlex API JSON: works, authors, and list responses of either.

Sample URLs: https://api.openalex.org/works/W2741809807,
https://api.openalex.org/authors/A5023888391, https://api.openalex.org/works?filter=...

Layouts read (every one a JSON object, as the API and the snapshot's .jsonl lines give it):

- a **work** (``"id": "https://openalex.org/W…"``): one Work at position 0. Title (markup
  removed), the abstract rebuilt from ``abstract_inverted_index``, authorships in order (the
  name as printed, ``raw_author_name``, else the author's display name; ORCID, OpenAlex author
  id, institutions or raw affiliation strings), ``ids`` (DOI, OpenAlex, MAG, PMID, PMCID; the
  arXiv id of an arXiv DOI or landing page), ``publication_date`` (January 1st, OpenAlex's
  filler for an unknown month and day, counts as the year only) or ``publication_year``,
  venue and links from ``primary_location``, type, ``cited_by_count``, and topics (2024+)
  or concepts or keywords as keywords;
- an **author** (``"id": "https://openalex.org/A…"``) in the 2023 schema (singular
  ``last_known_institution``, ``x_concepts``) or the 2025 one (``last_known_institutions[]``,
  ``affiliations[]``, ``topics``): one Profile (name, alternative names, ORCID, affiliation,
  works/citation counts, h- and i10-index, topics or concepts as interests), no entries;
- a **list response** (``{"meta": {"count": …}, "results": [...]}``): a Listing ("OpenAlex
  works" or "OpenAlex authors", ``total_results`` = ``meta.count``, the query from ``meta`` or
  the URL's search/filter parameters), then one record per result at positions 0..n-1. Works
  are the Listing's entries; so are author Profiles (named in ``profile_ids``), and the Listing
  counts them (``entries_seen``/``entries_emitted``) without ``work_ids``;
- an **error answer** (``{"error": …, "message": …}``): SourceErrorResponse.

Other OpenAlex entities (institutions, sources, concepts…) are recognised and refused with a
ParseError: they hold no works or people.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, urlsplit

from ingest_core.errors import BadIdentifier, MalformedEntry, ParseError, SourceErrorResponse
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
    dig,
    iso_date,
    normalize_arxiv,
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

_PREFIX = "https://openalex.org/"
_ENTITY_NAMES = {
    "W": "work", "A": "author", "S": "source", "I": "institution", "C": "concept",
    "T": "topic", "P": "publisher", "F": "funder", "K": "keyword",
}
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_AUTHOR_ID = re.compile(r"^https://openalex\.org/A\d{2,12}$")
_ARXIV_DOI = "10.48550/arxiv."
_ARXIV_HOSTS = ("http://arxiv.org/abs/", "https://arxiv.org/abs/")
_QUERY_PARAMS = ("search", "filter", "title.search", "q", "sort", "group_by", "group-by")

Kind = Literal["work", "author"]


def _entity_letter(obj: Mapping[str, Any]) -> str | None:
    """The entity letter of an OpenAlex id (``W`` for works, ``A`` for authors), or None."""
    ident = obj.get("id")
    if not isinstance(ident, str) or not ident.startswith(_PREFIX):
        return None
    tail = ident[len(_PREFIX):]
    tail = tail.rpartition("/")[2]  # "works/W…" forms
    return tail[:1].upper() if tail[1:2].isdigit() else None


def _kind_of(obj: Mapping[str, Any]) -> str | None:
    """"work", "author", another entity's name, or None when the object is not OpenAlex's."""
    letter = _entity_letter(obj)
    if letter is not None:
        return _ENTITY_NAMES.get(letter, "entity")
    if "authorships" in obj or "abstract_inverted_index" in obj:
        return "work"
    if "display_name_alternatives" in obj or "last_known_institutions" in obj:
        return "author"
    return None


def _strip_markup(text: str) -> str:
    return _TAG.sub("", text) if "<" in text else text


def _clean(value: Any) -> str | None:
    """as_text with HTML/JATS/MathML tags removed (OpenAlex titles carry <i>, <sub>…)."""
    if not isinstance(value, str):
        return as_text(value)
    return clean_text(_strip_markup(value)) or None


def rebuild_abstract(index: Any) -> str | None:
    """The abstract text from OpenAlex's ``abstract_inverted_index`` (word -> positions)."""
    if not isinstance(index, Mapping) or not index:
        return None
    pairs: list[tuple[int, str]] = []
    for word, positions in index.items():
        if not isinstance(word, str) or not isinstance(positions, list):
            continue
        pairs.extend((p, word) for p in positions if isinstance(p, int) and p >= 0)
    if not pairs:
        return None
    pairs.sort()
    text = clean_text(_strip_markup(" ".join(w for _, w in pairs)))
    # journal abstracts often keep their heading: "Abstract Large language models..."
    if text.startswith("Abstract ") and text[9:10].isupper():
        text = text[9:]
    return text or None


def _str(value: Any) -> str | None:
    """as_text, with a fast path for the plain strings OpenAlex sends."""
    if type(value) is str:
        return clean_text(value) or None
    return None if value is None else as_text(value)


def _names(items: Any, key: str = "display_name") -> list[str]:
    """The distinct clean ``key`` strings of a list of objects (topics, institutions…)."""
    if not isinstance(items, list) or not items:
        return []
    seen: dict[str, None] = {}
    for item in items:
        if isinstance(item, Mapping):
            text = _str(item.get(key))
            if text:
                seen[text] = None
    return list(seen)


def _is_error(obj: Mapping[str, Any]) -> bool:
    return (
        isinstance(obj.get("error"), str)
        and isinstance(obj.get("message"), str)
        and "id" not in obj
        and len(obj) <= 4
    )


class OpenAlexParser:
    """OpenAlex works, authors and list responses (API JSON or one snapshot line)."""

    name = "openalex"
    source = "openalex"
    version = "1"
    url_patterns: Sequence[str] = (
        r"^https?://api\.openalex\.org/",
        r"^https?://(?:www\.)?openalex\.org/",
    )

    def detect(self, page: Page) -> float:
        """High for an object whose ``id`` is an openalex.org URL, or a ``meta``/``results``
        list of such objects; moderate for ``{"error", "message"}`` answers."""
        if page.kind != "json":
            return 0.0
        obj = page.json
        if not isinstance(obj, dict):
            return 0.0
        if _entity_letter(obj) is not None:
            return 0.95 + self._url_bonus(page)
        meta, results = obj.get("meta"), obj.get("results")
        if isinstance(meta, dict) and isinstance(results, list):
            first = results[0] if results else None
            if isinstance(first, dict) and _entity_letter(first) is not None:
                return 0.95 + self._url_bonus(page)
            if not results and "count" in meta and "db_response_time_ms" in meta:
                return 0.9 + self._url_bonus(page)
            return 0.3 + 6 * self._url_bonus(page) if "count" in meta else 0.0
        if _is_error(obj):
            return 0.6 + 6 * self._url_bonus(page)
        if _kind_of(obj) in ("work", "author"):  # an OpenAlex object without its id (select=)
            return 0.7 + 4 * self._url_bonus(page)
        return 0.0

    def _url_bonus(self, page: Page) -> float:
        return 0.05 if page.url_matches(self.url_patterns) else 0.0

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the page's records: a Work, a Profile, or a Listing and its entries.

        Raises:
            SourceErrorResponse: the page is OpenAlex's error answer.
            ParseError: the page is not an OpenAlex object, or an entity that is neither a
                work nor an author.
        """
        obj = page.json
        if not isinstance(obj, dict):
            raise ParseError(
                "not an OpenAlex JSON object (expected a work, an author or a list "
                "response); check that the file is complete JSON",
                input=page.name, parser=self.name,
            )
        if _is_error(obj):
            raise SourceErrorResponse(
                f"OpenAlex answered with an error: {clean_text(obj['error'])}: "
                f"{clean_text(obj['message'])}",
                input=page.name, parser=self.name,
            )
        ctx = RecordContext(self, page)
        if isinstance(obj.get("results"), list) and isinstance(obj.get("meta"), dict):
            yield from self._listing(ctx, page, obj)
            return
        kind = _kind_of(obj)
        if kind == "work":
            yield _work(ctx, 0, obj)
        elif kind == "author":
            if _clean(obj.get("display_name")) is None:
                raise ParseError(
                    f"the OpenAlex author {obj.get('id')!r} has no display_name",
                    input=page.name, parser=self.name,
                )
            yield from ctx.page_items(Profile, [], **_profile_fields(obj, None))
        else:
            raise ParseError(
                f"an OpenAlex {kind or 'object'} record is neither a work nor an author; "
                "fetch /works or /authors",
                input=page.name, parser=self.name,
            )

    def _listing(
        self, ctx: RecordContext, page: Page, obj: Mapping[str, Any]
    ) -> Iterator[ParseItem]:
        meta: Mapping[str, Any] = obj["meta"]
        results: list[Any] = obj["results"]
        kind = self._list_kind(page, results)
        fields: dict[str, Any] = {
            "title": "OpenAlex authors" if kind == "author" else "OpenAlex works",
            "query": as_text(meta.get("query")) or _url_query(page.url),
            "total_results": as_int(meta.get("count")),
        }
        if kind == "work":
            entries = [_entry(ctx, i, r, "work") or _work(ctx, i, r)
                       for i, r in enumerate(results)]
            yield from ctx.page_items(Listing, entries, **fields)
            return
        people = [_entry(ctx, i, r, "author") or _profile(ctx, i, r)
                  for i, r in enumerate(results)]
        yield from ctx.page_items(Listing, people, **fields)

    def _list_kind(self, page: Page, results: Sequence[Any]) -> Kind:
        for result in results:
            if isinstance(result, Mapping):
                kind = _kind_of(result)
                if kind in ("work", "author"):
                    return "author" if kind == "author" else "work"
                if kind is not None:
                    raise ParseError(
                        f"an OpenAlex list of {kind} records holds neither works nor "
                        "authors; fetch /works or /authors",
                        input=page.name, parser=self.name,
                    )
        path = urlsplit(page.url).path if page.url else ""
        return "author" if "/authors" in path else "work"


def _entry(ctx: RecordContext, position: int, result: Any, kind: Kind) -> MalformedEntry | None:
    """A MalformedEntry for a result that is not a JSON object of the list's kind, else None."""
    if not isinstance(result, Mapping):
        return ctx.malformed(position, "the result is not a JSON object")
    letter = _entity_letter(result)
    if letter is not None and _ENTITY_NAMES.get(letter) != kind:
        name = _ENTITY_NAMES.get(letter, "unknown entity")
        return ctx.malformed(position, f"a {name} record ({result['id']}) in a list of {kind}s")
    return None


def _url_query(url: str | None) -> str | None:
    """The search/filter parameters of the request URL ("filter=openalex:W1|W2")."""
    if not url or "?" not in url:
        return None
    kept = [f"{k}={v}" for k, v in parse_qsl(urlsplit(url).query) if k in _QUERY_PARAMS and v]
    return "&".join(kept) or None


def _arxiv_id(doi: str | None, landing: str | None) -> str | None:
    """The arXiv id an arXiv DOI (10.48550/arXiv.2304.05376) or abs page names."""
    candidate = None
    if doi:
        low = doi.lower()
        at = low.find(_ARXIV_DOI)
        if at >= 0:
            candidate = doi[at + len(_ARXIV_DOI):]
    if candidate is None and landing and landing.startswith(_ARXIV_HOSTS):
        candidate = landing
    if candidate is None:
        return None
    try:
        return normalize_arxiv(candidate)
    except BadIdentifier:
        return None


def _published(date: Any, year: int | None) -> PublishedDate | None:
    """``publication_date`` at its precision, else ``publication_year`` (year precision).

    OpenAlex fills an unknown month and day with January 1st (the arXiv preprint of
    ChemCrow, posted in April 2023, is "2023-01-01"): such a date says only its year.
    """
    published = iso_date(date)
    if published is not None and published.precision == "day" and (
        published.date.month == 1 and published.date.day == 1
    ):
        published = PublishedDate(date=published.date, precision="year")
    if published is None and year is not None:
        published = iso_date(str(year))
    return published


_Ids = TypeVar("_Ids", Identifiers, PersonIdentifiers)


def _identifiers(
    model: type[_Ids], position: int | None, warnings: list[RecordWarning], **values: Any
) -> _Ids:
    """``model`` of the ids; one validation when all are good (the common case), else
    checked_ids, which drops and reports each bad one."""
    given = {k: v for k, v in values.items() if v is not None and v != ""}
    if all(isinstance(v, str) for v in given.values()):
        try:
            return model.model_validate(given)
        except ValueError:  # pydantic's ValidationError: find and report the bad value
            pass
    ids, bad = checked_ids(model, position=position, **given)
    warnings.extend(bad)
    return ids


def _authors(
    authorships: list[Any], position: int, warnings: list[RecordWarning]
) -> tuple[list[dict[str, Any]], int]:
    """The authorships as Author fields, in order, and how many had no name."""
    authors: list[dict[str, Any]] = []
    nameless = 0
    for a in authorships:
        if not isinstance(a, Mapping):
            nameless += 1
            continue
        person = a.get("author")
        person = person if isinstance(person, Mapping) else {}
        name = _str(a.get("raw_author_name")) or _str(person.get("display_name"))
        if name is None:
            nameless += 1
            continue
        affiliations = _names(a.get("institutions"))
        if not affiliations:
            affiliations = texts(a.get("raw_affiliation_strings")) or _names(
                a.get("affiliations"), "raw_affiliation_string"
            )
        author: dict[str, Any] = {"name": name, "affiliations": affiliations}
        raw_orcid = person.get("orcid")
        if raw_orcid:
            orcid = checked_orcid(raw_orcid)
            if orcid is None:
                warnings.append(RecordWarning(
                    code="bad_identifier", position=position,
                    message=f"orcid of {name}: {raw_orcid!r} is not a valid ORCID iD",
                ))
            author["orcid"] = orcid
        ident = person.get("id")
        if isinstance(ident, str) and _AUTHOR_ID.match(ident):
            author["identifiers"] = {"openalex": ident}
        elif ident:
            ids, bad = checked_ids(PersonIdentifiers, position=position, openalex=ident)
            warnings.extend(bad)
            author["identifiers"] = ids
        authors.append(author)
    return authors, nameless


def _work(ctx: RecordContext, position: int, w: Mapping[str, Any]) -> Work | MalformedEntry:
    title = _clean(w.get("title")) or _clean(w.get("display_name"))
    if title is None:
        return ctx.malformed(position, f"the OpenAlex work {w.get('id')!r} has no title")
    warnings: list[RecordWarning] = []
    ids = w.get("ids")
    ids = ids if isinstance(ids, Mapping) else {}
    doi_url = _str(ids.get("doi")) or _str(w.get("doi"))
    primary = w.get("primary_location")
    primary = primary if isinstance(primary, Mapping) else {}
    landing = _str(primary.get("landing_page_url"))
    pdf = _str(primary.get("pdf_url"))
    identifiers = _identifiers(
        Identifiers, position, warnings,
        doi=doi_url, openalex=ids.get("openalex") or w.get("id"),
        mag=ids.get("mag"), pmid=ids.get("pmid"), pmcid=ids.get("pmcid"),
        arxiv=_arxiv_id(doi_url, landing),
    )

    authorships = as_list(w.get("authorships"))
    authors, nameless = _authors(authorships, position, warnings)
    truncated = w.get("is_authors_truncated") is True
    complete = bool(authorships) and not truncated

    published = _published(w.get("publication_date"), as_int(w.get("publication_year")))
    year = as_int(w.get("publication_year"))
    if year is None and published is not None:
        year = published.date.year

    links = [u for u in (landing, pdf, doi_url) if u and u.startswith(("http://", "https://"))]
    keywords = (_names(w.get("topics")) or _names(w.get("concepts"))
                or _names(w.get("keywords")) or texts(w.get("keywords")))
    return ctx.build(
        Work, position,
        title=title,
        abstract=rebuild_abstract(w.get("abstract_inverted_index")),
        authors=authors,
        author_count=len(authorships) if complete else None,
        authors_complete=complete and not nameless,
        published=published,
        year=year,
        venue=_str(dig(primary, "source", "display_name")),
        work_type=_str(w.get("type")),
        links=list(dict.fromkeys(links)),
        identifiers=identifiers,
        keywords=keywords,
        cited_by=as_int(w.get("cited_by_count")),
        warnings=warnings,
    )


def _profile_fields(a: Mapping[str, Any], position: int | None) -> dict[str, Any]:
    name = _clean(a.get("display_name"))
    warnings: list[RecordWarning] = []
    ids = a.get("ids")
    ids = ids if isinstance(ids, Mapping) else {}
    raw_orcid = a.get("orcid") or ids.get("orcid")
    orcid = checked_orcid(raw_orcid)
    if raw_orcid and orcid is None:
        warnings.append(RecordWarning(
            code="bad_identifier", position=position,
            message=f"orcid: {raw_orcid!r} is not a valid ORCID iD",
        ))
    identifiers = _identifiers(
        PersonIdentifiers, position, warnings, openalex=a.get("id") or ids.get("openalex")
    )
    latest = as_list(a.get("last_known_institutions"))
    affiliation = (
        _clean(dig(latest, 0, "display_name")) if latest
        else _clean(dig(a, "last_known_institution", "display_name"))
    )
    stats = a.get("summary_stats")
    stats = stats if isinstance(stats, Mapping) else {}
    metrics = {
        "works_count": as_int(a.get("works_count")),
        "citations": as_int(a.get("cited_by_count")),
        "h_index": as_int(stats.get("h_index")),
        "i10_index": as_int(stats.get("i10_index")),
    }
    other = [n for n in texts(a.get("display_name_alternatives")) if n != name]
    links = [u for u in texts([ids.get("wikipedia"), ids.get("twitter")])
             if u.startswith(("http://", "https://"))]
    return {
        "name": name,
        "affiliation": affiliation,
        "metrics": metrics,
        "orcid": orcid,
        "identifiers": identifiers,
        "other_names": other,
        "interests": _names(a.get("topics")) or _names(a.get("x_concepts")),
        "links": links,
        "warnings": warnings,
    }


def _profile(ctx: RecordContext, position: int, a: Mapping[str, Any]) -> Profile | MalformedEntry:
    if _clean(a.get("display_name")) is None:
        return ctx.malformed(position, f"the OpenAlex author {a.get('id')!r} has no name")
    return ctx.build(Profile, position, **_profile_fields(a, position))
