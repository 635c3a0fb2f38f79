"""The local engine: parse in a process pool on this machine, write from the parent.

The parent streams inputs, triages them against the store, and keeps a bounded number of
chunks in flight, so memory stays flat however long the input. A worker that dies (a
segfault, ``os._exit``) breaks the whole pool: the pages that were in flight are then
re-run one at a time in a fresh single-worker pool, the page that kills it again is
quarantined as ``ParserCrashed``, and the run goes on with a new pool.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import ClassVar

from ingest_core._inputs import PageInput
from ingest_core._outcome import PageOutcome, process_chunk, quarantined
from ingest_core.backends.base import Backend, BackfillContext, batched
from ingest_core.errors import ParserCrashed

log = logging.getLogger("ingest_core.backfill.local")

Chunk = list[tuple[PageInput, str]]


def _init_worker() -> None:
    """Leave Ctrl-C to the parent, die with it, and load the parsers once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):  # Linux only: follow the parent if it is killed
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    from ingest_core._registry import installed_parsers

    installed_parsers()


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

    Args:
        workers: pool size; 0 runs in this process (for debugging: a crash is not contained).
        chunk_size: pages per task sent to a worker (fewer round trips).
        in_flight: chunks queued per worker; bounds memory.
    """

    name: ClassVar[str] = "local"

    def __init__(
        self, workers: int | None = None, *, chunk_size: int = 8, in_flight: int = 4
    ) -> None:
        super().__init__((os.cpu_count() or 1) if workers is None else workers)
        self.chunk_size = max(1, chunk_size)
        self.max_in_flight = max(1, self.workers) * max(1, in_flight)
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers or self.workers, mp_context=_context(),
                                   initializer=_init_worker)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def outcomes(self, inputs: Iterator[PageInput], ctx: BackfillContext) -> Iterator[PageOutcome]:
        opts = ctx.options
        if self.workers == 0:
            for block in batched(inputs, opts.batch_size):
                todo, decided = ctx.triage(block)
                yield from decided
                yield from process_chunk(todo, opts.as_of, opts.parser, opts.max_bytes)
            return
        pending: dict[Future[list[PageOutcome]], Chunk] = {}
        try:
            for block in batched(inputs, opts.batch_size):
                todo, decided = ctx.triage(block)
                yield from decided
                for start in range(0, len(todo), self.chunk_size):
                    while len(pending) >= self.max_in_flight:
                        yield from self._collect(pending, ctx)
                    chunk = todo[start : start + self.chunk_size]
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
            return self._pool.submit(process_chunk, chunk, opts.as_of, opts.parser, opts.max_bytes)
        except BrokenProcessPool:
            return None

    def _collect(
        self, pending: dict[Future[list[PageOutcome]], Chunk], ctx: BackfillContext
    ) -> Iterator[PageOutcome]:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
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
            for page, sha in suspects:
                if pool is None:
                    pool = self._new_pool(1)
                try:
                    future = pool.submit(process_chunk, [(page, sha)], opts.as_of, opts.parser,
                                         opts.max_bytes)
                    yield from future.result()
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
                    log.error("%s: the worker process died while parsing this page", page.label)
                    crash = ParserCrashed(
                        "the worker process died while parsing this page (a crash in native "
                        "code, os._exit or the out-of-memory killer)", input=page.label)
                    yield quarantined(page, crash, sha256=sha, size=len(page.content or b""))
        finally:
            if pool is not None:
                pool.shutdown(wait=True)


__all__ = ["LocalBackend"]
