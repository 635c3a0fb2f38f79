"""Resolution against the store: entities written by migration, incremental = full run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from ingest_core import add_page
from ingest_core.cli import app
from ingest_core.errors import StorageError
from ingest_core.resolution.stored import resolve_store, stored_entities
from ingest_core.store import Store
from ingest_core.store._models import entities as ENTITIES
from tests.conftest import FIXTURES, ROOT
from tests.resolve_helpers import SEED_AS_OF

CASES = FIXTURES / "identity"
AS_OF = "2026-03-01"


def _pages(*cases: str) -> list[Path]:
    return [p for case in cases for p in sorted((CASES / case).glob("*.txt"))]


def _add(store: Store, pages: list[Path]) -> None:
    for page in pages:
        add_page(store, page.read_bytes(), as_of=AS_OF, name=str(page))


def _entities(store: Store) -> list[str]:
    return [e.model_dump_json() for e in stored_entities(store)]


def _stamps(store: Store) -> dict[str, object]:
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(ENTITIES.c.id, ENTITIES.c.resolved_at)).all())


def _full(tmp_path: Path, batches: list[list[tuple[Path, str]]]) -> list[str]:
    with Store(f"sqlite:///{tmp_path / 'full.db'}") as full:
        for batch in batches:
            _add_as_of(full, batch)
        resolve_store(full)
        return _entities(full)


def _add_as_of(store: Store, pages: list[tuple[Path, str]]) -> None:
    for page, as_of in pages:
        add_page(store, page.read_bytes(), as_of=as_of, name=str(page))


def test_an_unrelated_batch_rewrites_no_existing_entity(tmp_path: Path, db_url: str) -> None:
    first, second = _pages("salimi", "nunez"), _pages("wang_wei", "van_der_berg")
    with Store(f"sqlite:///{tmp_path / 'full.db'}") as full:
        _add(full, first + second)
        resolve_store(full)
        expected = _entities(full)
    with Store(db_url) as inc:  # SQLite and PostgreSQL; the full run is SQLite
        _add(inc, first)
        resolve_store(inc, incremental=True)  # nothing indexed yet: a full run
        before, stamps = _entities(inc), _stamps(inc)
        _, again = resolve_store(inc, incremental=True)
        assert again == {"inserted": 0, "updated": 0, "deleted": 0, "unchanged": 0,
                         "records_loaded": 0}
        _add(inc, second)
        _, counts = resolve_store(inc, incremental=True)
        after, later = _entities(inc), _stamps(inc)
    assert after == expected
    assert counts["inserted"] > 0 and counts["updated"] == counts["deleted"] == 0
    # no entity of the first batch was rewritten: same rows, same timestamps
    assert set(before) <= set(after)
    assert all(later[eid] == stamp for eid, stamp in stamps.items())
    # and none of its records was read: the new pages share no title or name block with it
    assert counts["records_loaded"] == len(_records(second))


def _records(pages: list[Path]) -> list[str]:
    from ingest_core import parse_page

    return [r.id for p in pages for r in parse_page(p.read_bytes(), as_of=AS_OF).records
            if r.kind in {"work", "profile"}]


def test_batches_that_touch_stored_entities_give_a_full_runs_entities(
    tmp_path: Path, db_url: str
) -> None:
    # every other page of every case: the second half joins people and papers of the first
    pages = _pages("salimi", "nunez", "wang_wei", "van_der_berg", "generic_titles")
    first = [(p, AS_OF) for p in pages[::2]]
    second = [(p, AS_OF) for p in pages[1::2]]
    # the seed pages too: works on 002 and 004 become one paper only once both are stored
    seeds = sorted(FIXTURES.glob("*/0*_*.txt"))
    first += [(p, SEED_AS_OF[p.name[:3]]) for p in seeds if p.name[:3] in {"000", "002"}]
    second += [(p, SEED_AS_OF[p.name[:3]]) for p in seeds if p.name[:3] not in {"000", "002"}]
    expected = _full(tmp_path, [first, second])
    with Store(db_url) as inc:  # SQLite and PostgreSQL; the full run is SQLite
        _add_as_of(inc, first)
        resolve_store(inc)
        _add_as_of(inc, second)
        _, counts = resolve_store(inc, incremental=True)
        assert _entities(inc) == expected
    assert counts["updated"] + counts["deleted"] > 0


def test_cli_resolves_a_store_and_explains_from_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Store(url) as store:
        _add(store, _pages("nunez"))
    runner = CliRunner()
    out = runner.invoke(app, ["resolve", "--db", url])
    assert out.exit_code == 0, out.output
    kinds = [line.split('"kind":"')[1].split('"')[0] for line in out.stdout.splitlines()]
    assert kinds == sorted(kinds, key=lambda k: k != "paper") and "person" in kinds
    person = next(line for line in out.stdout.splitlines()
                  if line.startswith('{"kind":"person"') and '"Jose Nunez"' in line)
    pid = person.split('"id":"')[1].split('"')[0]
    explained = runner.invoke(app, ["explain", pid, "--db", url])
    assert explained.exit_code == 0 and "joined because" in explained.stdout


def test_cli_resolves_pages_and_records_and_explains(tmp_path: Path) -> None:
    runner = CliRunner()
    pages = [str(p) for p in _pages("van_der_berg")]
    direct = runner.invoke(app, ["resolve", *pages, "--as-of", AS_OF])
    assert direct.exit_code == 0, direct.output
    parsed = runner.invoke(app, ["parse", *pages, "--as-of", AS_OF])
    via_stdin = runner.invoke(app, ["resolve", "--records", "-"], input=parsed.stdout)
    assert via_stdin.stdout == direct.stdout
    person = next(line for line in direct.stdout.splitlines()
                  if line.startswith('{"kind":"person"') and "J. van der Berg" in line)
    pid = person.split('"id":"')[1].split('"')[0]
    records = tmp_path / "records.jsonl"
    records.write_text(parsed.stdout, encoding="utf-8")
    explained = runner.invoke(app, ["explain", pid, "--records", str(records)])
    assert explained.exit_code == 0
    assert "shared_papers" in explained.stdout and "Jan van der Berg" in explained.stdout
    curation = tmp_path / "curation.jsonl"
    curation.write_text("not json\n", encoding="utf-8")
    bad = runner.invoke(app, ["resolve", *pages, "--curation", str(curation)])
    assert bad.exit_code == 1 and "ResolutionError" in bad.output
    missing = runner.invoke(app, ["explain", "person-0000000000000000", *pages])
    assert missing.exit_code == 1 and "ResolutionError" in missing.output


def test_the_store_does_not_import_resolution() -> None:
    # the store sits below resolution: importing it must not pull resolution in
    code = ("import sys, ingest_core.store; "
            "print(sorted(n for n in sys.modules if n.startswith('ingest_core.resolution')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_a_broken_entities_table_raises_storage_error(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'broken.db'}") as store:
        _add(store, _pages("nunez"))
        resolve_store(store)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE entities")
        with pytest.raises(StorageError, match="could not read entities"):
            list(store.entities())
        with pytest.raises(StorageError, match="could not read entities"):
            resolve_store(store)
        _add(store, _pages("salimi"))
        indexed = store.entity_key_count()
        with pytest.raises(StorageError, match="could not write entities"):
            resolve_store(store, incremental=True)
        assert store.entity_key_count() == indexed  # the run's transaction rolled back
