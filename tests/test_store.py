"""The store, on SQLite and on a real PostgreSQL server: the same tests for both."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import inspect

from ingest_core import Store, add_page, errors, parse_page
from ingest_core._inputs import ErrorInfo, SourceRef
from ingest_core._outcome import EntryProblem, PageOutcome, RecordRow
from ingest_core.store._export import export_records
from ingest_core.store._models import metadata
from ingest_core.store._store import PageState
from tests.conftest import FIXTURES

PROFILE = FIXTURES / "aggregator_profile" / "001_02405de564735fae.txt"
DAILY = FIXTURES / "hf_daily" / "002_1b3592f858c9cc69.txt"
AS_OF = "2026-02-01"


def _work(sha: str, position: int, title: str, version: str = "1") -> RecordRow:
    record = {
        "id": f"{sha[:8]}{position:024d}", "source": "toy",
        "provenance": {"parser": "toy", "parser_version": version, "url": None,
                       "retrieved_at": None, "as_of": AS_OF, "sha256": sha,
                       "position": position, "representation": "text"},
        "warnings": [], "kind": "work", "title": title,
    }
    return RecordRow(record["id"], "work", "toy", position, json.dumps(record))


def _outcome(sha: str, titles: list[str], version: str = "1", where: str = "a.txt",
             malformed: tuple[int, ...] = ()) -> PageOutcome:
    return PageOutcome(
        source=SourceRef("file", where), status="parsed", sha256=sha, size=10, parser="toy",
        parser_version=version,
        records=[_work(sha, i, t, version) for i, t in enumerate(titles)],
        malformed=[EntryProblem(p, "malformed_entry", "bad entry", "toy") for p in malformed],
    )


def _bad(sha: str | None, where: str, code: str = "page_not_recognised") -> PageOutcome:
    kind = "UnreadableInput" if code == "unreadable_input" else "PageNotRecognised"
    error = ErrorInfo(kind, code, "bad page")
    return PageOutcome(source=SourceRef("file", where), status="quarantined", sha256=sha,
                       size=5 if sha else None, error=error)


@pytest.fixture
def store(db_url: str) -> Store:
    with Store(db_url) as s:
        yield s


def test_open_migrates_to_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    names = set(inspect(store.engine).get_table_names())
    assert {"pages", "page_sources", "records", "quarantine", "runs", "alembic_version"} <= names
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    Store(store.url if "***" not in store.url else str(store.engine.url)).close()  # reopen: no-op


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 's.db'}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_add_page_stores_the_records_parse_page_gives(store: Store) -> None:
    content = PROFILE.read_bytes()
    outcome = add_page(store, content, name=str(PROFILE), as_of=AS_OF)
    assert outcome.status == "parsed"
    expected = [r.model_dump_json() for r in parse_page(content, as_of=AS_OF).records]
    stored = list(store.record_json())
    assert sorted(stored) == sorted(expected)
    assert [r.model_dump_json() for r in store.records(kind="profile")] == [expected[0]]
    works = list(store.records(kind="work", source=outcome.records[0].source))
    assert works and all(r.kind == "work" for r in works)


def test_adding_a_page_twice_changes_nothing(store: Store) -> None:
    content = PROFILE.read_bytes()
    add_page(store, content, name=str(PROFILE), as_of=AS_OF)
    before = store.table_counts(), store.record_ids()
    again = add_page(store, content, name=str(PROFILE), as_of=AS_OF)
    assert again.status == "unchanged"
    assert (store.table_counts(), store.record_ids()) == before


def test_identical_pages_at_two_places_are_one_page_with_two_sources(store: Store) -> None:
    sha = "a" * 64
    store.write_outcomes([_outcome(sha, ["One"], where="x/one.txt")], fingerprint="f")
    store.write_outcomes([PageOutcome(SourceRef("warc", "crawl.warc.gz", 1234, "https://e.org/p"),
                                      "unchanged", sha, 10)], fingerprint="f")
    counts = store.table_counts()
    assert counts["pages"] == 1 and counts["page_sources"] == 2
    places = {(s.kind, s.location, s.offset, s.url) for s in store.sources_of(sha)}
    assert places == {("file", "x/one.txt", None, None),
                      ("warc", "crawl.warc.gz", 1234, "https://e.org/p")}


def test_writing_the_same_batch_twice_is_idempotent(store: Store) -> None:
    batch = [_outcome("b" * 64, ["A", "B"], malformed=(2,)), _outcome("c" * 64, ["C"], where="c"),
             _bad("d" * 64, "d.txt")]
    store.write_outcomes(batch, fingerprint="f")
    first = store.table_counts(), store.record_ids()
    store.write_outcomes(batch, fingerprint="f")
    assert (store.table_counts(), store.record_ids()) == first
    assert first[0]["records"] == 3 and first[0]["quarantine"] == 2


def test_a_newer_parser_version_replaces_the_records(store: Store) -> None:
    sha = "e" * 64
    store.write_outcomes([_outcome(sha, ["Old A", "Old B", "Old C"], version="1",
                                   malformed=(3,))], fingerprint="f")
    state = store.page_states([sha])[sha]
    assert state.is_current({"toy": "1"}, "f") and not state.is_current({"toy": "2"}, "f")
    store.write_outcomes([_outcome(sha, ["New A"], version="2")], fingerprint="f")
    records = [json.loads(line) for line in store.record_json()]
    assert [(r["title"], r["provenance"]["parser_version"]) for r in records] == [("New A", "2")]
    assert list(store.quarantined()) == []  # the v1 malformed entry went with its records
    assert store.page_states([sha])[sha].parser_version == "2"


def test_quarantined_pages_carry_their_reason_and_leave_once_parsed(store: Store) -> None:
    sha = "f" * 64
    store.write_outcomes([_bad(sha, "dir/bad.txt"), _bad(None, "gone.txt", "unreadable_input"),
                          _outcome("1" * 64, ["T"], malformed=(4, 5))], fingerprint="f")
    entries = list(store.quarantined())
    assert {(e.stage, e.input, e.error_code, e.position) for e in entries} == {
        ("page", "dir/bad.txt", "page_not_recognised", None),
        ("page", "gone.txt", "unreadable_input", None),
        ("entry", "a.txt", "malformed_entry", 4),
        ("entry", "a.txt", "malformed_entry", 5),
    }
    assert [e.input for e in store.quarantined(reason="PageNotRecognised")] == ["dir/bad.txt"]
    page_row = next(e for e in entries if e.input == "dir/bad.txt")
    found = store.quarantine_entry(page_row.id[:10])
    assert found is not None and found.id == page_row.id

    store.write_outcomes([_bad(sha, "dir/bad.txt")], fingerprint="g")
    assert store.quarantine_entry(page_row.id).attempts == 2  # type: ignore[union-attr]
    assert PageState("quarantined", None, None, "g").is_current({}, "g")

    store.write_outcomes([_outcome(sha, ["Fixed"], where="dir/bad.txt")], fingerprint="g")
    assert store.quarantine_entry(page_row.id) is None
    assert store.page_states([sha])[sha].status == "parsed"


def test_stats_and_runs(store: Store) -> None:
    run = store.start_run({"paths": ["x"]})
    store.write_outcomes([_outcome("2" * 64, ["A", "B"]), _bad("3" * 64, "b")], fingerprint="f",
                         run_id=run)
    store.finish_run(run, {"parsed": 1})
    stats = store.stats()
    assert stats.records == [("toy", "work", 2)]
    assert stats.pages == {"parsed": 1, "quarantined": 1}
    assert stats.quarantine == [("page", "page_not_recognised", 1)]
    assert [(r["status"], r["counts"]) for r in store.runs()] == [("finished", {"parsed": 1})]


def test_export_formats_round_trip(store: Store, tmp_path: Path) -> None:
    add_page(store, DAILY.read_bytes(), name=str(DAILY), as_of=AS_OF)
    lines = list(store.record_json(kind="work"))
    jsonl = tmp_path / "w.jsonl"
    assert export_records(store, "work", "jsonl", jsonl) == len(lines) > 10
    assert jsonl.read_text(encoding="utf-8").splitlines() == lines
    table = pq.read_table(tmp_path / "w.parquet") if export_records(
        store, "work", "parquet", tmp_path / "w.parquet") else None
    assert table is not None and table.num_rows == len(lines)
    first = json.loads(lines[0])
    row = table.slice(0, 1).to_pylist()[0]
    assert row["title"] == first["title"] and json.loads(row["provenance"]) == first["provenance"]
    import csv

    export_records(store, "work", "csv", tmp_path / "w.csv")
    with (tmp_path / "w.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(lines) and json.loads(rows[0]["authors"]) == first["authors"]


def test_unusable_database_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(errors.StorageError) as info:
        Store(f"sqlite:///{blocker}/sub/x.db")
    assert "x.db" in str(info.value) or str(blocker) in str(info.value)
    with pytest.raises(errors.StorageError):
        Store("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(errors.StorageError):
        Store("notadb://")
