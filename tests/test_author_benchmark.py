"""The person resolver on real labeled people (the AMiner set in ../shared), read as a user's
store would hold them: every author of every paper is resolved, the labeled ones scored."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from aminer import AUTHORS, baselines, load, predict, score  # noqa: E402
from train_person_model import _subset  # noqa: E402


@pytest.fixture(scope="module")
def aminer():  # type: ignore[no-untyped-def]
    assert (AUTHORS / "aminer").exists(), f"{AUTHORS} must be beside the checkout (shared/)"
    return load()


def test_the_set_reads_as_its_readme_says(aminer) -> None:  # type: ignore[no-untyped-def]
    # 7,026 entries, 7,024 mentions by the README's count; an entry repeated in one file
    # is one labeled position here
    assert 7024 <= len(aminer.truth) <= 7026
    assert len(set(aminer.truth.values())) in (1517, 1518)  # the README counts 1,517
    assert len(set(aminer.name_of.values())) == 108
    shared = [w for w, names in aminer.work_names.items() if len(names) > 1]
    assert len(shared) == 76  # one work, two labeled positions
    with_affiliation = sum(bool(a.affiliations) for w in aminer.works for a in w.authors)
    assert 0.35 < with_affiliation / len(aminer.truth) < 0.5  # "43% are filled"


def test_prolific_people_do_not_fall_apart(aminer) -> None:  # type: ignore[no-untyped-def]
    """David E. Goldberg (229 papers), Jim Gray, R. Cole: the old resolver made 153 persons
    of Goldberg alone; most of each person's papers must end up together."""
    data = _subset(aminer, {"David_E._Goldberg", "Jim_Gray", "R._Cole"})
    pred, _ = predict(data.works)
    b3, _, _ = score(data, pred)
    assert b3.recall > 0.85 and b3.precision > 0.9, b3


def test_homonyms_are_told_apart_better_than_by_name(aminer) -> None:  # type: ignore[no-untyped-def]
    """Lei Wang (109 people), Jing Zhang, Bin Li: both name baselines merge them wholesale."""
    data = _subset(aminer, {"Lei_Wang", "Jing_Zhang", "Bin_Li"})
    pred, _ = predict(data.works)
    b3, _, macro = score(data, pred)
    for label, base in baselines(data).items():
        b_b3, _, b_macro = score(data, base)
        assert b3.f1 > b_b3.f1 + 0.05, (label, b3, b_b3)
        assert macro > b_macro, (label, macro, b_macro)
