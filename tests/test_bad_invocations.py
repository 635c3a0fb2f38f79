"""Bad invocations end in one typed line and a non-zero exit, never a traceback, and the
read-only commands write nothing: a missing path stays missing, a foreign file untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest_core import backfill, errors
from ingest_core.cli import app
from ingest_core.store import Store
from tests.conftest import FIXTURES

PAGES = FIXTURES / "hf_paper"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("store") / "s.db"
    backfill([PAGES], db=str(path), workers=0, as_of="2026-02-13")
    return str(path)


@pytest.mark.parametrize(("args", "error"), [
    (["quarantine", "list", "--format", "xml"], "UsageError: --format 'xml'"),
    (["quarantine", "list", "--reason", "bogus"], "UsageError: --reason 'bogus'"),
    (["quarantine", "retry", "--reason", "bogus"], "UsageError: --reason 'bogus'"),
    (["export", "--kind", "work", "--source", "nope"], "UsageError: --source 'nope'"),
    (["export", "--kind", "works"], "--kind is one of"),
    (["backfill", "nosuchdir"], "UsageError: nosuchdir: no such input"),
    (["backfill", str(PAGES), "--workers", "-3"], "UsageError: workers must be 0 or more"),
    (["parse", str(PAGES / "paper_json_served.html"), "--parser", "nope"], "no parser named"),
    (["fixtures", "regen", "--parser", "nope"], "no parser named 'nope'"),
    (["parse", str(FIXTURES / "google_scholar_profile" / "current_layout_de.html"),
      "--parser", "aggregator_profile"],
     "parser aggregator_profile does not recognise the page (it scores 0.40"),
    (["curation", "list", "--format", "xml"], "UsageError: --format 'xml'"),
    (["curation", "remove", "nope"], "UsageError: nope: no decision has this id"),
    (["serve", "--read-only", "--port", "BUSY"], "UsageError: cannot listen on 127.0.0.1:"),
])
def test_a_bad_invocation_is_one_typed_line(db: str, args: list[str], error: str) -> None:
    import socket

    busy = socket.socket()  # a port another program holds
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    args = [str(busy.getsockname()[1]) if a == "BUSY" else a for a in args]
    with busy:
        result = CliRunner().invoke(app, [*args, *(["--db", db] if args[0] in (
            "quarantine", "export", "backfill", "curation", "serve") else [])])
    assert result.exit_code != 0
    assert error in result.output
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


@pytest.mark.parametrize("url", ["mysql://user@host/db", "nosuchdriver://x"])
def test_a_database_without_its_driver_is_a_storage_error(url: str) -> None:
    result = CliRunner().invoke(app, ["stats", "--db", url])
    assert result.exit_code == 1 and result.output.startswith("StorageError: ")
    assert "Traceback" not in result.output


def test_read_only_commands_leave_a_missing_path_missing(tmp_path: Path) -> None:
    missing = tmp_path / "no_dir" / "x.db"
    for args in (["stats"], ["quarantine", "list"], ["export", "--kind", "work"]):
        result = CliRunner().invoke(app, [*args, "--db", str(missing)])
        assert result.exit_code == 1, args
        assert "no store at" in result.output
    assert not missing.parent.exists()


def test_a_foreign_database_is_refused_byte_for_byte_untouched(tmp_path: Path) -> None:
    foreign = tmp_path / "theirs.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE records (their_column TEXT)")
    before = foreign.read_bytes()
    for args in (["stats"], ["backfill", str(PAGES)]):
        result = CliRunner().invoke(app, [*args, "--db", str(foreign)])
        assert result.exit_code == 1, args
        assert "not an ingest store" in result.output
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]


def test_a_store_from_a_newer_version_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00000000000'")
    for read_only in (True, False):
        with pytest.raises(errors.StorageError, match="newer ingest_core"):
            Store(path, read_only=read_only)


def test_library_calls_check_their_arguments(db: str, tmp_path: Path) -> None:
    with Store(Path(db)) as store, pytest.raises(errors.UsageError, match="no record kind"):
        list(store.records(kind="works"))
    one = backfill(str(PAGES), db=str(tmp_path / "one.db"), workers=0, as_of="2026-02-13")
    assert one.pages_seen == len(list(PAGES.glob("*.html")))  # one path, not five letters


def test_a_bad_size_cap_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_MAX_PAGE_BYTES", "abc")
    result = CliRunner().invoke(app, ["parse", str(PAGES / "paper_json_served.html")])
    assert result.exit_code != 0
    assert "INGEST_MAX_PAGE_BYTES must be a positive number" in result.output
