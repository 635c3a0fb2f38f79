"""Backfill throughput, store overhead, memory and kill -9 resume, printed as tables.

Usage::

    python benchmarks/backfill_throughput.py                       # 10^4 and 10^5 pages
    python benchmarks/backfill_throughput.py --sizes 10000 --kill-pages 20000
    python benchmarks/backfill_throughput.py --quick               # 2,000 pages, a smoke run

For each corpus size (made by ``make_corpus.py``, as a directory and as one WARC) it runs a
real ``ingest backfill`` subprocess at each worker count on SQLite and on a throwaway
PostgreSQL 15 server it starts itself (initdb/pg_ctl in a temporary folder, a free port),
sampling the peak RSS of the whole process tree (psutil). The same pages are also parsed
bare (same reader, same process pool, no store) so the store's overhead is the ratio of the
two times. Last, a backfill of ``--kill-pages`` pages is killed with SIGKILL mid-run, rerun,
and its record ids compared with an uninterrupted run's.

Targets (reported, not asserted): the store costs at most 25% over bare parsing; on SQLite,
2 workers at least 1.7x one worker; peak RSS under 500 MB at 10^5 pages and no higher at 10x.
Figures are wall-clock on whatever else the machine is doing: run on a quiet machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402

INGEST = str(Path(sys.executable).with_name("ingest"))
PG_BIN = Path("/usr/local/bin")


# --- measuring a subprocess -----------------------------------------------------------------


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    peak_main_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(cmd: list[str], *, env: dict[str, str] | None = None,
                 kill_when: Callable[[], bool] | None = None) -> Measured:
    """Run ``cmd``, sampling the RSS of its process tree every 50 ms; SIGKILL it (and its
    workers) as soon as ``kill_when()`` is true."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        return _run_measured(cmd, env, kill_when, out, err)


def _run_measured(cmd: list[str], env: dict[str, str] | None,
                  kill_when: Callable[[], bool] | None, out: Any, err: Any) -> Measured:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, start_new_session=True)
    peak = peak_main = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            main = ps.memory_info().rss
            tree = main + sum(_rss(c) for c in ps.children(recursive=True))
        except psutil.Error:
            main = tree = 0
        peak, peak_main = max(peak, tree), max(peak_main, main)
        if kill_when is not None and kill_when():
            os.killpg(proc.pid, signal.SIGKILL)  # the whole backfill: main and its workers
            proc.wait()
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    out.seek(0)
    err.seek(0)
    return Measured(seconds, peak / 2**20, peak_main / 2**20, proc.returncode,
                    out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def _rss(p: psutil.Process) -> int:
    try:
        return int(p.memory_info().rss)
    except psutil.Error:
        return 0


# --- a throwaway PostgreSQL -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary folder on a free port, gone on exit."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self._as, *cmd], check=True, capture_output=True)

    def __enter__(self) -> ThrowawayPostgres:
        if self._as:
            shutil.chown(self.dir, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-locale")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                  "-w", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1",
                  "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def fresh_database(self, name: str) -> str:
        """Drop and create ``name``; returns its URL."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the corpus and the two kinds of run ----------------------------------------------------


def corpus(workdir: Path, n: int, seed: int) -> tuple[Path, Path]:
    """The corpus of ``n`` pages as a directory and a WARC, made once and reused."""
    pages, warc, done = workdir / f"corpus-{n}", workdir / f"corpus-{n}.warc.gz", \
        workdir / f"corpus-{n}.done"
    if not done.exists():
        shutil.rmtree(pages, ignore_errors=True)
        t = time.perf_counter()
        make_corpus.write_corpus(n, pages, seed=seed, warc=warc)
        done.write_text(str(seed))
        print(f"made {n:,} pages in {time.perf_counter() - t:.0f}s: {pages} and {warc}",
              flush=True)
    return pages, warc


def _bare_chunk(chunk: list[Any]) -> tuple[int, int]:
    from ingest_core.backends.local import _work

    outcomes = _work(chunk, None, None, None)
    return len(outcomes), sum(len(o.records) for o in outcomes)


def bare_parse(path: str, workers: int) -> dict[str, float]:
    """Parse every page under ``path`` exactly as the backfill does, minus the store.

    ``workers`` >= 1: the local engine's own pool (same start method, initializer, task
    function and chunk size; files read in the workers), results counted and dropped.
    ``workers`` == 0: one process reads and parses everything, no pool at all.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    from ingest_core._inputs import iter_inputs
    from ingest_core.backends.base import batched
    from ingest_core.backends.local import LocalBackend, _context, _init_worker

    engine = LocalBackend(max(workers, 1))
    inputs = iter_inputs([path], defer_files=True)
    start = time.perf_counter()
    pages = records = 0
    if workers == 0:
        for chunk in batched(inputs, engine.chunk_size):
            n, r = _bare_chunk(chunk)
            pages, records = pages + n, records + r
        return {"pages": pages, "records": records, "seconds": time.perf_counter() - start}
    pending: set[Future[tuple[int, int]]] = set()

    def drain(until: int) -> None:
        nonlocal pages, records, pending
        while len(pending) > until:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                n, r = future.result()
                pages, records = pages + n, records + r

    with ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker) as pool:
        for chunk in batched(inputs, engine.chunk_size):
            drain(engine.max_in_flight - 1)
            pending.add(pool.submit(_bare_chunk, chunk))
        drain(0)
    return {"pages": pages, "records": records, "seconds": time.perf_counter() - start}


