"""Resolution against the store: entities written by migration, incremental = full run."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ingest_core.cli import app
from ingest_core.resolve._persist import resolve_store, stored_entities
from ingest_core.store import Store
from tests.conftest import FIXTURES

CASES = FIXTURES / "identity"
AS_OF = "2026-03-01"


def _pages(*cases: str) -> list[Path]:
    return [p for case in cases for p in sorted((CASES / case).glob("*.txt"))]


def _add(store: Store, pages: list[Path]) -> None:
    for page in pages:
        store.add_page(page.read_bytes(), as_of=AS_OF, name=str(page))


def test_two_batches_give_the_same_entities_as_one_full_run(tmp_path: Path) -> None:
    first, second = _pages("salimi", "nunez"), _pages("wang_wei", "van_der_berg")
    with Store(f"sqlite:///{tmp_path / 'full.db'}") as full:
        _add(full, first + second)
        resolve_store(full)
        expected = [e.model_dump_json() for e in stored_entities(full)]
    with Store(f"sqlite:///{tmp_path / 'inc.db'}") as inc:
        _add(inc, first)
        resolve_store(inc, incremental=True)
        before = {e.id: e.model_dump_json() for e in stored_entities(inc)}
        _, again = resolve_store(inc, incremental=True)
        assert again["inserted"] == again["updated"] == again["deleted"] == 0
        _add(inc, second)
        _, counts = resolve_store(inc, incremental=True)
        after = [e.model_dump_json() for e in stored_entities(inc)]
    assert after == expected
    assert counts["inserted"] > 0
    # the second batch touches none of the first batch's people or papers
    assert counts["updated"] == counts["deleted"] == 0
    assert all(before[e] in after for e in before)


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
