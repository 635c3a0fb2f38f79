"""The Spark engine: the same pure ``process_page`` on Spark executors, results to Parquet.

PySpark is imported on first use, so ``import ingest_core`` never needs it, and a missing
install fails with :class:`~ingest_core.errors.BackendUnavailable` naming the extra to
install. Two ways to run:

* :class:`SparkBackend` (``ingest backfill --engine spark [--master URL]``): the shared
  ``Backend.backfill`` streams inputs on the driver and triages them against the store;
  each block of pages is parsed on the executors and comes back to be written into the
  store, and (with ``output``) appended to Parquet. A rerun resumes like a local one.
* :func:`run_spark`: for corpora one driver should not read. The driver only lists files
  and cuts WARC archives at record offsets; executors read the bytes themselves (a file
  system every node sees) and the outcomes go straight to Parquet, never to the driver.

Both write the same Parquet datasets below their output folder::

    records/      one row per record: id, kind, source, parser, page sha256, exact JSON
    quarantine/   one row per quarantined page (stage page) or malformed entry (stage entry)
    pages/        one row per page sighting: sha256, status, parser, where it was seen
    summary/      one row for the run: arguments, counts, timings

A page seen twice (same sha256) is parsed once, its first sighting in input order counting,
as in the local engine, so the records are identical to a local run's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ingest_core._inputs import (
    InputFile,
    PageInput,
    SourceRef,
    discover,
    read_file_page,
    read_jsonl,
)
from ingest_core._outcome import PageOutcome
from ingest_core._process import process_page
from ingest_core.backends.base import (
    Backend,
    BackfillContext,
    BackfillOptions,
    RunSummary,
    batched,
)
from ingest_core.errors import BackendUnavailable

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
FILES_PER_SLICE = 200
"""Plain files handed to one Spark task together (fewer, larger tasks)."""
WARC_RECORDS_PER_SLICE = 500
"""WARC records one task reads, starting from a record offset found by the driver."""

DEFAULT_CONF: dict[str, str] = {
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.python.worker.reuse": "true",
    "spark.ui.showConsoleProgress": "false",
}


def require_pyspark() -> Any:
    """The ``pyspark`` module.

    Raises:
        BackendUnavailable: PySpark is not installed.
    """
    try:
        import pyspark
    except ImportError as exc:
        raise BackendUnavailable(
            "the spark engine needs PySpark, which is not installed",
            hint="pip install ingest-core[spark] (Java 17 must be on PATH)",
        ) from exc
    return pyspark


def spark_session(
    master: str | None = None, conf: dict[str, str] | None = None, app_name: str = "ingest"
) -> SparkSession:
    """A SparkSession for ``master`` (default ``local[*]``) with small, quiet defaults.

    Raises:
        BackendUnavailable: PySpark is missing or the JVM could not start.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    url = master or DEFAULT_MASTER
    builder = SparkSession.builder.master(url).appName(app_name)
    settings = dict(DEFAULT_CONF)
    if url.startswith("local"):
        # Local executors run this interpreter, so they see the same installed parsers
        # (PySpark reads PYSPARK_PYTHON when the context starts; an explicit one wins).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM failed to start: Java missing, bad master URL
        raise BackendUnavailable(
            f"could not start a Spark session on {url} ({type(exc).__name__}: {exc})",
            hint="check that Java 17 is on PATH and the --master URL is reachable",
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


# --- the work: slices of input, read and processed on executors -----------------------------


@dataclass(frozen=True)
class Slice:
    """What one Spark task reads: some plain files, one page list, or a run of WARC records."""

    index: int
    kind: str
    paths: tuple[str, ...] = ()
    start: int = 0
    count: int | None = None


def plan_slices(
    paths: Iterable[str | os.PathLike[str]],
    glob: str | None = None,
    files_per_slice: int = FILES_PER_SLICE,
    warc_records_per_slice: int = WARC_RECORDS_PER_SLICE,
) -> Iterator[Slice]:
    """Cut the inputs into tasks, in input order (the order decides which sighting wins)."""
    index = 0
    files: list[str] = []
    for item in discover(paths, glob):
        if item.kind == "file":
            files.append(item.path)
            if len(files) >= files_per_slice:
                yield Slice(index, "files", tuple(files))
                index, files = index + 1, []
            continue
        if files:
            yield Slice(index, "files", tuple(files))
            index, files = index + 1, []
        if item.kind == "jsonl":
            yield Slice(index, "jsonl", (item.path,))
            index += 1
            continue
        for start in warc_slice_starts(item, warc_records_per_slice):
            yield Slice(index, "warc", (item.path,), start, warc_records_per_slice)
            index += 1
    if files:
        yield Slice(index, "files", tuple(files))


def warc_slice_starts(item: InputFile, per_slice: int) -> list[int]:
    """Record offsets where slices of ``per_slice`` records start (``[0]`` if unreadable)."""
    from warcio.archiveiterator import ArchiveIterator

    starts: list[int] = []
    seen = 0
    try:
        with open(item.path, "rb") as fh:
            records = ArchiveIterator(fh)
            for _ in records:
                if seen % per_slice == 0:
                    starts.append(records.get_record_offset())
                seen += 1
    except Exception:  # an unreadable or corrupt archive: one slice reports it
        pass
    return starts or [0]


def read_slice(piece: Slice, max_bytes: int | None = None) -> Iterator[PageInput]:
    """The page inputs of one slice; never raises (unreadable input becomes an error input)."""
    if piece.kind == "files":
        for path in piece.paths:
            yield read_file_page(path, max_bytes)
    elif piece.kind == "jsonl":
        yield from read_jsonl(piece.paths[0], max_bytes)
    else:
        yield from read_warc_slice(piece.paths[0], piece.start, piece.count, max_bytes)


def read_warc_slice(
    path: str, start: int, count: int | None, max_bytes: int | None = None
) -> Iterator[PageInput]:
    """Up to ``count`` WARC records from byte ``start`` (a record boundary), as page inputs."""
    from ingest_core._inputs import read_warc

    return read_warc(path, max_bytes, start=start, count=count)


Ordered = tuple[tuple[int, int], PageOutcome]
"""An outcome with its place in input order: (slice index, position in the slice)."""


def process_slice(
    piece: Slice, as_of: dt.date | None, parser: str | None, max_bytes: int | None,
    timeout: float | None = None,
) -> Iterator[Ordered]:
    """Run on an executor: read a slice and process every page in it."""
    for i, page in enumerate(read_slice(piece, max_bytes)):
        yield (piece.index, i), process_page(page, as_of=as_of, parser=parser,
                                             max_bytes=max_bytes, timeout=timeout)


# --- Parquet output ----------------------------------------------------------------------

_SOURCE_FIELDS = (
    ("source_kind", "string"), ("location", "string"), ("offset", "long"), ("url", "string"),
    ("retrieved_at", "timestamp"),
)
RECORDS_SCHEMA = (
    ("id", "string"), ("kind", "string"), ("source", "string"), ("parser", "string"),
    ("parser_version", "string"), ("page_sha256", "string"), ("position", "int"),
    ("json", "string"),
)
QUARANTINE_SCHEMA = (
    ("page_sha256", "string"), *_SOURCE_FIELDS, ("stage", "string"), ("position", "int"),
    ("error_type", "string"), ("code", "string"), ("message", "string"), ("parser", "string"),
)
PAGES_SCHEMA = (
    ("sha256", "string"), ("size", "long"), ("status", "string"), ("parser", "string"),
    ("parser_version", "string"), *_SOURCE_FIELDS,
)
SUMMARY_SCHEMA = (
    ("run_id", "string"), ("engine", "string"), ("started", "timestamp"),
    ("finished", "timestamp"), ("arguments", "string"), ("pages_seen", "long"),
    ("parsed", "long"), ("unchanged", "long"), ("quarantined", "long"),
    ("quarantined_by_reason", "string"), ("entries_quarantined", "long"), ("records", "long"),
    ("records_by_kind", "string"), ("elapsed_s", "double"),
)
DATASETS = ("records", "quarantine", "pages", "summary")


def _schema(fields: Sequence[tuple[str, str]]) -> Any:
    from pyspark.sql import types as T

    kinds = {"string": T.StringType(), "int": T.IntegerType(), "long": T.LongType(),
             "timestamp": T.TimestampType(), "double": T.DoubleType()}
    return T.StructType([T.StructField(name, kinds[kind], True) for name, kind in fields])


def record_rows(out: PageOutcome) -> Iterator[tuple[Any, ...]]:
    """Rows of ``records/`` for one outcome (none unless it was parsed)."""
    for r in out.records:
        yield (r.id, r.kind, r.source, out.parser, out.parser_version, out.sha256, r.position,
               r.json)


def _source_cols(s: SourceRef) -> tuple[Any, ...]:
    return (s.kind, s.location, s.offset, s.url, s.retrieved_at)


def quarantine_rows(out: PageOutcome) -> Iterator[tuple[Any, ...]]:
    """Rows of ``quarantine/``: the page (stage ``page``) or each bad entry (stage ``entry``)."""
    if out.status == "quarantined" and out.error is not None:
        yield (out.sha256, *_source_cols(out.source), "page", None, out.error.type,
               out.error.code, out.error.message, out.error.parser)
    for m in out.malformed:
        yield (out.sha256, *_source_cols(out.source), "entry", m.position, "MalformedEntry",
               m.code, m.message, m.parser)


def page_row(out: PageOutcome) -> tuple[Any, ...]:
    """The row of ``pages/`` for one sighting of a page."""
    return (out.sha256, out.size, out.status, out.parser, out.parser_version,
            *_source_cols(out.source))


def summary_row(
    summary: RunSummary, run_id: str, started: dt.datetime, arguments: dict[str, Any]
) -> tuple[Any, ...]:
    return (
        run_id, "spark", started, dt.datetime.now(dt.UTC),
        json.dumps(arguments, sort_keys=True, default=str), summary.pages_seen, summary.parsed,
        summary.unchanged, summary.quarantined_total,
        json.dumps(dict(sorted(summary.quarantined.items()))), summary.entries_quarantined,
        summary.records_total, json.dumps(dict(sorted(summary.records.items()))),
        float(summary.elapsed),
    )


class ParquetSink:
    """Appends outcomes to the Parquet datasets below ``root``, replacing what was there.

    ``root`` is a path or any URL Spark writes to (``hdfs://``, ``s3a://``), so it is joined
    as a string, never as a local Path.
    """

    def __init__(self, spark: SparkSession, root: str) -> None:
        self.spark = spark
        self.root = root.rstrip("/")
        self.modes = dict.fromkeys(DATASETS, "overwrite")

    def _write(self, name: str, rows: Any, schema: Sequence[tuple[str, str]]) -> None:
        frame = self.spark.createDataFrame(rows, _schema(schema))
        frame.write.mode(self.modes[name]).parquet(f"{self.root}/{name}")
        self.modes[name] = "append"

    def add(self, outcomes: Sequence[PageOutcome]) -> None:
        """One block of outcomes, on the driver."""
        self._write("records", [r for o in outcomes for r in record_rows(o)], RECORDS_SCHEMA)
        self._write("quarantine", [r for o in outcomes for r in quarantine_rows(o)],
                    QUARANTINE_SCHEMA)
        self._write("pages", [page_row(o) for o in outcomes], PAGES_SCHEMA)

    def add_rdd(self, outcomes: RDD[PageOutcome]) -> None:
        """Outcomes still on the executors: written from there, never collected."""
        self._write("records", outcomes.flatMap(record_rows), RECORDS_SCHEMA)
        self._write("quarantine", outcomes.flatMap(quarantine_rows), QUARANTINE_SCHEMA)
        self._write("pages", outcomes.map(page_row), PAGES_SCHEMA)

    def finish(self, row: tuple[Any, ...]) -> None:
        frame = self.spark.createDataFrame([row], _schema(SUMMARY_SCHEMA)).coalesce(1)
        frame.write.mode("overwrite").parquet(f"{self.root}/summary")


# --- the engine ----------------------------------------------------------------------------


def _parse_partition(
    pages: Iterable[tuple[PageInput, str]], as_of: dt.date | None, parser: str | None,
    max_bytes: int | None, timeout: float | None = None,
) -> Iterator[PageOutcome]:
    """Run on an executor: the pure process_page over one partition."""
    for page, sha in pages:
        yield process_page(page, as_of=as_of, parser=parser, max_bytes=max_bytes, sha256=sha,
                           timeout=timeout)


class SparkBackend(Backend):
    """Parse on Spark; the store is written by the shared :meth:`Backend.backfill`.

    Inputs stream through the driver in blocks of ``block_pages``; each block is triaged
    against the store (so a rerun skips what is stored), parsed on the executors while the
    driver reads the next block, and, with ``output``, appended to Parquet datasets.
    For a corpus too large for one driver to read, :func:`run_spark` lets the executors read
    the inputs themselves and writes Parquet only.

    Args:
        workers: executor threads for the default local master (``local[workers]``).
        master: a Spark master URL (``local[*]``, ``spark://host:7077``, ``yarn``...).
        output: a directory for the Parquet datasets (records, quarantine, pages, summary).
        session: an existing SparkSession to use (and leave running).
        conf: extra Spark settings.
        block_pages: pages per Spark job.
    """

    name: ClassVar[str] = "spark"

    def __init__(
        self,
        workers: int | None = None,
        *,
        master: str | None = None,
        output: str | os.PathLike[str] | None = None,
        session: SparkSession | None = None,
        conf: dict[str, str] | None = None,
        block_pages: int = 2_000,
    ) -> None:
        require_pyspark()
        super().__init__(workers if workers is not None else (os.cpu_count() or 1))
        self.master = master or (f"local[{workers}]" if workers else DEFAULT_MASTER)
        self.output = os.fspath(output) if output is not None else None
        self.conf = conf
        self.block_pages = max(1, block_pages)
        self._session = session
        self._owns_session = session is None
        self._sink: ParquetSink | None = None
        self._summary = RunSummary(engine=self.name)
        self._started = dt.datetime.now(dt.UTC)
        self._run_id: int | None = None
        self._arguments: dict[str, Any] = {}

    @property
    def session(self) -> SparkSession:
        if self._session is None:
            self._session = spark_session(self.master, self.conf)
        return self._session

    def outcomes(
        self, inputs: Iterator[PageInput], ctx: BackfillContext
    ) -> Iterator[PageOutcome | None]:
        spark = self.session
        self._summary = RunSummary(engine=self.name, workers=self.workers, run_id=ctx.run_id)
        self._started = dt.datetime.now(dt.UTC)
        self._run_id = ctx.run_id
        opts = ctx.options
        self._arguments = {"master": spark.sparkContext.master, "as_of": opts.as_of,
                           "parser": opts.parser, "force": opts.force}
        if self.output is not None:
            self._sink = ParquetSink(spark, self.output)
        pending: Future[list[PageOutcome]] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spark-job") as jobs:
            for block in batched(inputs, self.block_pages):
                todo, decided = ctx.triage(block)
                yield from self._emit(decided)
                if pending is not None:
                    yield from self._emit(pending.result())
                pending = jobs.submit(self._parse, todo, opts) if todo else None
            if pending is not None:
                yield from self._emit(pending.result())

    def _parse(self, todo: list[tuple[PageInput, str]], opts: BackfillOptions) -> list[PageOutcome]:
        sc = self.session.sparkContext
        as_of, parser, max_bytes = opts.as_of, opts.parser, opts.max_bytes
        timeout = opts.page_timeout
        slices = max(1, min(len(todo), sc.defaultParallelism * 2))
        rdd = sc.parallelize(todo, slices).mapPartitions(
            lambda part: _parse_partition(part, as_of, parser, max_bytes, timeout))
        return rdd.collect()

    def _emit(self, outcomes: list[PageOutcome]) -> list[PageOutcome]:
        if self._sink is not None and outcomes:
            self._sink.add(outcomes)
        for outcome in outcomes:
            self._summary.add(outcome)
        return outcomes

    def close(self) -> None:
        """Write the run summary; stop the Spark session if this backend started it."""
        if self._sink is not None:
            self._summary.elapsed = (dt.datetime.now(dt.UTC) - self._started).total_seconds()
            self._sink.finish(summary_row(self._summary, str(self._run_id), self._started,
                                          self._arguments))
            self._sink = None
        if self._owns_session and self._session is not None:
            self._session.stop()
            self._session = None


# --- executors read the inputs: Parquet only ----------------------------------------------


def run_spark(
    paths: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    session: SparkSession | None = None,
    master: str | None = None,
    glob: str | None = None,
    as_of: dt.date | None = None,
    parser: str | None = None,
    max_bytes: int | None = None,
    conf: dict[str, str] | None = None,
    warc_records_per_slice: int = WARC_RECORDS_PER_SLICE,
    timeout: float | None = None,
) -> RunSummary:
    """Process every page under ``paths`` with the executors reading the inputs themselves.

    The driver only lists files and cuts WARC archives at record offsets; the paths must
    be readable on every executor (a shared file system). A page seen twice (same sha256)
    is parsed once: its first sighting in input order counts, later ones are ``unchanged``,
    as in a local run. Writes the four Parquet datasets below ``output``; no store.

    Raises:
        BackendUnavailable: PySpark is missing or Spark could not start.
    """
    require_pyspark()
    from pyspark import StorageLevel

    spark = session or spark_session(master, conf)
    sc = spark.sparkContext
    started = dt.datetime.now(dt.UTC)
    slices = list(plan_slices(paths, glob, warc_records_per_slice=warc_records_per_slice))
    parts = max(1, min(len(slices), sc.defaultParallelism * 4))
    ordered = sc.parallelize(slices, parts).flatMap(
        lambda piece: process_slice(piece, as_of, parser, max_bytes, timeout))
    keyed = ordered.map(lambda o: (o[1].sha256 or f"#{o[0][0]}:{o[0][1]}", o))
    firsts = keyed.reduceByKey(lambda a, b: a if a[0] <= b[0] else b) \
        .map(lambda kv: (kv[1][0], True))
    outcomes = ordered.leftOuterJoin(firsts, parts).map(
        lambda kv: _as_sighting(kv[1][0], kv[1][1] is not None)
    ).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        sink = ParquetSink(spark, os.fspath(output))
        sink.add_rdd(outcomes)
        summary = RunSummary(engine="spark", workers=sc.defaultParallelism)
        for key, n in outcomes.flatMap(_counts).reduceByKey(lambda a, b: a + b).collect():
            _tally(summary, key, n)
        summary.elapsed = (dt.datetime.now(dt.UTC) - started).total_seconds()
        arguments = {"paths": [os.fspath(p) for p in paths], "glob": glob, "parser": parser,
                     "as_of": as_of, "master": sc.master}
        sink.finish(summary_row(summary, uuid.uuid4().hex, started, arguments))
    finally:
        outcomes.unpersist()
        if session is None:
            spark.stop()
    return summary


def _as_sighting(outcome: PageOutcome, first: bool) -> PageOutcome:
    """A later sighting of a page parsed elsewhere in the run is ``unchanged``."""
    if first or outcome.sha256 is None or outcome.status == "quarantined":
        return outcome
    return PageOutcome(source=outcome.source, status="unchanged", sha256=outcome.sha256,
                       size=outcome.size)


def _counts(o: PageOutcome) -> list[tuple[str, int]]:
    out = [("seen", 1), (o.status, 1)]
    if o.status == "quarantined":
        out.append((f"q:{o.error.code if o.error else 'unknown'}", 1))
    out.extend((f"r:{r.kind}", 1) for r in o.records)
    if o.malformed:
        out.append(("entries", len(o.malformed)))
    return out


def _tally(summary: RunSummary, key: str, n: int) -> None:
    if key == "seen":
        summary.pages_seen = n
    elif key in ("parsed", "unchanged"):
        setattr(summary, key, n)
    elif key == "entries":
        summary.entries_quarantined = n
    elif key.startswith("q:"):
        summary.quarantined[key[2:]] = n
    elif key.startswith("r:"):
        summary.records[key[2:]] = n


__all__ = ["SparkBackend", "require_pyspark", "run_spark", "spark_session"]
