"""The researcher-profile parsers (BZPEER, paper aggregator): seeds, HTML, variants, bad entries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ingest_core import parse_page
from ingest_core._author_lists import parse_author_list
from ingest_core._engine import build_page
from ingest_core.errors import MalformedEntry
from ingest_core.parsers.aggregator_profile import AggregatorProfileParser
from ingest_core.parsers.bzpeer_profile import BzpeerProfileParser
from ingest_core.schemas import Profile, Work
from tests.conftest import FIXTURES

BZPEER_SEED = FIXTURES / "bzpeer_profile" / "000_9be98e7aea026544.txt"
BZPEER_HTML = FIXTURES / "bzpeer_profile" / "000_9be98e7aea026544_html.html"
AGG_SEED = FIXTURES / "aggregator_profile" / "001_02405de564735fae.txt"
AGG_HTML = FIXTURES / "aggregator_profile" / "001_02405de564735fae_html.html"
OTHER_SEEDS = [
    FIXTURES / "hf_daily" / "002_1b3592f858c9cc69.txt",
    FIXTURES / "hf_daily" / "003_c65acec164dd2e1d.txt",
    FIXTURES / "hf_search" / "004_aee9df0e8eccc368.txt",
]
AS_OF = "2026-02-13"


def _parse(content: bytes | str, **kwargs: Any) -> tuple[Profile, list[Work], Any]:
    kwargs.setdefault("as_of", AS_OF)
    result = parse_page(content, **kwargs)
    profile, *works = result.records
    assert isinstance(profile, Profile)
    assert all(isinstance(w, Work) for w in works)
    return profile, works, result  # type: ignore[return-value]


def _comparable(record: Any) -> dict[str, Any]:
    """A record without what depends on the page bytes: id, provenance, work_ids."""
    data = json.loads(record.model_dump_json())
    for key in ("id", "provenance", "work_ids"):
        data.pop(key, None)
    return data


# --- the seeds: what they must show ---------------------------------------------------------


def test_bzpeer_seed_gives_the_profile_and_its_seven_works() -> None:
    profile, works, result = _parse(BZPEER_SEED.read_bytes())
    assert result.parser == "bzpeer_profile"
    assert profile.source == "bzpeer"
    assert (profile.name, profile.given, profile.family) == ("Babak Salimi", "Babak", "Salimi")
    assert profile.headline is not None and profile.headline.startswith("Babak Salimi contributes")
    assert profile.affiliation is None
    assert profile.claimed is False
    assert profile.open_to_collaborate is True
    m = profile.metrics
    assert (m.trust_score, m.trust_label, m.verification_level) == (21, "Emerging", 1)
    assert (m.works_count, m.followers, m.topics, m.collaborators) == (7, 0, 5, 4)
    assert m.h_index is None
    assert (profile.entries_seen, profile.entries_emitted) == (7, 7)
    assert profile.work_ids == [w.id for w in works]
    assert len(works) == 7
    assert [w.provenance.position for w in works] == list(range(7))
    assert {w.work_type for w in works} == {"preprint"}
    assert {w.venue for w in works} == {"arXiv"}
    assert [w.year for w in works] == [2026, 2022, 2022, 2022, 2022, 2022, 2020]
    for w in works:
        assert w.published is not None
        assert w.published.date == dt.date(w.year or 0, 1, 1)
        assert w.published.precision == "year"
        assert w.authors == [] and w.author_count is None and w.authors_complete is False
        assert w.abstract
    assert works[0].title == "Fine-Tuning Without Forgetting via Loss-Adaptive Learning Rates"
    assert works[6].title == "Causal Relational Learning"
    assert works[6].abstract is not None and works[6].abstract.startswith("Causal inference is")


def test_aggregator_seed_gives_the_profile_and_two_cv_papers() -> None:
    profile, works, result = _parse(AGG_SEED.read_bytes())
    assert result.parser == "aggregator_profile"
    assert profile.source == "aggregator"
    assert (profile.name, profile.given, profile.family) == ("Shahin Hakemi", "Shahin", "Hakemi")
    assert (profile.metrics.h_index, profile.metrics.works_count) == (32, 2)
    assert [w.code for w in profile.warnings] == ["implausible_h_index"]
    assert (profile.entries_seen, profile.entries_emitted) == (2, 2)
    assert len(works) == 2
    assert [w.category for w in works] == ["CV", "CV"]
    first = works[0]
    assert first.title == (
        "Single-weight Model Editing for Post-hoc Spurious Correlation Neutralization")
    assert first.published is not None
    assert (first.published.date, first.published.precision) == (dt.date(2025, 1, 24), "day")
    assert first.published.year_inferred is False
    assert works[1].published is not None and works[1].published.date == dt.date(2025, 5, 23)
    for w in works:
        assert [a.name for a in w.authors] == [
            "Shahin Hakemi", "Naveed Akhtar", "Ghulam Mubashar Hassan"]
        assert w.authors_complete is False
        assert w.author_count is None
        assert w.year == 2025
        assert w.abstract
    assert (first.authors[2].given, first.authors[2].family) == ("Ghulam Mubashar", "Hassan")


@pytest.mark.parametrize(
    ("text_page", "html_page"), [(BZPEER_SEED, BZPEER_HTML), (AGG_SEED, AGG_HTML)]
)
def test_html_rendition_gives_the_same_records_as_the_text(
    text_page: Path, html_page: Path
) -> None:
    text = parse_page(text_page.read_bytes(), as_of=AS_OF)
    html = parse_page(html_page.read_bytes(), as_of=AS_OF)
    assert html.parser == text.parser
    assert [_comparable(r) for r in html.records] == [_comparable(r) for r in text.records]
    assert {r.provenance.representation for r in html.records} == {"html_lines"}
    assert html.records[0].work_ids == [r.id for r in html.records[1:]]  # type: ignore[union-attr]


# --- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "own", "foreign"),
    [
        (BzpeerProfileParser(), [BZPEER_SEED, BZPEER_HTML], [AGG_SEED, AGG_HTML, *OTHER_SEEDS]),
        (AggregatorProfileParser(), [AGG_SEED, AGG_HTML], [BZPEER_SEED, BZPEER_HTML, *OTHER_SEEDS]),
    ],
    ids=["bzpeer", "aggregator"],
)
def test_detect_recognises_own_pages_and_not_the_others(
    parser: Any, own: list[Path], foreign: list[Path]
) -> None:
    for path in own:
        assert parser.detect(build_page(path.read_bytes(), as_of=AS_OF)) >= 0.9, path.name
    for path in foreign:
        assert parser.detect(build_page(path.read_bytes(), as_of=AS_OF)) < 0.2, path.name


def test_content_outweighs_the_url() -> None:
    agg_url = "https://paperagg.org/authors/babak-salimi"
    result = parse_page(BZPEER_SEED.read_bytes(), as_of=AS_OF, url=agg_url)
    assert result.parser == "bzpeer_profile"
    assert result.records[0].provenance.url == agg_url
    bz_url = "https://bzpeer.com/researchers/shahin-hakemi"
    assert parse_page(AGG_SEED.read_bytes(), as_of=AS_OF, url=bz_url).parser == "aggregator_profile"
    unrelated = build_page("Just some notes\nabout nothing much\n", as_of=AS_OF, url=bz_url)
    assert BzpeerProfileParser().detect(unrelated) == 0.0


def test_parsing_is_deterministic() -> None:
    first = [r.model_dump_json() for r in parse_page(AGG_SEED.read_bytes(), as_of=AS_OF).records]
    again = [r.model_dump_json() for r in parse_page(AGG_SEED.read_bytes(), as_of=AS_OF).records]
    assert first == again
    assert len({json.loads(r)["id"] for r in first}) == len(first)


# --- BZPEER variants the seed does not show -----------------------------------------------------

BZPEER_VARIANT = """\
Researcher profile
Zoë Ångström-Müller
Zoë Ångström-Müller contributes to computer vision.
Researcher Affiliation: ETH Zürich Not open to collaborate
Trust 93 - TrustedVerification L0Claimed author
12 works
1,234 followers
Published work
3 published item(s)
conference paper2021ACL 2021
Parsing Ünïcode Titles: A Study
journal-article2020Nature Communications
Second Work With An Abstract
We measure things; see https://github.com/zoe/tool. and doi:10.1038/S41467-020-1234-5.
article2019NeurIPS
Third Work, Listed Authors
Zoë Ångström-Müller, B. Salimi and Wei Zhang
An abstract after an author list.
"""


def test_bzpeer_variant_spaced_metrics_claimed_and_other_work_types() -> None:
    profile, works, _ = _parse(BZPEER_VARIANT, url="https://bzpeer.com/researchers/zoe")
    assert (profile.name, profile.given, profile.family) == (
        "Zoë Ångström-Müller", "Zoë", "Ångström-Müller")
    assert profile.affiliation == "ETH Zürich"
    assert profile.open_to_collaborate is False
    assert profile.claimed is True
    m = profile.metrics
    assert (m.trust_score, m.trust_label, m.verification_level) == (93, "Trusted", 0)
    assert (m.works_count, m.followers) == (12, 1234)
    assert m.topics is None and m.collaborators is None
    assert [(w.work_type, w.year, w.venue) for w in works] == [
        ("conference paper", 2021, "ACL 2021"),
        ("journal-article", 2020, "Nature Communications"),
        ("article", 2019, "NeurIPS"),
    ]
    assert works[0].title == "Parsing Ünïcode Titles: A Study"
    assert works[0].abstract is None
    assert works[1].links == ["https://github.com/zoe/tool"]
    assert works[1].identifiers.doi == "10.1038/s41467-020-1234-5"
    assert [a.name for a in works[2].authors] == ["Zoë Ångström-Müller", "B. Salimi", "Wei Zhang"]
    assert (works[2].authors_complete, works[2].author_count) == (True, 3)
    assert works[2].abstract == "An abstract after an author list."
    assert (profile.entries_seen, profile.entries_emitted) == (3, 3)


@pytest.mark.parametrize(
    ("trust_line", "score", "label", "level", "claimed"),
    [
        ("Trust 55 - EstablishedVerification L2Unclaimed author", 55, "Established", 2, False),
        ("Trust 7 - EmergingUnclaimed author", 7, "Emerging", None, False),
        ("Trust 80 - Highly TrustedVerification L3Claimed author", 80, "Highly Trusted", 3, True),
        ("Trust 40", 40, None, None, None),
    ],
)
def test_bzpeer_trust_line_variants(
    trust_line: str, score: int, label: str | None, level: int | None, claimed: bool | None
) -> None:
    page = ("Researcher profile\nAna Pérez\n" + trust_line + "\n3works\nPublished work\n"
            "1 published item(s)\npreprint2024arXiv\nA Title\nAn abstract.\n")
    profile, works, _ = _parse(page)
    m = profile.metrics
    assert (m.trust_score, m.trust_label, m.verification_level, profile.claimed) == (
        score, label, level, claimed)
    assert profile.affiliation is None and profile.open_to_collaborate is None
    assert len(works) == 1


def test_bzpeer_html_with_spaced_spans_reads_like_glued_text() -> None:
    html = """<!DOCTYPE html><html><head><title>x</title><script>var a = "7works";</script></head>
