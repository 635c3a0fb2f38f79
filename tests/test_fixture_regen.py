"""``fixtures regen`` never moves an existing answer to another day, and a new case needs a
day of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest_core import errors
from ingest_core._fixtures import regen
from ingest_core.cli import app
from tests.conftest import FIXTURES

CASE = FIXTURES / "hf_daily" / "003_c65acec164dd2e1d"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "fixtures" / "hf_daily"
    folder.mkdir(parents=True)
    for suffix in (".txt", ".expected.jsonl"):
        shutil.copy(CASE.with_name(CASE.name + suffix), folder)
    return tmp_path / "fixtures"


def test_an_existing_expectation_keeps_its_as_of_whatever_as_of_is_given(root: Path) -> None:
    expected = root / "hf_daily" / (CASE.name + ".expected.jsonl")
    before = expected.read_bytes()
    assert regen(root, parser="hf_daily", as_of="2030-01-01") == []
    assert expected.read_bytes() == before


def test_a_new_case_needs_as_of_and_then_records_it(root: Path) -> None:
    new = root / "hf_daily" / "new_case.txt"
    shutil.copy(CASE.with_name(CASE.name + ".txt"), new)
    with pytest.raises(errors.UsageError, match="--as-of"):
        regen(root, parser="hf_daily")
    assert not new.with_name("new_case.expected.jsonl").exists()
    (written,) = regen(root, parser="hf_daily", as_of="2026-02-13")
    assert written.name == "new_case.expected.jsonl"
    assert '"as_of":"2026-02-13"' in written.read_text().splitlines()[0]


def test_a_parser_name_that_does_not_exist_is_an_error(root: Path) -> None:
    result = CliRunner().invoke(app, ["fixtures", "regen", "--parser", "nope", "--root", str(root)])
    assert result.exit_code != 0
    assert "no parser named 'nope'" in result.output
    assert "Traceback" not in result.output
