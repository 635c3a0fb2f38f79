"""The parse stage for inputs: :func:`process_page`, the unit of work of every engine.

``process_page`` runs in a process pool or on a Spark executor: page input in, outcome
out, no I/O and no global state beyond the installed parsers. It never raises for a bad
page: every failure comes back as a typed, quarantined :class:`PageOutcome`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

from ingest_core._decode import max_bytes_default
from ingest_core._engine import build_page, choose_parser, run_parser
from ingest_core._inputs import ErrorInfo, PageInput, load_page
from ingest_core._outcome import (
    EntryProblem,
    PageOutcome,
    RecordRow,
    quarantined,
    sha256_of,
    unchanged,
)
from ingest_core.errors import IngestError, ParserCrashed, UnreadableInput


def effective_as_of(page: PageInput, as_of: dt.date | None) -> dt.date | dt.datetime | None:
    """``as_of`` if given, else the page's retrieval time (WARC-Date / retrieved_at), else mtime."""
    return as_of or page.source.retrieved_at or page.mtime


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
    "effective_as_of",
    "process_chunk",
    "process_inputs",
    "process_page",
]
