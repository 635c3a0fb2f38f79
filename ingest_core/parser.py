"""The parser plugin contract, and the page a parser reads.

A parser is a pure function of a :class:`Page`: it never does I/O and holds no state
between pages, so one instance serves many threads, processes and Spark executors.
The engine builds the ``Page`` (decoding, HTML reduced to lines) and picks the parser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast, runtime_checkable

from pydantic import ValidationError

from ingest_core.errors import MalformedEntry, ParseError
from schemas import AnyRecord, Listing, Profile, Provenance, Representation, Work

if TYPE_CHECKING:
    from lxml.html import HtmlElement

R = TypeVar("R", bound=AnyRecord)


@dataclass(frozen=True)
class Page:
    """A decoded page, ready for parsers.

    ``lines`` is the page's line structure: the non-empty, whitespace-collapsed lines of a
    text page, or of an HTML page after block elements became lines (script, style and
    navigation dropped), so one text grammar reads both representations.
    """

    raw: bytes
    text: str
    sha256: str
    as_of: dt.date
    lines: Sequence[str]
    is_html: bool = False
    url: str | None = None
    retrieved_at: dt.datetime | None = None
    tree: HtmlElement | None = field(default=None, compare=False, repr=False)
    name: str | None = None

    @property
    def representation(self) -> Representation:
        """How the line structure was obtained."""
        return "html_lines" if self.is_html else "text"

    @cached_property
    def hydrater_targets(self) -> frozenset[str]:
        """The ``data-target`` values in the raw HTML (``SVELTE_HYDRATER`` elements), found
        with one C-level scan per page however many detect() calls ask."""
        if not self.is_html:
            return frozenset()
        text = self.text
        found: set[str] = set()
        at = text.find("data-target=")
        while at >= 0:
            quote = text[at + 12 : at + 13]
            if quote in ("'", '"'):
                end = text.find(quote, at + 13, at + 200)
                if end > 0:
                    found.add(text[at + 13 : end])
            at = text.find("data-target=", at + 12)
        return frozenset(found)

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
    url_patterns: Sequence[str]
    """Regular expressions for the URLs this parser serves."""

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
        entries: Iterable[Work | MalformedEntry],
        representation: Representation | None = None,
        **fields: Any,
    ) -> Iterator[ParseItem]:
        """The page's own record first, then its entries in page order.

        ``entries_seen``, ``entries_emitted`` and ``work_ids`` are filled in from ``entries``,
        so the gap left by malformed entries is always visible on the page record.

        Raises:
            ParseError: the page record itself does not validate.
        """
        items = list(entries)
        works = [item for item in items if not isinstance(item, MalformedEntry)]
        record = self.build(
            cls, None, representation,
            entries_seen=len(items), entries_emitted=len(works),
            work_ids=[w.id for w in works], **fields,
        )
        if isinstance(record, MalformedEntry):
            raise ParseError(
                f"the {cls.__name__.lower()} record is invalid: {record.message}",
                input=self.page.name, parser=self.parser.name,
            )
        yield record
        yield from items
