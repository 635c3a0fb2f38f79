"""The labeled cases of fixtures/identity: the resolver well above the name-only baseline."""

from __future__ import annotations

import pytest

from ingest_core import resolve
from ingest_core._text import fold
from ingest_core.resolution.evaluate import (
    IdentityCorpus,
    bcubed,
    load_identity_cases,
    name_only_persons,
    pairwise,
)
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def corpus() -> IdentityCorpus:
    return load_identity_cases(FIXTURES / "identity")


def test_every_case_has_pages_and_truth() -> None:
    cases = [p for p in (FIXTURES / "identity").iterdir() if p.is_dir()]
    assert len(cases) >= 5
    for case in cases:
        assert (case / "truth.expected.json").exists() and list(case.glob("*.txt"))


def test_the_name_only_baseline_is_hard_pressed(corpus: IdentityCorpus) -> None:
    assert bcubed(corpus.person_truth, name_only_persons(corpus.mention_names)).f1 <= 0.85


def test_persons_score_well_above_the_baseline(corpus: IdentityCorpus) -> None:
    res = resolve(corpus.records)
    pred = {(m.record_id if m.position is None else f"{m.record_id}#{m.position}"): p.id
            for p in res.persons for m in p.members}
    assert set(pred) == set(corpus.person_truth)
    assert bcubed(corpus.person_truth, pred).f1 >= 0.95
    assert pairwise(corpus.person_truth, pred).precision >= 0.95
    assert pairwise(corpus.person_truth, pred).f1 >= 0.9


def test_papers_score_well_above_the_exact_title_baseline(corpus: IdentityCorpus) -> None:
    res = resolve(corpus.records)
    pred = {w: p.id for p in res.papers for w in p.members}
    titles = {r.id: fold(r.title) for r in corpus.records if r.kind == "work"}
    assert pairwise(corpus.paper_truth, titles).precision < 0.8
    assert pairwise(corpus.paper_truth, pred).f1 >= 0.95
    assert bcubed(corpus.paper_truth, pred).f1 >= 0.97


def test_metrics_on_a_known_example() -> None:
    truth = {"a": 1, "b": 1, "c": 2}
    pred = {"a": "x", "b": "y", "c": "y"}
    assert pairwise(truth, pred).precision == 0.0
    b3 = bcubed(truth, pred)
    assert round(b3.precision, 3) == round((1 + 0.5 + 0.5) / 3, 3)
    assert round(b3.recall, 3) == round((0.5 + 0.5 + 1) / 3, 3)
