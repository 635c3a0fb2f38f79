"""The openalex parser on real OpenAlex API records (../shared/public-data/sources/openalex/)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ingest_core import build_page, get_parser, parse_page
from ingest_core.errors import ParseError, SourceErrorResponse
from ingest_core.schemas import Listing, Profile, Work
from tests.conftest import SHARED, shared_file

AS_OF = "2026-12-02"
DIR = "public-data/sources/openalex/"


def _parse(relative: str, **kw: Any) -> Any:
    path = shared_file(DIR + relative)
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF, **kw)
    assert result.parser == "openalex"
    return result


def _json(relative: str) -> Any:
    return json.loads(shared_file(DIR + relative).read_text(encoding="utf-8"))


def _page_bytes(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def test_work_state_of_oa_2025() -> None:
    result = _parse("openalex-work-W2741809807-2025.json")
    assert len(result.records) == 1 and not result.warnings
    work = result.records[0]
    assert isinstance(work, Work)
    assert work.provenance.position == 0
    assert work.title == (
        "The state of OA: a large-scale analysis of the prevalence and impact of Open Access "
        "articles"
    )
    assert [a.name for a in work.authors] == [
        "Heather Piwowar", "Jason Priem", "Vincent Larivière", "Juan Pablo Alperin",
        "Lisa Matthias", "Bree Norlander", "Ashley Farley", "Jevin West", "Stefanie Haustein",
    ]  # raw_author_name (as printed): "Alperin", not the display name "Alperín"
    priem = work.authors[1]
    assert priem.orcid == "0000-0001-6187-6610"
    assert priem.identifiers.openalex == "A5023888391"
    assert priem.affiliations == ["Impact Technology Development (United States)"]
    assert work.authors[2].affiliations == ["Université de Montréal",
                                            "Université du Québec à Montréal"]
    assert all(a.orcid for a in work.authors)
    assert work.author_count == 9 and work.authors_complete
    assert work.published is not None
    assert (work.published.date, work.published.precision) == (dt.date(2018, 2, 13), "day")
    assert work.year == 2018
    ids = work.identifiers
    assert (ids.doi, ids.openalex, ids.mag, ids.pmid, ids.pmcid, ids.arxiv) == (
        "10.7717/peerj.4375", "W2741809807", "2741809807", "29456894", "PMC5815332", None
    )
    assert work.venue == "PeerJ"
    assert work.work_type == "article"
    assert work.cited_by == 962
    assert work.links == ["https://doi.org/10.7717/peerj.4375",
                          "https://peerj.com/articles/4375.pdf"]
    assert work.keywords == ["scientometrics and bibliometrics research",
                             "Academic Publishing and Open Access",
                             "Research Data Management Practices"]
    assert work.abstract is not None
    assert work.abstract.startswith(
        "Despite growing interest in Open Access (OA) to scholarly literature, there is an "
        "unmet need for large-scale, up-to-date, and reproducible studies"
    )
    index = _json("openalex-work-W2741809807-2025.json")["abstract_inverted_index"]
    assert len(work.abstract.split()) == sum(len(p) for p in index.values())


def test_work_with_raw_author_name_and_placeholder_date() -> None:
    result = _parse("openalex-work-W1554322594.json")
    (work,) = result.records
    assert isinstance(work, Work)
    assert work.title.startswith("An essential role of active site arginine residue")
    assert work.title.endswith("iodide oxidation by horseradish peroxidase.")
    # display name "Debasish", printed (raw_author_name) "Debashis", as Crossref has it
    assert [a.name for a in work.authors] == [
        "Subrata Adak", "Debashis Bandyopadhyay", "Uday Bandyopadhyay", "Ranajit K. Banerjee"
    ]
    assert [a.orcid for a in work.authors] == [
        "0000-0001-7376-4755", "0000-0001-7993-0777", "0000-0002-5928-6790", None
    ]
    assert [a.identifiers.openalex for a in work.authors] == [
        "A5007713390", "A5053039237", "A5012898753", "A5110419549"
    ]
    assert {a for au in work.authors for a in au.affiliations} == {
        "Indian Institute of Chemical Biology"
    }
    # OpenAlex's "2001-01-01" stands for "2001": only the year is claimed
    assert work.published is not None
    assert (work.published.date, work.published.precision) == (dt.date(2001, 1, 1), "year")
    assert work.year == 2001
    assert work.identifiers.doi == "10.1023/a:1007154515475"
    assert work.identifiers.openalex == "W1554322594"
    assert work.identifiers.mag == "1554322594"
    assert work.identifiers.pmid == "11330823"
    assert work.identifiers.pmcid is None
    assert work.abstract is None  # abstract_inverted_index is null
    assert work.venue == "Molecular and Cellular Biochemistry"
    assert work.cited_by == 7
    assert work.links == ["https://doi.org/10.1023/a:1007154515475"]
    assert work.keywords[0] == "Heme Oxygenase-1 and Carbon Monoxide"


def test_works_list_filter_two_ids() -> None:
    result = _parse("openalex-works-list-filter-openalex-W3045921891-W3046863325.json")
    listing, first, second = result.records
    assert isinstance(listing, Listing)
    assert listing.title == "OpenAlex works"
    assert listing.total_results == 2
    assert (listing.entries_seen, listing.entries_emitted) == (2, 2)
    assert listing.work_ids == [first.id, second.id]
    assert isinstance(first, Work) and isinstance(second, Work)
    assert [first.provenance.position, second.provenance.position] == [0, 1]
    assert first.title == ("Trends of Publications' Citations and Altmetrics Based on Open "
                           "Access Types")
    assert [a.name for a in first.authors] == ["Chifumi Nishioka", "Michael Färber"]
    assert first.authors[1].affiliations == ["Karlsruhe Institute of Technology"]
    assert first.authors[0].orcid == "0000-0002-1853-3038"
    assert first.identifiers.doi == "10.1145/3383583.3398584"
    assert first.venue is None  # primary_location.source is null
    assert first.published is not None and first.published.date == dt.date(2020, 8, 1)
    assert second.identifiers.openalex == "W3045921891"
    assert second.identifiers.doi == "10.48550/arxiv.2007.14454"
    assert second.identifiers.arxiv == "2007.14454"  # the arXiv DataCite DOI names it
    assert second.work_type == "preprint"
    assert second.venue == "arXiv (Cornell University)"
    assert [a.name for a in second.authors] == ["James Ravenscroft", "Amanda Clare",
                                                 "Maria Liakata"]
    assert all(a.affiliations == [] for a in second.authors)
    assert second.published is not None
    assert (second.published.date, second.published.precision) == (dt.date(2020, 7, 28), "day")


def test_works_list_title_search_journal_and_preprint() -> None:
    result = _parse("openalex-works-list-title-search-chemistry-tools.json")
    listing, journal, preprint = result.records
    assert isinstance(listing, Listing) and listing.total_results == 2
    assert isinstance(journal, Work) and isinstance(preprint, Work)
    assert journal.title == "Augmenting large language models with chemistry tools"
    assert journal.identifiers.doi == "10.1038/s42256-024-00832-8"
    assert journal.identifiers.pmid == "38799228"
    assert journal.venue == "Nature Machine Intelligence"
    assert journal.year == 2024 and journal.author_count == 6
    assert journal.authors[0].name == "Andres M. Bran"
    assert journal.authors[0].affiliations == ["École Polytechnique Fédérale de Lausanne"]
    assert journal.authors[4].name == "Andrew D. White"  # as printed, not "Andrew Dickson"
    assert journal.abstract is not None
    assert journal.abstract.startswith("Large language models (LLMs)")  # heading dropped
    assert preprint.title == "ChemCrow: Augmenting large-language models with chemistry tools"
    assert preprint.identifiers.doi == "10.48550/arxiv.2304.05376"
    assert preprint.identifiers.arxiv == "2304.05376"
    assert preprint.identifiers.openalex == "W4365597205"
    assert [a.name for a in preprint.authors] == [
        "Bran, Andres M", "Cox, Sam", "White, Andrew D", "Schwaller, Philippe"
    ]
    assert preprint.authors[0].orcid == "0000-0002-4432-3667"
    assert preprint.published is not None
    assert (preprint.published.date, preprint.published.precision) == (
        dt.date(2023, 1, 1), "year")
    assert preprint.links == ["https://arxiv.org/abs/2304.05376",
                              "https://doi.org/10.48550/arxiv.2304.05376"]


@pytest.mark.parametrize(("file", "metrics", "interest"), [
    ("openalex-author-A5023888391-2023.json", (53, 2140, 16, 17), "Computer science"),
    ("openalex-author-A5023888391-2025.json", (62, 3890, 17, 20),
     "scientometrics and bibliometrics research"),
])
def test_author_both_schemas(file: str, metrics: tuple[int, ...], interest: str) -> None:
    result = _parse(file)
    (profile,) = result.records
    assert isinstance(profile, Profile)
    assert profile.provenance.position is None
    assert profile.name == "Jason Priem"
    assert profile.other_names == ["Priem Jason"]
    assert profile.orcid == "0000-0001-6187-6610"
    assert profile.identifiers.openalex == "A5023888391"
    assert profile.affiliation == "OurResearch"
    m = profile.metrics
    assert (m.works_count, m.citations, m.h_index, m.i10_index) == metrics
    assert profile.interests[0] == interest
    assert (profile.entries_seen, profile.entries_emitted, profile.work_ids) == (0, 0, [])


def test_author_list_yields_listing_then_profiles() -> None:
    one = _json("openalex-author-A5023888391-2025.json")
    other = dict(one, id="https://openalex.org/A5000000001", display_name="Ana Ruiz",
                 orcid=None, ids={}, display_name_alternatives=[])
    page = {"meta": {"count": 40, "db_response_time_ms": 3}, "results": [one, other]}
    result = parse_page(_page_bytes(page), name="authors.json", as_of=AS_OF,
                        url="https://api.openalex.org/authors?search=priem&per_page=2")
    assert result.parser == "openalex"
    listing, first, second = result.records
    assert isinstance(listing, Listing)
    assert listing.title == "OpenAlex authors"
    assert listing.total_results == 40
    assert listing.query == "search=priem"
    assert (listing.entries_seen, listing.entries_emitted, listing.work_ids) == (2, 2, [])
    assert isinstance(first, Profile) and isinstance(second, Profile)
    assert [first.provenance.position, second.provenance.position] == [0, 1]
    assert (first.name, second.name) == ("Jason Priem", "Ana Ruiz")
    assert second.orcid is None and second.identifiers.openalex == "A5000000001"


def test_snapshot_line_parses_on_its_own() -> None:
    """The snapshot ships one entity per line: a compact work object is a page by itself."""
    work = _json("openalex-work-W2741809807-2025.json")
    line = json.dumps(work, separators=(",", ":")).encode() + b"\n"
    result = parse_page(line, name="part_000.jsonl:1", as_of=AS_OF)
    assert result.parser == "openalex"
    (record,) = result.records
    assert isinstance(record, Work) and record.identifiers.openalex == "W2741809807"


def test_query_comes_from_the_request_url() -> None:
    path = shared_file(DIR + "openalex-works-list-filter-openalex-W3045921891-W3046863325.json")
    url = ("https://api.openalex.org/works?filter=openalex:W3045921891|W3046863325"
           "&per_page=200&cursor=*")
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF, url=url)
    listing = result.records[0]
    assert isinstance(listing, Listing)
    assert listing.query == "filter=openalex:W3045921891|W3046863325"
    assert listing.provenance.url == url


def test_entry_without_title_is_a_malformed_entry() -> None:
    page = _json("openalex-works-list-title-search-chemistry-tools.json")
    page["results"][0]["title"] = None
    page["results"][0]["display_name"] = "  "
    result = parse_page(_page_bytes(page), name="list.json", as_of=AS_OF)
    listing, work = result.records
    assert isinstance(listing, Listing)
    assert (listing.entries_seen, listing.entries_emitted) == (2, 1)
    assert listing.work_ids == [work.id]
    assert isinstance(work, Work) and work.provenance.position == 1
    assert [(w.code, w.position) for w in result.warnings] == [("malformed_entry", 0)]
    assert "W4396723768" in result.warnings[0].message


def test_single_work_without_title_is_reported_not_lost() -> None:
    work = _json("openalex-work-W1554322594.json")
    work["title"] = work["display_name"] = None
    result = parse_page(_page_bytes(work), name="w.json", as_of=AS_OF)
    assert result.parser == "openalex" and result.records == []
    assert [(w.code, w.position) for w in result.warnings] == [("malformed_entry", 0)]


def test_bad_ids_are_dropped_and_reported() -> None:
    work = _json("openalex-work-W2741809807-2025.json")
    work["ids"]["pmid"] = "https://pubmed.ncbi.nlm.nih.gov/not-a-number"
    work["authorships"][0]["author"]["orcid"] = "https://orcid.org/0000-0003-1613-5982"
    work["is_authors_truncated"] = True
    result = parse_page(_page_bytes(work), name="w.json", as_of=AS_OF)
    (record,) = result.records
    assert isinstance(record, Work)
    assert record.identifiers.pmid is None and record.identifiers.doi == "10.7717/peerj.4375"
    assert record.authors[0].orcid is None
    assert [w.code for w in record.warnings] == ["bad_identifier", "bad_identifier"]
    assert not record.authors_complete and record.author_count is None  # truncated list


def test_markup_in_title_is_removed() -> None:
    work = _json("openalex-work-W1554322594.json")
    work["title"] = "Iodide  oxidation by <i>horseradish</i> peroxidase &amp; H<sub>2</sub>O"
    (record,) = parse_page(_page_bytes(work), name="w.json", as_of=AS_OF).records
    assert isinstance(record, Work)
    assert record.title == "Iodide oxidation by horseradish peroxidase & H2O"


def test_error_answer_is_a_source_error() -> None:
    body = {"error": "Not Found", "message": "The requested URL was not found on the server."}
    with pytest.raises(SourceErrorResponse, match="Not Found"):
        parse_page(_page_bytes(body), name="err.json", as_of=AS_OF,
                   url="https://api.openalex.org/works/W0")
    with pytest.raises(SourceErrorResponse):  # recognised from the content alone
        parse_page(_page_bytes(body), name="err.json", as_of=AS_OF)


def test_unreadable_shapes_raise_parse_error() -> None:
    institution = {"id": "https://openalex.org/I27837315", "display_name": "UCD",
                   "works_count": 10}
    with pytest.raises(ParseError, match="institution"):
        parse_page(_page_bytes(institution), name="i.json", as_of=AS_OF)
    page = build_page(b'[{"id": "https://openalex.org/W1"}]', name="a.json", as_of=AS_OF)
    parser = get_parser("openalex")
    assert parser.detect(page) == 0.0
    with pytest.raises(ParseError, match="not an OpenAlex JSON object"):
        list(parser.parse(page))


def test_detect_scores() -> None:
    parser = get_parser("openalex")
    work = shared_file(DIR + "openalex-work-W2741809807-2025.json").read_bytes()
    assert parser.detect(build_page(work, name="w.json", as_of=AS_OF)) >= 0.9
    lst = shared_file(DIR + "openalex-works-list-title-search-chemistry-tools.json").read_bytes()
    assert parser.detect(build_page(lst, name="l.json", as_of=AS_OF)) >= 0.9
    assert parser.detect(build_page(b"<feed></feed>", name="x.xml", as_of=AS_OF)) == 0.0
    assert parser.detect(build_page(b'{"a": 1}', name="j.json", as_of=AS_OF)) == 0.0


def _other_format_files() -> list[Path]:
    root = SHARED / "public-data" / "sources"
    files = sorted(p for p in root.glob("*/*") if p.is_file() and p.parent.name != "openalex")
    return files


def test_other_formats_are_not_detected() -> None:
    files = _other_format_files()
    assert len(files) >= 20, f"expected the other formats' files under {SHARED}"
    parser = get_parser("openalex")
    for path in files:
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) < 0.5, path.name


def test_a_foreign_entity_in_a_works_list_is_not_read_as_a_work() -> None:
    page = _json("openalex-works-list-title-search-chemistry-tools.json")
    page["results"].insert(1, {"id": "https://openalex.org/A5028051805",
                               "display_name": "Philippe Schwaller", "works_count": 200})
    page["results"].append("not an object")
    result = parse_page(_page_bytes(page), name="list.json", as_of=AS_OF)
    listing, journal, preprint = result.records
    assert isinstance(listing, Listing)
    assert (listing.entries_seen, listing.entries_emitted) == (4, 2)
    assert [journal.provenance.position, preprint.provenance.position] == [0, 2]
    assert [(w.code, w.position) for w in result.warnings] == [
        ("malformed_entry", 1), ("malformed_entry", 3)
    ]
    assert "author record" in result.warnings[0].message
