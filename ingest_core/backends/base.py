"""What every backfill engine shares: the run, triage against the store, batched writes.

:class:`Backend` keeps the orchestration in the ``@final`` :meth:`Backend.backfill` and
leaves one small hook, :meth:`Backend.outcomes` (page inputs in, page outcomes out, in any
order), plus an optional :meth:`Backend.close`. The local engine fills the hook with a
process pool; the Spark engine with a Spark job. Everything else (what is already stored,
writing from one writer in batched transactions, counting, progress) happens here, the
same for every engine.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, final

from sqlalchemy import event

from ingest_core._inputs import PageInput
from ingest_core._outcome import PageOutcome, sha256_of, unchanged
from ingest_core._process import process_page
from ingest_core._registry import parser_versions, parsers_fingerprint
from ingest_core._signals import raising_on
from ingest_core.store import Store

log = logging.getLogger("ingest_core.backfill")

OnError = Literal["collect", "raise"]


@dataclass(frozen=True)
class BackfillOptions:
    """How to run a backfill (the engine-independent arguments)."""

    as_of: dt.date | None = None
    """Read every page as of this date; default each page's retrieval time, else mtime."""
    parser: str | None = None
    """Force one parser instead of detecting one per page."""
    max_bytes: int | None = None
    batch_size: int = 1000
    """Page outcomes per write transaction (also the triage lookup size)."""
    flush_seconds: float = 2.0
    """Write a partial batch after this long, so a slow stream still commits."""
    force: bool = False
    """Parse pages again even when the store has them from the current parsers."""
    on_error: OnError = "collect"
    """``collect``: quarantine bad pages and go on; ``raise``: stop at the first one."""
    page_timeout: float | None = None
    """Seconds one page may take (None: 30 s or INGEST_PAGE_TIMEOUT; 0: no limit)."""