def measure_bare(path: Path, workers: int) -> tuple[dict[str, float], Measured]:
    m = run_measured([sys.executable, __file__, "--bare-parse", str(path),
                      "--workers", str(workers)])
    if m.returncode != 0:
        raise RuntimeError(f"bare parse failed:\n{m.stderr[-2000:]}")
    return json.loads(m.stdout.strip().splitlines()[-1]), m


def backfill(path: Path, db: str, workers: int,
             kill_when: Callable[[], bool] | None = None) -> Measured:
    cmd = [INGEST, "backfill", str(path), "--db", db, "--workers", str(workers), "--quiet"]
    m = run_measured(cmd, kill_when=kill_when)
    if kill_when is None and m.returncode != 0:
        raise RuntimeError(f"backfill failed ({m.returncode}):\n{m.stderr[-3000:]}")
    return m


def pages_stored(db: str) -> Callable[[], int]:
    """A cheap poll of how many pages a running backfill has committed (0 before the schema)."""
    import sqlalchemy as sa

    engine = sa.create_engine(db)

    def count() -> int:
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.text("SELECT count(*) FROM pages")).scalar_one())
        except sa.exc.SQLAlchemyError:
            return 0

    return count


def run_elapsed(db: str) -> float:
    """The last run's own elapsed time (interpreter start-up and migrations excluded)."""
    from ingest_core.store import Store

    with Store(db) as store:
        return float(store.runs()[-1]["counts"]["elapsed"])


def store_counts(db: str) -> dict[str, int]:
    from ingest_core.store import Store

    with Store(db) as store:
        return store.table_counts()


def record_ids(db: str) -> list[str]:
    from ingest_core.store import Store

    with Store(db) as store:
        return store.record_ids()


# --- the report -----------------------------------------------------------------------------


@dataclass
class Row:
    pages: int
    source: str
    db: str
    workers: int
    wall: float
    seconds: float
    """The run's own time (as the store records it), comparable with the bare parse's."""
    records: int
    quarantined: int
    rss: float
    rss_main: float
    bare_seconds: float
    """The same pages parsed by the same pool (same workers), no store."""
    single_seconds: float
    """The same pages read and parsed in one process, no pool, no store."""

    def cells(self) -> list[str]:
        return [
            f"{self.pages:,}", self.source, self.db, str(self.workers), f"{self.wall:.1f}",
            f"{self.seconds:.1f}",
            f"{self.pages / self.seconds:,.0f}", f"{self.records / self.seconds:,.0f}",
            f"{self.quarantined:,}", f"{self.rss:.0f}", f"{self.rss_main:.0f}",
            f"{self.bare_seconds:.1f}", f"{self.seconds / self.bare_seconds:.2f}",
            f"{self.single_seconds:.1f}", f"{self.seconds / self.single_seconds:.2f}",
        ]


