"""arXiv API Atom feeds (``export.arxiv.org/api/query``): search results and id lookups.

The feed is an Atom 1.0 ``<feed>`` with OpenSearch counts and one ``<entry>`` per paper;
arXiv's own elements (``arxiv:doi``, ``arxiv:journal_ref``, ``arxiv:primary_category``,
``arxiv:affiliation`` inside ``<author>``, ``arxiv:comment``) sit in
``http://arxiv.org/schemas/atom``. Two layouts are read, both by namespace URI (never by
prefix), walking each entry's children once so their order does not matter:

* 2016: the ``opensearch``/``arxiv`` namespaces declared on each element that uses them,
  ``<title type="html">``, ``http://arxiv.org/…`` feed and link URLs, ``dx.doi.org`` DOI links,
  titles and summaries wrapped over lines;
* 2026: both namespaces declared on the root, ``https://arxiv.org/api/…`` feed ids,
  ``https://arxiv.org/abs|pdf/…`` links, ``published`` after ``summary`` and ``category``.

Records: a Listing first (title ``arXiv query: <search_query or id_list>``, the query, the
OpenSearch ``totalResults``), then one Work per entry, in feed order: the bare arXiv id (new
and old style) and the version from the entry id, title, abstract, authors with their
affiliations, primary category and all category terms, published and updated dates (day
precision), DOI, journal reference as the venue, and the entry's links. OpenSearch 1.1 and
the older OpenSearch RSS 1.0 namespace are both read.

arXiv answers a bad request (HTTP 400) with a well-formed feed whose single entry is titled
"Error" and has an id under ``https://arxiv.org/api/errors``: that page raises
SourceErrorResponse, never yields a work. A feed with no entry is a valid, empty Listing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, cast
from urllib.parse import unquote

from lxml import etree

from ingest_core.errors import BadIdentifier, MalformedEntry, ParseError, SourceErrorResponse
from ingest_core.parser import (
    Page,
    ParseItem,
    RecordContext,
    as_int,
    checked_ids,
    clean_text,
    collapse_ws,
    iso_date,
    normalize_arxiv,
)
from ingest_core.schemas import Identifiers, Listing, RecordWarning, Work

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = ("http://a9.com/-/spec/opensearch/1.1/", "http://a9.com/-/spec/opensearchrss/1.0/")

_A = "{" + ATOM_NS + "}"
_X = "{" + ARXIV_NS + "}"
FEED = _A + "feed"
ENTRY = _A + "entry"
TITLE = _A + "title"
ID = _A + "id"
LINK = _A + "link"
SUMMARY = _A + "summary"
AUTHOR = _A + "author"
NAME = _A + "name"
PUBLISHED = _A + "published"
UPDATED = _A + "updated"
CATEGORY = _A + "category"
AFFILIATION = _X + "affiliation"
DOI = _X + "doi"
JOURNAL_REF = _X + "journal_ref"
PRIMARY_CATEGORY = _X + "primary_category"
_OPENSEARCH = tuple("{" + ns + "}" for ns in OPENSEARCH_NS)
TOTAL_RESULTS = frozenset(ns + "totalResults" for ns in _OPENSEARCH)
QUERY = frozenset(ns + "Query" for ns in _OPENSEARCH)

# an entry child's tag -> the field it fills (one dict lookup per child, not a chain of tests)
(_F_TITLE, _F_AUTHOR, _F_LINK, _F_CATEGORY, _F_ID, _F_SUMMARY, _F_PUBLISHED, _F_UPDATED,
 _F_PRIMARY, _F_DOI, _F_JOURNAL_REF) = range(11)
_ENTRY_FIELDS = {
    TITLE: _F_TITLE, AUTHOR: _F_AUTHOR, LINK: _F_LINK, CATEGORY: _F_CATEGORY, ID: _F_ID,
    SUMMARY: _F_SUMMARY, PUBLISHED: _F_PUBLISHED, UPDATED: _F_UPDATED,
    PRIMARY_CATEGORY: _F_PRIMARY, DOI: _F_DOI, JOURNAL_REF: _F_JOURNAL_REF,
}

_ABS = "arxiv.org/abs/"
_ERROR_ID = re.compile(r"^https?://(?:export\.)?arxiv\.org/api/errors", re.IGNORECASE)
# comments are matched so that one cannot span "-->": no two ways to split a run of them
_FEED_START = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--(?:[^-]|-(?!->))*-->\s*)*<(?:[\w.-]+:)?feed[\s>/]"
)
_TITLE_QUERY = re.compile(r"^arxiv query:\s*", re.IGNORECASE)
_QUERY_KEYS = ("search_query", "id_list", "start", "max_results", "sortBy", "sortOrder")
_URL_PATTERNS = (
    r"^https?://(?:export\.)?arxiv\.org/api/query",
    r"^https?://(?:export\.)?arxiv\.org/api/",
)
_HEAD = 4096


def _text(el: etree._Element) -> str:
    """The element's text with any child markup dropped (arXiv sends plain text)."""
    if len(el):
        return "".join(cast(Iterator[str], el.itertext()))
    return el.text or ""


