"""Crossref REST API records (https://api.crossref.org, ``message-version`` 1.0.0).

Layouts read:

* ``{"status": "ok", "message-type": "work", "message": {...}}`` (``/works/{doi}``): one
  Work at position 0;
* ``{"status": "ok", "message-type": "work-list", "message": {"items": [...]}}`` (``/works``
  queries, samples and the ``/journals|members|funders|prefixes|types/{id}/works`` routes):
  a Listing ("Crossref works", ``query.search-terms``, ``total-results``), then one Work per
  item in order;
* a bare work object without the envelope, as the Crossref public data file and other bulk
  dumps ship one per ``.jsonl`` line, recognised by its shape (``DOI``, ``title`` list,
  ``type``, ``member``, ``issued`` ...): one Work at position 0.

A Work carries the first ``title`` (JATS/HTML tags removed), the first ``container-title``
as venue, ``type``, the DOI, the abstract (JATS removed, its "Abstract" heading dropped),
the authors in order (``given``/``family`` as deposited, or an organisation's ``name``,
affiliations, ORCID), the ``issued`` date with its precision (then ``published``,
``published-print``, ``published-online``), ``is-referenced-by-count``, ``subject``
keywords and the ``URL`` and ``link[].URL`` links.

Crossref's own error answers (``status`` "failed"/"error", or the plain text "Resource not
found.") raise SourceErrorResponse; other Crossref message types (members, journals...)
raise ParseError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ingest_core.errors import BadIdentifier, ParseError, SourceErrorResponse
from ingest_core.parser import (
    MalformedEntry,
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
    dig,
    normalize_arxiv,
    texts,
)
from ingest_core.schemas import Identifiers, Listing, PublishedDate, RecordWarning, Work

_URL_PATTERNS: tuple[str, ...] = (
    r"^https?://api\.crossref\.org/(?:v1/)?works\b",
    r"^https?://api\.crossref\.org/(?:v1/)?(?:journals|members|funders|prefixes|types)/"
    r"[^/?#]+/works\b",
)
_WORK_TYPES = frozenset({"work", "work-list"})
_ERROR_STATUSES = frozenset({"failed", "error"})
_NOT_FOUND = "Resource not found."
# keys every Crossref work object carries besides DOI and title; a bare object is told
# apart from other sources' JSON by them (OpenAlex and S2 use lower-case/camelCase keys)
_WORK_MARKERS = (
    "type", "prefix", "member", "issued", "indexed", "deposited", "created",
    "is-referenced-by-count", "reference-count", "container-title", "URL",
)
_DATE_FIELDS = ("issued", "published", "published-print", "published-online")

# Block-level JATS/HTML elements become a space, inline ones (<i>, <jats:italic>) nothing,
# so "<i>p</i>-bromostyrene" stays one word and paragraphs do not run together.
_BLOCK_TAG = re.compile(
    r"</?(?:[A-Za-z][\w.-]*:)?(?:p|title|sec|abstract|list|list-item|def-list|def-item|"
    r"disp-quote|label|caption|table|tr|td|th|li|ul|ol|div|br|break)\b[^<>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
_ABSTRACT_HEADING = re.compile(
    r"^\s*<(?P<tag>(?:[A-Za-z][\w.-]*:)?title)\b[^<>]*>\s*(?:abstract|summary)\s*[:.]?\s*"
    r"</(?P=tag)>",
    re.IGNORECASE,
)


# escaped markup some deposits carry ("Si&lt;sub&gt;3&lt;/sub&gt;N4"): known tag names
# only, so "x &lt; y" and "a&lt;y, z&gt;b" stay text
_ESCAPED_TAG = re.compile(
    r"&lt;/?(?:(?:jats|mml):[\w.-]+|sub|sup|i|b|u|em|strong|italic|bold|sc|p|br|span|title|sec)"
    r"(?:\s(?:(?!&[lg]t;)[^<>])*)?/?&gt;",
    re.IGNORECASE,
)


def _unescape_tag(m: re.Match[str]) -> str:
    return m.group(0).replace("&lt;", "<").replace("&gt;", ">")


def _strip_markup(text: str) -> str:
    """``text`` without JATS/HTML tags (escaped ones too: ``&lt;sub&gt;``), entities
    decoded, white space collapsed."""
    if "&lt;" in text:
        text = _ESCAPED_TAG.sub(_unescape_tag, text)
    if "<" in text:
        text = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", text))
    return clean_text(text)


def _abstract(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return _strip_markup(_ABSTRACT_HEADING.sub("", value, count=1)) or None


def _title(value: Any) -> str | None:
    for raw in as_list(value):
        if isinstance(raw, str):
            title = _strip_markup(raw)
            if title:
                return title
    return None


def _is_placeholder(part: str) -> bool:
    """A name part that holds no letter or digit ("-", ".", "--"): a deposit placeholder."""
    return not any(ch.isalnum() for ch in part)


def _date(
    work: Mapping[str, Any], position: int, warnings: list[RecordWarning]
) -> PublishedDate | None:
    """The first readable date of ``issued``, ``published``, ``published-print``,
    ``published-online``; a warning for a date that is not a real one (2019-09-31) and
    when none is readable."""
    seen: list[str] = []
    for key in _DATE_FIELDS:
        value = work.get(key)
        if value is None:
            continue
        parts = dig(value, "date-parts", 0)
        found = date_from_parts(*parts[:3]) if isinstance(parts, list) and parts else None
        if found is not None:
            if seen:
                warnings.append(RecordWarning(
                    code="unreadable_date", position=position,
                    message=f"{'; '.join(seen)}: no date; {key} used",
                ))
            return found
        seen.append(f"{key} date-parts {json.dumps(dig(value, 'date-parts'))}")
    problem = (
        f"no readable publication date ({'; '.join(seen)})" if seen
        else "no publication date (no issued, published, published-print or -online)"
    )
    warnings.append(RecordWarning(code="missing_date", message=problem, position=position))
    return None


def _authors(
    raw_authors: Any, position: int, warnings: list[RecordWarning]
) -> tuple[list[dict[str, Any]], int]:
    """The authors (as Author fields) in order, and how many entries the work lists."""
    entries = raw_authors if isinstance(raw_authors, list) else []
    authors: list[dict[str, Any]] = []
    for i, raw in enumerate(entries):
        if not isinstance(raw, Mapping):
            warnings.append(RecordWarning(
                code="malformed_author", position=position,
                message=f"author {i}: not an object ({type(raw).__name__})",
            ))
            continue
        given = as_text(raw.get("given"))
        family = as_text(raw.get("family"))
        parts = [(label, part) for label, part in (("given", given), ("family", family)) if part]
        shown = [part for _, part in parts if not _is_placeholder(part)]
        name = " ".join(shown) if shown else as_text(raw.get("name"))
        if name is None:
            warnings.append(RecordWarning(
                code="malformed_author", position=position,
                message=f"author {i}: no name (given {given!r}, family {family!r})",
            ))
            continue
        for label, part in parts:
            if _is_placeholder(part):
                warnings.append(RecordWarning(
                    code="placeholder_name", position=position,
                    message=f"author {i}: {label} name {part!r} is a placeholder (kept as given)",
                ))
        author: dict[str, Any] = {"name": name, "given": given, "family": family}
        affiliations = texts(
            [a.get("name") for a in as_list(raw.get("affiliation")) if isinstance(a, Mapping)]
        )
        if affiliations:
            author["affiliations"] = affiliations
        raw_orcid = raw.get("ORCID")
        if raw_orcid is not None:
            orcid = checked_orcid(raw_orcid)
            if orcid is None:
                warnings.append(RecordWarning(
                    code="bad_identifier", position=position,
                    message=f"author {i}: ORCID {raw_orcid!r} is not a valid ORCID iD",
                ))
            author["orcid"] = orcid
        authors.append(author)
    return authors, len(entries)


def _links(work: Mapping[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for value in [work.get("URL")] + [
        link.get("URL") for link in as_list(work.get("link")) if isinstance(link, Mapping)
    ]:
        if isinstance(value, str):
            url = value.strip()
            if url.startswith(("http://", "https://")):
                seen.setdefault(url, None)
    return list(seen)


def _identifiers(
    doi: str | None, position: int, warnings: list[RecordWarning]
) -> Identifiers:
    arxiv = None
    if doi is not None and doi.lower().startswith("10.48550/arxiv."):  # arXiv's own DOIs
        try:
            arxiv = normalize_arxiv(doi[15:])
        except BadIdentifier:
            arxiv = None
    identifiers, problems = checked_ids(Identifiers, position=position, doi=doi, arxiv=arxiv)
    warnings.extend(problems)
    return identifiers


def _bare_work_score(obj: Mapping[str, Any]) -> float:
    """How much a JSON object looks like a Crossref work without its envelope."""
    doi = obj.get("DOI")
    if not isinstance(doi, str) or not doi.startswith("10.") or "title" not in obj:
        return 0.0
    if not isinstance(obj.get("title"), list):
        return 0.0
    markers = sum(1 for key in _WORK_MARKERS if key in obj)
    if markers == 0:
        return 0.0
    return min(0.95, 0.55 + 0.1 * markers)


def _error_text(message: Any) -> str:
    """A readable summary of a Crossref error ``message`` (a list of problems or a text)."""
    problems = []
    for item in as_list(message)[:3]:
        if isinstance(item, Mapping):
            text = as_text(item.get("message")) or as_text(item.get("type"))
            if text:
                problems.append(text)
        else:
            text = as_text(item)
            if text:
                problems.append(text)
    return "; ".join(problems)


class CrossrefParser:
    """Crossref works: a single work, a work list, or a bare work object."""

    name = "crossref"
    source = "crossref"
    version = "1"
    url_patterns: Sequence[str] = _URL_PATTERNS

    def detect(self, page: Page) -> float:
        """High on the Crossref envelope (``message-type``) or a bare work's key shape."""
        if page.kind == "text":
            if len(page.text) < 64 and page.text.strip() == _NOT_FOUND:
                return 0.95 if page.url_matches(self.url_patterns) else 0.6
            return 0.0
        if page.kind != "json":
            return 0.0
        data = page.json
        if not isinstance(data, dict):
            return 0.0
        if "message-type" in data and "message" in data:
            status, kind = data.get("status"), data["message-type"]
            if status == "ok" and isinstance(kind, str) and kind in _WORK_TYPES:
                score = 0.95
            elif isinstance(status, str) and status in _ERROR_STATUSES:
                score = 0.9
            else:
                score = 0.7  # another Crossref message type: claimed, then refused clearly
        else:
            score = _bare_work_score(data)
            if score == 0.0:
                return 0.0
        return min(1.0, score + (0.05 if page.url_matches(self.url_patterns) else 0.0))

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the work, or the listing and its works (MalformedEntry for untitled items)."""
        if page.kind == "text" and page.text.strip() == _NOT_FOUND:
            raise SourceErrorResponse(
                "Crossref answered 'Resource not found.' (no such DOI or route)",
                input=page.name, parser=self.name,
            )
        data = page.json
        if not isinstance(data, dict):
            raise ParseError(
                "not a Crossref JSON object: expected {status, message-type, message} or a "
                "bare work object; check that the page is a Crossref API response",
                input=page.name, parser=self.name,
            )
        ctx = RecordContext(self, page)
        if "message-type" not in data:
            if _bare_work_score(data) == 0.0:
                raise ParseError(
                    "the JSON object is neither a Crossref response (no message-type) nor a "
                    "work object (needs DOI and a title list); check the input",
                    input=page.name, parser=self.name,
                )
            yield self._work(ctx, 0, data)
            return
        kind = data.get("message-type")
        status = data.get("status")
        message = data.get("message")
        if status is not None and status != "ok":
            detail = _error_text(message)
            raise SourceErrorResponse(
                f"Crossref answered status {status!r} ({kind}"
                + (f": {detail})" if detail else ")"),
                input=page.name, parser=self.name,
            )
        if kind == "work":
            if not isinstance(message, Mapping):
                raise ParseError(
                    "message-type work, but message is not an object; the response is cut "
                    "or altered", input=page.name, parser=self.name,
                )
            yield self._work(ctx, 0, message)
            return
        if kind == "work-list":
            items = dig(message, "items")
            if not isinstance(items, list):
                raise ParseError(
                    "message-type work-list, but message.items is not a list; the response "
                    "is cut or altered", input=page.name, parser=self.name,
                )
            entries = [
                self._work(ctx, i, item) if isinstance(item, Mapping)
                else ctx.malformed(i, f"item is not an object ({type(item).__name__})")
                for i, item in enumerate(items)
            ]
            yield from ctx.page_items(
                Listing, entries,
                title="Crossref works",
                query=as_text(dig(message, "query", "search-terms")),
                total_results=as_int(dig(message, "total-results")),
            )
            return
        raise ParseError(
            f"Crossref message-type {kind!r} holds no works (only work and work-list are "
            "read)", input=page.name, parser=self.name,
        )

    @staticmethod
    def _work(ctx: RecordContext, position: int, work: Mapping[str, Any]) -> Work | MalformedEntry:
        title = _title(work.get("title"))
        if title is None:
            doi = work.get("DOI")
            return ctx.malformed(position, f"work {doi!r} has no title")
        warnings: list[RecordWarning] = []
        authors, listed = _authors(work.get("author"), position, warnings)
        published = _date(work, position, warnings)
        identifiers = _identifiers(as_text(work.get("DOI")), position, warnings)
        return ctx.build(
            Work, position,
            title=title,
            abstract=_abstract(work.get("abstract")),
            authors=authors,
            author_count=listed or None,
            authors_complete=bool(listed) and len(authors) == listed,
            published=published,
            year=published.date.year if published else None,
            venue=as_text(work.get("container-title")),
            work_type=as_text(work.get("type")),
            links=_links(work),
            identifiers=identifiers,
            keywords=texts(work.get("subject")),
            cited_by=as_int(work.get("is-referenced-by-count")),
            warnings=warnings,
        )

