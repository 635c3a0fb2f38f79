"""ORCID public/member API responses in JSON, versions 3.0 and 2.1 (the same shape).

Layouts read, told apart by their keys (never by the URL alone):

* ``/{iD}/person`` -> one Profile: name (credit-name, else "given-names family-name"), given,
  family, orcid, other names, researcher urls (links), keywords (interests), biography
  (headline). E-mail addresses are never copied: the ``emails`` block is ignored, ``mailto:``
  urls are dropped and addresses inside free text are cut out.
* ``/{iD}`` (the whole record: ``person`` + ``activities-summary``) -> the Profile, with the
  affiliation (the current employment's organisation, else the latest one) and works_count,
  then one Work per works group. A record whose name is private gives a Listing instead.
* ``/{iD}/activities`` -> a Listing "ORCID works of <iD>" and one Work per works group.
* ``/{iD}/works`` -> a Listing "ORCID works of <iD>" and one Work per group: the preferred
  summary (the highest ``display-index``, the first on a tie), title, type, publication date
  (as precise as its parts), journal title (venue), url (links) and the ``self`` external ids
  (doi, arxiv, pmid, pmc), the group's own ids filling what the summary lacks.
* ``/{iD}/works/{put-codes}`` (``bulk``) -> the same Listing, one Work per full work; the bulk
  answer's per-item errors become malformed entries.
* ``/{iD}/work/{put-code}`` -> one Work at position 0: the summary fields plus the abstract
  (short-description) and the authors: its contributors (credit names, ORCID iDs) or, when it
  has none, the ``author`` field of its BibTeX citation (``Family, Given and ...``).
* ``/search`` and ``/expanded-search`` -> a Listing "ORCID search" with ``total_results`` =
  ``num-found`` and no works: its results are people's iDs, which a warning says.
* An error answer (``error-code`` with ``developer-message``/``user-message``) raises
  SourceErrorResponse.

v2.1 spells enumerations in upper case (``JOURNAL_ARTICLE``, ``SELF``, ``BIBTEX``); they are read
as v3.0's (``journal-article``). The XML representation of the API is not read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
    collapse_ws,
    date_from_parts,
    dig,
    normalize_arxiv,
    split_name,
    texts,
)
from ingest_core.schemas import (
    Identifiers,
    Listing,
    Profile,
    ProfileMetrics,
    PublishedDate,
    RecordWarning,
    Work,
)

_IDENTIFIER = r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]"
_PATH_ID = re.compile(rf"^/?({_IDENTIFIER})(?:/|$)")
_EMAIL = re.compile(r"(?:mailto:)?(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # linear search
_ARXIV_VERSION = re.compile(r"v(\d+)$", re.IGNORECASE)
_BIB_AUTHOR = re.compile(r"(?<![\w-])author\s*=\s*", re.IGNORECASE)
_LATEX_ACCENT = re.compile(
    r"\\(?:([`'^\"~=.])|([uvHckrbd])(?=[\s{]))\s*\{?\s*(\\?[A-Za-z])\s*\}?"
)
_LATEX_SYMBOL = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L)(?![A-Za-z])(?:\{\})?")
_LATEX_ESCAPE = re.compile(r"\\([&%$#_{}])")
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "b": "\u0331", "d": "\u0323",
}
_SYMBOLS = {
    "ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø",
    "O": "Ø", "l": "ł", "L": "Ł",
}
_ID_FIELDS = {"doi": "doi", "arxiv": "arxiv", "pmid": "pmid", "pmc": "pmcid"}
"""ORCID external-id types that name a work in the Identifiers contract."""
_NOT_AUTHORS = frozenset({"editor", "chair-or-translator", "assignee", "support-staff"})
"""Contributor roles that do not make someone an author of the work."""
_PERSON_KEYS = ("researcher-urls", "other-names", "external-identifiers", "addresses")


def _kind(page: Page) -> str | None:
    """Which ORCID response the page is, from its top-level keys; None when it is none."""
    data = page.json
    if not isinstance(data, dict):
        return None
    path = data.get("path")
    path = path if isinstance(path, str) else ""
    if "error-code" in data and (
        "developer-message" in data or "user-message" in data or "response-code" in data
    ):
        return "error"
    if "orcid-identifier" in data and ("person" in data or "activities-summary" in data):
        return "record"
    if "num-found" in data and ("result" in data or "expanded-result" in data):
        return "search"
    if isinstance(data.get("group"), list) and (
        path.endswith("/works") or isinstance(dig(data, "group", 0, "work-summary"), list)
    ):
        return "works"
    if isinstance(data.get("bulk"), list):
        first = dig(data, "bulk", 0)
        if isinstance(first, dict) and ("work" in first or "error" in first):
            return "bulk"
    if "put-code" in data and isinstance(data.get("title"), dict) and (
        "/work/" in path or "contributors" in data or "citation" in data
    ):
        return "work"
    if isinstance(data.get("works"), dict) and (
        path.endswith("/activities") or "employments" in data or "educations" in data
    ):
        return "activities"
    if any(key in data for key in _PERSON_KEYS) and (
        "name" in data or "biography" in data or path.endswith("/person")
    ):
        return "person"
    return None


def _orcid_of(*paths: object) -> str | None:
    """The checked iD a response's ``path`` ("/0000-0001-8607-8025/works") starts with."""
    for path in paths:
        if isinstance(path, str):
            m = _PATH_ID.match(path)
            found = checked_orcid(m.group(1) if m else path)
            if found:
                return found
    return None


