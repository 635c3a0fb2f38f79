"""What became of one page: :class:`PageOutcome`, and the pure :func:`process_page`.

``process_page`` is the unit of work every backfill engine runs, in a process pool or on
a Spark executor: page input in, outcome out, no I/O and no global state beyond the
installed parsers. An outcome is plain data (picklable, and JSON through ``to_dict``), so
it crosses process and cluster boundaries unchanged, and every failure in it is typed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from ingest_core._decode import max_bytes_default
from ingest_core._engine import build_page, choose_parser, run_parser
from ingest_core._inputs import ErrorInfo, PageInput, SourceRef, load_page
from ingest_core._registry import installed_parsers
from ingest_core.errors import IngestError, ParserCrashed, UnreadableInput
from ingest_core.parser import Parser

Status = Literal["parsed", "unchanged", "quarantined"]


class RecordRow(NamedTuple):
    """A record as stored: its key columns beside its exact ``model_dump_json()`` text."""

    id: str
    kind: str
    source: str
    position: int | None
    json: str


class EntryProblem(NamedTuple):
    """One malformed entry of a parsed page (quarantined at stage ``entry``)."""

    position: int
    code: str
    message: str
    parser: str


@dataclass(slots=True)
class PageOutcome:
    """The one state a page input ended in, with everything the store needs to record it.

    ``status`` is ``parsed`` (records, maybe some malformed entries), ``unchanged`` (already
    stored by the current parser version; nothing to write but the sighting) or
    ``quarantined`` (``error`` says why). ``replaced`` marks a page the store held from an
    older parser version.
    """

    source: SourceRef
    status: Status
    sha256: str | None = None
    size: int | None = None
    parser: str | None = None
    parser_version: str | None = None
    records: list[RecordRow] = field(default_factory=list)
    malformed: list[EntryProblem] = field(default_factory=list)
    error: ErrorInfo | None = None
    replaced: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        # positional rebuild, cheaper than the slots dataclass's field-by-field state: every
        # outcome crosses the process boundary once, in the writer's CPU budget
        return (PageOutcome, (self.source, self.status, self.sha256, self.size, self.parser,
                              self.parser_version, self.records, self.malformed, self.error,
                              self.replaced))

    @property
    def label(self) -> str:
        return self.source.label

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (records stay ``model_dump_json()`` strings)."""
        return {
            "source": self.source.to_dict(),
            "status": self.status,
            "sha256": self.sha256,
            "size": self.size,
            "parser": self.parser,
            "parser_version": self.parser_version,
            "records": [r._asdict() for r in self.records],
            "malformed": [m._asdict() for m in self.malformed],
            "error": None if self.error is None else {
                "type": self.error.type,
                "code": self.error.code,
                "message": self.error.message,
                "hint": self.error.hint,
                "parser": self.error.parser,
            },
            "replaced": self.replaced,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageOutcome:
        error = data.get("error")
        return cls(
            source=SourceRef.from_dict(data["source"]),
            status=data["status"],
            sha256=data.get("sha256"),
            size=data.get("size"),
            parser=data.get("parser"),
            parser_version=data.get("parser_version"),
            records=[RecordRow(**r) for r in data.get("records") or ()],
            malformed=[EntryProblem(**m) for m in data.get("malformed") or ()],
            error=None if not error else ErrorInfo(**error),
            replaced=bool(data.get("replaced", False)),
        )


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def effective_as_of(page: PageInput, as_of: dt.date | None) -> dt.date | dt.datetime | None:
    """``as_of`` if given, else the page's retrieval time (WARC-Date / retrieved_at), else mtime."""
    return as_of or page.source.retrieved_at or page.mtime


def parser_version(name: str | None, parsers: Mapping[str, Parser] | None = None) -> str | None:
    if name is None:
        return None
    found = (parsers if parsers is not None else installed_parsers()).get(name)
    return found.version if found is not None else None


def quarantined(
    page: PageInput | SourceRef,
    error: IngestError | ErrorInfo,
    *,
    sha256: str | None = None,
    size: int | None = None,
) -> PageOutcome:
    """A quarantined outcome for ``page`` with ``error``."""
    source = page.source if isinstance(page, PageInput) else page
    info = error if isinstance(error, ErrorInfo) else ErrorInfo.of(error)
    return PageOutcome(
        source=source,
        status="quarantined",
        sha256=sha256,
        size=size,
        parser=info.parser,
        parser_version=parser_version(info.parser),
        error=info,
    )


def unchanged(page: PageInput, sha256: str) -> PageOutcome:
    """The outcome of a page the store already holds from the current parsers."""
    return PageOutcome(
        source=page.source,
        status="unchanged",
        sha256=sha256,
        size=len(page.content or b""),
    )


def process_page(
    page: PageInput,
    *,
    as_of: dt.date | None = None,
    parser: str | None = None,
    max_bytes: int | None = None,
    sha256: str | None = None,
) -> PageOutcome:
    """Parse one page input into its outcome; never raises for a bad page.

    Args:
        page: the input (bytes and source), or an input that could not be read.
        as_of: read the page as of this date; default its retrieval time, else mtime.
        parser: force a parser by name instead of detecting one.
        max_bytes: page size cap (default 50 MB or INGEST_MAX_PAGE_BYTES).
        sha256: the content's hash when the caller already computed it.

    Returns:
        A ``parsed`` or ``quarantined`` PageOutcome.
    """
    page = load_page(page, max_bytes)
    if page.content is None:
        error = page.error or ErrorInfo.of(UnreadableInput("no content", input=page.label))
        return quarantined(page, error)
    content = page.content
    sha = sha256 or sha256_of(content)
    size = len(content)
    try:
        built = build_page(
            content,
            url=page.source.url,
            as_of=effective_as_of(page, as_of),
            retrieved_at=page.source.retrieved_at,
            name=page.label,
            max_bytes=max_bytes_default() if max_bytes is None else max_bytes,
        )
        chosen = choose_parser(built, parser)
        result = run_parser(chosen, built)
    except IngestError as exc:
        return quarantined(page, exc, sha256=sha, size=size)
    except Exception as exc:  # a bug below the parser (decoding, HTML): still one page's fault
        crash = ParserCrashed(f"{type(exc).__name__}: {exc}", input=page.label)
        return quarantined(page, crash, sha256=sha, size=size)
    rows = [
        RecordRow(r.id, r.kind, r.source, r.provenance.position, r.model_dump_json())
        for r in result.records
    ]
    problems = [
        EntryProblem(m.position, m.code, m.message, m.parser or chosen.name)
        for m in result.malformed
    ]
    return PageOutcome(
        source=page.source,
        status="parsed",
        sha256=sha,
        size=size,
        parser=chosen.name,
        parser_version=chosen.version,
        records=rows,
        malformed=problems,
    )


def process_chunk(
    pages: Sequence[tuple[PageInput, str | None]],
    as_of: dt.date | None = None,
    parser: str | None = None,
    max_bytes: int | None = None,
) -> list[PageOutcome]:
    """:func:`process_page` over a chunk; the unit a process pool runs (fewer round trips)."""
    return [
        process_page(p, as_of=as_of, parser=parser, max_bytes=max_bytes, sha256=sha)
        for p, sha in pages
    ]


CurrentLookup = Callable[[Sequence[str]], Collection[str]]
"""Which of these sha256s the store already holds from the current parsers (skip them)."""


def process_inputs(
    pages: Sequence[PageInput],
    as_of: dt.date | None = None,
    parser: str | None = None,
    max_bytes: int | None = None,
    current: CurrentLookup | None = None,
) -> list[PageOutcome]:
    """Read, hash, skip and parse a chunk of inputs where they are processed (a worker).

    Deferred files are read here, so only their paths crossed the process boundary. Pages
    ``current`` reports as stored from the current parsers, and repeats of a page within
    the chunk, come back ``unchanged`` without being parsed (one store lookup per chunk).
    The writer checks again before writing, so a stale answer costs time, never correctness.
    """
    loaded = [load_page(p, max_bytes) for p in pages]
    shas = [None if p.content is None else sha256_of(p.content) for p in loaded]
    known = set(current([s for s in shas if s is not None])) if current is not None else set()
    out: list[PageOutcome] = []
    for page, sha in zip(loaded, shas, strict=True):
        if sha is not None and sha in known:
            out.append(unchanged(page, sha))
            continue
        if sha is not None:
            known.add(sha)
        out.append(process_page(page, as_of=as_of, parser=parser, max_bytes=max_bytes,
                                sha256=sha))
    return out


__all__ = [
    "CurrentLookup",
    "EntryProblem",
    "PageOutcome",
    "RecordRow",
    "Status",
    "effective_as_of",
    "process_chunk",
    "process_inputs",
    "process_page",
    "quarantined",
    "sha256_of",
    "unchanged",
]
