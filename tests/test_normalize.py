"""Normalisation: dates, names, text, identifiers and links."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest_core import (
    errors,
    extract_identifiers,
    extract_links,
    name_key,
    normalize_arxiv,
    normalize_doi,
    parse_date,
    split_name,
    split_trailing_count,
)
from ingest_core._dates import _fast, _slow, coerce_as_of, utc_date_of
from ingest_core._names import _fast_split, _slow_split, folded_full_name
from ingest_core._text import clean_text, leading_int
from ingest_core.schemas import Identifiers

FEB13 = dt.date(2026, 2, 13)


@pytest.mark.parametrize(
    ("text", "date", "precision", "inferred"),
    [
        ("Nov 28, 2023", "2023-11-28", "day", False),
        ("Jan 5", "2026-01-05", "day", True),
        ("Feb 13", "2026-02-13", "day", True),
        ("Feb 14", "2025-02-14", "day", True),  # after the reference: last year's
        ("Dec 30", "2025-12-30", "day", True),
        ("September 3, 2024", "2024-09-03", "day", False),
        ("Sept. 3, 2024", "2024-09-03", "day", False),
        ("3 Sep 2024", "2024-09-03", "day", False),
        ("2024-07-31T17:54:27.000Z", "2024-07-31", "day", False),
        ("2024-07", "2024-07-01", "month", False),
        ("May 2023", "2023-05-01", "month", False),
        ("2022", "2022-01-01", "year", False),
        ("3 days ago", "2026-02-10", "day", False),
        ("24 janvier 2025", "2025-01-24", "day", False),
    ],
)
def test_parse_date(text: str, date: str, precision: str, inferred: bool) -> None:
    result = parse_date(text, reference=FEB13)
    assert (result.date.isoformat(), result.precision, result.year_inferred) == (
        date,
        precision,
        inferred,
    )


def test_feb_29_without_year_falls_in_the_last_leap_year() -> None:
    assert parse_date("Feb 29", reference=dt.date(2026, 3, 1)).date == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["", "not a date", "Feb 31, 2024", "Smarch 5"])
def test_bad_dates_raise_unparseable_date(text: str) -> None:
    with pytest.raises(errors.UnparseableDate):
        parse_date(text, reference=FEB13, name="page.txt")


def test_fast_path_covers_the_common_forms_without_dateparser() -> None:
    for text in ["Jan 29, 2025", "Jan 5", "2024-07-31T17:54:27.000Z", "May 2023", "2022"]:
        assert _fast(text, FEB13) is not None
    assert _fast("3 days ago", FEB13) is None
    assert _slow("3 days ago", FEB13) is not None


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_year_less_date_is_never_after_reference_and_within_a_year(day: dt.date) -> None:
    ref = dt.date(2026, 2, 13)
    text = day.strftime("%b ") + str(day.day)
    result = parse_date(text, reference=ref)
    assert result.year_inferred
    assert result.date <= ref
    assert (ref - result.date).days < 366 + 365 * 3  # Feb 29 may reach back to a leap year
    assert (result.date.month, result.date.day) == (day.month, day.day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan 29, 2025 2", ("Jan 29, 2025", 2)),
        ("Jan 29, 2025 1,234", ("Jan 29, 2025", 1234)),
        ("Jan 5", ("Jan 5", None)),
        ("Jan 5 12", ("Jan 5", 12)),
        ("Jan 29, 2025", ("Jan 29, 2025", None)),
        ("2 days ago 31", ("2 days ago", 31)),
    ],
)
def test_split_trailing_count(text: str, expected: tuple[str, int | None]) -> None:
    assert split_trailing_count(text) == expected


def test_coerce_as_of() -> None:
    assert coerce_as_of("2026-02-13") == FEB13
    assert coerce_as_of(
        dt.datetime(2026, 2, 13, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    ) == dt.date(2026, 2, 14)
    assert coerce_as_of(None) == dt.datetime.now(dt.UTC).date()
    assert utc_date_of("2024-07-31T23:54:27.000-05:00") == dt.date(2024, 8, 1)


@pytest.mark.parametrize(
    ("raw", "given", "family"),
    [
        ("Babak Salimi", "Babak", "Salimi"),
        ("Salimi, Babak", "Babak", "Salimi"),
        ("B. Salimi", "B.", "Salimi"),
        ("Ghulam Mubashar Hassan", "Ghulam Mubashar", "Hassan"),
        ("Ludwig van der Berg", "Ludwig", "van der Berg"),
        ("van der Berg, Ludwig", "Ludwig", "van der Berg"),
        ("José Núñez", "José", "Núñez"),
        ("Martin Luther King Jr.", "Martin Luther", "King"),
        ("Jean-Pierre Dupont", "Jean-Pierre", "Dupont"),
        ("Christopher D&#39;Mello", "Christopher", "D'Mello"),
        ("Salimi", None, "Salimi"),
    ],
)
def test_split_name(raw: str, given: str | None, family: str | None) -> None:
    parts = split_name(raw)
    assert (parts.given, parts.family) == (given, family)


def test_split_name_keeps_diacritics_and_keys_fold_them() -> None:
    parts = split_name("José Núñez")
    assert parts.name == "José Núñez"
    assert name_key(parts.given, parts.family) == name_key("Jose", "Nunez") == "nunez j"
    assert folded_full_name("José  Núñez") == folded_full_name("JOSE NUNEZ")


@given(st.lists(st.from_regex(r"[A-Z][a-zà-ÿ]{2,10}", fullmatch=True), min_size=2, max_size=4))
def test_fast_name_path_splits_on_the_last_token(tokens: list[str]) -> None:
    parts = split_name(" ".join(tokens))
    assert parts.name == " ".join(tokens)
    if parts.given is not None and parts.family is not None:
        assert f"{parts.given} {parts.family}" == parts.name or parts.family in parts.name


@pytest.mark.parametrize(
    "name",
    ["Babak Salimi", "B. Salimi", "Salimi, Babak", "Salimi, B.", "J.-P. Dupont",
     "Ludwig van der Berg", "van der Berg, Ludwig", "José Núñez", "Núñez, José",
     "Ghulam Mubashar Hassan", "Wang Wei", "Jean-Pierre Dupont", "Christopher D'Mello",
     "Maria de la Cruz", "Anna-Lena Müller", "A. B. Smith", "O. de Souza", "Zijian Wu"],
)
def test_fast_name_path_agrees_with_nameparser(name: str) -> None:
    fast = _fast_split(name)
    slow = _slow_split(name)
    assert fast is not None, f"{name} should take the fast path"
    assert (fast.given, fast.family) == (slow.given, slow.family)


@pytest.mark.parametrize(
    "name", ["Martin Luther King Jr.", "Dr. John Smith", "John Smith, Jr.", "Vincent Van Gogh"]
)
def test_unusual_names_go_to_nameparser(name: str) -> None:
    assert _fast_split(name) is None


def test_clean_text() -> None:
    assert clean_text("  Caf\u0065\u0301 &amp;  co\n\tltd ") == "Café & co ltd"
    assert clean_text("O&amp;#39;Connell") == "O'Connell"
    assert leading_int("1,234followers") == 1234
    assert leading_int("followers") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2509.24002", "2509.24002"),
        ("arXiv:2509.24002v3", "2509.24002"),
        ("https://arxiv.org/abs/2407.21783", "2407.21783"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/pdf/2407.21783v2.pdf", "2407.21783"),
    ],
)
def test_normalize_arxiv(value: str, expected: str) -> None:
    assert normalize_arxiv(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1145/3318464.3389769", "10.1145/3318464.3389769"),
        ("https://doi.org/10.1145/ABC.123", "10.1145/abc.123"),
        ("doi:10.48550/arXiv.2509.24002", "10.48550/arxiv.2509.24002"),
    ],
)
def test_normalize_doi(value: str, expected: str) -> None:
    assert normalize_doi(value) == expected


@pytest.mark.parametrize("bad", ["", "10.1/x", "not-a-doi", "arxiv"])
def test_bad_identifiers_raise(bad: str) -> None:
    with pytest.raises(errors.BadIdentifier):
        normalize_doi(bad)
    with pytest.raises(errors.BadIdentifier):
        normalize_arxiv(bad)


def test_links_and_identifiers_from_an_abstract() -> None:
    text = (
        "Code: https://github.com/org/repo. Data at (https://example.org/data_(v2)); "
        "see arXiv:2401.01234 and doi 10.1145/1234.5678, also github.com/x/y!"
    )
    assert extract_links(text) == [
        "https://github.com/org/repo",
        "https://example.org/data_(v2)",
        "https://github.com/x/y",
    ]
    ids = extract_identifiers(text)
    assert (ids.arxiv, ids.doi) == ("2401.01234", "10.1145/1234.5678")
    assert extract_identifiers(None, "nothing here") == Identifiers()