def _scrub(text: str | None) -> str | None:
    """``text`` without e-mail addresses (never copied into a record), or None if nothing
    is left."""
    if text is None or "@" not in text:
        return text
    return collapse_ws(_EMAIL.sub("", text)) or None


def _is_email(url: str) -> bool:
    """A researcher "url" that is an e-mail address (``mailto:``…), never copied."""
    return url[:7].lower() == "mailto:" or ("@" in url and _EMAIL.fullmatch(url) is not None)


def _enum(value: object) -> str | None:
    """A v2.1 (``JOURNAL_ARTICLE``) or v3.0 (``journal-article``) enumeration, as v3.0's."""
    text = as_text(value)
    return text.lower().replace("_", "-") if text else None


def _preferred(summaries: Sequence[Any]) -> Mapping[str, Any] | None:
    """ORCID's preferred summary of a group: the highest display-index, the first on a tie."""
    best: Mapping[str, Any] | None = None
    best_index = -1
    for summary in summaries:
        if not isinstance(summary, Mapping):
            continue
        index = as_int(summary.get("display-index"))
        index = 0 if index is None else index
        if best is None or index > best_index:
            best, best_index = summary, index
    return best


def _collect_ids(found: dict[str, str], external_ids: object) -> None:
    """Add the work's own (``self``) ids of an ``external-ids`` block to ``found``."""
    for ext in as_list(dig(external_ids, "external-id")):
        if not isinstance(ext, Mapping):
            continue
        field = _ID_FIELDS.get(str(ext.get("external-id-type") or "").lower())
        if field is None or field in found:
            continue
        relation = _enum(ext.get("external-id-relationship"))
        if relation is not None and relation != "self":
            continue  # part-of (the journal's ISSN, the book), version-of, funded-by
        value = as_text(ext.get("external-id-value")) or as_text(
            dig(ext, "external-id-normalized", "value")
        )
        if value:
            found[field] = value


def _identifiers(
    position: int, work: Mapping[str, Any], group_ids: object = None
) -> tuple[Identifiers, list[RecordWarning]]:
    found: dict[str, str] = {}
    _collect_ids(found, work.get("external-ids"))
    if group_ids is not None:
        _collect_ids(found, group_ids)
    warnings: list[RecordWarning] = []
    arxiv = found.pop("arxiv", None)
    if arxiv is not None:
        try:
            found["arxiv"] = normalize_arxiv(arxiv)
            version = _ARXIV_VERSION.search(arxiv)
            if version is not None:
                found["arxiv_version"] = version.group(1)
        except BadIdentifier as exc:
            warnings.append(RecordWarning(
                code="bad_identifier", message=f"arxiv: {exc.message}", position=position
            ))
    ids, more = checked_ids(Identifiers, position=position, **found)
    return ids, warnings + more


def _date_part(part: object) -> object:
    """A month or day of an ORCID date, None for ORCID's "00" (unknown), which Europe PMC
    sends: "2013" with month "00" is a year-precision date, not a missing one."""
    value = part.get("value") if isinstance(part, Mapping) else part
    return None if as_int(value) == 0 else value