def _query_params(text: str) -> dict[str, str]:
    """``search_query=…&id_list=…&start=…`` as a dict; a value holding "&" stays whole."""
    params: dict[str, str] = {}
    last: str | None = None
    for part in text.split("&"):
        key, sep, value = part.partition("=")
        if sep and key.strip() in _QUERY_KEYS:
            last = key.strip()
            params[last] = value
        elif last is not None:
            params[last] += "&" + part
    return params


def _query_of(params: dict[str, str]) -> str | None:
    search = collapse_ws(params.get("search_query", ""))
    ids = collapse_ws(params.get("id_list", ""))
    if search and ids:
        return f"search_query={search}&id_list={ids}"
    return search or ids or None


class ArxivAtomParser:
    """An arXiv API feed: a Listing record, then one Work per entry."""

    name = "arxiv_atom"
    source = "arxiv"
    version = "1"
    url_patterns: Sequence[str] = _URL_PATTERNS

    def detect(self, page: Page) -> float:
        """High on an Atom ``<feed>`` carrying arXiv's namespace, ids or query title."""
        if page.kind != "xml":
            return 0.0
        bonus = 0.05 if page.url_matches(self.url_patterns) else 0.0
        root = page.tree
        if root is None:  # not well-formed: only an Atom feed's opening says it is ours
            head = page.text[:_HEAD]
            if _FEED_START.match(head) is None:
                return 0.0
            score = 0.45 + 0.1 * (ATOM_NS in head) + 0.3 * ("arxiv" in head.lower())
            return min(1.0, score + bonus)
        if root.tag != FEED:
            return 0.0
        score = 0.25
        arxiv_feed = opensearch = arxiv_entry = False
        if ARXIV_NS in root.nsmap.values():
            arxiv_entry = True
        for child in root:
            tag = child.tag
            if tag == ENTRY:
                if not arxiv_entry:
                    for sub in child:
                        sub_tag = sub.tag
                        if (isinstance(sub_tag, str) and sub_tag.startswith(_X)) or (
                            sub_tag == ID and "arxiv.org/" in (sub.text or "")
                        ):
                            arxiv_entry = True
                            break
                break  # the feed's own elements come before its entries
            if tag in (ID, TITLE):
                value = (child.text or "").lower()
                arxiv_feed = arxiv_feed or "arxiv.org" in value or value.startswith("arxiv query")
            elif tag == LINK:
                arxiv_feed = arxiv_feed or "arxiv.org/api" in (child.get("href") or "")
            elif tag in TOTAL_RESULTS:
                opensearch = True
        # a generic Atom feed, even with OpenSearch counts, stays below 0.5; arXiv's query
        # title or ids with the OpenSearch counts are unmistakable, entries or not
        score += 0.4 * arxiv_feed + 0.15 * opensearch + 0.2 * arxiv_entry
        score += 0.1 * (arxiv_feed and opensearch)
        return min(1.0, score + bonus)

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the Listing, then a Work (or MalformedEntry) per entry.

        Raises:
            ParseError: the page is not a well-formed Atom feed.
            SourceErrorResponse: the feed is arXiv's error answer.
        """
        root = page.tree
        if root is None:
            why = page.xml_error or f"the page is {page.kind}, not XML"
            raise ParseError(
                f"cannot read the arXiv Atom feed: {why}; fetch the feed again (it may be cut)",
                input=page.name, parser=self.name,
            )
        if root.tag != FEED:
            raise ParseError(
                f"the root element is {root.tag!r}, not an Atom <feed>: not an arXiv API feed",
                input=page.name, parser=self.name,
            )
        feed_title = feed_link = query = None
        total = None
        entries: list[etree._Element] = []
        for child in root:
            tag = child.tag
            if tag == ENTRY:
                entries.append(child)
            elif tag == TITLE:
                feed_title = collapse_ws(_text(child))
            elif tag == LINK:
                if feed_link is None or child.get("rel") == "self":
                    feed_link = child.get("href")
            elif tag in TOTAL_RESULTS:
                total = as_int(child.text)
            elif tag in QUERY:
                query = clean_text(child.get("searchTerms") or "") or None
        if query is None and feed_title and _TITLE_QUERY.match(feed_title):
            query = _query_of(_query_params(_TITLE_QUERY.sub("", feed_title, count=1)))
        if query is None and feed_link and "?" in feed_link:
            query = _query_of(_query_params(unquote(feed_link.partition("?")[2])))
        title = f"arXiv query: {query}" if query else (feed_title or "arXiv query")
        ctx = RecordContext(self, page)
        works = (self._work(ctx, i, entry) for i, entry in enumerate(entries))
        yield from ctx.page_items(Listing, works, title=title, query=query, total_results=total)

    def _work(self, ctx: RecordContext, pos: int, entry: etree._Element) -> Work | MalformedEntry:
        title = abstract = doi = venue = primary = None
        entry_id = published_at = updated_at = ""
        authors: list[dict[str, Any]] = []
        nameless = 0
        categories: dict[str, None] = {}
        links: dict[str, None] = {}
        for child in entry:  # one walk; the layouts order these children differently
            field = _ENTRY_FIELDS.get(child.tag)
            if field is None:
                continue
            if field == _F_AUTHOR:
                author = self._author(child)
                if author is None:
                    nameless += 1
                else:
                    authors.append(author)
            elif field == _F_LINK:
                href = (child.get("href") or "").strip()
                if href:
                    links[href] = None
            elif field == _F_CATEGORY:
                term = (child.get("term") or "").strip()  # a category code, e.g. cs.LG
                if term:
                    categories[term] = None
            elif field == _F_TITLE:
                title = clean_text(_text(child))
            elif field == _F_ID:
                entry_id = (child.text or "").strip()
            elif field == _F_SUMMARY:
                abstract = clean_text(_text(child)) or None
            elif field == _F_PUBLISHED:
                published_at = (child.text or "").strip()
            elif field == _F_UPDATED:
                updated_at = (child.text or "").strip()
            elif field == _F_PRIMARY:
                primary = (child.get("term") or "").strip() or None
            elif field == _F_DOI:
                doi = next(iter((child.text or "").split()), None)  # first of a spaced list
            else:  # _F_JOURNAL_REF
                venue = clean_text(_text(child)) or None
        if _ERROR_ID.match(entry_id):  # arXiv's HTTP 400 answer, not a paper
            raise SourceErrorResponse(
                f"arXiv answered with an error, not papers: {abstract or 'no reason given'}"
                f" ({entry_id})",
                input=ctx.page.name, parser=self.name,
            )
        if not title:
            return ctx.malformed(pos, "the entry has no <title>: it cannot become a work")
        published = iso_date(published_at) if published_at else None
        # a v1's updated is its published timestamp: read once
        updated = published if updated_at == published_at else iso_date(updated_at or None)
        warnings: list[RecordWarning] = []
        arxiv: str | None = None
        version: int | None = None
        at = entry_id.find(_ABS)
        if at >= 0:
            bare = entry_id[at + len(_ABS) :].rstrip("/")
            head, _, tail = bare.rpartition("v")  # 1111.2011v2, quant-ph/0201082v1
            if head[-1:].isdigit() and tail.isdigit():
                bare, version = head, int(tail)
            try:
                arxiv = normalize_arxiv(bare)
            except BadIdentifier:
                version = None
                warnings.append(RecordWarning(
                    code="bad_identifier",
                    message=f"arxiv: {entry_id!r} does not hold an arXiv id", position=pos,
                ))
        if nameless:
            warnings.append(RecordWarning(
                code="author_without_name",
                message=f"{nameless} <author> element(s) without a <name> were left out",
                position=pos,
            ))
        identifiers: dict[str, Any] = {"arxiv": arxiv, "arxiv_version": version or None}
        if doi is not None:
            checked, id_warnings = checked_ids(Identifiers, position=pos, doi=doi)
            identifiers["doi"] = checked.doi
            warnings += id_warnings
        return ctx.build(
            Work, pos,
            title=title,
            abstract=abstract,
            authors=authors,
            # the API lists every author: the list is complete unless a name was missing
            author_count=len(authors) + nameless if authors else None,
            authors_complete=bool(authors) and not nameless,
            published=published,
            year=published.date.year if published else None,
            updated=updated,
            venue=venue,
            work_type="preprint",
            category=primary,
            links=list(links),
            identifiers=identifiers,
            keywords=list(categories),
            warnings=warnings,
        )

    @staticmethod
    def _author(el: etree._Element) -> dict[str, Any] | None:
        """An Author's fields: the name as printed and its ``arxiv:affiliation`` values.

        arXiv gives one display name, not given and family parts; they stay unset rather than
        guessed here (resolution splits the displayed name when it needs the parts).
        """
        if len(el) == 1:  # the common author: a <name> and nothing else
            only = el[0]
            name = clean_text(_text(only)) if only.tag == NAME else ""
            return {"name": name, "affiliations": []} if name else None
        name = ""
        affiliations: dict[str, None] = {}
        for child in el:
            tag = child.tag
            if tag == NAME:
                name = clean_text(_text(child))
            elif tag == AFFILIATION:
                affiliation = clean_text(_text(child))
                if affiliation:
                    affiliations[affiliation] = None
        if not name:
            return None
        return {"name": name, "affiliations": list(affiliations)}
