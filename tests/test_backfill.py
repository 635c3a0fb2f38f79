"""`ingest backfill` end to end: bad files quarantined, reruns, version bumps, worker crashes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest_core import Store, backfill, errors, parse_page
from ingest_core.cli import app
from tests.conftest import FIXTURES, ROOT

INGEST = [sys.executable, "-m", "ingest_core.cli"]
GOOD = [
    FIXTURES / "aggregator_profile" / "001_02405de564735fae.txt",
    FIXTURES / "bzpeer_profile" / "000_9be98e7aea026544.txt",
    FIXTURES / "hf_daily" / "002_1b3592f858c9cc69.txt",
]

TOY_PLUGIN = '''
"""A toy parser for tests: `TOY PAGE` then `title: ...` lines; `CRASH` kills the worker."""
import os

from ingest_core.parser import RecordContext
from ingest_core.schemas import Listing, Work

VERSION = "{version}"


class ToyParser:
    name = "toy"
    source = "toy"
    version = VERSION
    url_patterns = ()

    def detect(self, page):
        return 1.0 if page.lines and page.lines[0] == "TOY PAGE" else 0.0

    def parse(self, page):
        if "CRASH" in page.text:
            os._exit(3)
        ctx = RecordContext(self, page)
        titles = [line[7:] for line in page.lines[1:] if line.startswith("title: ")]
        if VERSION != "1":
            titles = [t for t in titles if not t.startswith("old")]
        yield ctx.build(Listing, None, title="toy", entries_seen=len(titles),
                        entries_emitted=len(titles))
        for i, line in enumerate(page.lines[1:]):
            if line.startswith("title: "):
                if line[7:] in titles:
                    yield ctx.build(Work, i, title=line[7:])
            else:
                yield ctx.malformed(i, "not a title line")
'''


def install_toy_plugin(where: Path, version: str = "1") -> Path:
    """Write the toy parser as an installed distribution under ``where``; returns ``where``."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "toy_ingest_plugin.py").write_text(TOY_PLUGIN.format(version=version))
    info = where / "toy_ingest_plugin-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-ingest-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[ingest_core.parsers]\ntoy = toy_ingest_plugin:ToyParser\n")
    return where


def run_ingest(*args: str, plugin: Path | None = None, cwd: Path | None = None,
               ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(plugin)] * (plugin is not None) + [str(ROOT)])}
    return subprocess.run([*INGEST, *args], capture_output=True, text=True, env=env,
                          cwd=cwd or ROOT, timeout=300, check=False)


