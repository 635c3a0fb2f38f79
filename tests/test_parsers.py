"""Every fixture case: the page must give exactly its expected records (field-level diff)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ingest_core import errors, installed_parsers, parse_page
from ingest_core._fixtures import FixtureCase, discover, parse_case
from tests.conftest import FIXTURES

CASES = list(discover(FIXTURES))


def _diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            out += _diff(
                expected.get(key, "<missing>"), actual.get(key, "<missing>"), f"{path}.{key}"
            )
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        out = []
        if len(expected) != len(actual):
            out.append(f"{path}: {len(expected)} items expected, {len(actual)} found")
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            out += _diff(e, a, f"{path}[{i}]")
        return out
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


@pytest.mark.parametrize("case", [c for c in CASES if not c.invalid], ids=lambda c: c.id)
def test_fixture_case(case: FixtureCase) -> None:
    assert case.expected.exists(), f"{case.expected} is missing: run `ingest fixtures regen`"
    expected = case.expected_records()
    actual = [json.loads(r.model_dump_json()) for r in parse_case(case)]
    problems = []
    if len(expected) != len(actual):
        problems.append(f"{len(expected)} records expected, {len(actual)} parsed")
    for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
        problems += [f"record {i}{line}" for line in _diff(e, a)]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("case", [c for c in CASES if c.invalid], ids=lambda c: c.id)
def test_invalid_fixture_fails_with_its_typed_error(case: FixtureCase) -> None:
    wanted = json.loads(case.expected.read_text(encoding="utf-8"))["error"]
    with pytest.raises(errors.IngestError) as info:
        parse_page(case.page.read_bytes(), name=str(case.page), as_of="2026-01-01")
    assert type(info.value).__name__ == wanted
    assert str(case.page) in str(info.value)


@pytest.mark.parametrize("name", sorted(installed_parsers()))
def test_every_parser_has_fixtures(name: str) -> None:
    mine = [c for c in CASES if c.parser == name and not c.invalid]
    assert mine, f"parser {name} has no fixtures in fixtures/{name}/"


def test_every_fixture_folder_names_an_installed_parser() -> None:
    assert {c.parser for c in CASES} <= set(installed_parsers())
