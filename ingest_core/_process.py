"""The parse stage for inputs: :func:`process_page`, the unit of work of every engine.

``process_page`` runs in a process pool or on a Spark executor: page input in, outcome
out, no I/O and no global state beyond the installed parsers. It never raises for a bad
page: every failure comes back as a typed, quarantined :class:`PageOutcome`.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager

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
from ingest_core._signals import raising_on
from ingest_core.errors import (
    IngestError,
    ParserCrashed,
    ParserTimeout,
    UnreadableInput,
    UsageError,
)

DEFAULT_PAGE_TIMEOUT = 30.0
"""Seconds one page may take; INGEST_PAGE_TIMEOUT overrides it (0: no limit)."""


def page_timeout_default() -> float:
    """The per-page time limit in force: INGEST_PAGE_TIMEOUT if set, else 30 s.

    Raises:
        UsageError: INGEST_PAGE_TIMEOUT is not a number of seconds.
    """
    raw = os.environ.get("INGEST_PAGE_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_PAGE_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise UsageError(f"INGEST_PAGE_TIMEOUT must be a number of seconds, not {raw!r}",
                         hint="unset it for the 30 s default; 0 turns the limit off")
    return value


@contextmanager
def time_limit(seconds: float, label: str | None) -> Iterator[None]:
    """Raise ParserTimeout in this (main) thread when the body runs over ``seconds``.

    A timer signal interrupts Python code anywhere, so a page that loops or backtracks ends
    as its own quarantine row and the worker goes on. Off the main thread (where signals
    cannot be delivered) and for 0 seconds, the body runs without a limit.
    """
    if seconds <= 0:
        yield
        return

    def expired() -> ParserTimeout:
        return ParserTimeout(f"the page took longer than {seconds:g} s to parse", input=label,
                             hint="raise --page-timeout if such pages are expected")

    with raising_on(signal.SIGALRM, expired) as armed:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            if armed:
                signal.setitimer(signal.ITIMER_REAL, 0)


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
    timeout: float | None = None,
) -> PageOutcome:
    """Parse one page input into its outcome; never raises for a bad page.

    Args:
        page: the input (bytes and source), or an input that could not be read.
        as_of: read the page as of this date; default its retrieval time, else mtime.
        parser: force a parser by name instead of detecting one.
        max_bytes: page size cap (default 50 MB or INGEST_MAX_PAGE_BYTES).
        sha256: the content's hash when the caller already computed it.
        timeout: seconds one page may take to decode and parse (default 30, or
            INGEST_PAGE_TIMEOUT; 0 for none); a page over it is quarantined as
            ``parser_timeout``. Enforced with a timer signal in the main thread of the
            process (every engine's workers); elsewhere it is not enforced.

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
    limit = page_timeout_default() if timeout is None else timeout
    try:
        with time_limit(limit, page.label):
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
    timeout: float | None = None,
) -> list[PageOutcome]:
    """:func:`process_page` over a chunk; the unit a process pool runs (fewer round trips)."""
    return [
        process_page(p, as_of=as_of, parser=parser, max_bytes=max_bytes, sha256=sha,
                     timeout=timeout)
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
    *,
    timeout: float | None = None,
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
                                sha256=sha, timeout=timeout))
    return out


__all__ = [
    "CurrentLookup",
    "effective_as_of",
    "process_chunk",
    "process_inputs",
    "process_page",
]
