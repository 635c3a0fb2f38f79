"""Backfill progress: a rich progress bar on a terminal, plain periodic lines otherwise.

The bar shows pages done, pages/s, records, quarantined, elapsed and, once the input
files have been counted (a background walk, only for plain files), the ETA. Off a terminal
(a log file, CI) a line is written every ``interval`` seconds instead.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

from ingest_core._inputs import discover
from ingest_core._outcome import PageOutcome
from ingest_core.backends.base import Progress, RunSummary


def _line(summary: RunSummary) -> str:
    return (f"{summary.pages_seen:,} pages ({summary.pages_per_second:,.1f}/s), "
            f"{summary.parsed:,} parsed, {summary.unchanged:,} unchanged, "
            f"{summary.quarantined_total:,} quarantined, {summary.records_total:,} records")


class LogProgress(Progress):
    """A plain line every ``interval`` seconds (and one at the end) on ``stream``."""

    def __init__(self, stream: TextIO | None = None, interval: float = 10.0) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self._last = 0.0
        self._summary: RunSummary | None = None

    def start(self) -> None:
        self._last = time.monotonic()

    def advance(self, batch: Sequence[PageOutcome], summary: RunSummary) -> None:
        self._summary = summary
        if time.monotonic() - self._last >= self.interval:
            self._last = time.monotonic()
            self._write(summary)

    def _write(self, summary: RunSummary) -> None:
        self.stream.write(f"backfill: {_line(summary)}\n")
        self.stream.flush()

    def close(self) -> None:
        if self._summary is not None:
            self._write(self._summary)


class BarProgress(Progress):
    """A rich progress bar; ``paths`` (optional) are counted in the background for an ETA."""

    def __init__(
        self,
        console: Console | None = None,
        paths: Iterable[str] = (),
        glob: str | None = None,
    ) -> None:
        self.console = console or Console(stderr=True)
        self._paths = tuple(paths)
        self._glob = glob
        self._bar = RichProgress(
            TextColumn("[bold]backfill"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} pages/s"),
            TextColumn("{task.fields[records]} records"),
            TextColumn("{task.fields[quarantined]} quarantined"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self._task: TaskID | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        self._bar.start()
        self._task = self._bar.add_task("pages", total=None, rate="0.0", records="0",
                                        quarantined="0")
        if self._paths:
            threading.Thread(target=self._count, daemon=True, name="count-inputs").start()

    def _count(self) -> None:
        """Count plain-file inputs; archives and page lists leave the total unknown."""
        n = 0
        for item in discover(self._paths, self._glob):
            if self._stop.is_set() or item.kind != "file":
                return
            n += 1
        if self._task is not None and not self._stop.is_set():
            self._bar.update(self._task, total=n)

    def advance(self, batch: Sequence[PageOutcome], summary: RunSummary) -> None:
        if self._task is None:
            return
        self._bar.update(self._task, completed=summary.pages_seen,
                         rate=f"{summary.pages_per_second:,.1f}",
                         records=f"{summary.records_total:,}",
                         quarantined=f"{summary.quarantined_total:,}")

    def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            task = self._bar.tasks[0]
            if task.total is not None and task.completed < task.total:
                self._bar.update(self._task, total=task.completed)
        self._bar.stop()


def make_progress(
    *, quiet: bool = False, paths: Iterable[str] = (), glob: str | None = None,
    stream: TextIO | None = None,
) -> Progress:
    """A bar when ``stream`` (stderr) is a terminal, periodic lines otherwise, none if quiet."""
    if quiet:
        return Progress()
    out = stream or sys.stderr
    if out.isatty() and os.environ.get("TERM") != "dumb":
        return BarProgress(Console(file=out), paths, glob)
    return LogProgress(out)


__all__ = ["BarProgress", "LogProgress", "make_progress"]
