"""The store stage from the top: :func:`backfill` a corpus, :func:`retry_quarantined` pages.

Both build a plan (a lazy stream of page inputs), pick an engine and hand both to the
engine's ``@final`` ``Backend.backfill``, which triages, parses and writes in batches.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator

from ingest_core._dates import coerce_as_of
from ingest_core._inputs import PageInput, SourceRef, iter_inputs, reread
from ingest_core._outcome import PageOutcome, sha256_of, unchanged
from ingest_core._process import process_page
from ingest_core._registry import parser_versions, parsers_fingerprint
from ingest_core.backends import get_backend
from ingest_core.backends.base import (
    Backend,
    BackfillOptions,
    BackfillPlan,
    OnError,
    Progress,
    RunSummary,
)
from ingest_core.errors import UsageError
from ingest_core.store import Store

log = logging.getLogger("ingest_core.backfill")

PathLike = str | os.PathLike[str]


def _input_paths(paths: Iterable[PathLike] | PathLike) -> tuple[str, ...]:
    """The input paths as strings; one path may be given alone ("pages", not five inputs
    named "p", "a", "g", "e", "s"), and a path that does not exist stops the run before any
    work (a typo must not look like an empty corpus)."""
    if isinstance(paths, str | bytes | os.PathLike):
        paths = [paths]
    given = tuple(os.fsdecode(p) for p in paths)
    missing = [p for p in given if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"no such input: {missing[0]}" + (
            f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            input=missing[0], hint="check the path; nothing was read or written")
    return given


def _open_store(db: str | Store | None) -> tuple[Store, bool]:
    if isinstance(db, Store):
        return db, False
    return Store(db), True


def _options(  # noqa: PLR0917 - private, positional for brevity
    as_of: dt.date | str | None,
    parser: str | None,
    max_bytes: int | None,
    batch_size: int | None,
    on_error: OnError,
    force: bool = False,
    page_timeout: float | None = None,
) -> BackfillOptions:
    if page_timeout is not None and page_timeout < 0:
        raise UsageError(f"the page timeout must be 0 (none) or more seconds, not {page_timeout}")
    return BackfillOptions(
        as_of=coerce_as_of(as_of) if as_of is not None else None,
        parser=parser,
        max_bytes=max_bytes,
        batch_size=batch_size or BackfillOptions.batch_size,
        force=force,
        on_error=on_error,
        page_timeout=page_timeout,
    )


def _run(
    backend: Backend,
    plan: BackfillPlan,
    db: str | Store | None,
    options: BackfillOptions,
    progress: Progress | None,
) -> RunSummary:
    store, owned = _open_store(db)
    try:
        return backend.backfill(plan, store, options, progress)
    finally:
        if owned:
            store.close()


def backfill(
    paths: Iterable[PathLike] | PathLike,
    *,
    db: str | Store | None = None,
    workers: int | None = None,
    as_of: dt.date | str | None = None,
    engine: str = "local",
    master: str | None = None,
    glob: str | None = None,
    parser: str | None = None,
    max_bytes: int | None = None,
    batch_size: int | None = None,
    on_error: OnError = "collect",
    progress: Progress | None = None,
    spark_output: PathLike | None = None,
    page_timeout: float | None = None,
) -> RunSummary:
    """Parse every page under ``paths`` into the store; quarantine what cannot be parsed.

    Args:
        paths: files, directories (recursive), ``.jsonl`` page lists, WARC archives.
        db: a Store or a database URL (default ``$INGEST_DB`` or ``sqlite:///ingest.db``).
        workers: parallel workers (default: every core; 0 parses in this process).
        as_of: read every page as of this date; default each page's WARC-Date or
            ``retrieved_at``, else its file's modification time.
        engine: ``local`` (process pool) or ``spark``.
        master: the Spark master URL (``spark`` engine; default ``local[*]``).
        glob: only files whose name (or path relative to the directory) matches.
        parser: force one parser instead of detecting one per page.
        max_bytes: page size cap (default 50 MB or INGEST_MAX_PAGE_BYTES).
        batch_size: outcomes per write transaction.
        on_error: ``collect`` quarantines bad pages and goes on; ``raise`` stops at the first.
        page_timeout: seconds one page may take (default 30 or INGEST_PAGE_TIMEOUT; 0 for no
            limit); a page over it is quarantined as ``parser_timeout``.
        progress: receives each written batch (see :mod:`ingest_core._progress`).
        spark_output: ``spark`` engine: also write records, quarantine, pages and a run
            summary as Parquet datasets into this folder.

    Returns:
        The run's :class:`RunSummary`.

    Raises:
        UsageError: an input path that does not exist, or a negative ``workers``.
        StorageError: the store could not be opened or written.
    """
    given = _input_paths(paths)
    if workers is not None and workers < 0:
        raise UsageError(f"workers must be 0 or more, not {workers}",
                         hint="0 parses in this process; leave it out for every core")
    plan = BackfillPlan(
        paths=given,
        glob=glob,
        # the local engine's workers read files themselves; other engines get the bytes
        inputs=lambda: iter_inputs(given, glob, max_bytes, defer_files=engine == "local"),
        arguments={"command": "backfill", "paths": list(given), "glob": glob,
                   "as_of": str(as_of) if as_of else None, "parser": parser},
    )
    options = _options(as_of, parser, max_bytes, batch_size, on_error,
                       page_timeout=page_timeout)
    backend = get_backend(engine, workers=workers, master=master,
                          output=os.fspath(spark_output) if spark_output else None)
    return _run(backend, plan, db, options, progress)


def retry_targets(store: Store, reason: str | None = None) -> list[SourceRef]:
    """One source per quarantined page (``reason``: an error code or type to select)."""
    seen: dict[tuple[str, str, int | None], SourceRef] = {}
    shas: set[str] = set()
    for entry in store.quarantined(reason=reason):
        if entry.stage == "entry":
            if entry.page_sha256 and entry.page_sha256 not in shas:
                shas.add(entry.page_sha256)
                for source in store.sources_of(entry.page_sha256)[:1]:
                    seen.setdefault((source.kind, source.location, source.offset), source)
            continue
        if entry.page_sha256:
            shas.add(entry.page_sha256)
        src = entry.source
        seen.setdefault((src.kind, src.location, src.offset), src)
    return list(seen.values())


def retry_quarantined(
    *,
    db: str | Store | None = None,
    reason: str | None = None,
    workers: int | None = None,
    as_of: dt.date | str | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Read quarantined pages again from where they were seen and parse them again.

    After a parser fix (or a new parser) the pages that now parse leave the quarantine;
    the others stay with their attempt count raised. Entry-level rows retry their page.

    Raises:
        StorageError: the store could not be opened or written.
    """
    store, owned = _open_store(db)
    try:
        targets = retry_targets(store, reason)

        def inputs() -> Iterator[PageInput]:
            for source in targets:
                yield reread(source, max_bytes)

        plan = BackfillPlan(paths=(), glob=None, inputs=inputs,
                            arguments={"command": "quarantine retry", "reason": reason,
                                       "pages": len(targets)})
        options = _options(as_of, None, max_bytes, None, "collect", force=True)
        return get_backend("local", workers=workers).backfill(plan, store, options, progress)
    finally:
        if owned:
            store.close()


def add_page(
    store: Store,
    content: bytes | str,
    *,
    url: str | None = None,
    as_of: dt.date | str | None = None,
    retrieved_at: dt.datetime | None = None,
    name: str | None = None,
    parser: str | None = None,
) -> PageOutcome:
    """Parse one page and store it in ``store`` (or quarantine it); adding it again changes
    nothing. The library door for services that receive pages one at a time.

    Returns:
        The page's outcome: ``parsed``, ``unchanged`` or ``quarantined``.

    Raises:
        StorageError: the store could not be written.
    """
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    source = SourceRef("url", name or url or "<memory>", None, url, retrieved_at)
    page = PageInput(source=source, content=raw)
    sha = sha256_of(raw)
    state = store.page_states([sha]).get(sha)
    fingerprint = parsers_fingerprint()
    current = state is not None and state.is_current(parser_versions(), fingerprint)
    if parser is None and current:
        outcome = unchanged(page, sha)
    else:
        day = coerce_as_of(as_of) if as_of is not None else None
        outcome = process_page(page, as_of=day, parser=parser, sha256=sha)
        outcome.replaced = state is not None
    store.write_outcomes([outcome], fingerprint=fingerprint)
    return outcome


__all__ = [
    "add_page",
    "backfill",
    "retry_quarantined",
    "retry_targets",
]
