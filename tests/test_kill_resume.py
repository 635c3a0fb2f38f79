"""kill -9 in the middle of a real `ingest backfill`, then the same command: the final store
equals an uninterrupted run's (same record ids, no duplicates, nothing missing), on SQLite
and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from ingest_core import Store, backfill
from ingest_core._fixtures import discover
from ingest_core.errors import StorageError
from ingest_core.store import _models as m
from tests.conftest import FIXTURES, ROOT

PAGES = 2000
AS_OF = "2026-03-01"


def _whitespace_tag(i: int) -> bytes:
    """A line of spaces and tabs spelling ``i`` in binary: distinct bytes, no visible text."""
    return ("\t" + "".join(" " if bit == "0" else "\t" for bit in f"{i:012b}") + " \n").encode()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~2,000 distinct pages made from the seed fixtures (1 in 100 in no known format)."""
    seeds = [case.page.read_bytes() for case in discover(FIXTURES) if not case.invalid]
    assert seeds, "no fixture pages"
    root = tmp_path_factory.mktemp("corpus")
    for i in range(PAGES):
        folder = root / f"{i // 250:02d}"
        folder.mkdir(exist_ok=True)
        if i % 100 == 99:
            unknown = b"Nothing any parser knows.\n" + _whitespace_tag(i)
            (folder / f"{i:05d}.txt").write_bytes(unknown)
            continue
        seed = seeds[i % len(seeds)]
        (folder / f"{i:05d}.page").write_bytes(seed.rstrip(b"\n") + b"\n" + _whitespace_tag(i))
    return root


def _snapshot(db: str) -> dict[str, list[str]]:
    with Store(db) as store, store.engine.connect() as conn:
        return {
            "records": sorted(conn.execute(select(m.records.c.id)).scalars()),
            "pages": sorted(conn.execute(select(m.pages.c.sha256)).scalars()),
            "quarantine": sorted(conn.execute(select(m.quarantine.c.id)).scalars()),
            "sources": sorted(conn.execute(select(m.page_sources.c.id)).scalars()),
        }


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    db = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'ref.db'}"
    summary = backfill([corpus], db=db, workers=2, as_of=AS_OF)
    assert summary.pages_seen == PAGES and summary.quarantined == {"page_not_recognised": 20}
    return _snapshot(db)


def _pages_stored(db: str) -> int:
    try:
        with Store(db, migrate=False) as store:
            return store.table_counts()["pages"]
    except StorageError:
        return 0  # the tables are not there yet


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_equals_an_uninterrupted_run(
    corpus: Path, reference: dict[str, list[str]], db_url: str
) -> None:
    command = [sys.executable, "-m", "ingest_core.cli", "backfill", str(corpus), "--db", db_url,
               "--workers", "2", "--as-of", AS_OF, "--batch-size", "40", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    victim = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while _pages_stored(db_url) < PAGES // 4:
            assert victim.poll() is None, "the backfill ended before it could be killed"
            assert time.monotonic() < deadline, "the backfill stored nothing in 60 s"
            time.sleep(0.05)
    finally:
        os.killpg(victim.pid, signal.SIGKILL)  # the run and its worker processes, kill -9
        victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    stored = _pages_stored(db_url)
    assert PAGES // 4 <= stored < PAGES - 20, "the kill did not land mid-run"

    resumed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                             timeout=180, check=False)
    assert resumed.returncode == 0, resumed.stderr
    after = _snapshot(db_url)
    assert len(after["records"]) == len(set(after["records"]))
    assert after == reference
    with Store(db_url) as store:
        counts = store.runs()[-1]["counts"]
    assert counts["pages_seen"] == PAGES and counts["unchanged"] >= stored