def _work_fields(
    position: int, work: Mapping[str, Any], group_ids: object = None
) -> dict[str, Any] | None:
    """The Work fields a summary or a full work gives; None when it has no title."""
    title = as_text(dig(work, "title", "title", "value"))
    if title is None:
        return None
    date = work.get("publication-date")
    published: PublishedDate | None = None
    if isinstance(date, Mapping):
        month, day = _date_part(date.get("month")), _date_part(date.get("day"))
        published = date_from_parts(date.get("year"), month, day if month else None)
    ids, warnings = _identifiers(position, work, group_ids)
    url = as_text(dig(work, "url", "value"))
    return {
        "title": title,
        "work_type": _enum(work.get("type")),
        "published": published,
        "year": published.date.year if published is not None else None,
        "venue": as_text(dig(work, "journal-title", "value")),
        "links": [url] if url else [],
        "identifiers": ids,
        "warnings": warnings,
    }


def _contributors(work: Mapping[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """The authors among a full work's contributors, and whether every one had a name."""
    authors: list[dict[str, Any]] = []
    every_named = True
    for contributor in as_list(dig(work, "contributors", "contributor")):
        if not isinstance(contributor, Mapping):
            continue
        role = _enum(dig(contributor, "contributor-attributes", "contributor-role"))
        if role in _NOT_AUTHORS:
            continue
        name = as_text(dig(contributor, "credit-name", "value"))
        if name is None:
            every_named = False
            continue
        parts = split_name(name)  # ORCID gives a credit name only, never its parts
        orcid = checked_orcid(dig(contributor, "contributor-orcid", "path")) or checked_orcid(
            dig(contributor, "contributor-orcid", "uri")
        )
        authors.append(
            {"name": parts.name, "given": parts.given, "family": parts.family, "orcid": orcid}
        )
    return authors, every_named


def _braced(text: str, start: int) -> str | None:
    """The BibTeX value at ``start``: ``{…}`` with nested braces, or ``"…"``."""
    if start >= len(text) or text[start] not in '{"':
        return None
    close = "}" if text[start] == "{" else '"'
    depth = 0
    for i in range(start + 1, len(text)):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
        elif ch == close and depth == 0:
            return text[start + 1:i]
    return None


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside braces (BibTeX's "and", and its commas)."""
    parts: list[str] = []
    depth = start = i = 0
    size = len(separator)
    low = text.lower() if separator.isalpha() or " " in separator else text
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and low.startswith(separator, i):
            parts.append(text[start:i])
            i += size
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _accent(m: re.Match[str]) -> str:
    letter = m.group(3).lstrip("\\")
    return letter + _ACCENTS[m.group(1) or m.group(2)]


def _de_latex(text: str) -> str:
    """A BibTeX name as plain text: accents and letters of LaTeX to Unicode, braces and
    ties dropped."""
    if "\\" in text:
        text = _LATEX_ACCENT.sub(_accent, text)
        text = _LATEX_SYMBOL.sub(lambda m: _SYMBOLS[m.group(1)], text)
        text = _LATEX_ESCAPE.sub(r"\1", text)
        text = unicodedata.normalize("NFC", text)
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    return clean_text(text)


def _bibtex_authors(citation: str) -> tuple[list[dict[str, Any]], bool]:
    """The ``author`` field of a BibTeX entry, in order, and whether it is whole (no "and
    others"). "Family, Given" and "Family, Jr, Given" give their parts as written."""
    m = _BIB_AUTHOR.search(citation)
    field = _braced(citation, m.end()) if m is not None else None
    if not field:
        return [], False
    authors: list[dict[str, Any]] = []
    complete = True
    for written in _split_top(collapse_ws(field), " and "):
        raw = written.strip()
        if not raw:
            continue
        if raw.lower() == "others":
            complete = False
            continue
        pieces = [_de_latex(p) for p in _split_top(raw, ",")]
        if len(pieces) == 1:
            parts = split_name(pieces[0])  # "Given Family": the field does not split it
            given, family = parts.given, parts.family
            name = parts.name
        else:
            family = pieces[0] or None
            given = pieces[-1] or None
            if len(pieces) > 2 and pieces[1]:  # "Family, Jr, Given"
                family = f"{pieces[0]} {pieces[1]}"
            name = " ".join(p for p in (given, family) if p)
        if name:
            authors.append({"name": name, "given": given, "family": family})
    return authors, complete and bool(authors)


def _full_work(
    ctx: RecordContext, position: int, work: Mapping[str, Any]
) -> Work | MalformedEntry:
    """A Work from a full ``/work`` record (or a bulk item)."""
    fields = _work_fields(position, work)
    if fields is None:
        return ctx.malformed(position, "the work has no title (title.title.value)")
    authors, complete = _contributors(work)
    if authors:
        complete = False  # ORCID keeps what the source sent: no sign the list is whole
    else:
        citation = dig(work, "citation")
        value = as_text(dig(citation, "citation-value"))
        if value is not None and _enum(dig(citation, "citation-type")) == "bibtex":
            authors, complete = _bibtex_authors(value)
    return ctx.build(
        Work, position,
        abstract=_scrub(as_text(dig(work, "short-description"))),
        authors=authors,
        author_count=len(authors) if complete else None,
        authors_complete=complete,
        **fields,
    )


def _group_works(ctx: RecordContext, groups: Sequence[Any]) -> list[Work | MalformedEntry]:
    """One Work per works group, from its preferred summary."""
    items: list[Work | MalformedEntry] = []
    for position, group in enumerate(groups):
        summary = _preferred(as_list(dig(group, "work-summary")))
        fields = _work_fields(position, summary, dig(group, "external-ids")) if summary else None
        if fields is None:
            items.append(ctx.malformed(position, "the works group has no summary with a title"))
            continue
        items.append(ctx.build(Work, position, **fields))
    return items


def _affiliation(employments: object) -> str | None:
    """The organisation of the current employment, else of the first (latest) one listed."""
    summaries: list[Mapping[str, Any]] = []
    for group in as_list(dig(employments, "affiliation-group")):  # v3.0
        for item in as_list(dig(group, "summaries")):
            summary = dig(item, "employment-summary")
            if isinstance(summary, Mapping):
                summaries.append(summary)
    summaries += [s for s in as_list(dig(employments, "employment-summary"))  # v2.1
                  if isinstance(s, Mapping)]
    named = [s for s in summaries if as_text(dig(s, "organization", "name"))]
    current = [s for s in named if not s.get("end-date")]
    chosen = current or named
    return as_text(dig(chosen[0], "organization", "name")) if chosen else None


def _person_fields(person: Mapping[str, Any]) -> dict[str, Any]:
    """Profile fields of a ``/person`` block (no e-mail ever read)."""
    given = as_text(dig(person, "name", "given-names", "value"))
    family = as_text(dig(person, "name", "family-name", "value"))
    credit = as_text(dig(person, "name", "credit-name", "value"))
    if credit is not None:
        name: str | None = credit
        if given is None and family is None:
            parts = split_name(credit)
            given, family = parts.given, parts.family
    else:
        name = " ".join(p for p in (given, family) if p) or None
    other = [_scrub(as_text(dig(o, "content")))
             for o in as_list(dig(person, "other-names", "other-name"))]
    keywords = [_scrub(as_text(dig(k, "content")))
                for k in as_list(dig(person, "keywords", "keyword"))]
    links = [url for u in as_list(dig(person, "researcher-urls", "researcher-url"))
             if (url := as_text(dig(u, "url", "value"))) and not _is_email(url)]
    return {
        "name": name,
        "given": given,
        "family": family,
        "headline": _scrub(as_text(dig(person, "biography", "content"))),
        "other_names": texts([o for o in other if o and o != name]),
        "interests": texts(keywords),
        "links": texts(links),
    }


class OrcidParser:
    """ORCID API JSON: person/record -> Profile (+ works), works -> Listing + Works, one work
    -> Work, search -> Listing, error answer -> SourceErrorResponse."""

    name = "orcid"
    source = "orcid"
    version = "1"
    url_patterns: Sequence[str] = (
        r"^https?://(?:pub|api)\.(?:sandbox\.)?orcid\.org/v[23]\.\d+/",
        rf"^https?://(?:www\.)?orcid\.org/{_IDENTIFIER}",
    )

    def detect(self, page: Page) -> float:
        """0.95 for any ORCID response shape (its distinctive keys), plus 0.05 for its URL."""
        if page.kind != "json" or page.derived(_kind) is None:
            return 0.0
        return 1.0 if page.url_matches(self.url_patterns) else 0.95

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """The records of one ORCID response (page record first).

        Raises:
            SourceErrorResponse: the page is ORCID's error answer.
            ParseError: the page is no ORCID response, or a person record without a name.
        """
        kind = page.derived(_kind)
        data = page.json
        if kind is None or not isinstance(data, dict):
            raise ParseError(
                "not an ORCID API JSON response (no person, record, works, work, search or "
                "error keys); fetch it from pub.orcid.org/v3.0 with Accept: application/json",
                input=page.name, parser=self.name,
            )
        ctx = RecordContext(self, page)
        if kind == "error":
            self._raise_error(page, data)
        elif kind == "work":
            yield _full_work(ctx, 0, data)
        elif kind == "works":
            groups = as_list(data.get("group"))
            yield from self._works_listing(ctx, _group_works(ctx, groups), data.get("path"),
                                           dig(groups, 0, "work-summary", 0, "path"))
        elif kind == "bulk":
            yield from self._bulk(ctx, as_list(data.get("bulk")))
        elif kind == "activities":
            groups = as_list(dig(data, "works", "group"))
            yield from self._works_listing(ctx, _group_works(ctx, groups), data.get("path"),
                                           dig(data, "works", "path"))
        elif kind == "search":
            yield from self._search(ctx, page, data)
        elif kind == "record":
            yield from self._record(ctx, page, data)
        else:
            yield from self._person(ctx, page, data, _orcid_of(data.get("path"),
                                                               dig(data, "name", "path")))

    def _raise_error(self, page: Page, data: Mapping[str, Any]) -> None:
        message = as_text(data.get("developer-message")) or as_text(data.get("user-message"))
        status = as_text(data.get("response-code"))
        raise SourceErrorResponse(
            f"ORCID answered with error {as_text(data.get('error-code'))}"
            + (f" (HTTP {status})" if status else "") + (f": {message}" if message else ""),
            input=page.name, parser=self.name,
        )

    def _works_listing(
        self, ctx: RecordContext, items: list[Work | MalformedEntry], *paths: object
    ) -> Iterator[ParseItem]:
        orcid = _orcid_of(*paths)
        yield from ctx.page_items(
            Listing, items,
            title=f"ORCID works of {orcid}" if orcid else "ORCID works",
            total_results=len(items),
        )

    def _bulk(self, ctx: RecordContext, bulk: list[Any]) -> Iterator[ParseItem]:
        items: list[Work | MalformedEntry] = []
        for position, item in enumerate(bulk):
            work = dig(item, "work")
            if isinstance(work, Mapping):
                items.append(_full_work(ctx, position, work))
            else:
                error = as_text(dig(item, "error", "developer-message")) or as_text(
                    dig(item, "error", "user-message")) or "no work in this bulk item"
                items.append(ctx.malformed(position, f"ORCID bulk error: {error}"))
        yield from self._works_listing(ctx, items, dig(bulk, 0, "work", "path"))

    def _search(
        self, ctx: RecordContext, page: Page, data: Mapping[str, Any]
    ) -> Iterator[ParseItem]:
        expanded = "expanded-result" in data
        results = as_list(data.get("expanded-result" if expanded else "result"))
        what = ("people (names and institutions)" if expanded else "bare ORCID iDs")
        warning = RecordWarning(
            code="no_works",
            message=f"the search results are {len(results)} {what}, not works: fetch each "
                    "iD's /record to read its person and works",
        )
        query = None
        if page.url and "?" in page.url:
            query = as_text(parse_qs(urlsplit(page.url).query).get("q"))
        yield from ctx.page_items(
            Listing, [],
            title="ORCID search",
            query=query,
            total_results=as_int(data.get("num-found")),
            warnings=[warning],
        )

    def _person(
        self, ctx: RecordContext, page: Page, person: Mapping[str, Any], orcid: str | None,
        works: list[Work | MalformedEntry] | None = None, **extra: Any,
    ) -> Iterator[ParseItem]:
        fields = _person_fields(person)
        if fields["name"] is None:
            if works is None:
                raise ParseError(
                    "the ORCID person record shows no name (it is private or missing)",
                    input=page.name, parser=self.name,
                )
            warning = RecordWarning(code="no_name",
                                    message="the record's name is private: no profile")
            yield from ctx.page_items(
                Listing, works,
                title=f"ORCID works of {orcid}" if orcid else "ORCID works",
                total_results=len(works), warnings=[warning],
            )
            return
        yield from ctx.page_items(Profile, works or [], orcid=orcid, **fields, **extra)

    def _record(
        self, ctx: RecordContext, page: Page, data: Mapping[str, Any]
    ) -> Iterator[ParseItem]:
        person = data.get("person")
        person = person if isinstance(person, Mapping) else {}
        activities = data.get("activities-summary")
        groups = as_list(dig(activities, "works", "group"))
        orcid = _orcid_of(dig(data, "orcid-identifier", "path"), data.get("path"),
                          person.get("path"))
        works = _group_works(ctx, groups)
        yield from self._person(
            ctx, page, person, orcid, works,
            affiliation=_affiliation(dig(activities, "employments")),
            metrics=ProfileMetrics(works_count=len(groups)),
        )