<body><nav><a href="/">BZPEER</a> <a href="/researchers">Researchers</a></nav><main>
<p>Researcher profile</p><h1>Lars  Øvergård</h1>
<div><span>Researcher</span> <span>Affiliation not imported</span>
 <span>Open to collaborate</span></div>
<div><span>Trust 12 - Emerging</span> <span>Verification L1</span>
 <span>Unclaimed author</span></div>
<div><b>2</b> <span>works</span></div><div><b>1.2k</b> <span>followers</span></div>
<section><h2>Published work</h2><p><span>2</span> published item(s)</p>
<article><div><span>preprint</span> <span>2025</span> <span>arXiv</span></div>
<h3>First &amp; Foremost</h3>
<p>Abstract one.</p></article>
<article><div><span>preprint</span><span>2023</span><span>arXiv</span></div><h3>Second</h3></article>
</section></main><footer><p>© 2026 BZPEER</p></footer></body></html>"""
    profile, works, result = _parse(html)
    assert result.parser == "bzpeer_profile"
    assert profile.name == "Lars Øvergård"
    assert profile.affiliation is None and profile.open_to_collaborate is True
    assert (profile.metrics.trust_score, profile.metrics.verification_level) == (12, 1)
    assert (profile.metrics.works_count, profile.metrics.followers) == (2, 1200)
    assert [(w.title, w.year, w.abstract) for w in works] == [
        ("First & Foremost", 2025, "Abstract one."), ("Second", 2023, None)]


def test_bzpeer_missing_metrics_are_null_and_a_short_list_is_flagged() -> None:
    page = ("Researcher profile\nKim Lee\nTrust 3 - New\nPublished work\n"
            "9 published item(s)\npreprint2024arXiv\nOnly One Shown\nAbstract.\n")
    profile, works, _ = _parse(page)
    m = profile.metrics
    assert (m.followers, m.topics, m.collaborators, m.verification_level) == (None,) * 4
    assert m.works_count == 9  # from the published-item count when no "N works" metric
    assert [w.code for w in profile.warnings] == ["partial_list"]
    assert (profile.entries_seen, len(works)) == (1, 1)


def test_bzpeer_work_missing_its_title_is_reported_and_the_rest_kept() -> None:
    page = ("Researcher profile\nKim Lee\nTrust 30 - Emerging\n3works\n??followers\n"
            "Published work\n3 published item(s)\n"
            "preprint2024arXiv\nGood One\nAbstract one.\n"
            "preprint2023arXiv\n"
            "article2022ICML\nGood Two\nAbstract two.\n")
    profile, works, result = _parse(page)
    assert [w.title for w in works] == ["Good One", "Good Two"]
    assert [w.provenance.position for w in works] == [0, 2]
    assert (profile.entries_seen, profile.entries_emitted) == (3, 2)
    assert profile.work_ids == [w.id for w in works]
    assert len(result.malformed) == 1
    bad = result.malformed[0]
    assert isinstance(bad, MalformedEntry) and bad.position == 1 and "title" in bad.message
    assert [(w.code, w.position) for w in result.warnings] == [("malformed_entry", 1)]
    # the garbage metric is left null and flagged on the profile, the rest still read
    assert profile.metrics.followers is None and profile.metrics.works_count == 3
    assert [w.code for w in profile.warnings] == ["malformed_metric"]


# --- aggregator variants the seed does not show ------------------------------------------------

AGG_VARIANT = """\
Jean-Luc van der Berg
h-index 4
1,204 papers
3 Papers
cs.LGMar 3
Sparse Mixtures: Routing, Balancing &amp; Scaling
B. Salimi and Jean-Luc van der Berg
We route tokens; code at https://github.com/jl/moe).
Computation and LanguageDec 30, 2024
A Paper Without Authors
An abstract, but no author line above it.
LG2023-11-28
An Abstract-Less Paper
Ana Pérez, Jean-Luc van der Berg, Wei Zhang
"""


def test_aggregator_variant_lists_categories_and_year_less_dates() -> None:
    profile, works, result = _parse(AGG_VARIANT, as_of="2025-02-01")
    assert result.parser == "aggregator_profile"
    assert profile.name == "Jean-Luc van der Berg"
    assert (profile.given, profile.family) == ("Jean-Luc", "van der Berg")
    assert (profile.metrics.h_index, profile.metrics.works_count) == (4, 1204)
    assert profile.warnings == []
    assert [w.category for w in works] == ["cs.LG", "Computation and Language", "LG"]
    first, second, third = works
    assert first.published is not None
    assert (first.published.date, first.published.year_inferred) == (dt.date(2024, 3, 3), True)
    assert first.title == "Sparse Mixtures: Routing, Balancing & Scaling"
    assert [(a.given, a.family) for a in first.authors] == [
        ("B.", "Salimi"), ("Jean-Luc", "van der Berg")]
    assert (first.authors_complete, first.author_count) == (True, 2)
    assert first.links == ["https://github.com/jl/moe"]
    assert second.authors == [] and second.authors_complete is False and second.author_count is None
    assert second.abstract == "An abstract, but no author line above it."
    assert second.published is not None and second.published.date == dt.date(2024, 12, 30)
    assert third.abstract is None and third.author_count == 3
    assert third.published is not None and third.published.date == dt.date(2023, 11, 28)


def test_aggregator_category_in_its_own_html_block_is_still_read() -> None:
    html = """<html><body><nav><a>Papers</a></nav><main><h1>Mia Chen</h1>