def quarantine_rows(db: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, ["quarantine", "list", "--db", db, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


@pytest.fixture
def mixed_dir(tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for path in GOOD:
        shutil.copy(path, pages / path.name)
    (pages / "empty.txt").write_bytes(b"")
    (pages / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (pages / "latin1.txt").write_bytes(
        "Café résumé: a note in Latin-1, in no known format.\n".encode("latin-1"))
    (pages / "unknown.html").write_text("<html><body><p>Nothing we know.</p></body></html>")
    return pages


def test_backfill_quarantines_each_bad_file_and_exits_zero(mixed_dir: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ingest.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["backfill", str(mixed_dir), "--db", db, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "pages seen" in result.output and "quarantined" in result.output
    reasons = {Path(str(r["input"])).name: r["error_code"] for r in quarantine_rows(db)
               if r["stage"] == "page"}
    assert reasons == {"empty.txt": "empty_page", "image.png": "binary_content",
                       "latin1.txt": "page_not_recognised", "unknown.html": "page_not_recognised"}
    table = runner.invoke(app, ["quarantine", "list", "--db", db])
    assert "latin1.txt" in table.output and "binary_content" in table.output
    with Store(db) as store:
        stored = set(store.record_ids())
    for page in GOOD:
        ids = {r.id for r in parse_page(page.read_bytes()).records}
        assert ids and ids <= stored, page.name

    again = runner.invoke(app, ["backfill", str(mixed_dir), "--db", db, "--quiet"])
    assert again.exit_code == 0, again.output
    with Store(db) as store:
        counts = store.runs()[-1]["counts"]
        assert set(store.record_ids()) == stored
    assert counts["unchanged"] == counts["pages_seen"] == 7
    assert counts["parsed"] == counts["quarantined_total"] == 0


def test_storage_failure_is_the_only_nonzero_exit(mixed_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["backfill", str(mixed_dir), "--db",
                                      f"sqlite:///{blocker}/x.db"])
    assert result.exit_code == 1
    assert "StorageError" in result.output


def test_on_error_raise_stops_at_the_first_bad_page(mixed_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(errors.IngestError) as info:
        backfill([mixed_dir], db=f"sqlite:///{tmp_path / 's.db'}", workers=0, on_error="raise")
    assert isinstance(info.value, (errors.InputError, errors.ParseError))


def test_jsonl_and_warc_sources_of_the_same_page(tmp_path: Path) -> None:
    from ingest_core._inputs import jsonl_row
    from tests.test_inputs import _warc

    body = GOOD[0].read_bytes()
    pages = tmp_path / "pages"
    pages.mkdir()
    _warc(pages / "crawl.warc.gz", [("https://example.org/p", body)])
    (pages / "list.jsonl").write_text(jsonl_row(body, "https://example.org/p") + "\n")
    shutil.copy(GOOD[0], pages / "page.txt")
    db = f"sqlite:///{tmp_path / 's.db'}"
    summary = backfill([pages], db=db, workers=1, as_of="2026-01-01")
    assert summary.pages_seen == 3 and summary.parsed == 1 and summary.unchanged == 2
    with Store(db) as store:
        sha = next(store.records()).provenance.sha256
        assert {s.kind for s in store.sources_of(sha)} == {"file", "jsonl", "warc"}


def test_version_bump_reparses_and_replaces(tmp_path: Path) -> None:
    plugin = install_toy_plugin(tmp_path / "plugin", "1")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "t.txt").write_text("TOY PAGE\ntitle: old one\ntitle: kept\nnonsense line\n")
    shutil.copy(GOOD[0], pages / "g.txt")
    db = f"sqlite:///{tmp_path / 's.db'}"
    first = run_ingest("backfill", str(pages), "--db", db, "--workers", "1", plugin=plugin)
    assert first.returncode == 0, first.stderr
    with Store(db) as store:
        v1 = [r.title for r in store.records(source="toy", kind="work")]  # type: ignore[union-attr]
        entries = [e.position for e in store.quarantined(stage="entry")]
    assert sorted(v1) == ["kept", "old one"] and entries == [2]

    install_toy_plugin(plugin, "2")
    second = run_ingest("backfill", str(pages), "--db", db, "--workers", "1", plugin=plugin)
    assert second.returncode == 0, second.stderr
    with Store(db) as store:
        works = list(store.records(source="toy", kind="work"))
        counts = store.runs()[-1]["counts"]
    assert [(w.title, w.provenance.parser_version) for w in works] == [("kept", "2")]  # type: ignore[union-attr]
    assert counts["replaced"] == 1 and counts["unchanged"] == 1 and counts["parsed"] == 1


def test_a_worker_crash_quarantines_that_page_and_the_run_goes_on(tmp_path: Path) -> None:
    plugin = install_toy_plugin(tmp_path / "plugin", "1")
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(12):
        (pages / f"toy{i:02d}.txt").write_text(f"TOY PAGE\ntitle: paper {i}\n")
    (pages / "toy05b.txt").write_text("TOY PAGE\ntitle: CRASH here\n")
    db = f"sqlite:///{tmp_path / 's.db'}"
    result = run_ingest("backfill", str(pages), "--db", db, "--workers", "2", plugin=plugin)
    assert result.returncode == 0, result.stderr
    rows = quarantine_rows(db)
    assert [(Path(str(r["input"])).name, r["error_code"]) for r in rows] == [
        ("toy05b.txt", "parser_crashed")]
    with Store(db) as store:
        titles = sorted(r.title for r in store.records(kind="work"))  # type: ignore[union-attr]
    assert titles == sorted(f"paper {i}" for i in range(12))


def test_quarantine_retry_after_a_parser_is_installed(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "t.txt").write_text("TOY PAGE\ntitle: waiting\n")
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert run_ingest("backfill", str(pages), "--db", db, "--workers", "1").returncode == 0
    assert [r["error_code"] for r in quarantine_rows(db)] == ["page_not_recognised"]
    shown = CliRunner().invoke(app, ["quarantine", "show", str(quarantine_rows(db)[0]["id"])[:8],
                                     "--db", db])
    assert shown.exit_code == 0
    assert json.loads(shown.output)["sources"][0]["location"].endswith("t.txt")
    plugin = install_toy_plugin(tmp_path / "plugin", "1")
    retried = run_ingest("quarantine", "retry", "--db", db, "--reason", "page_not_recognised",
                         "--workers", "1", plugin=plugin)
    assert retried.returncode == 0, retried.stderr
    assert quarantine_rows(db) == []
    with Store(db) as store:
        assert [r.title for r in store.records(kind="work")] == ["waiting"]  # type: ignore[union-attr]


def test_export_prints_records_exactly_as_parse_does(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    backfill([GOOD[2]], db=db, workers=0, as_of="2026-02-01")
    runner = CliRunner()
    exported = runner.invoke(app, ["export", "--db", db, "--kind", "work"])
    parsed = runner.invoke(app, ["parse", str(GOOD[2]), "--as-of", "2026-02-01"])
    assert exported.exit_code == parsed.exit_code == 0
    wanted = [line for line in parsed.output.splitlines() if '"kind":"work"' in line]
    assert sorted(exported.output.splitlines()) == sorted(wanted) and wanted
    stats = runner.invoke(app, ["stats", "--db", db])
    assert stats.exit_code == 0 and "huggingface" in stats.output


@pytest.mark.parametrize("command", [["backfill"], ["quarantine", "list"], ["quarantine", "show"],
                                     ["quarantine", "retry"], ["export"], ["stats"]])
def test_store_commands_have_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) > 3


def test_unused_helper_text_is_valid_python() -> None:
    compile(textwrap.dedent(TOY_PLUGIN.format(version="1")), "toy", "exec")
