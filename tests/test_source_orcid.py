"""The orcid parser on real ORCID API v3.0 responses (../shared), its detection, and bad input."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ingest_core import build_page, errors, get_parser, parse_page
from ingest_core.schemas import Listing, Profile, Work
from tests.conftest import FIXTURES, SHARED, shared_file

AS_OF = "2026-12-02"
SOURCES = "public-data/sources"


def parse(path: Path, **kw: Any) -> Any:
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF, **kw)
    assert result.parser == "orcid"
    return result


def parse_json(data: object, **kw: Any) -> Any:
    return parse_page(json.dumps(data).encode(), name="inline.json", as_of=AS_OF, **kw)


def works(records: list[Any]) -> list[Work]:
    return [r for r in records if isinstance(r, Work)]


def day(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


# --- the shared ORCID files ---------------------------------------------------------------


def test_person_eglen_sparse() -> None:
    result = parse(shared_file(f"{SOURCES}/orcid/orcid-v3.0-person-0000-0001-8607-8025.json"))
    assert len(result.records) == 1 and not result.warnings
    profile = result.records[0]
    assert isinstance(profile, Profile)
    assert (profile.name, profile.given, profile.family) == ("Stephen Eglen", "Stephen", "Eglen")
    assert profile.orcid == "0000-0001-8607-8025"
    assert profile.links == ["https://sje30.github.io"]
    assert profile.other_names == [] and profile.interests == []
    assert profile.headline is None and profile.affiliation is None
    assert profile.entries_seen == 0 and profile.work_ids == []
    assert profile.source == "orcid" and profile.provenance.position is None


def test_person_boettiger_without_his_emails() -> None:
    path = shared_file(f"{SOURCES}/orcid/orcid-v3.0-person-0000-0002-1642-628X.json")
    assert b"cboettig@gmail.com" in path.read_bytes()  # the file does hold his addresses
    result = parse(path)
    profile = result.records[0]
    assert isinstance(profile, Profile) and len(result.records) == 1
    assert profile.name == "Carl Boettiger"
    assert (profile.given, profile.family) == ("Carl", "Boettiger")
    assert profile.orcid == "0000-0002-1642-628X"
    assert profile.headline == "http://carlboettiger.info"
    assert profile.links == [
        "http://www.carlboettiger.info",
        "https://twitter.com/cboettig",
        "https://github.com/cboettig",
        "https://keybase.io/cboettig",
    ]
    assert profile.interests == ["Ecology, Evolution, Regime Shifts, Stochastic Dynamics"]
    assert "@" not in profile.model_dump_json()  # no e-mail address in any field


def test_search_is_a_listing_of_no_works_that_says_why() -> None:
    result = parse(shared_file(f"{SOURCES}/orcid/orcid-v3.0-search-q-carl+boettiger.json"))
    assert len(result.records) == 1
    listing = result.records[0]
    assert isinstance(listing, Listing)
    assert listing.title == "ORCID search"
    assert listing.total_results == 3893
    assert (listing.entries_seen, listing.entries_emitted, listing.work_ids) == (0, 0, [])
    assert [w.code for w in listing.warnings] == ["no_works"]
    assert "100 bare ORCID iDs" in listing.warnings[0].message
    assert listing.query is None  # no URL given: the body does not repeat the query


def test_search_query_comes_from_the_url() -> None:
    path = shared_file(f"{SOURCES}/orcid/orcid-v3.0-search-q-carl+boettiger.json")
    result = parse(path, url="https://pub.orcid.org/v3.0/search/?q=carl+boettiger")
    assert result.records[0].query == "carl boettiger"


def test_single_work_authors_from_bibtex() -> None:
    path = shared_file(f"{SOURCES}/orcid/orcid-v3.0-work-0000-0002-0734-2199-40038622.json")
    result = parse(path)
    assert len(result.records) == 1
    work = result.records[0]
    assert isinstance(work, Work) and work.provenance.position == 0
    assert work.title == "Introducing an R package for luminescence dating analysis"
    assert [(a.name, a.given, a.family) for a in work.authors] == [
        ("Sebastian Kreutzer", "Sebastian", "Kreutzer"),
        ("Christoph Schmidt", "Christoph", "Schmidt"),
        ("Margret C Fuchs", "Margret C", "Fuchs"),
        ("Michael Dietze", "Michael", "Dietze"),
        ("Manfred Fischer", "Manfred", "Fischer"),
        ("Markus Fuchs", "Markus", "Fuchs"),
    ]
    assert all(a.orcid is None and a.affiliations == [] for a in work.authors)
    assert work.author_count == 6 and work.authors_complete is True
    assert work.published is not None
    assert (work.published.date, work.published.precision) == (day(2012, 1, 1), "year")
    assert work.year == 2012
    assert work.venue == "Ancient TL" and work.work_type == "journal-article"
    assert work.links == [
        "http://www.ecu.edu/cs-cas/physics/Ancient-Timeline/upload/ATL_30-1-Kreutzer.pdf"
    ]
    assert work.identifiers.model_dump(exclude_none=True) == {}  # external-ids is null
    assert work.abstract is None and work.warnings == []


def test_works_list_one_work_per_group() -> None:
    result = parse(shared_file(f"{SOURCES}/orcid/orcid-v3.0-works-0000-0001-8607-8025.json"))
    head, found = result.records[0], works(result.records)
    assert isinstance(head, Listing)
    assert head.title == "ORCID works of 0000-0001-8607-8025"
    assert head.query is None and head.total_results == 74
    assert len(result.records) == 75 and not result.warnings
    assert (head.entries_seen, head.entries_emitted) == (74, 74)
    assert head.work_ids == [w.id for w in found]
    assert [w.provenance.position for w in found] == list(range(74))

    first = found[0]
    assert first.title == "Open Code and Peer Review"
    assert first.work_type == "journal-article" and first.venue == "Open Science Talk"
    assert first.published is not None
    assert (first.published.date, first.published.precision) == (day(2020, 2, 4), "day")
    assert first.identifiers.doi == "10.7557/19.5311"
    assert first.links == ["https://doi.org/10.7557/19.5311"]
    assert first.authors == [] and first.author_count is None

    # a group of two summaries with equal display-index: the first (Europe PMC) is preferred;
    # its pmid and pmc ids, and the DOI in lower case
    tuning = found[10]
    assert tuning.title.startswith("Homeostatic Activity-Dependent Tuning of Recurrent Networks")
    assert tuning.venue is None and tuning.links == ["http://europepmc.org/abstract/med/27030758"]
    assert tuning.published is not None
    assert (tuning.published.date, tuning.published.precision) == (day(2016, 3, 1), "month")
    assert tuning.identifiers.model_dump(exclude_none=True) == {
        "doi": "10.1523/jneurosci.2511-15.2016", "pmid": "27030758", "pmcid": "PMC4812132",
    }
    assert found[15].venue == "BMC Neurosci" and found[15].links == []

    # Europe PMC's month "00" is an unknown month: a year-precision date, not none
    drosophila = found[26]
    assert drosophila.published is not None
    assert (drosophila.published.date, drosophila.published.precision) == (
        day(2013, 1, 1), "year")
    assert drosophila.identifiers.pmcid == "PMC3616270"

    assert sum(w.published is None for w in found) == 14
    assert Counter(w.published.precision for w in found if w.published) == {
        "month": 34, "day": 13, "year": 13}
    assert Counter(w.work_type for w in found) == {
        "journal-article": 50, "other": 20, "report": 2, "data-set": 1, "conference-abstract": 1}
    assert found[23].work_type == "data-set" and found[23].identifiers.doi == "10.5524/100089"
    last = found[73]
    assert last.title == "Unsupervised Discovery of Invariances" and last.published is None
    assert last.year is None and last.identifiers.model_dump(exclude_none=True) == {}
    assert sum(1 for w in found if w.identifiers.doi) == 54
    assert sum(1 for w in found if w.identifiers.pmid) == 40


# --- detection ------------------------------------------------------------------------------


def _other_format_files() -> list[Path]:
    root = SHARED / SOURCES
    files = sorted(p for p in root.glob("*/*") if p.is_file() and p.parent.name != "orcid")
    return files


def test_other_formats_are_not_detected_as_orcid() -> None:
    files = _other_format_files()
    assert len(files) >= 20, f"expected the other formats' files under {SHARED / SOURCES}"
    parser = get_parser("orcid")
    for path in files:
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) < 0.5, path.name


def test_every_orcid_file_scores_high() -> None:
    parser = get_parser("orcid")
    paths = sorted((SHARED / SOURCES / "orcid").glob("*.json"))
    assert len(paths) == 5
    for path in paths:
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) >= 0.9, path.name
    url_page = build_page(paths[0].read_bytes(), as_of=AS_OF,
                          url="https://pub.orcid.org/v3.0/0000-0001-8607-8025/person")
    assert parser.detect(url_page) == 1.0


def test_json_without_orcid_keys_and_other_kinds_score_zero() -> None:
    parser = get_parser("orcid")
    for content in ('{"name": "x", "path": "/a"}', "[1, 2]", '{"group": [{"x": 1}]}',
                    "<person><name>x</name></person>", "Plain text about ORCID works"):
        assert parser.detect(build_page(content, as_of=AS_OF)) == 0.0, content


# --- bad input --------------------------------------------------------------------------------


def test_orcid_error_answer_is_a_source_error() -> None:
    error = {"response-code": 404, "developer-message": "404 Not Found: The resource was not "
             "found.", "user-message": "The resource was not found.", "error-code": 9016,
             "more-info": "https://members.orcid.org/api/resources/troubleshooting"}
    with pytest.raises(errors.SourceErrorResponse) as info:
        parse_json(error)
    assert "9016" in str(info.value) and "HTTP 404" in str(info.value)


def test_person_with_private_name_is_a_parse_error() -> None:
    person: dict[str, Any] = {"name": None, "researcher-urls": {"researcher-url": []},
              "path": "/0000-0002-7182-8185/person"}
    with pytest.raises(errors.ParseError, match="no name"):
        parse_json(person)


def test_forcing_orcid_on_another_format_is_a_mismatch() -> None:
    path = shared_file(f"{SOURCES}/crossref/crossref-work-10.1371_journal.pone.0033693.json")
    with pytest.raises(errors.ParserMismatch):
        parse_page(path.read_bytes(), name=str(path), as_of=AS_OF, parser="orcid")


def test_parse_of_a_non_orcid_page_raises_parse_error() -> None:
    page = build_page('{"message-type": "work", "message": {}}', as_of=AS_OF, name="x.json")
    with pytest.raises(errors.ParseError, match="not an ORCID"):
        list(get_parser("orcid").parse(page))


def _summary(title: object, **more: Any) -> dict[str, Any]:
    return {"put-code": 1, "title": {"title": title}, "type": "journal-article",
            "publication-date": None, "display-index": "0",
            "path": "/0000-0002-7182-8185/work/1", **more}


def test_group_without_title_is_a_malformed_entry() -> None:
    data = {"group": [
        {"work-summary": [_summary({"value": "A titled work"})]},
        {"work-summary": [_summary(None)]},
        {"work-summary": []},
    ], "path": "/0000-0002-7182-8185/works"}
    result = parse_json(data)
    head = result.records[0]
    assert isinstance(head, Listing) and head.title == "ORCID works of 0000-0002-7182-8185"
    assert (head.entries_seen, head.entries_emitted) == (3, 1)
    assert [w.title for w in works(result.records)] == ["A titled work"]
    assert [m.position for m in result.malformed] == [1, 2]
    assert all(w.code == "malformed_entry" for w in result.warnings)


def test_preferred_summary_is_the_highest_display_index() -> None:
    data = {"group": [{"work-summary": [
        _summary({"value": "Self-entered title"}, **{"display-index": "0"}),
        _summary({"value": "Crossref title"}, **{"display-index": "2",
                 "journal-title": {"value": "J. Test"}}),
        _summary({"value": "Other title"}, **{"display-index": "1"}),
    ]}], "path": "/0000-0002-7182-8185/works"}
    [work] = works(parse_json(data).records)
    assert work.title == "Crossref title" and work.venue == "J. Test"


def test_bad_identifier_is_dropped_with_a_warning() -> None:
    ids = {"external-id": [
        {"external-id-type": "pmid", "external-id-value": "not-a-pmid",
         "external-id-relationship": "self"},
        {"external-id-type": "arxiv", "external-id-value": "nonsense",
         "external-id-relationship": "self"},
        {"external-id-type": "doi", "external-id-value": "10.1000/journal.x",
         "external-id-relationship": "part-of"},
    ]}
    data = {"group": [{"work-summary": [_summary({"value": "T"}, **{"external-ids": ids})]}],
            "path": "/0000-0002-7182-8185/works"}
    [work] = works(parse_json(data).records)
    assert work.identifiers.model_dump(exclude_none=True) == {}  # part-of DOI is not the work's
    assert sorted(w.message.split(":")[0] for w in work.warnings) == ["arxiv", "pmid"]
    assert all(w.code == "bad_identifier" and w.position == 0 for w in work.warnings)


# --- other layouts the issue asks for ---------------------------------------------------------


def test_v21_work_with_uppercase_enums_and_contributors() -> None:
    work = {
        "put-code": 7, "path": "/0000-0002-7182-8185/work/7",
        "title": {"title": {"value": "Ondes de marée"}, "subtitle": None},
        "type": "JOURNAL_ARTICLE",
        "publication-date": {"year": {"value": "1999"}, "month": {"value": "07"},
                             "day": None, "media-type": None},
        "external-ids": {"external-id": [{"external-id-type": "doi",
                                          "external-id-value": "10.1000/ABC.1",
                                          "external-id-relationship": "SELF"}]},
        "contributors": {"contributor": [
            {"contributor-orcid": {"path": "0000-0002-7182-8185"},
             "credit-name": {"value": "Élodie Marchand"}, "contributor-email": None,
             "contributor-attributes": {"contributor-sequence": "FIRST",
                                        "contributor-role": "AUTHOR"}},
            {"credit-name": {"value": "Paul Roux"},
             "contributor-attributes": {"contributor-role": "EDITOR"}},
        ]},
        "citation": {"citation-type": "BIBTEX", "citation-value": "@article{x, author={Z, Z}}"},
    }
    result = parse_json(work)
    [found] = result.records
    assert isinstance(found, Work)
    assert found.work_type == "journal-article" and found.identifiers.doi == "10.1000/abc.1"
    assert [(a.name, a.given, a.family, a.orcid) for a in found.authors] == [
        ("Élodie Marchand", "Élodie", "Marchand", "0000-0002-7182-8185")]
    assert found.authors_complete is False and found.author_count is None
    assert found.published is not None and found.published.precision == "month"


def test_whole_record_with_private_name_lists_its_works() -> None:
    record = {"orcid-identifier": {"path": "0000-0002-7182-8185"},
              "person": {"name": None, "path": "/0000-0002-7182-8185/person"},
              "activities-summary": {"works": {"group": [
                  {"work-summary": [_summary({"value": "Only work"})]}]}},
              "path": "/0000-0002-7182-8185"}
    result = parse_json(record)
    head = result.records[0]
    assert isinstance(head, Listing) and head.title == "ORCID works of 0000-0002-7182-8185"
    assert [w.code for w in head.warnings] == ["no_name"]
    assert [w.title for w in works(result.records)] == ["Only work"]


def test_activities_and_bulk_are_listings() -> None:
    activities = {"employments": {"affiliation-group": []},
                  "works": {"group": [{"work-summary": [_summary({"value": "W1"})]}],
                            "path": "/0000-0002-7182-8185/works"},
                  "path": "/0000-0002-7182-8185/activities"}
    result = parse_json(activities)
    assert result.records[0].title == "ORCID works of 0000-0002-7182-8185"
    assert [w.title for w in works(result.records)] == ["W1"]

    bulk = {"bulk": [
        {"work": {**_summary({"value": "Bulk work"}), "contributors": {"contributor": []}}},
        {"error": {"response-code": 404, "developer-message": "put-code 9 not found",
                   "error-code": 9016}},
    ]}
    result = parse_json(bulk)
    head = result.records[0]
    assert isinstance(head, Listing) and (head.entries_seen, head.entries_emitted) == (2, 1)
    assert [w.title for w in works(result.records)] == ["Bulk work"]
    assert "put-code 9 not found" in result.malformed[0].message


def test_expanded_search_is_a_listing_of_people() -> None:
    data = {"expanded-result": [{"orcid-id": "0000-0002-7182-8185", "given-names": "Ana",
                                 "family-names": "Ruiz", "email": ["ana@example.org"],
                                 "institution-name": ["Universidad de Sevilla"]}],
            "num-found": 1}
    result = parse_json(data)
    [listing] = result.records
    assert isinstance(listing, Listing) and listing.total_results == 1
    assert "people" in listing.warnings[0].message
    assert "@" not in listing.model_dump_json()


def test_record_fixture_reads_current_employment_and_no_email() -> None:
    path = FIXTURES / "orcid" / "record_v30_employment_email.json"
    result = parse(path)
    profile = result.records[0]
    assert isinstance(profile, Profile)
    assert profile.affiliation == "Institut de Ciències del Mar (ICM-CSIC)"  # not the ended one
    assert profile.name == "M. J. Núñez-García" and profile.given == "María José"
    assert profile.metrics.works_count == 4
    assert profile.links == ["https://kelp-lab.example.org/people/nunez"]  # mailto: dropped
    assert all("@" not in r.model_dump_json() for r in result.records)
    assert [m.position for m in result.malformed] == [2]


def test_links_keep_at_sign_urls_but_never_email_addresses() -> None:
    urls = ["https://medium.com/@ana", "mailto:ana@example.org", "ana@example.org"]
    person = {"name": {"given-names": {"value": "Ana"}, "family-name": {"value": "Ruiz"}},
              "researcher-urls": {"researcher-url": [{"url": {"value": u}} for u in urls]},
              "biography": {"content": "Write to ana@example.org or see https://medium.com/@ana"},
              "path": "/0000-0002-7182-8185/person"}
    [profile] = parse_json(person).records
    assert profile.links == ["https://medium.com/@ana"]
    assert profile.headline == "Write to or see https://medium.com/@ana"
