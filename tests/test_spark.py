"""The Spark engine against the local one, on a real local Spark session (no mocks).

Select with ``-m spark``; the session starts once per test session (about 10 s).
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest_core._inputs import iter_inputs
from ingest_core.backends.base import Backend, BackfillOptions, BackfillPlan, RunSummary
from ingest_core.backends.local import LocalBackend
from ingest_core.errors import BackendUnavailable
from ingest_core.store import Store
from tests.conftest import FIXTURES

SPARK = [pytest.mark.spark, pytest.mark.slow]
BOTH_ENGINES = ["local", pytest.param("spark", marks=SPARK)]

PAGES = sorted(
    p for p in FIXTURES.rglob("*")
    if p.is_file() and p.suffix in (".txt", ".html") and ".expected" not in p.name
)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from ingest_core.backends.spark import spark_session

    session = spark_session("local[2]", app_name="ingest-tests")
    yield session
    session.stop()


def _plan(paths: list[Path]) -> BackfillPlan:
    given = tuple(str(p) for p in paths)
    return BackfillPlan(paths=given, glob=None, inputs=lambda: iter_inputs(given))


def _backend(engine: str, request: pytest.FixtureRequest, output: Path | None = None) -> Backend:
    if engine == "local":
        return LocalBackend(workers=1)
    from ingest_core.backends.spark import SparkBackend

    return SparkBackend(session=request.getfixturevalue("spark"), output=output, block_pages=7)


def _run(backend: Backend, paths: list[Path], db: Path | str) -> tuple[RunSummary, dict[str, str]]:
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    with Store(url) as store:
        summary = backend.backfill(_plan(paths), store, BackfillOptions(batch_size=5))
        records = {r.id: r.model_dump_json() for r in store.records()}
    return summary, records


@pytest.mark.spark
@pytest.mark.slow
def test_spark_engine_gives_the_local_engines_records_and_parquet(
    spark: Any, tmp_path: Path
) -> None:
    from ingest_core.backends.spark import SparkBackend

    assert len(PAGES) >= 10
    local_summary, local = _run(LocalBackend(workers=1), PAGES, tmp_path / "local.db")
    backend = SparkBackend(session=spark, output=tmp_path / "out", block_pages=7)
    spark_summary, on_spark = _run(backend, PAGES, tmp_path / "spark.db")

    assert local, "the fixtures gave no records"
    assert sorted(on_spark) == sorted(local)
    assert on_spark == local
    assert spark_summary.pages_seen == local_summary.pages_seen == len(PAGES)
    assert spark_summary.quarantined == local_summary.quarantined

    parquet = {r["id"]: r["json"] for r in spark.read.parquet(str(tmp_path / "out" / "records"))
               .select("id", "json").collect()}
    assert parquet == local
    quarantine = spark.read.parquet(str(tmp_path / "out" / "quarantine"))
    assert quarantine.filter("stage = 'page'").count() == local_summary.quarantined_total
    (summary,) = spark.read.parquet(str(tmp_path / "out" / "summary")).collect()
    assert summary["pages_seen"] == len(PAGES)
    assert summary["records"] == len(local)


def _warc_of(pages: list[Path], path: Path, gzip: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for i, page in enumerate(pages):
            body = page.read_bytes()
            record = writer.create_warc_record(
                f"https://example.org/pages/{i}", "response", payload=io.BytesIO(body),
                length=len(body),
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                              protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": f"2026-02-{10 + i % 9:02d}T12:00:00Z"},
            )
            writer.write_record(record)


@pytest.mark.spark
@pytest.mark.slow
def test_executors_reading_dirs_and_warc_slices_match_the_local_engine(
    spark: Any, tmp_path: Path
) -> None:
    from ingest_core.backends.spark import run_spark

    folder = tmp_path / "pages"
    folder.mkdir()
    for i, page in enumerate(PAGES[:6]):
        shutil.copy2(page, folder / f"{i}_{page.name}")
    shutil.copy2(PAGES[0], folder / "z_duplicate.txt")  # the same bytes seen twice
    warc = tmp_path / "pages.warc.gz"
    _warc_of(PAGES, warc)
    inputs = [folder, warc]

    _, local = _run(LocalBackend(workers=1), inputs, tmp_path / "local.db")
    summary = run_spark(inputs, tmp_path / "out", session=spark, warc_records_per_slice=4)

    rows = spark.read.parquet(str(tmp_path / "out" / "records")).select("id", "json").collect()
    assert len(rows) == len({r["id"] for r in rows})
    assert {r["id"]: r["json"] for r in rows} == local
    assert summary.pages_seen == 7 + len(PAGES)
    assert summary.unchanged >= 1
    statuses = spark.read.parquet(str(tmp_path / "out" / "pages")).groupBy("status").count()
    assert sum(r["count"] for r in statuses.collect()) == summary.pages_seen


@pytest.mark.parametrize("engine", BOTH_ENGINES)
def test_every_page_ends_parsed_or_quarantined_with_its_reason(
    engine: str, db_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """One test, both engines, both databases: a mixed folder, then a rerun."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = FIXTURES / "aggregator_profile" / "001_02405de564735fae.txt"
    shutil.copy2(good, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "recipe.txt").write_text("Lemon cake\n\nWhisk the eggs with the sugar.\n")
    accented = FIXTURES / "aggregator_profile" / "synthetic_variants_diacritics.txt"
    (folder / "latin1.txt").write_bytes(accented.read_text("utf-8").encode("latin-1", "replace"))

    summary, records = _run(_backend(engine, request), [folder], db_url)

    assert summary.pages_seen == 5
    assert summary.parsed + summary.unchanged + summary.quarantined_total == 5
    assert summary.parsed == 2
    assert {"empty_page", "binary_content", "page_not_recognised"} <= set(summary.quarantined)
    assert any(json.startswith('{"id"') for json in records.values())
    with Store(db_url) as store:
        inputs = {Path(q.input).name for q in store.quarantined(stage="page")}
    assert {"empty.txt", "image.png", "recipe.txt"} <= inputs

    again, _ = _run(_backend(engine, request), [folder], db_url)
    assert (again.unchanged, again.parsed, again.quarantined_total) == (5, 0, 0)


def test_a_missing_pyspark_fails_with_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ingest_core.backends import spark as spark_module

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(BackendUnavailable, match=r"pip install ingest-core\[spark\]"):
        spark_module.require_pyspark()
    with pytest.raises(BackendUnavailable):
        spark_module.SparkBackend(master="local[1]")



@pytest.mark.parametrize("name", ["pages.warc", "pages.warc.gz"])
def test_warc_slices_read_exactly_what_one_pass_reads(name: str, tmp_path: Path) -> None:
    from ingest_core._inputs import read_warc
    from ingest_core.backends.spark import plan_slices, read_slice

    warc = tmp_path / name
    _warc_of(PAGES, warc, gzip=name.endswith(".gz"))
    slices = list(plan_slices([warc], warc_records_per_slice=3))
    assert len(slices) == -(-len(PAGES) // 3)
    sliced = [(p.source.offset, p.source.url, p.content) for s in slices for p in read_slice(s)]
    whole = [(p.source.offset, p.source.url, p.content) for p in read_warc(str(warc))]
    assert sliced == whole
    assert all(content for _, _, content in sliced)
