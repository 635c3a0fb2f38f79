"""The local engine: parse in a process pool on this machine, write from the parent.

The parent walks the inputs and keeps a bounded number of chunks in flight, so memory
stays flat however long the input; workers read the files, hash them, skip pages the store
already holds (a read-only lookup) and parse the rest; the parent checks each batch once
more and writes it (``Backend._write``). A worker that dies (a
segfault, ``os._exit``) breaks the whole pool: the pages that were in flight are then
re-run one at a time in a fresh single-worker pool, the page that kills it again is
quarantined as ``ParserCrashed``, and the run goes on with a new pool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import ClassVar

from ingest_core._inputs import PageInput, load_page
from ingest_core._outcome import PageOutcome, quarantined, sha256_of
from ingest_core._process import process_inputs
from ingest_core.backends.base import Backend, BackfillContext, CurrentPages, batched
from ingest_core.errors import ParserCrashed

log = logging.getLogger("ingest_core.backfill.local")

Chunk = list[PageInput]

_current: CurrentPages | None = None
"""This worker's lookup of pages already stored (set by the pool initializer)."""


def _init_worker(current: CurrentPages | None = None) -> None:
    """Leave Ctrl-C to the parent, die with it, load the parsers once, keep the lookup."""
    global _current  # noqa: PLW0603 - one per worker process, set once
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):  # Linux only: follow the parent if it is killed
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    from ingest_core._registry import installed_parsers

    installed_parsers()
    _current = current


def _work(
    chunk: Chunk, as_of: dt.date | None, parser: str | None, max_bytes: int | None,
    timeout: float | None = None,
) -> list[PageOutcome]:
    """One task in a worker: read, hash, skip what is stored, parse the rest."""
    return process_inputs(chunk, as_of, parser, max_bytes, _current, timeout=timeout)


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where available: cheap worker restarts, no inherited threads or sockets."""
    try:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["ingest_core._outcome"])
        return ctx
    except ValueError:
        return multiprocessing.get_context("spawn")


class LocalBackend(Backend):
    """Parse in ``workers`` processes (default: every core); ``workers=0`` parses in-process.

    The parent only walks the inputs and writes: a worker gets file *paths* (archive and
    page-list rows travel with their bytes), reads and hashes the pages itself, asks the
    store (read-only) which are already there, and parses the rest, so the parent's share
    of the CPU stays small and the workers scale.

    Args:
        workers: pool size; 0 runs in this process (for debugging: a crash is not contained).
        chunk_size: pages per task sent to a worker (fewer round trips).
        in_flight: chunks queued per worker, enough to keep workers busy while the parent
            writes a batch; bounds memory.
    """

    name: ClassVar[str] = "local"

    def __init__(
        self, workers: int | None = None, *, chunk_size: int = 64, in_flight: int = 8
    ) -> None:
        super().__init__((os.cpu_count() or 1) if workers is None else workers)
        self.chunk_size = max(1, chunk_size)
        self.max_in_flight = max(1, self.workers) * max(1, in_flight)
        self._pool: ProcessPoolExecutor | None = None
        self._current: CurrentPages | None = None

    def _new_pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers or self.workers, mp_context=_context(),
                                   initializer=_init_worker, initargs=(self._current,))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def outcomes(
        self, inputs: Iterator[PageInput], ctx: BackfillContext
    ) -> Iterator[PageOutcome | None]:
        opts = ctx.options
        self._current = ctx.current_lookup()
        if self.workers == 0:
            try:
                for block in batched(inputs, self.chunk_size):
                    yield from process_inputs(block, opts.as_of, opts.parser, opts.max_bytes,
                                              self._current, timeout=opts.page_timeout)
            finally:
                if self._current is not None:
                    self._current.close()
            return
        pending: dict[Future[list[PageOutcome]], Chunk] = {}
        try:
            for chunk in batched(inputs, self.chunk_size):
                while len(pending) >= self.max_in_flight:
                    yield from self._collect(pending, ctx)
                future = self._submit(chunk, ctx)
                if future is None:  # the pool broke between two results
                    yield from self._recover(pending, [chunk], ctx)
                else:
                    pending[future] = chunk
            while pending:
                yield from self._collect(pending, ctx)
        finally:
            for future in pending:
                future.cancel()
            self.close()

    def _submit(self, chunk: Chunk, ctx: BackfillContext) -> Future[list[PageOutcome]] | None:
        if self._pool is None:
            self._pool = self._new_pool()
        opts = ctx.options
        try:
            return self._pool.submit(_work, chunk, opts.as_of, opts.parser, opts.max_bytes,
                                     opts.page_timeout)
        except BrokenProcessPool:
            return None

    def _collect(
        self, pending: dict[Future[list[PageOutcome]], Chunk], ctx: BackfillContext
    ) -> Iterator[PageOutcome | None]:
        done, _ = wait(pending, timeout=ctx.options.flush_seconds, return_when=FIRST_COMPLETED)
        if not done:  # a slow page holds its chunk: let the writer commit what it has
            yield None
            return
        broken: list[Chunk] = []
        for future in done:
            chunk = pending.pop(future)
            try:
                yield from future.result()
            except BrokenProcessPool:
                broken.append(chunk)
        if broken:
            yield from self._recover(pending, broken, ctx)

    def _recover(
        self,
        pending: dict[Future[list[PageOutcome]], Chunk],
        broken: list[Chunk],
        ctx: BackfillContext,
    ) -> Iterator[PageOutcome]:
        """A worker died: keep what finished, re-run the rest one page at a time."""
        wait(pending)  # a broken pool fails every unfinished future promptly
        suspects = [page for chunk in broken for page in chunk]
        for future, chunk in list(pending.items()):
            try:
                yield from future.result()
            except Exception:
                suspects.extend(chunk)
        pending.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        log.warning("a worker process died; re-running %d page(s) one at a time", len(suspects))
        yield from self._isolate(suspects, ctx)

    def _isolate(self, suspects: Chunk, ctx: BackfillContext) -> Iterator[PageOutcome]:
        opts = ctx.options
        pool: ProcessPoolExecutor | None = None
        try:
            for page in suspects:
                if pool is None:
                    pool = self._new_pool(1)
                try:
                    future = pool.submit(_work, [page], opts.as_of, opts.parser, opts.max_bytes,
                                         opts.page_timeout)
                    yield from future.result()
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
                    log.error("%s: the worker process died while parsing this page", page.label)
                    crash = ParserCrashed(
                        "the worker process died while parsing this page (a crash in native "
                        "code, os._exit or the out-of-memory killer)", input=page.label)
                    loaded = load_page(page, opts.max_bytes)  # keyed by its bytes, as parsed
                    content = loaded.content
                    yield quarantined(loaded, crash, size=len(content or b""),
                                      sha256=None if content is None else sha256_of(content))
        finally:
            if pool is not None:
                pool.shutdown(wait=True)


__all__ = ["LocalBackend"]
