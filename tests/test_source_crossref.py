"""The crossref parser on the real Crossref API records in ../shared/public-data/sources/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ingest_core import build_page, get_parser, parse_page
from ingest_core.errors import ParseError, SourceErrorResponse
from ingest_core.schemas import Listing, Work
from tests.conftest import SHARED, shared_file

AS_OF = "2026-12-02"
DIR = "public-data/sources/crossref"


def _parse(relative: str) -> Any:
    path = shared_file(f"{DIR}/{relative}")
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert result.parser == "crossref"
    return result


def _work(record: object) -> Work:
    assert isinstance(record, Work)
    return record


def _people(work: Work) -> list[tuple[str, str | None, str | None]]:
    return [(a.name, a.given, a.family) for a in work.authors]


def _date(work: Work) -> tuple[dt.date, str] | None:
    return None if work.published is None else (work.published.date, work.published.precision)


def test_single_work_with_colon_doi_month_date() -> None:
    result = _parse("crossref-work-10.1023_a-1007154515475.json")
    (work,) = map(_work, result.records)
    assert work.provenance.position == 0
    assert work.title.startswith("An essential role of active site arginine residue")
    assert work.title.endswith("iodide oxidation by horseradish peroxidase")
    assert _people(work) == [
        ("Subrata Adak", "Subrata", "Adak"),
        ("Debashis Bandyopadhyay", "Debashis", "Bandyopadhyay"),
        ("Uday Bandyopadhyay", "Uday", "Bandyopadhyay"),
        ("Ranajit K. Banerjee", "Ranajit K.", "Banerjee"),
    ]
    assert all(a.orcid is None and a.affiliations == [] for a in work.authors)
    assert work.author_count == 4 and work.authors_complete
    assert _date(work) == (dt.date(2001, 2, 1), "month")
    assert work.year == 2001
    assert work.venue == "Molecular and Cellular Biochemistry"
    assert work.work_type == "journal-article"
    assert work.identifiers.doi == "10.1023/a:1007154515475"
    assert work.cited_by == 7
    assert work.abstract is None
    assert work.keywords == []
    assert work.links == [
        "https://doi.org/10.1023/a:1007154515475",
        "https://link.springer.com/content/pdf/10.1023/A:1007154515475.pdf",
        "https://link.springer.com/article/10.1023/A:1007154515475/fulltext.html",
    ]  # the repeated PDF link once
    assert work.warnings == [] and result.warnings == []


def test_year_only_issued_and_orcids() -> None:
    (work,) = map(_work, _parse("crossref-work-10.1136_esmoopen-2020-000776.json").records)
    assert work.title == (
        "Phase II study of lenvatinib for metastatic colorectal cancer refractory to standard "
        "chemotherapy: the LEMON study (NCCH1503)"
    )
    assert _date(work) == (dt.date(2020, 1, 1), "year") and work.year == 2020
    assert len(work.authors) == 13 and work.author_count == 13
    assert work.authors[0].name == "Satoru Iwasa"
    assert work.authors[0].orcid == "0000-0003-3863-9582"
    assert work.authors[-1].name == "Yasuhide Yamada"
    assert work.authors[-1].orcid == "0000-0003-0692-8419"
    assert [a.orcid for a in work.authors[1:-1]] == [None] * 11
    assert work.venue == "ESMO Open"
    assert work.identifiers.doi == "10.1136/esmoopen-2020-000776"
    assert work.cited_by == 16


def test_jats_title_and_structured_abstract_affiliations() -> None:
    (work,) = map(_work, _parse("crossref-work-10.1136_jclinpath-2020-206745.json").records)
    assert work.title == (
        "Construction of a reference material panel for detecting KRAS / NRAS / EGFR / BRAF / "
        "MET mutations in plasma ctDNA"
    )
    # issued is the online date (2020-08-17), not the print issue (2021-05)
    assert _date(work) == (dt.date(2020, 8, 17), "day")
    assert work.venue == "Journal of Clinical Pathology"
    assert len(work.authors) == 15
    assert (work.authors[0].name, work.authors[0].affiliations) == (
        "Jun Xu", ["Department of Neurosurgery, China-Japan Friendship Hospital, Beijing, China"]
    )
    assert all(len(a.affiliations) == 1 for a in work.authors)
    orcids = [(a.name, a.orcid) for a in work.authors if a.orcid]
    assert orcids == [("Xuexi Yang", "0000-0002-3513-6501")]
    assert work.authors[13].affiliations == [
        "School of Laboratory Medicine and Biotechnology, Southern Medical University, "
        "Guangzhou, China"
    ]
    abstract = work.abstract or ""
    assert abstract.startswith("Background The absence of high-quality next-generation sequencing")
    assert " Objective This study aimed" in abstract
    assert abstract.endswith("quality control of the performance of independent laboratories.")
    assert "<" not in abstract and "jats" not in abstract and "  " not in abstract


def test_plos_work() -> None:
    (work,) = map(_work, _parse("crossref-work-10.1371_journal.pone.0033693.json").records)
    assert work.title == (
        "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in "
        "the Basal Ganglia of Mice"
    )
    assert [a.name for a in work.authors] == [
        "Shankar Sadasivan", "Brooks B. Pond", "Amar K. Pani", "Chunxu Qu", "Yun Jiao",
        "Richard J. Smeyne",
    ]  # the editor (Cesario V. Borlongan) is not an author
    assert _date(work) == (dt.date(2012, 3, 21), "day")
    assert work.venue == "PLoS ONE"
    assert work.identifiers.doi == "10.1371/journal.pone.0033693"
    assert work.cited_by == 72
    assert work.links == [
        "https://doi.org/10.1371/journal.pone.0033693", "http://dx.plos.org/10.1371/journal.pone.0033693"
    ]


def test_work_list_query_one_row() -> None:
    result = _parse("crossref-works-list-query-title-chemistry-tools-rows1.json")
    listing, work = result.records
    assert isinstance(listing, Listing)
    assert listing.title == "Crossref works"
    assert listing.query is None  # query.title is not search-terms (null here)
    assert listing.total_results == 2531297
    assert (listing.entries_seen, listing.entries_emitted) == (1, 1)
    work = _work(work)
    assert listing.work_ids == [work.id]
    assert work.provenance.position == 0
    assert work.title == "Augmenting large language models with chemistry tools"
    assert _people(work) == [
        ("Andres M. Bran", "Andres", "M. Bran"),
        ("Sam Cox", "Sam", "Cox"),
        ("Oliver Schilter", "Oliver", "Schilter"),
        ("Carlo Baldassari", "Carlo", "Baldassari"),
        ("Andrew D. White", "Andrew D.", "White"),
        ("Philippe Schwaller", "Philippe", "Schwaller"),
    ]
    assert [a.orcid for a in work.authors] == [
        None, None, "0000-0003-0310-0851", None, "0000-0002-6647-3965", "0000-0003-3046-6576"
    ]
    assert work.venue == "Nature Machine Intelligence"
    assert _date(work) == (dt.date(2024, 5, 8), "day")
    assert work.identifiers.doi == "10.1038/s42256-024-00832-8"
    assert work.cited_by == 232
    abstract = work.abstract or ""
    assert abstract.startswith("Large language models (LLMs) have shown strong performance")
    assert not abstract.startswith("Abstract")


def test_work_list_sample_edge_cases() -> None:
    result = _parse("crossref-works-list-sample10.json")
    listing, *works = result.records
    assert isinstance(listing, Listing)
    assert listing.total_results == 10
    assert (listing.entries_seen, listing.entries_emitted) == (10, 10)
    assert listing.work_ids == [w.id for w in works]
    assert [w.provenance.position for w in works] == list(range(10))
    items = [_work(w) for w in works]
    assert [w.identifiers.doi for w in items] == [
        "10.1016/0160-4120(81)90073-8", "10.2139/ssrn.5250900", "10.1007/978-3-031-33148-0_45",
        "10.1136/bmj.298.6673.604-c", "10.21831/imaji.v4i1.6702", "10.1007/978-3-531-91346-9_6",
        "10.1016/s1532-0464(03)00128-x", "10.1246/bcsj.36.278", "10.4028/p-x86r37",
        "10.1579/0044-7447-38.4.186",
    ]
    assert [w.year for w in items] == [1981, 2025, 2023, 1989, 2015, None, 2003, 1963, 2022, 2009]
    ssrn, chapter, imaji, undated, toc, styrene = (items[i] for i in (1, 2, 4, 5, 6, 7))
    assert ssrn.work_type == "posted-content" and ssrn.venue is None
    assert _date(ssrn) == (dt.date(2025, 1, 1), "year")
    assert chapter.work_type == "book-chapter"
    assert chapter.venue == "Innovative Renewable Energy"  # the first container-title
    # given "Sumaryadi", family "-": kept as deposited, flagged, not printed in the name
    (author,) = imaji.authors
    assert (author.name, author.given, author.family) == ("Sumaryadi", "Sumaryadi", "-")
    assert [w.code for w in imaji.warnings] == ["placeholder_name"]
    assert imaji.title == "PELAKSANAAN PEMBELAJARAN SENI DRAMA SEJAK USIA DINI"
    assert (imaji.abstract or "").endswith("Keywords: art education, drama, early ages")
    # issued [[null]] and no other date: no date, and a warning says so
    assert undated.title == "Die Straße als politische Arena und Medium der Masse"
    assert undated.published is None and undated.year is None
    assert [w.code for w in undated.warnings] == ["missing_date"]
    assert "[[null]]" in undated.warnings[0].message
    # a "Table of Contents" item is titled: a work without authors, not a malformed entry
    assert toc.title == "Table of Contents" and toc.authors == []
    assert toc.author_count is None and not toc.authors_complete
    assert _date(toc) == (dt.date(2003, 8, 1), "month")
    assert styrene.title == (
        "The Cationic Copolymerization of Styrene and p-Brornostyrene in Liquid Sulfur Dioxide"
    )
    assert _date(styrene) == (dt.date(1963, 3, 1), "day")
    assert [a.affiliations for a in styrene.authors] == [
        ["The Chemical Research Institute of Non-Aqueous Solutions Tohoku University"]
    ] * 3
    assert (styrene.abstract or "").startswith("1) The cationic copolymerization of styrene")
    assert "copolymerization. 2) The effect" in (styrene.abstract or "")
    assert result.warnings == []  # nothing malformed


@pytest.mark.parametrize(
    "relative",
    ["crossref-work-10.1136_jclinpath-2020-206745.json", "crossref-works-list-sample10.json"],
)
def test_bare_work_objects_are_detected_and_parsed(relative: str) -> None:
    """Bulk dumps hold bare work objects, one a line, without the status/message envelope."""
    data = json.loads(shared_file(f"{DIR}/{relative}").read_text(encoding="utf-8"))
    message = data["message"]
    enveloped = [r for r in _parse(relative).records if isinstance(r, Work)]
    for item, expected in zip(message.get("items", [message]), enveloped, strict=True):
        line = json.dumps(item)
        assert get_parser("crossref").detect(build_page(line, as_of=AS_OF)) >= 0.9
        result = parse_page(line, name="dump.jsonl:1", as_of=AS_OF)
        assert result.parser == "crossref"
        (work,) = map(_work, result.records)
        assert work.provenance.position == 0
        assert work.model_dump(exclude={"id", "provenance", "warnings"}) == expected.model_dump(
            exclude={"id", "provenance", "warnings"}
        )


def _other_format_files() -> list[Path]:
    root = SHARED / "public-data" / "sources"
    return sorted(p for p in root.glob("*/*") if p.is_file() and p.parent.name != "crossref")


def test_other_formats_are_not_detected() -> None:
    files = _other_format_files()
    assert len(files) >= 20, "../shared/public-data/sources/ is missing or incomplete"
    parser = get_parser("crossref")
    scores = {
        p.name: parser.detect(build_page(p.read_bytes(), name=str(p), as_of=AS_OF)) for p in files
    }
    assert {name: s for name, s in scores.items() if s >= 0.5} == {}


def test_crossref_files_score_high() -> None:
    parser = get_parser("crossref")
    for path in sorted(shared_file(DIR).glob("*.json")):
        assert parser.detect(build_page(path.read_bytes(), name=str(path), as_of=AS_OF)) >= 0.9


def test_error_json_is_a_source_error() -> None:
    body = json.dumps({
        "status": "failed", "message-type": "validation-failure",
        "message": [{"type": "parameter-not-allowed", "value": "rowz",
                     "message": "Parameter rowz specified but there is no such parameter"}],
    })
    with pytest.raises(SourceErrorResponse, match="no such parameter") as info:
        parse_page(body, name="bad-request.json", as_of=AS_OF)
    assert info.value.parser == "crossref" and info.value.input == "bad-request.json"


def test_resource_not_found_text_is_a_source_error() -> None:
    with pytest.raises(SourceErrorResponse):
        parse_page("Resource not found.", name="404.txt", as_of=AS_OF)
    page = build_page("Resource not found.\n", url="https://api.crossref.org/works/10.5555/nope",
                      as_of=AS_OF)
    assert get_parser("crossref").detect(page) >= 0.9
    assert get_parser("crossref").detect(build_page("Resource moved.", as_of=AS_OF)) == 0.0


def test_other_message_types_and_broken_shapes_fail_typed() -> None:
    member = {"status": "ok", "message-type": "member", "message": {"id": 297}}
    with pytest.raises(ParseError, match="member"):
        parse_page(json.dumps(member), name="member.json", as_of=AS_OF)
    broken = {"status": "ok", "message-type": "work-list", "message": {"items": None}}
    with pytest.raises(ParseError, match=r"items is not a list") as info:
        parse_page(json.dumps(broken), name="cut.json", as_of=AS_OF)
    assert not isinstance(info.value, SourceErrorResponse)


def test_untitled_entries_become_malformed_warnings() -> None:
    items = [
        {"DOI": "10.5555/a", "type": "journal-article", "title": [], "member": "1"},
        {"DOI": "10.5555/b", "type": "journal-article", "title": ["  Kept <i>one</i> "],
         "issued": {"date-parts": [[2019, 9, 31]]}, "published-online": {"date-parts": [[2019]]},
         "author": [{"given": "Ana", "family": "Lima"}, {"given": ".", "family": "."},
                    {"given": "Bo", "family": "Ek", "ORCID": "https://orcid.org/0000-0002-9876-5430"}]},
        "not an object",
    ]
    body = {"status": "ok", "message-type": "work-list",
            "message": {"total-results": 3, "items": items,
                        "query": {"search-terms": "kept one"}}}
    result = parse_page(json.dumps(body), name="list.json", as_of=AS_OF)
    listing, work = result.records
    assert isinstance(listing, Listing) and listing.query == "kept one"
    assert (listing.entries_seen, listing.entries_emitted) == (3, 1)
    work = _work(work)
    assert work.provenance.position == 1 and work.title == "Kept one"
    assert [a.name for a in work.authors] == ["Ana Lima", "Bo Ek"]
    assert work.authors[1].orcid is None  # bad checksum: dropped and reported
    assert work.author_count == 3 and not work.authors_complete
    assert _date(work) == (dt.date(2019, 1, 1), "year")  # 2019-09-31 is not a date
    assert [w.code for w in work.warnings] == ["malformed_author", "bad_identifier",
                                               "unreadable_date"]
    assert [(m.position, m.code) for m in result.malformed] == [(0, "malformed_entry"),
                                                                (2, "malformed_entry")]
    assert "has no title" in result.malformed[0].message
    assert [w.position for w in result.warnings] == [0, 2]


def test_single_work_without_title_is_malformed() -> None:
    body = {"status": "ok", "message-type": "work",
            "message": {"DOI": "10.5555/x", "type": "other", "title": ["<i> </i>"]}}
    result = parse_page(json.dumps(body), name="untitled.json", as_of=AS_OF)
    assert result.records == []
    assert [m.position for m in result.malformed] == [0]
