"""The semantic_scholar parser: every shared S2 record, the dataset rows, lists, errors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ingest_core import build_page, get_parser, parse_page
from ingest_core.errors import MalformedEntry, ParseError, SourceErrorResponse
from ingest_core.schemas import Listing, Profile, PublishedDate, Work
from tests.conftest import SHARED, shared_file

AS_OF = "2026-12-02"
S2_DIR = "public-data/sources/semanticscholar"


def _parse(content: bytes | str, **kwargs: Any) -> Any:
    kwargs.setdefault("as_of", AS_OF)
    return parse_page(content, **kwargs)


def _shared(name: str) -> Any:
    path = shared_file(f"{S2_DIR}/{name}")
    result = _parse(path.read_bytes(), name=str(path))
    assert result.parser == "semantic_scholar"
    return result


def _day(text: str) -> PublishedDate:
    return PublishedDate(date=dt.date.fromisoformat(text), precision="day")


def _year(year: int) -> PublishedDate:
    return PublishedDate(date=dt.date(year, 1, 1), precision="year")


# --- the shared files, one by one -------------------------------------------------------------


def test_paper_by_doi_is_one_work_with_its_external_ids() -> None:
    result = _shared("s2-paper-DOI-10.1023_a-1007154515475.json")
    assert len(result.records) == 1 and not result.malformed
    work = result.records[0]
    assert isinstance(work, Work)
    assert work.provenance.position == 0
    assert work.title.startswith("An essential role of active site arginine residue")
    assert work.title.endswith("iodide oxidation by horseradish peroxidase")
    assert [a.name for a in work.authors] == [
        "S. Adak", "D. Bandyopadhyay", "U. Bandyopadhyay", "R. Banerjee"
    ]
    assert [a.identifiers.s2 for a in work.authors] == ["1940081", "1701389", "5343877",
                                                         "32656528"]
    assert (work.authors[1].given, work.authors[1].family) == ("D.", "Bandyopadhyay")
    ids = work.identifiers
    assert ids.s2 == "19807da5b11f3e641535cb72e465001b49b48ee5"
    assert ids.doi == "10.1023/a:1007154515475"  # upper-case in the record
    assert ids.mag == "1554322594"
    assert ids.pmid == "11330823"
    assert ids.pmcid is None and ids.arxiv is None and ids.dblp is None
    assert work.published == _day("2001-02-01")
    assert work.year == 2001
    assert work.venue == "Molecular and Cellular Biochemistry"
    assert work.work_type == "JournalArticle"
    assert work.cited_by == 7
    # openAccessPdf.url is "" here: only the S2 page is a link
    assert work.links == ["https://www.semanticscholar.org/paper/19807da5b11f3e641535cb72e465001b49b48ee5"]
    assert work.abstract is None
    assert work.warnings == []


def test_turing_paper_with_every_field_skips_embedded_citations_and_references() -> None:
    result = _shared("s2-paper-turing-1950-all-fields.json")
    # 1000 citations and 14 references are inside: they are other papers' records
    assert len(result.records) == 1 and not result.malformed
    work = result.records[0]
    assert isinstance(work, Work)
    assert work.title == "Computing Machinery and Intelligence"
    assert work.abstract is not None
    assert work.abstract.startswith("I propose to consider the question, “Can machines think?”")
    assert [(a.name, a.identifiers.s2) for a in work.authors] == [("A. Turing", "2262347")]
    assert work.published == _day("1950-10-01") and work.year == 1950
    assert work.venue == "The Philosophy of Artificial Intelligence"  # venue before journal
    assert work.identifiers.doi == "10.1093/mind/lix.236.433"
    assert work.identifiers.dblp == "journals/x/Turing50"
    assert work.identifiers.mag == "2145482038"
    assert work.identifiers.s2 == "2d5673caa9e6af3a7b82a43f19ee920992db07ad"
    assert work.keywords == ["Computer Science", "Sociology"]  # s2FieldsOfStudy distinct
    assert work.work_type == "JournalArticle"
    assert work.cited_by == 10059


def test_author_with_papers_is_a_profile_then_its_sixty_works() -> None:
    result = _shared("s2-api-author-2262347.json")
    profile, *works = result.records
    assert isinstance(profile, Profile)
    assert profile.provenance.position is None
    assert (profile.name, profile.given, profile.family) == ("A. Turing", "A.", "Turing")
    assert profile.identifiers.s2 == "2262347"
    assert profile.identifiers.dblp is None  # externalIds.DBLP is a name, not a pid
    assert profile.other_names == ["Alan M. Turing"]
    assert profile.affiliation is None
    assert profile.metrics.works_count == 60
    assert profile.metrics.citations == 12415
    assert profile.metrics.h_index == 23
    assert profile.links == ["https://www.semanticscholar.org/author/2262347"]
    assert len(works) == 60 and all(isinstance(w, Work) for w in works)
    assert (profile.entries_seen, profile.entries_emitted) == (60, 60)
    assert profile.work_ids == [w.id for w in works]
    assert [w.provenance.position for w in works] == list(range(60))
    first = works[0]
    assert first.title == "Dystopian or Utopian? Two Images of Alan Turing"
    assert first.published == _year(2022) and first.venue is None
    assert first.keywords == ["Art"]
    logic = works[1]
    assert logic.title == "Systems of Logic Based on Ordinals"
    assert logic.published == _day("2012-12-31")
    assert logic.venue == "Alan Turing's Systems of Logic"
    assert logic.identifiers.doi == "10.1016/b978-044450423-4/50007-3"
    assert logic.identifiers.dblp == "phd/Turing38"
    assert logic.links[1].startswith("https://pure.mpg.de/pubman/")
    assert works[13].venue == "Itnow"  # venue "" falls back to journal.name
    assert works[59].published is None and works[59].year is None
    assert works[59].title == "Computing Machinery and Intelligence 1. the Imitation Game"


def test_paper_authors_are_an_author_listing_of_profiles() -> None:
    result = _shared("s2-paper-authors-10.2139_ssrn.2250500.json")
    listing, *profiles = result.records
    assert isinstance(listing, Listing)
    assert listing.title == "Semantic Scholar authors"
    assert (listing.entries_seen, listing.entries_emitted) == (4, 4)
    assert listing.work_ids == [] and listing.total_results is None
    assert all(isinstance(p, Profile) for p in profiles)
    assert [p.name for p in profiles] == ["E. Duflo", "A. Banerjee", "R. Glennerster",
                                          "Cynthia Kinnan"]
    assert [p.provenance.position for p in profiles] == [0, 1, 2, 3]
    assert [p.identifiers.s2 for p in profiles] == ["2259683", "2237651454", "4249203",
                                                    "31549526"]
    assert [p.other_names for p in profiles] == [
        ["Esther Duflo"], ["Abhijit Banerjee 0001"], [], []
    ]
    assert (profiles[0].metrics.works_count, profiles[0].metrics.citations,
            profiles[0].metrics.h_index) == (282, 58740, 91)
    assert profiles[3].metrics.h_index == 12
    assert all(p.affiliation is None for p in profiles)


def test_title_match_maps_every_external_id() -> None:
    result = _shared("s2-paper-search-match-chemistry-tools.json")
    listing, work = result.records
    assert isinstance(listing, Listing) and isinstance(work, Work)
    assert listing.title == "Semantic Scholar papers"
    assert listing.total_results is None
    assert listing.work_ids == [work.id]
    assert work.title == "Augmenting large language models with chemistry tools"
    ids = work.identifiers
    assert (ids.arxiv, ids.doi) == ("2304.05376", "10.1038/s42256-024-00832-8")
    assert ids.dblp == "journals/natmi/BranCSBWS24"
    assert (ids.pmid, ids.pmcid) == ("38799228", "PMC11116106")
    assert ids.s2 == "354dcdebf3f8b5feeed5c62090e0bc1f0c28db06"
    assert [a.name for a in work.authors] == [
        "Andrés M Bran", "Sam Cox", "Oliver Schilter", "Carlo Baldassari", "Andrew D. White",
        "P. Schwaller",
    ]
    assert work.authors[0].identifiers.s2 == "2216007369"
    assert work.published == _day("2023-04-11") and work.year == 2023
    assert work.venue == "Nat. Mac. Intell."
    assert work.links == [
        "https://www.semanticscholar.org/paper/354dcdebf3f8b5feeed5c62090e0bc1f0c28db06",
        "https://www.nature.com/articles/s42256-024-00832-8.pdf",
    ]
    assert work.cited_by == 488


def test_search_with_titles_only_is_a_listing_of_a_hundred_works() -> None:
    result = _shared("s2-paper-search-turing-titles.json")
    listing, *works = result.records
    assert isinstance(listing, Listing)
    assert listing.total_results == 70499
    assert (listing.entries_seen, listing.entries_emitted) == (100, 100)
    assert len(works) == 100 and listing.work_ids == [w.id for w in works]
    assert works[0].title == ("Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B, "
                              "A Large-Scale Generative Language Model")
    assert works[0].identifiers.s2 == "7cbc2a7843411a1768ab762930707af0a3c33a19"
    assert works[1].title == ("Quantum theory, the Church–Turing principle and the universal "
                              "quantum computer")
    assert all(w.authors == [] and w.year is None for w in works)


def test_search_url_gives_the_listing_its_query() -> None:
    path = shared_file(f"{S2_DIR}/s2-paper-search-turing-titles.json")
    url = "https://api.semanticscholar.org/graph/v1/paper/search?query=turing&fields=title"
    listing = _parse(path.read_bytes(), url=url).records[0]
    assert isinstance(listing, Listing) and listing.query == "turing"


def test_other_formats_are_not_detected_as_semantic_scholar() -> None:
    parser = get_parser("semantic_scholar")
    checked = 0
    for path in sorted((SHARED / "public-data" / "sources").glob("*/*")):
        if path.parent.name == "semanticscholar" or not path.is_file():
            continue
        if path.name == "README.md":
            continue
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) < 0.5, path.name
        checked += 1
    assert checked >= 20  # every other format's file was looked at


def test_every_shared_s2_file_scores_high() -> None:
    parser = get_parser("semantic_scholar")
    for path in sorted(shared_file(S2_DIR).glob("*.json")):
        assert parser.detect(build_page(path.read_bytes(), as_of=AS_OF)) >= 0.9, path.name


# --- the S2 datasets: one record a line, lower-case keys -----------------------------------------

DATASET_PAPER = {
    "corpusid": 99887766,
    "externalids": {"ACL": None, "DBLP": "conf/acl/KowalskaN22", "ArXiv": "2203.04567",
                    "MAG": None, "CorpusId": "99887766", "PubMed": None,
                    "DOI": "10.18653/V1/2022.ACL-LONG.101", "PubMedCentral": None},
    "url": "https://www.semanticscholar.org/paper/aa11bb22cc33dd44ee55ff6677889900aabbccdd",
    "title": "Cross-lingual   probing of  morphology",
    "authors": [{"authorId": "2111", "name": "Agnieszka Kowalska"},
                {"authorId": "2112", "name": "Nguyễn Văn An"}],
    "venue": "Annual Meeting of the Association for Computational Linguistics",
    "publicationvenueid": None, "year": 2022, "referencecount": 30, "citationcount": 12,
    "influentialcitationcount": 1, "isopenaccess": True,
    "s2fieldsofstudy": [{"category": "Computer Science", "source": "external"},
                        {"category": "Linguistics", "source": "s2-fos-model"}],
    "publicationtypes": ["Conference"], "publicationdate": "2022-05-22",
    "journal": {"name": "", "pages": "1400-1411", "volume": "1"},
}


def test_dataset_paper_row_reads_like_a_graph_api_paper() -> None:
    line = json.dumps(DATASET_PAPER)  # one line of papers/*.jsonl
    result = _parse(line)
    assert result.parser == "semantic_scholar"
    (work,) = result.records
    assert isinstance(work, Work)
    assert work.title == "Cross-lingual probing of morphology"
    assert work.identifiers.s2 == "aa11bb22cc33dd44ee55ff6677889900aabbccdd"  # from the url
    assert work.identifiers.doi == "10.18653/v1/2022.acl-long.101"
    assert (work.identifiers.arxiv, work.identifiers.dblp) == ("2203.04567",
                                                               "conf/acl/KowalskaN22")
    assert work.identifiers.mag is None and work.identifiers.pmid is None
    assert [a.name for a in work.authors] == ["Agnieszka Kowalska", "Nguyễn Văn An"]
    assert work.authors[1].identifiers.s2 == "2112"
    assert work.published == _day("2022-05-22")
    assert work.cited_by == 12
    assert work.keywords == ["Computer Science", "Linguistics"]
    assert work.work_type == "Conference"
    assert work.venue == "Annual Meeting of the Association for Computational Linguistics"


def test_dataset_author_row_is_a_profile() -> None:
    row = {"authorid": "5566778", "externalids": {"DBLP": ["Ngozi Okafor"],
                                                  "ORCID": "0000-0002-1825-0097"},
           "url": "https://www.semanticscholar.org/author/5566778", "name": "N. Okafor",
           "aliases": ["Ngozi Okafor", "N. C. Okafor"], "affiliations": ["University of Lagos"],
           "homepage": None, "papercount": 14, "citationcount": 220, "hindex": 7}
    result = _parse(json.dumps(row))
    assert result.parser == "semantic_scholar"
    (profile,) = result.records
    assert isinstance(profile, Profile)
    assert profile.name == "N. Okafor" and profile.identifiers.s2 == "5566778"
    assert profile.orcid == "0000-0002-1825-0097"
    assert profile.other_names == ["Ngozi Okafor", "N. C. Okafor"]
    assert profile.affiliation == "University of Lagos"
    assert (profile.metrics.works_count, profile.metrics.citations,
            profile.metrics.h_index) == (14, 220, 7)


def test_dataset_abstracts_row_is_refused() -> None:
    row = {"corpusid": 99887766, "openaccessinfo": None, "abstract": "We probe morphology."}
    with pytest.raises(ParseError, match="no title"):
        _parse(json.dumps(row), name="abstracts-row")


# --- lists, bad entries, errors -----------------------------------------------------------------


def test_entry_without_title_is_a_malformed_entry_not_a_silent_gap() -> None:
    page = {"total": 3, "offset": 0, "next": 3, "data": [
        {"paperId": "1" * 40, "title": "Kept"},
        {"paperId": "2" * 40, "title": "  "},
        {"paperId": "3" * 40, "title": "Also kept"},
    ]}
    result = _parse(json.dumps(page), name="search")
    listing, *works = result.records
    assert isinstance(listing, Listing)
    assert [w.title for w in works] == ["Kept", "Also kept"]
    assert [w.provenance.position for w in works] == [0, 2]
    assert (listing.entries_seen, listing.entries_emitted, listing.total_results) == (3, 2, 3)
    (bad,) = result.malformed
    assert isinstance(bad, MalformedEntry) and bad.position == 1
    assert "no title" in bad.message and "2222" in bad.message
    assert [w.code for w in result.warnings] == ["malformed_entry"]


def test_batch_answer_reports_ids_not_found() -> None:
    batch = [{"paperId": "4" * 40, "title": "Found"}, None]
    result = _parse(json.dumps(batch))
    listing, work = result.records
    assert isinstance(listing, Listing) and isinstance(work, Work)
    assert (listing.entries_seen, listing.entries_emitted) == (2, 1)
    assert result.malformed[0].position == 1


def test_single_paper_without_title_gives_a_malformed_entry() -> None:
    result = _parse(json.dumps({"paperId": "5" * 40, "externalIds": {"DOI": "10.1/x"}}))
    assert result.records == []
    assert result.malformed[0].position == 0


def test_bad_identifiers_and_dates_are_dropped_with_warnings() -> None:
    paper = {"paperId": "6" * 40, "title": "T", "year": 2019, "publicationDate": "2019-13-45",
             "externalIds": {"DOI": "not-a-doi", "PubMed": "31415"}}
    (work,) = _parse(json.dumps(paper)).records
    assert isinstance(work, Work)
    assert work.identifiers.doi is None and work.identifiers.pmid == "31415"
    assert work.published == _year(2019)
    assert sorted(w.code for w in work.warnings) == ["bad_date", "bad_identifier"]


@pytest.mark.parametrize("body", [
    {"error": "Paper with id 123 not found"},
    {"message": "Too Many Requests. Please wait and try again or apply for a key.",
     "code": "429"},
])
def test_error_answers_raise_source_error_response(body: dict[str, str]) -> None:
    with pytest.raises(SourceErrorResponse, match="Semantic Scholar answered with an error"):
        _parse(json.dumps(body), name="s2-error",
               url="https://api.semanticscholar.org/graph/v1/paper/123")


def test_error_answer_scores_higher_from_an_s2_url() -> None:
    parser = get_parser("semantic_scholar")
    body = json.dumps({"error": "Not found"})
    plain = parser.detect(build_page(body, as_of=AS_OF))
    at_s2 = parser.detect(build_page(
        body, as_of=AS_OF, url="https://api.semanticscholar.org/graph/v1/author/1"))
    assert 0.5 <= plain < at_s2


def test_unknown_json_shape_is_not_claimed_and_fails_typed_when_forced() -> None:
    parser = get_parser("semantic_scholar")
    page = build_page(json.dumps({"status": "ok", "items": [{"id": 1}]}), as_of=AS_OF)
    assert parser.detect(page) == 0.0
    with pytest.raises(ParseError, match="not a Semantic Scholar record"):
        list(parser.parse(page))


def test_empty_search_answer_is_an_empty_listing() -> None:
    result = _parse(json.dumps({"total": 0, "offset": 0, "data": []}),
                    url="https://api.semanticscholar.org/graph/v1/paper/search?query=zzqx")
    (listing,) = result.records
    assert isinstance(listing, Listing)
    assert (listing.total_results, listing.entries_seen, listing.query) == (0, 0, "zzqx")


def test_citations_endpoint_unwraps_citing_papers() -> None:
    page = {"offset": 0, "data": [
        {"contexts": [], "isInfluential": False,
         "citingPaper": {"paperId": "7" * 40, "title": "Citing <i>paper</i>"}},
    ]}
    listing, work = _parse(json.dumps(page)).records
    assert isinstance(listing, Listing) and isinstance(work, Work)
    assert work.title == "Citing paper" and work.identifiers.s2 == "7" * 40


def test_parse_is_deterministic() -> None:
    path = shared_file(f"{S2_DIR}/s2-paper-search-match-chemistry-tools.json")
    a = [r.model_dump_json() for r in _parse(path.read_bytes()).records]
    b = [r.model_dump_json() for r in _parse(path.read_bytes()).records]
    assert a == b


def test_markup_is_removed_but_formulas_are_kept() -> None:
    paper = {"paperId": "8" * 40, "title": "H<sub>2</sub>O bounds for x<b and c>y",
             "abstract": "We show <i>p</i> &lt; 0.01 for <jats:italic>all</jats:italic>\n  cases."}
    (work,) = _parse(json.dumps(paper)).records
    assert isinstance(work, Work)
    assert work.title == "H2O bounds for x<b and c>y"
    assert work.abstract == "We show p < 0.01 for all cases."


def test_caseless_script_names_are_kept_whole() -> None:
    paper = {"paperId": "9" * 40, "title": "T",
             "authors": [{"authorId": "77672491", "name": "加藤 智美"},
                         {"authorId": "1", "name": "Satoshi Kato"}]}
    (work,) = _parse(json.dumps(paper)).records
    assert isinstance(work, Work)
    cjk, latin = work.authors
    assert (cjk.name, cjk.given, cjk.family) == ("加藤 智美", None, None)
    assert (latin.given, latin.family) == ("Satoshi", "Kato")


def test_a_bad_author_id_costs_the_id_not_the_work() -> None:
    paper = {"paperId": "a" * 40, "title": "T",
             "authors": [{"authorId": "1234567890123456", "name": "Ada Lovelace"}]}
    (work,) = _parse(json.dumps(paper)).records
    assert isinstance(work, Work)
    assert work.authors[0].name == "Ada Lovelace" and work.authors[0].identifiers.s2 is None
    assert [w.code for w in work.warnings] == ["bad_identifier"]