HEADER = ["pages", "input", "db", "workers", "wall s", "run s", "pages/s", "records/s",
          "quarantined", "peak RSS MB", "main RSS MB", "bare s", "backfill/bare",
          "1-proc bare s", "backfill/1-proc"]


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def throughput(args: argparse.Namespace, workdir: Path, pg: ThrowawayPostgres | None) -> list[Row]:
    rows: list[Row] = []
    for n in args.sizes:
        pages_dir, warc = corpus(workdir, n, args.seed)
        for source, path in (("dir", pages_dir), ("warc", warc)):
            if source not in args.inputs:
                continue
            single, _ = measure_bare(path, 0)
            for workers in args.workers:
                bare, _ = measure_bare(path, workers)
                for db_kind in args.dbs:
                    if db_kind == "sqlite":
                        db_file = workdir / "bench.db"
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
                        db = f"sqlite:///{db_file}"
                    else:
                        assert pg is not None
                        db = pg.fresh_database("bench")
                    m = backfill(path, db, workers)
                    counts = store_counts(db)
                    row = Row(n, source, db_kind, workers, m.seconds, run_elapsed(db),
                              counts["records"], counts["quarantine"], m.peak_rss_mb,
                              m.peak_main_mb, bare["seconds"], single["seconds"])
                    rows.append(row)
                    print("  " + " | ".join(row.cells()), flush=True)
    return rows


def kill_resume(args: argparse.Namespace, workdir: Path, pg: ThrowawayPostgres | None) -> list[str]:
    n = args.kill_pages
    pages_dir, _ = corpus(workdir, n, args.seed)
    lines = []
    for db_kind in args.kill_dbs:
        def fresh(name: str, kind: str = db_kind) -> str:
            if kind == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{workdir / name}.db{suffix}").unlink(missing_ok=True)
                return f"sqlite:///{workdir / name}.db"
            assert pg is not None
            return pg.fresh_database(name)

        clean_db, killed_db = fresh("uninterrupted"), fresh("killed")
        clean = backfill(pages_dir, clean_db, 2)
        expected = record_ids(clean_db)
        stored = pages_stored(killed_db)
        threshold = int(n * args.kill_fraction)
        first = backfill(pages_dir, killed_db, 2,
                         kill_when=lambda s=stored, t=threshold: s() >= t)
        partial = store_counts(killed_db)
        second = backfill(pages_dir, killed_db, 2)
        got = record_ids(killed_db)
        same = got == expected and len(set(got)) == len(got)
        lines.append(
            f"{db_kind}: {n:,} pages, uninterrupted {clean.seconds:.1f}s,"
            f" {len(expected):,} records;"
            f" SIGKILL after {first.seconds:.1f}s (exit {first.returncode}) with"
            f" {partial['pages']:,} pages and {partial['records']:,} records stored; rerun"
            f" {second.seconds:.1f}s -> {len(got):,} records, ids"
            f" {'IDENTICAL' if same else 'DIFFERENT'} to the uninterrupted run"
        )
        print("  " + lines[-1], flush=True)
    return lines


def summarize(rows: list[Row]) -> list[str]:
    notes = []
    overhead = [r.seconds / r.bare_seconds for r in rows]
    if overhead:
        notes.append(f"store overhead (backfill run s / bare parse s, same pool and workers):"
                     f" {min(overhead):.2f} to {max(overhead):.2f} (target <= 1.25)")
    for r in rows:
        if r.workers == 1:
            notes.append(f"{r.db} {r.source} {r.pages:,} pages: 1-worker backfill / one-process"
                         f" bare parse = {r.seconds / r.single_seconds:.2f}")
    for r2 in rows:
        if r2.workers != 2 or r2.db != "sqlite":
            continue
        for r1 in rows:
            if (r1.workers, r1.db, r1.pages, r1.source) == (1, "sqlite", r2.pages, r2.source):
                notes.append(f"sqlite {r2.source} {r2.pages:,} pages: 2 workers = "
                             f"{r1.seconds / r2.seconds:.2f}x one worker (target >= 1.7)")
    for n in sorted({r.pages for r in rows}):
        peak = max(r.rss for r in rows if r.pages == n)
        notes.append(f"peak RSS at {n:,} pages: {peak:.0f} MB (target < 500 MB at 10^5)")
    return notes


def _spark_job(path: str, out: str) -> None:
    """Child-process mode: run_spark on ``path`` (executors read the inputs) into ``out``."""
    from ingest_core.backends.spark import run_spark

    summary = run_spark([path], out, master="local[*]")
    print(json.dumps({"pages": summary.pages_seen, "records": summary.records_total,
                      "seconds": summary.elapsed}))