@dataclass
class RunSummary:
    """What a backfill did; every page seen is in exactly one of parsed/unchanged/quarantined."""

    engine: str = "local"
    workers: int = 1
    run_id: int | None = None
    pages_seen: int = 0
    parsed: int = 0
    unchanged: int = 0
    replaced: int = 0
    """Parsed pages the store held from an older parser version (their records replaced)."""
    quarantined: dict[str, int] = field(default_factory=dict)
    """Quarantined pages by error code."""
    entries_quarantined: int = 0
    records: dict[str, int] = field(default_factory=dict)
    """Records written by kind."""
    elapsed: float = 0.0

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    @property
    def records_total(self) -> int:
        return sum(self.records.values())

    @property
    def pages_per_second(self) -> float:
        return self.pages_seen / self.elapsed if self.elapsed > 0 else 0.0

    def add(self, outcome: PageOutcome) -> None:
        self.pages_seen += 1
        if outcome.status == "unchanged":
            self.unchanged += 1
        elif outcome.status == "parsed":
            self.parsed += 1
            self.replaced += int(outcome.replaced)
            self.entries_quarantined += len(outcome.malformed)
            for r in outcome.records:
                self.records[r.kind] = self.records.get(r.kind, 0) + 1
        else:
            code = outcome.error.code if outcome.error else "unknown"
            self.quarantined[code] = self.quarantined.get(code, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "workers": self.workers,
            "run_id": self.run_id,
            "pages_seen": self.pages_seen,
            "parsed": self.parsed,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "quarantined": dict(sorted(self.quarantined.items())),
            "quarantined_total": self.quarantined_total,
            "entries_quarantined": self.entries_quarantined,
            "records": dict(sorted(self.records.items())),
            "records_total": self.records_total,
            "elapsed": round(self.elapsed, 3),
            "pages_per_second": round(self.pages_per_second, 1),
        }

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) lines for the summary table."""
        out = [
            ("pages seen", f"{self.pages_seen:,}"),
            ("parsed", f"{self.parsed:,}"),
            ("  of which reparsed (older parser version)", f"{self.replaced:,}"),
            ("unchanged", f"{self.unchanged:,}"),
            ("quarantined", f"{self.quarantined_total:,}"),
        ]
        out += [(f"  {code}", f"{n:,}") for code, n in sorted(self.quarantined.items())]
        out.append(("malformed entries quarantined", f"{self.entries_quarantined:,}"))
        out.append(("records written", f"{self.records_total:,}"))
        out += [(f"  {kind}", f"{n:,}") for kind, n in sorted(self.records.items())]
        out += [
            ("elapsed", f"{self.elapsed:.2f} s"),
            ("pages/s", f"{self.pages_per_second:,.1f}"),
            ("engine", f"{self.engine} ({self.workers} worker{'s' if self.workers != 1 else ''})"),
        ]
        return out


class Progress:
    """Receives progress as batches are written; the default shows nothing."""

    def start(self) -> None:
        """The run begins."""

    def advance(self, batch: Sequence[PageOutcome], summary: RunSummary) -> None:
        """A batch was written; ``summary`` holds the running totals."""

    def close(self) -> None:
        """The run ended (or failed)."""


class BackfillContext:
    """What a backend may ask of the run: options, and which pages still need parsing.

    ``triage`` splits inputs into pages to parse and outcomes already decided (unreadable
    inputs, pages the store holds from the current parsers, repeats of a page in flight).
    A page handed out for parsing is *claimed* until its outcome is written, so the same
    bytes seen twice in one run are parsed once.
    """

    def __init__(
        self,
        store: Store,
        options: BackfillOptions,
        *,
        fingerprint: str,
        versions: Mapping[str, str],
        run_id: int | None,
    ) -> None:
        self.store = store
        self.options = options
        self.fingerprint = fingerprint
        self.versions = dict(versions)
        self.run_id = run_id
        self._claimed: dict[str, bool] = {}

    def triage(
        self, inputs: Sequence[PageInput]
    ) -> tuple[list[tuple[PageInput, str]], list[PageOutcome]]:
        """``(to_parse, decided)``: pages (with their sha256) to parse, and finished outcomes."""
        decided: list[PageOutcome] = []
        hashed: list[tuple[PageInput, str]] = []
        for page in inputs:
            if page.content is None:
                decided.append(process_page(page))
            else:
                hashed.append((page, sha256_of(page.content)))
        states = {} if self.options.force else self.store.page_states(
            sha for _, sha in hashed if sha not in self._claimed)
        todo: list[tuple[PageInput, str]] = []
        for page, sha in hashed:
            state = states.get(sha)
            if sha in self._claimed or (
                state is not None and state.is_current(self.versions, self.fingerprint)
            ):
                decided.append(unchanged(page, sha))
            else:
                self._claimed[sha] = state is not None
                todo.append((page, sha))
        return todo, decided

    def settle(self, outcomes: Iterable[PageOutcome]) -> None:
        """Mark outcomes as written: release their claims, flag replaced pages."""
        for o in outcomes:
            if o.sha256 is not None and o.status != "unchanged":
                o.replaced = self._claimed.pop(o.sha256, o.replaced)

    def reconcile(self, batch: Sequence[PageOutcome]) -> None:
        """Check a batch against the store just before it is written (the writer's word).

        Engines that parse without a claim (workers that read and hash the pages
        themselves) may hand over a page this run already wrote, or one repeated within the
        batch: those become ``unchanged``. A page the store held from an earlier run is
        flagged ``replaced``. One indexed lookup per batch; the writer is the only writer,
        so the answer holds until the batch is written.
        """
        fresh = [o for o in batch if o.status != "unchanged" and o.sha256 is not None]
        if not fresh:
            return
        states = self.store.page_states(o.sha256 for o in fresh if o.sha256 is not None)
        seen: set[str] = set()
        for o in fresh:
            sha = o.sha256
            assert sha is not None
            state = states.get(sha)
            if sha in seen or (state is not None and self.run_id is not None
                               and state.run_id == self.run_id):
                o.status, o.records, o.malformed, o.error = "unchanged", [], [], None
                o.parser = o.parser_version = None
                continue
            seen.add(sha)
            o.replaced = o.replaced or state is not None

    def current_lookup(self) -> CurrentPages | None:
        """A picklable lookup of pages stored from the current parsers, for workers to skip
        them before parsing (None with ``force``, or when workers cannot reach the store)."""
        if self.options.force or not self.store.shareable:
            return None
        return CurrentPages(self.store.engine.url.render_as_string(hide_password=False),
                            self.versions, self.fingerprint)

    @property
    def in_flight(self) -> int:
        return len(self._claimed)


def _reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """A worker's lookups read one index: a small page cache keeps each worker's memory
    flat however large the store grows, and the connection can only read."""
    dbapi_connection.execute("PRAGMA cache_size=-4096")
    dbapi_connection.execute("PRAGMA query_only=ON")


class CurrentPages:
    """Which sha256s the store holds from the current parsers; opens its own read-only
    connection on first use (in a worker process), so it pickles as a URL."""

    def __init__(self, url: str, versions: Mapping[str, str], fingerprint: str) -> None:
        self.url = url
        self.versions = dict(versions)
        self.fingerprint = fingerprint
        self._store: Store | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, "versions": self.versions, "fingerprint": self.fingerprint}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _store=None)

    def __call__(self, shas: Sequence[str]) -> set[str]:
        if not shas:
            return set()
        if self._store is None:
            self._store = Store(self.url, migrate=False)
            if self._store.dialect == "sqlite":
                event.listen(self._store.engine, "connect", _reader_pragmas)
        states = self._store.page_states(shas)
        return {sha for sha, st in states.items() if st.is_current(self.versions, self.fingerprint)}

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@dataclass(frozen=True)
class BackfillPlan:
    """The inputs of one run: ``paths`` and ``glob`` as given, and a stream of page inputs."""

    paths: tuple[str, ...]
    glob: str | None
    inputs: Callable[[], Iterator[PageInput]]
    """Opens the stream (called once): pages are read lazily, never materialised."""
    arguments: Mapping[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """A backfill engine: turns page inputs into page outcomes. Subclasses fill one hook."""

    name: ClassVar[str] = "base"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else 1

    @final
    def backfill(
        self,
        plan: BackfillPlan,
        store: Store,
        options: BackfillOptions | None = None,
        progress: Progress | None = None,
    ) -> RunSummary:
        """Run ``plan`` into ``store``: every page ends parsed, unchanged or quarantined.

        Stages, each logged: read (stream inputs), triage (skip what the store holds),
        parse (this backend), store (one writer, one transaction per batch).

        Raises:
            StorageError: the store could not be written (already written batches stay).
            IngestError: the first bad page, with ``on_error="raise"``.
        """

        options = options or BackfillOptions()
        progress = progress or Progress()
        started = time.perf_counter()
        summary = RunSummary(engine=self.name, workers=self.workers)
        run_id = store.start_run({**plan.arguments, "engine": self.name, "workers": self.workers})
        summary.run_id = run_id
        ctx = BackfillContext(store, options, fingerprint=parsers_fingerprint(options.max_bytes),
                              versions=parser_versions(), run_id=run_id)
        log.info("run %s: %s engine, %d worker(s), paths %s", run_id, self.name, self.workers,
                 list(plan.paths))
        status = "failed"
        progress.start()
        try:
            with _sigterm_interrupts():
                log.info("stage read+triage+parse: streaming inputs through %s", self.name)
                outcomes = self.outcomes(plan.inputs(), ctx)
                for batch in _batches(outcomes, options.batch_size, options.flush_seconds):
                    self._write(batch, ctx, summary)
                    summary.elapsed = time.perf_counter() - started
                    progress.advance(batch, summary)
                    if options.on_error == "raise":
                        _raise_first(batch)
                status = "finished"
        except KeyboardInterrupt as exc:
            status = "interrupted"
            raise BackfillInterrupted(summary, getattr(exc, "signal_name", "SIGINT")) from None
        finally:
            self.close()
            progress.close()
            summary.elapsed = time.perf_counter() - started
            _finish(store, run_id, summary, status)
        log.info("run %s finished: %s", run_id, summary.to_dict())
        return summary

    @final
    def _write(self, batch: list[PageOutcome], ctx: BackfillContext, summary: RunSummary) -> None:
        ctx.settle(batch)
        ctx.reconcile(batch)
        ctx.store.write_outcomes(batch, fingerprint=ctx.fingerprint, run_id=ctx.run_id)
        for outcome in batch:
            summary.add(outcome)
        log.debug("stage store: wrote %d outcome(s)", len(batch))

    @abstractmethod
    def outcomes(
        self, inputs: Iterator[PageInput], ctx: BackfillContext
    ) -> Iterator[PageOutcome | None]:
        """Every input's outcome, in any order: triage with ``ctx.triage``, parse the rest
        with :func:`ingest_core._process.process_page`. Must not write the store. A ``None``
        is a tick: nothing finished for a while, so the writer may commit what it holds."""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release workers, sessions; called once when the run ends."""


def _finish(store: Store, run_id: int, summary: RunSummary, status: str) -> None:
    try:
        store.finish_run(run_id, summary.to_dict(), status=status)
    except Exception as exc:  # the run's own error is the one to report
        log.warning("could not record the end of run %s: %s", run_id, exc)


def _raise_first(batch: Sequence[PageOutcome]) -> None:
    for outcome in batch:
        if outcome.status == "quarantined" and outcome.error is not None:
            raise outcome.error.to_exception(input=outcome.label)


class BackfillInterrupted(KeyboardInterrupt):
    """A backfill stopped by SIGINT or SIGTERM: every written batch is committed and the run
    is marked ``interrupted``; ``summary`` counts what was done. Rerun to resume."""

    def __init__(self, summary: RunSummary, signal_name: str = "SIGINT") -> None:
        super().__init__(f"backfill stopped by {signal_name}")
        self.summary = summary
        self.signal_name = signal_name


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a service manager, ``kill``) stops the run the way Ctrl-C does: the current
    batch is committed, the run marked interrupted, the summary returned to the caller."""
    def stopped() -> KeyboardInterrupt:
        exc = KeyboardInterrupt("SIGTERM")
        exc.signal_name = "SIGTERM"  # type: ignore[attr-defined]
        return exc

    with raising_on(signal.SIGTERM, stopped):
        yield


def _batches(
    outcomes: Iterator[PageOutcome | None], size: int, flush_seconds: float
) -> Iterator[list[PageOutcome]]:
    batch: list[PageOutcome] = []
    last = time.monotonic()
    for outcome in outcomes:
        if outcome is not None:
            batch.append(outcome)
        elif not batch:
            continue
        if len(batch) >= size or time.monotonic() - last >= flush_seconds:
            yield batch
            batch = []
            last = time.monotonic()
    if batch:
        yield batch


def batched(items: Iterable[PageInput], size: int) -> Iterator[list[PageInput]]:
    """Consecutive lists of ``size`` items (the last one shorter), lazily."""
    block: list[PageInput] = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


__all__ = [
    "Backend",
    "BackfillContext",
    "BackfillOptions",
    "BackfillPlan",
    "CurrentPages",
    "OnError",
    "Progress",
    "RunSummary",
    "batched",
]
