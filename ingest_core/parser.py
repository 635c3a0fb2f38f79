"""The parser plugin contract, and the page a parser reads.

A parser is a pure function of a :class:`Page`: it never does I/O and holds no state
between pages, so one instance serves many threads, processes and Spark executors.
The engine builds the ``Page`` (decoding, HTML reduced to lines) and picks the parser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol, TypeVar, cast, runtime_checkable

from lxml import etree
from pydantic import ValidationError

from ingest_core._html import html_lines, parse_html, parse_xml, text_lines
from ingest_core.errors import MalformedEntry, ParseError
from ingest_core.schemas import AnyRecord, Listing, Profile, Provenance, Representation, Work

R = TypeVar("R", bound=AnyRecord)


PageKind = Literal["text", "html", "xml", "json"]
"""What a page's text is, sniffed from its first bytes: decides which views it offers."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class Page:
    """A decoded page, ready for parsers; every view of it is computed once, when first asked.

    ``kind`` says what the text is. ``tree`` is the lxml tree of an HTML or XML page,
    ``json`` the parsed value of a JSON page, and ``lines`` the page's line structure: the
    non-empty, whitespace-collapsed lines of a text page, or of an HTML page after block
    elements became lines (script, style and navigation dropped), so one text grammar reads
    both representations. A JSON parser never pays for a tree, nor an XML one for lines.
    """

    raw: bytes
    text: str
    sha256: str
    as_of: dt.date
    kind: PageKind = "text"
    url: str | None = None
    retrieved_at: dt.datetime | None = None
    name: str | None = None
    encoding: str = "utf-8"
    """The codec the bytes were decoded with (``raw`` is un-gzipped)."""
    _memo: dict[Callable[[Page], Any], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def is_html(self) -> bool:
        return self.kind == "html"

    @property
    def representation(self) -> Representation:
        """How the records' content was read: HTML lines, or the text itself."""
        return "html_lines" if self.kind == "html" else "text"

    @property
    def tree(self) -> etree._Element | None:
        """The lxml tree of an HTML or XML page (no DTD, entity or network access); else None.

        An XML page that is not well-formed has no tree (None): its parser says why it cannot
        read it (``xml_error``), and detection simply scores it low.
        """
        return self._parsed[0]

    @property
    def xml_error(self) -> str | None:
        """Why an XML page has no tree (lxml's message), or None."""
        return self._parsed[1]

    @cached_property
    def _parsed(self) -> tuple[etree._Element | None, str | None]:
        """The tree, parsed once, and the reason when an XML page has none."""
        utf8 = self.encoding == "utf-8"
        if self.kind == "html":
            return parse_html(self.raw, self.text, utf8=utf8), None
        if self.kind == "xml":
            try:
                return parse_xml(self.raw, self.text, utf8=utf8), None
            except etree.XMLSyntaxError as exc:
                return None, f"the XML is not well-formed: {exc}"
        return None, None

    @cached_property
    def json(self) -> Any:
        """The parsed value of a JSON page; None for other kinds or JSON that does not parse."""
        if self.kind != "json":
            return None
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @cached_property
    def lines(self) -> Sequence[str]:
        """The page's visible lines (see the class docstring)."""
        if self.kind == "html":
            tree = self.tree
            return tuple(html_lines(tree, self.text)) if tree is not None else ()
        return tuple(text_lines(self.text))

    def derived(self, compute: Callable[[Page], _T]) -> _T:
        """``compute(self)``, computed once per page however many parsers ask.

        For a view of the page that a family of parsers shares (the JSON a site embeds, a
        scan of the raw text): detect() of every parser of the family reads it cheaply.
        ``compute`` must be a module-level function, so the memo stays one entry per view.
        """
        try:
            return cast(_T, self._memo[compute])
        except KeyError:
            value = self._memo[compute] = compute(self)
            return value

    def url_matches(self, patterns: Sequence[str]) -> bool:
        """True when the page URL matches any of ``patterns`` (regular expressions)."""
        if not self.url:
            return False
        return any(re.search(p, self.url) for p in patterns)


ParseItem = AnyRecord | MalformedEntry


@runtime_checkable
class Parser(Protocol):
    """What a parser plugin provides; registered in entry-point group ``ingest_core.parsers``."""

    name: str
    """Unique parser name, e.g. ``hf_daily``; part of every record id."""
    source: str
    """The site, shared by every parser of that site, e.g. ``huggingface``."""
    version: str
    """Bumped when output changes, so stored pages are reparsed."""

    @property
    def url_patterns(self) -> Sequence[str]:
        """Regular expressions for the URLs this parser serves (a tuple attribute will do)."""
        ...

    def detect(self, page: Page) -> float:
        """Confidence in [0, 1] that this parser understands ``page``; content outweighs URL."""
        ...

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the page's records (page record first), and a MalformedEntry per bad entry."""
        ...


def record_id(sha256: str, parser: str, position: int | None) -> str:
    """Deterministic record id from the page hash, parser name and entry position only."""
    slot = "page" if position is None else str(position)
    return hashlib.sha256(f"{sha256}\x1f{parser}\x1f{slot}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class RecordContext:
    """Stamps ids, source and provenance on records for one (parser, page) pair."""

    parser: Parser
    page: Page

    def id_for(self, position: int | None) -> str:
        return record_id(self.page.sha256, self.parser.name, position)

    @cached_property
    def _page_provenance(self) -> Provenance:
        """Validated once per page; each record's copy differs only in position (and maybe
        representation), which costs a copy, not a validation."""
        return Provenance(
            parser=self.parser.name,
            parser_version=self.parser.version,
            url=self.page.url,
            retrieved_at=self.page.retrieved_at,
            as_of=self.page.as_of,
            sha256=self.page.sha256,
            position=None,
            representation=self.page.representation,
        )

    def provenance(
        self, position: int | None, representation: Representation | None = None
    ) -> Provenance:
        base = self._page_provenance
        if representation is None or representation == base.representation:
            return base if position is None else base.model_copy(update={"position": position})
        return base.model_copy(update={"position": position, "representation": representation})

    def stamp(
        self, position: int | None, representation: Representation | None = None
    ) -> dict[str, Any]:
        """The common fields of a record at ``position`` (None for the page's own record)."""
        return {
            "id": self.id_for(position),
            "source": self.parser.source,
            "provenance": self.provenance(position, representation),
        }

    def malformed(self, position: int, reason: str) -> MalformedEntry:
        return MalformedEntry(
            reason,
            input=self.page.name or self.page.url,
            parser=self.parser.name,
            position=position,
        )

    def build(
        self,
        cls: type[R],
        position: int | None,
        representation: Representation | None = None,
        **fields: Any,
    ) -> R | MalformedEntry:
        """Validate a record at ``position``; a failing entry becomes a MalformedEntry."""
        fields.update(self.stamp(position, representation))
        try:
            # the same validation as cls(**fields), with less call overhead
            return cast(R, cls.model_validate(fields))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            return self.malformed(
                position if position is not None else -1, f"{where}: {first['msg']}"
            )

    def page_items(
        self,
        cls: type[Profile] | type[Listing],
        entries: Iterable[Work | Profile | MalformedEntry],
        representation: Representation | None = None,
        **fields: Any,
    ) -> Iterator[ParseItem]:
        """The page's own record first, then its entries in page order.

        ``entries_seen``, ``entries_emitted`` and ``work_ids`` are filled in from ``entries``,
        so the gap left by malformed entries is always visible on the page record. A listing
        of people (an API's author search) lists Profile entries, named in ``profile_ids``.

        Raises:
            ParseError: the page record itself does not validate.
        """
        items = list(entries)
        good = [item for item in items if not isinstance(item, MalformedEntry)]
        if cls is Listing:
            fields["profile_ids"] = [r.id for r in good if isinstance(r, Profile)]
        record = self.build(
            cls, None, representation,
            entries_seen=len(items), entries_emitted=len(good),
            work_ids=[w.id for w in good if isinstance(w, Work)], **fields,
        )
        if isinstance(record, MalformedEntry):
            raise ParseError(
                f"the {cls.__name__.lower()} record is invalid: {record.message}",
                input=self.page.name, parser=self.parser.name,
            )
        yield record
        yield from items


# The parser kit: everything a parser, built-in or plugin, needs besides the record contract
# (``ingest_core.schemas``). Imported last: these helpers build on the contract, not on Page.
from ingest_core._author_lists import AuthorList, is_name, parse_author_list  # noqa: E402
from ingest_core._dates import (  # noqa: E402
    date_from_parts,
    iso_date,
    parse_date,
    split_trailing_count,
    utc_date_of,
)
from ingest_core._identifiers import (  # noqa: E402
    checked_ids,
    checked_orcid,
    extract_identifiers,
    extract_links,
    normalize_arxiv,
    normalize_doi,
)
from ingest_core._names import NameParts, name_key, split_name  # noqa: E402
from ingest_core._select import select, select_one, select_text, text_of, xpath  # noqa: E402
from ingest_core._text import (  # noqa: E402
    clean_text,
    collapse_ws,
    fold,
    leading_int,
    tidy_text,
)
from ingest_core._values import as_int, as_list, as_text, dig, texts  # noqa: E402

__all__ = [
    "AuthorList",
    "MalformedEntry",
    "NameParts",
    "Page",
    "PageKind",
    "ParseError",
    "ParseItem",
    "Parser",
    "RecordContext",
    "as_int",
    "as_list",
    "as_text",
    "checked_ids",
    "checked_orcid",
    "clean_text",
    "collapse_ws",
    "date_from_parts",
    "dig",
    "extract_identifiers",
    "extract_links",
    "fold",
    "is_name",
    "iso_date",
    "leading_int",
    "name_key",
    "normalize_arxiv",
    "normalize_doi",
    "parse_author_list",
    "parse_date",
    "record_id",
    "select",
    "select_one",
    "select_text",
    "split_name",
    "split_trailing_count",
    "text_of",
    "texts",
    "tidy_text",
    "utc_date_of",
    "xpath",
]
