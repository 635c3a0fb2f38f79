"""google_scholar_profile: the shared 2014 Scholar page, the current layout in other UI
languages, detection against every other shared format, and the errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ingest_core import build_page, get_parser, parse_page
from ingest_core.errors import MalformedEntry, ParseError, ParserMismatch
from ingest_core.schemas import Profile, Work
from tests.conftest import FIXTURES, SHARED, shared_file

GS_2014 = "public-data/sources/gscholar/gs-profile-dschreij-2014.html"
AS_OF = "2026-12-02"
MINE = FIXTURES / "google_scholar_profile"


def _parse(path: Path) -> tuple[Profile, list[Work], list[str]]:
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert result.parser == "google_scholar_profile"
    profile, *rest = result.records
    assert isinstance(profile, Profile)
    works = [w for w in rest if isinstance(w, Work)]
    assert len(works) == len(rest)
    return profile, works, [w.code for w in result.warnings]


def _authors(work: Work) -> list[tuple[str, str | None, str | None]]:
    return [(a.name, a.given, a.family) for a in work.authors]


# --- the shared 2014 page -----------------------------------------------------------------


def test_2014_profile_record() -> None:
    profile, works, warnings = _parse(shared_file(GS_2014))
    assert warnings == []
    assert profile.source == "google_scholar"
    assert (profile.name, profile.given, profile.family) == ("Daniël Schreij", "Daniël", "Schreij")
    assert profile.affiliation == "VU University Amsterdam"
    assert profile.interests == ["Cognitive Psychology"]
    assert profile.metrics.citations == 290
    assert profile.metrics.h_index == 6
    assert profile.metrics.i10_index == 5
    assert profile.metrics.works_count is None  # the page does not count the works
    assert profile.links == [
        "http://www.cogpsy.nl/", "https://scholar.google.com/citations?user=Pm3O_58AAAAJ",
    ]
    assert profile.identifiers.openalex is None and profile.orcid is None
    assert profile.warnings == []  # "show more" is disabled: every work is listed
    assert (profile.entries_seen, profile.entries_emitted) == (15, 15)
    assert profile.work_ids == [w.id for w in works]
    assert len(works) == 15


def test_2014_works() -> None:
    _, works, _ = _parse(shared_file(GS_2014))
    first = works[0]
    assert first.title == "Visual memory performance for color depends on spatiotemporal context"
    assert _authors(first) == [("CNL Olivers", "CNL", "Olivers"), ("D Schreij", "D", "Schreij")]
    assert first.authors_complete and first.author_count == 2
    assert first.venue == "Attention, Perception, & Psychophysics 76 (7), 1873-1884"
    assert first.year == 2014
    assert first.published is not None
    assert (first.published.date, first.published.precision) == (dt.date(2014, 1, 1), "year")
    assert first.cited_by == 1
    assert first.links == [
        "http://scholar.google.nl/citations?view_op=view_citation&hl=en&user=Pm3O_58AAAAJ"
        "&sortby=pubdate&citation_for_view=Pm3O_58AAAAJ:eQOLeE2rZwMC"
    ]
    assert first.provenance.position == 0

    cut = works[2]  # "E Dalmaijer, S Van der Stigchel, ..., D Schreij, ..."
    assert cut.title == (
        "OpenSesame Opens the Door to Open-Source and User-Friendly Eye-Tracking Research"
    )
    assert [a.name for a in cut.authors] == [
        "E Dalmaijer", "S Van der Stigchel", "L van der Linden", "W Kruijne", "D Schreij",
    ]
    assert _authors(cut)[1] == ("S Van der Stigchel", "S", "Van der Stigchel")
    assert not cut.authors_complete and cut.author_count is None
    assert cut.cited_by is None  # empty cited-by cell
    assert cut.venue == "European Conference on Eye Movements"

    opensesame = works[5]
    assert opensesame.title.startswith("OpenSesame: An open-source, graphical experiment builder")
    assert [a.name for a in opensesame.authors] == ["S Mathôt", "D Schreij", "J Theeuwes"]
    assert (opensesame.year, opensesame.cited_by) == (2012, 76)
    assert _authors(works[6]) == [("DBB Schreij", "DBB", "Schreij")]

    no_year = works[12:]  # three rows with an empty year cell (", 0" in the hidden span)
    assert [w.year for w in no_year] == [None, None, None]
    assert all(w.published is None and w.warnings == [] for w in no_year)
    assert [w.venue for w in no_year] == [
        "Attention to Emerging Objects, 137", "Attention to Emerging Objects, 45",
        "Attention to Emerging Objects, 59",
    ]
    assert [w.cited_by for w in works] == [1, 3, None, 2, 3, 76, None, 14, 19, 77, 7, 88,
                                           None, None, None]
    assert [w.year for w in works[:12]] == [2014, 2013, 2013, 2013, 2013, 2012, 2012, 2010,
                                            2010, 2010, 2009, 2008]


def test_2014_page_is_detected_high_and_not_by_the_other_profile_parsers() -> None:
    path = shared_file(GS_2014)
    page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert get_parser("google_scholar_profile").detect(page) >= 0.9
    assert get_parser("aggregator_profile").detect(page) < 0.5
    assert get_parser("bzpeer_profile").detect(page) < 0.5
    with pytest.raises(ParserMismatch):  # no more "Citations" profiles from aggregator_profile
        parse_page(path.read_bytes(), name=str(path), as_of=AS_OF, parser="aggregator_profile")


def test_labels_in_any_language_read_alike() -> None:
    """Detection and metrics use ids, classes and row order, never the (translated) labels."""
    text = shared_file(GS_2014).read_text(encoding="utf-8")
    translated = text
    for english, other in (("Citation indices", "引用指標"), (">Citations<", ">Zitiert von<"),
                           (">h-index<", ">Indice h<"), (">i10-index<", ">i10 指標<"),
                           (">All<", ">Toutes<"), ("Since 2009", "Desde 2009"),
                           (">Cited by<", ">Cité par<"), (">Year<", ">Jahr<")):
        assert english in translated
        translated = translated.replace(english, other)
    original = parse_page(text, name="en", as_of=AS_OF).records
    result = parse_page(translated, name="xx", as_of=AS_OF)
    assert result.parser == "google_scholar_profile"
    profile = result.records[0]
    assert isinstance(profile, Profile)
    assert (profile.metrics.citations, profile.metrics.h_index, profile.metrics.i10_index) == (
        290, 6, 5)
    assert [r.model_dump(exclude={"id", "provenance", "work_ids"}) for r in result.records] == [
        r.model_dump(exclude={"id", "provenance", "work_ids"}) for r in original]


# --- the current layout (own fixtures, non-English UIs) -------------------------------------


def test_current_layout_german_ui() -> None:
    profile, works, warnings = _parse(MINE / "current_layout_de.html")
    assert warnings == []
    assert profile.name == "Zoë Brückner"
    assert profile.affiliation == "Professorin für Informatik, Technische Universität München"
    assert profile.interests == ["Maschinelles Lernen", "Informationsextraktion",
                                 "Digitale Bibliotheken"]
    assert (profile.metrics.citations, profile.metrics.h_index, profile.metrics.i10_index) == (
        1843, 17, 24)
    assert profile.links == ["https://zoe-brueckner.example.org/",
                             "https://scholar.google.com/citations?user=Zb7rK2QAAAAJ"]
    assert [w.code for w in profile.warnings] == ["partial_list"]  # "Weitere anzeigen" enabled
    assert (profile.entries_seen, profile.entries_emitted) == (4, 4)

    first, merged, no_cites, bare = works
    assert first.title == "Robuste Extraktion bibliographischer Metadaten aus gescannten Dokumenten"
    assert _authors(first) == [("Z Brückner", "Z", "Brückner"), ("M Öztürk", "M", "Öztürk"),
                               ("J Weiß", "J", "Weiß")]
    assert (first.venue, first.year, first.cited_by) == ("Datenbank-Spektrum 21 (3), 215-228",
                                                         2021, 57)
    assert first.links == ["https://scholar.google.com/citations?view_op=view_citation&hl=de"
                           "&user=Zb7rK2QAAAAJ&citation_for_view=Zb7rK2QAAAAJ:u5HHmVD_uO8C"]
    assert merged.cited_by == 312  # "312*": the merged-citations marker is ignored
    assert not merged.authors_complete and merged.author_count is None
    assert len(merged.authors) == 5
    assert merged.venue is not None and merged.venue.endswith("Information Retrieval, 1123-1133")
    assert no_cites.title == "Workshop-Bericht: Offene Zitationsdaten & Normdaten"
    assert _authors(no_cites)[1] == ("L van der Berg", "L", "van der Berg")
    assert (no_cites.cited_by, no_cites.year) == (None, 2022)
    assert (bare.venue, bare.year, bare.published, bare.cited_by) == (None, None, None, None)
    assert bare.authors_complete and bare.author_count == 1


def test_current_layout_japanese_ui_sparse_profile_and_untitled_row() -> None:
    path = MINE / "current_layout_ja_sparse.html"
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert result.parser == "google_scholar_profile"
    profile, work = result.records
    assert isinstance(profile, Profile) and isinstance(work, Work)
    assert (profile.name, profile.given, profile.family) == ("山田 花子", "花子", "山田")
    assert profile.affiliation is None and profile.interests == []
    assert profile.links == ["https://scholar.google.com/citations?user=Hk3pQ1sAAAAJ"]
    assert (profile.metrics.citations, profile.metrics.h_index, profile.metrics.i10_index) == (
        35, 3, 1)
    assert (profile.entries_seen, profile.entries_emitted) == (2, 1)
    assert profile.warnings == []
    assert _authors(work) == [("山田 花子", "花子", "山田"), ("佐藤 太郎", "太郎", "佐藤")]
    assert work.venue == "情報処理学会論文誌 63 (4), 1021-1030"
    assert (work.year, work.cited_by) == (2022, 12)
    # the second row has an empty title: reported, not silently dropped
    assert [(w.code, w.position) for w in result.warnings] == [("malformed_entry", 1)]
    assert isinstance(result.malformed[0], MalformedEntry)
    assert "no title" in result.malformed[0].message


def test_2014_layout_french_ui_fixture() -> None:
    profile, works, _ = _parse(MINE / "legacy_2014_fr.html")
    assert profile.affiliation == "Laboratoire d'Informatique, Université de Lille"
    assert profile.interests == ["Recherche d'information", "Bibliométrie"]
    assert profile.links == ["http://www.lifl.example.fr/~lefevre/",
                             "https://scholar.google.com/citations?user=Qx81VbEAAAAJ"]
    assert (profile.metrics.citations, profile.metrics.h_index, profile.metrics.i10_index) == (
        128, 5, 3)
    marked_up, thesis = works
    assert marked_up.title == (
        "Évaluation de la désambiguïsation des auteurs dans les archives ouvertes")
    assert _authors(marked_up)[1] == ("É Moreau", "É", "Moreau")
    assert marked_up.links[0].startswith("https://scholar.google.com/citations?view_op=")
    assert _authors(thesis) == [("François Lefèvre", "François", "Lefèvre")]
    assert (thesis.venue, thesis.year, thesis.cited_by) == (
        "Thèse de doctorat, Université de Lille, 118", None, None)


# --- errors and detection -------------------------------------------------------------------


def test_profile_without_a_name_is_a_parse_error() -> None:
    path = FIXTURES / "google_scholar_profile.invalid" / "empty_name.html"
    with pytest.raises(ParseError, match="no name"):
        parse_page(path.read_bytes(), name=str(path), as_of=AS_OF)


def test_forced_on_another_page_fails_typed() -> None:
    other = b"<!doctype html><html><body><h1>Researcher profile</h1><p>x</p></body></html>"
    with pytest.raises(ParserMismatch):
        parse_page(other, name="other.html", as_of=AS_OF, parser="google_scholar_profile")
    parser = get_parser("google_scholar_profile")
    page = build_page(other, name="other.html", as_of=AS_OF)
    assert parser.detect(page) == 0.0
    with pytest.raises(ParseError, match="not a Google Scholar profile"):
        list(parser.parse(page))


def test_other_formats_are_not_detected() -> None:
    parser = get_parser("google_scholar_profile")
    checked = 0
    for path in sorted((SHARED / "public-data" / "sources").glob("*/*")):
        if path.parent.name == "gscholar" or path.name == "README.md":
            continue
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) < 0.5, path.name
        checked += 1
    assert checked >= 25


def test_url_patterns_and_purity() -> None:
    parser = get_parser("google_scholar_profile")
    pattern = re.compile(parser.url_patterns[0])
    assert pattern.search("https://scholar.google.com/citations?user=Pm3O_58AAAAJ&hl=en")
    assert pattern.search("https://scholar.google.co.jp/citations?hl=ja&user=Hk3pQ1sAAAAJ")
    assert not pattern.search("https://scholar.google.com/scholar?q=turing")
    path = shared_file(GS_2014)
    once = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF).records
    again = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF).records
    assert [r.model_dump() for r in once] == [r.model_dump() for r in again]