<div><span>h-index</span><span>1</span></div><div><span>2</span><span>papers</span></div>
<ul><li><div class="tag">cs.CL</div><div>Jan 24, 2025</div><h3>One</h3>
<p>Mia Chen et al.</p><p>Abstract one.</p></li>
<li><div class="tag">Computer Vision</div><div>Feb 2, 2025</div><h3>Two</h3>
<p>Abstract two.</p></li>
</ul></main></body></html>"""
    profile, works, _ = _parse(html)
    assert [(w.category, w.title, w.abstract) for w in works] == [
        ("cs.CL", "One", "Abstract one."), ("Computer Vision", "Two", "Abstract two.")]
    assert profile.warnings == []


def test_aggregator_bad_entries_are_reported_and_the_rest_kept() -> None:
    page = ("Mia Chen\nh-indexN/A\n3papers\n"
            "CVJan 24, 2025\nGood Paper\nMia Chen et al.\nAbstract.\n"
            "CVFeb 2, 2025\nMia Chen, Wei Zhang et al.\nAn abstract whose title is missing.\n"
            "CVFeb 30, 2025\nImpossible Date\nAbstract.\n")
    profile, works, result = _parse(page)
    assert [w.title for w in works] == ["Good Paper", "Impossible Date"]
    assert [w.provenance.position for w in works] == [0, 2]
    assert (profile.entries_seen, profile.entries_emitted) == (3, 2)
    assert [(m.position, "title" in m.message) for m in result.malformed] == [(1, True)]
    assert works[1].published is None and works[1].year is None
    assert [w.code for w in works[1].warnings] == ["unparseable_date"]
    assert profile.metrics.h_index is None and profile.metrics.works_count == 3
    assert [w.code for w in profile.warnings] == ["malformed_metric"]


# --- author lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "names", "complete"),
    [
        ("Shahin Hakemi, Naveed Akhtar, Ghulam Mubashar Hassan et al.",
         ["Shahin Hakemi", "Naveed Akhtar", "Ghulam Mubashar Hassan"], False),
        ("A. Kumar, B. Salimi and C. D'Souza", ["A. Kumar", "B. Salimi", "C. D'Souza"], True),
        ("José Núñez, Zoë Ångström-Müller, and Wei Zhang",
         ["José Núñez", "Zoë Ångström-Müller", "Wei Zhang"], True),
        ("Salimi et al.", ["Salimi"], False),
        ("Babak Salimi", ["Babak Salimi"], True),
    ],
)
def test_author_lists(line: str, names: list[str], complete: bool) -> None:
    listed = parse_author_list(line)
    assert listed is not None
    assert [a.name for a in listed.authors] == names
    assert listed.complete is complete


@pytest.mark.parametrize(
    "line",
    ["Neural network training tends to exploit the simplest features as shortcuts.",
     "PDF", "Published on Sep 28", "In 2024, we showed that X and Y work"],
)
def test_sentences_are_not_author_lists(line: str) -> None:
    assert parse_author_list(line) is None


def test_bzpeer_work_without_a_year_has_no_date() -> None:
    page = ("Researcher profile\nKim Lee\nTrust 30 - Emerging\n2works\nPublished work\n"
            "2 published item(s)\npreprintarXiv\nUndated Preprint\nAbstract.\n"
            "articleNature\nUndated Article\n")
    _, works, _ = _parse(page)
    assert [(w.work_type, w.venue, w.year, w.published) for w in works] == [
        ("preprint", "arXiv", None, None), ("article", "Nature", None, None)]


def test_aggregator_name_is_above_the_stats_and_an_institution_is_the_affiliation() -> None:
    page = ("Sign in to follow authors\nMia Chen\nUniversity of Western Australia\n"
            "h-index 2\n2 papers\nCVJan 24, 2025\nOne\nAbstract.\n")
    profile, works, _ = _parse(page)
    assert (profile.name, profile.affiliation) == ("Mia Chen", "University of Western Australia")
    assert [w.title for w in works] == ["One"]


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("A.-L. Schmidt, Babak Salimi", ["A.-L. Schmidt", "Babak Salimi"]),
        ("J.-P. Dupont and B. Salimi", ["J.-P. Dupont", "B. Salimi"]),
    ],
)
def test_hyphenated_initials_read_as_author_lists(line: str, names: list[str]) -> None:
    from ingest_core._author_lists import parse_author_list

    parsed = parse_author_list(line)
    assert parsed is not None
    assert [a.name for a in parsed.authors] == names
    assert parsed.authors[0].family in {"Schmidt", "Dupont"}