def spark_runs(args: argparse.Namespace, workdir: Path) -> list[str]:
    """The Spark engine on this machine: into SQLite via the CLI, and Parquet-only."""
    n = args.spark_pages
    pages_dir, warc = corpus(workdir, n, args.seed)
    lines = []
    for source, path in (("dir", pages_dir), ("warc", warc)):
        db = workdir / "spark.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        cmd = [INGEST, "backfill", str(path), "--db", f"sqlite:///{db}", "--engine", "spark",
               "--quiet", "--spark-out", str(workdir / "spark-out")]
        m = run_measured(cmd)
        if m.returncode != 0:
            raise RuntimeError(f"spark backfill failed:\n{m.stderr[-3000:]}")
        run_s = run_elapsed(f"sqlite:///{db}")
        lines.append(f"spark engine into sqlite, {n:,} pages from {source}: wall {m.seconds:.1f}s,"
                     f" run {run_s:.1f}s ({n / run_s:,.0f} pages/s), peak RSS {m.peak_rss_mb:.0f}"
                     f" MB (JVM included)")
        print("  " + lines[-1], flush=True)
        m = run_measured([sys.executable, __file__, "--spark-job", str(path),
                          "--spark-job-out", str(workdir / "spark-parquet")])
        if m.returncode != 0:
            raise RuntimeError(f"run_spark failed:\n{m.stderr[-3000:]}")
        job = json.loads(m.stdout.strip().splitlines()[-1])
        lines.append(f"run_spark (executors read, Parquet only), {n:,} pages from {source}:"
                     f" wall {m.seconds:.1f}s, job {job['seconds']:.1f}s"
                     f" ({n / job['seconds']:,.0f} pages/s), {job['records']:,} records")
        print("  " + lines[-1], flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ints = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
    words = lambda s: [x for x in s.split(",") if x]  # noqa: E731
    ap.add_argument("--sizes", type=ints, default=[10_000, 100_000])
    ap.add_argument("--workers", type=ints, default=[1, 2])
    ap.add_argument("--dbs", type=words, default=["sqlite", "postgres"])
    ap.add_argument("--inputs", type=words, default=["dir", "warc"])
    ap.add_argument("--kill-pages", type=int, default=20_000, help="0 skips the kill -9 run")
    ap.add_argument("--kill-dbs", type=words, default=["sqlite"])
    ap.add_argument("--kill-fraction", type=float, default=0.4,
                    help="kill once this fraction of the pages is stored")
    ap.add_argument("--quick", action="store_true", help="2,000 pages, kill run of 2,000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, help="keep corpora here (default a temp folder)")
    ap.add_argument("--spark-pages", type=int, default=0,
                    help="also time the spark engine on this many pages (0: skip)")
    ap.add_argument("--bare-parse", help=argparse.SUPPRESS)
    ap.add_argument("--spark-job", help=argparse.SUPPRESS)
    ap.add_argument("--spark-job-out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.spark_job:
        _spark_job(args.spark_job, args.spark_job_out)
        return 0
    if args.bare_parse:
        print(json.dumps(bare_parse(args.bare_parse, args.workers[0])))
        return 0
    if args.quick:
        args.sizes, args.kill_pages = [2_000], 2_000
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"backfill benchmark: sizes {args.sizes}, workers {args.workers}, dbs {args.dbs}, "
          f"inputs {args.inputs}; {os.cpu_count()} CPUs; load average {os.getloadavg()};"
          f" workdir {workdir}", flush=True)
    need_pg = "postgres" in args.dbs or (args.kill_pages and "postgres" in args.kill_dbs)
    with ThrowawayPostgres() if need_pg else contextlib.nullcontext() as pg:
        print("  " + " | ".join(HEADER), flush=True)
        rows = throughput(args, workdir, pg)
        kills = kill_resume(args, workdir, pg) if args.kill_pages else []
        kills += spark_runs(args, workdir) if args.spark_pages else []
    print()
    if rows:
        print(table([r.cells() for r in rows], HEADER))
        print()
    for note in summarize(rows) + kills:
        print(note)
    print(f"load average at the end: {os.getloadavg()}")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
