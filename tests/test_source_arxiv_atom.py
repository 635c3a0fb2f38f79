"""The arXiv API Atom parser: the real shared feeds, detection, and the pages that must fail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ingest_core import Page, build_page, errors, get_parser, parse_page
from ingest_core.schemas import Listing, PublishedDate, Work
from tests.conftest import shared_file

AS_OF = "2026-12-02"
ARXIV = "public-data/sources/arxiv/"
ATOM = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def parse(path: Path) -> tuple[Listing, list[Work], Any]:
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert result.parser == "arxiv_atom"
    head, rest = result.records[0], result.records[1:]
    assert isinstance(head, Listing)
    assert all(isinstance(r, Work) for r in rest)
    assert head.work_ids == [r.id for r in rest]
    return head, [r for r in rest if isinstance(r, Work)], result


def day(value: str) -> PublishedDate:
    return PublishedDate(date=dt.date.fromisoformat(value), precision="day")


def names(work: Work) -> list[str]:
    return [a.name for a in work.authors]


def feed(entries: str, *, head: str = "", prefix_decl: str = "") -> bytes:
    """A 2026-layout feed around ``entries``."""
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="{OPENSEARCH}" xmlns:arxiv="{ARXIV_NS}" xmlns="{ATOM}" {prefix_decl}>
  <id>https://arxiv.org/api/dGVzdA</id>
  <title>arXiv Query: search_query=all:ice&amp;id_list=&amp;start=0&amp;max_results=10</title>
  <updated>2026-11-30T08:00:00Z</updated>
  {head}
  <opensearch:totalResults>12</opensearch:totalResults>
  {entries}
</feed>""".encode()


ENTRY = """<entry>
    <id>http://arxiv.org/abs/2401.00001v4</id>
    <title>{title}</title>
    <updated>2024-02-01T10:00:00Z</updated>
    <published>2024-01-01T23:30:00Z</published>
    <summary>Short abstract.</summary>
    <author><name>Ada Ice</name></author>
    <arxiv:primary_category term="physics.ao-ph"/>
    {extra}
  </entry>"""


# --- the shared real feeds ----------------------------------------------------------------


def test_2016_idlist_feed() -> None:
    head, found, result = parse(shared_file(ARXIV + "arxiv-2016-idlist-1111.2011v2.atom.xml"))
    assert head.title == "arXiv query: 1111.2011v2"
    assert head.query == "1111.2011v2"
    assert head.total_results == 1
    assert (head.entries_seen, head.entries_emitted) == (1, 1)
    assert result.warnings == []
    [work] = found
    assert work.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert names(work) == ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    assert all(a.affiliations == [] and a.orcid is None for a in work.authors)
    assert (work.author_count, work.authors_complete) == (3, True)
    assert work.abstract is not None
    assert work.abstract.startswith("Theoretical description of anisotropic systems, such as")
    assert work.abstract.endswith("dimension to the theory describing a single node.")
    assert "\n" not in work.abstract and "  " not in work.abstract
    assert "such as layered superconductors and coupled" in work.abstract  # joined across lines
    assert work.published == day("2011-11-08")
    assert work.updated == day("2012-04-02")
    assert work.year == 2011
    assert work.identifiers.arxiv == "1111.2011"
    assert work.identifiers.arxiv_version == 2
    assert work.identifiers.doi == "10.1103/physrevb.85.115117"
    assert work.venue == "Phys. Rev. B 85, 115117 (2012)"
    assert work.category == "cond-mat.str-el"
    assert work.keywords == ["cond-mat.str-el", "cond-mat.stat-mech"]
    assert work.work_type == "preprint"
    assert work.links == [
        "http://dx.doi.org/10.1103/PhysRevB.85.115117",
        "http://arxiv.org/abs/1111.2011v2",
        "http://arxiv.org/pdf/1111.2011v2",
    ]
    assert work.source == "arxiv"
    assert work.provenance.position == 0


def test_2026_error_feed_is_a_source_error_never_a_work() -> None:
    path = shared_file(ARXIV + "arxiv-2026-error-400-id_list-abc.atom.xml")
    page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert get_parser("arxiv_atom").detect(page) >= 0.9  # it is ours to refuse
    with pytest.raises(errors.SourceErrorResponse) as info:
        parse_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert "incorrect id format for abc" in str(info.value)
    assert info.value.parser == "arxiv_atom"
    assert str(path) in str(info.value)


def test_2026_id_feed_with_34_authors() -> None:
    head, [work], _ = parse(shared_file(ARXIV + "arxiv-2026-id-1707.08567.atom.xml"))
    assert head.title == "arXiv query: 1707.08567"
    assert (head.query, head.total_results) == ("1707.08567", 1)
    assert work.title == (
        "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    )
    assert len(work.authors) == 34 and work.author_count == 34 and work.authors_complete
    assert names(work)[:2] == ["Kees A. Schouhamer Immink", "Stan Baggen"]
    assert names(work)[4] == "Peter H. N. de With"
    assert names(work)[-2:] == ["Dirk Wübben", "Hirosuke Yamamoto"]
    assert (work.identifiers.arxiv, work.identifiers.arxiv_version) == ("1707.08567", 1)
    assert work.identifiers.doi is None and work.venue is None
    assert work.published == work.updated == day("2017-07-27")
    assert (work.year, work.category, work.keywords) == (2017, "cs.IT", ["cs.IT"])
    assert work.links == ["https://arxiv.org/abs/1707.08567v1", "https://arxiv.org/pdf/1707.08567v1"]
    assert work.abstract is not None and work.abstract.startswith("The 10th Asia-Europe workshop")


def test_2026_title_zero_is_a_title() -> None:
    head, [work], result = parse(shared_file(ARXIV + "arxiv-2026-id-2104.12255v1.atom.xml"))
    assert result.warnings == [] and result.malformed == []
    assert head.query == "2104.12255v1"
    assert work.title == "0"
    assert names(work) == ["Quan Thoi Minh Nguyen"]
    assert (work.identifiers.arxiv, work.identifiers.arxiv_version) == ("2104.12255", 1)
    assert (work.category, work.keywords) == ("cs.CR", ["cs.CR"])
    assert work.published == day("2021-04-20") and work.year == 2021


def test_2026_old_style_versioned_id() -> None:
    head, [work], _ = parse(shared_file(ARXIV + "arxiv-2026-id-quant-ph_0201082v1.atom.xml"))
    assert head.title == "arXiv query: quant-ph/0201082v1"
    assert work.identifiers.arxiv == "quant-ph/0201082"
    assert work.identifiers.arxiv_version == 1
    assert work.title == (
        "Quantum Computers and Quantum Computer Languages: Quantum Assembly Language and "
        "Quantum C Language"
    )
    assert names(work) == ["Stephen Blaha"]
    assert work.published == day("2002-01-18") and work.year == 2002
    assert (work.category, work.keywords) == ("quant-ph", ["quant-ph", "cs.PL"])
    assert work.venue is None and work.identifiers.doi is None
    assert work.abstract is not None and work.abstract.startswith("We show a representation")


def test_2026_search_feed() -> None:
    head, found, result = parse(
        shared_file(ARXIV + "arxiv-2026-search-testing-start0-max10.atom.xml")
    )
    assert head.title == "arXiv query: all:testing"
    assert head.query == "all:testing"
    assert head.total_results == 214881
    assert (head.entries_seen, head.entries_emitted, len(found)) == (10, 10, 10)
    assert result.warnings == []
    assert [w.provenance.position for w in found] == list(range(10))
    assert [w.identifiers.arxiv for w in found] == [
        "2202.12139", "2405.13786", "2005.14124", "2204.08348", "2302.03287",
        "1202.4527", "2503.05378", "1205.1866", "2502.07719", "1812.11470",
    ]
    assert [w.identifiers.arxiv_version for w in found] == [1, 1, 2, 3, 3, 1, 2, 1, 2, 1]
    assert sum(w.identifiers.doi is not None for w in found) == 6
    assert min(w.year or 0 for w in found) == 2012 and max(w.year or 0 for w in found) == 2025
    first = found[0]
    assert first.title == (
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )
    assert names(first) == ["Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"]
    assert first.identifiers.doi == "10.1109/icstw55395.2022.00035"
    assert first.venue is not None and first.venue.startswith("Artificial Intelligence in Software")
    assert first.links == [
        "https://arxiv.org/abs/2202.12139v1",
        "https://arxiv.org/pdf/2202.12139v1",
        "https://doi.org/10.1109/ICSTW55395.2022.00035",
    ]
    assert (first.category, first.keywords) == ("cs.SE", ["cs.SE", "cs.LG"])
    assert first.published == first.updated == day("2022-02-24")
    second = found[1]
    assert names(second) == ["Aurora Ramírez", "Mario Berrios", "José Raúl Romero", "Robert Feldt"]
    assert found[2].published == day("2020-05-28") and found[2].updated == day("2020-07-16")
    assert found[2].keywords == ["cs.SE", "cs.CR", "cs.LG"]
    assert found[4].title == "ChatGPT and Software Testing Education: Promises & Perils"
    assert found[5].venue == (
        "International Journal of Software Engineering & Applications (IJSEA), Vol.3, No.1, "
        "January 2012"
    )
    assert found[6].venue is None and found[6].identifiers.doi is None
    assert (found[7].category, found[7].identifiers.doi) == ("cs.AR", "10.5121/vlsic.2012.3205")
    last = found[9]
    assert last.abstract is not None and "\n" not in last.abstract
    assert "as a whole. Objective. In this systematic review" in last.abstract
    assert names(last) == ["Yauhen Leanidavich Arnatovich", "Lipo Wang"]
    assert all(w.work_type == "preprint" and w.authors_complete for w in found)


def test_every_shared_arxiv_feed_is_detected_with_confidence() -> None:
    parser = get_parser("arxiv_atom")
    folder = shared_file("public-data/sources/arxiv")
    files = sorted(folder.iterdir())
    assert len(files) == 6
    for path in files:
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) >= 0.9, path.name


def test_other_formats_are_not_claimed() -> None:
    parser = get_parser("arxiv_atom")
    root = shared_file("public-data/sources")
    others = [p for p in sorted(root.glob("*/*")) if p.parent.name != "arxiv"]
    assert len(others) >= 20
    for path in others:
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) < 0.5, path.name
    dblp = build_page(shared_file("public-data/sources/dblp/dblp-pid-95-7448-1.xml").read_bytes())
    assert dblp.kind == "xml" and parser.detect(dblp) == 0.0


# --- edge cases the issue names -------------------------------------------------------------


def test_entry_without_title_is_a_malformed_entry_and_the_rest_survives() -> None:
    entries = ENTRY.format(title="", extra="") + ENTRY.format(title="Sea Ice 2", extra="")
    result = parse_page(feed(entries), name="no-title.xml", as_of=AS_OF)
    head, *found = result.records
    assert isinstance(head, Listing)
    assert (head.entries_seen, head.entries_emitted) == (2, 1)
    assert [w.title for w in found if isinstance(w, Work)] == ["Sea Ice 2"]
    assert found[0].provenance.position == 1
    [bad] = result.malformed
    assert isinstance(bad, errors.MalformedEntry) and bad.position == 0
    assert "title" in bad.message
    assert [w.code for w in result.warnings] == ["malformed_entry"]


def test_entry_with_no_title_element_at_all() -> None:
    entry = "<entry><id>http://arxiv.org/abs/2401.00002v1</id><summary>x</summary></entry>"
    result = parse_page(feed(entry), name="no-title-element.xml", as_of=AS_OF)
    assert len(result.records) == 1 and len(result.malformed) == 1


def test_feed_with_zero_entries_is_an_empty_listing() -> None:
    data = feed("").replace(b">12<", b">0<")
    result = parse_page(data, name="empty.xml", as_of=AS_OF)
    assert result.parser == "arxiv_atom"
    [head] = result.records
    assert isinstance(head, Listing)
    assert (head.title, head.query, head.total_results) == ("arXiv query: all:ice", "all:ice", 0)
    assert (head.entries_seen, head.entries_emitted, head.work_ids) == (0, 0, [])


def test_not_well_formed_feed_is_a_parse_error_naming_the_xml_error() -> None:
    data = feed(ENTRY.format(title="Sea Ice", extra=""))[:-40]  # cut mid-entry
    page = build_page(data, name="cut.xml", as_of=AS_OF)
    assert page.tree is None and page.xml_error
    assert get_parser("arxiv_atom").detect(page) >= 0.5
    with pytest.raises(errors.ParseError) as info:
        parse_page(data, name="cut.xml", as_of=AS_OF)
    assert type(info.value) is errors.ParseError
    assert page.xml_error in str(info.value)
    assert "cut.xml" in str(info.value)


def test_well_formed_xml_that_is_not_a_feed_is_refused() -> None:
    parser = get_parser("arxiv_atom")
    page = build_page(b"<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>")
    assert parser.detect(page) == 0.0
    with pytest.raises(errors.ParseError, match="not an Atom <feed>"):
        list(parser.parse(page))
    json_page = build_page(b'{"feed": {"entry": []}, "arxiv": true}')
    assert parser.detect(json_page) == 0.0


def test_a_paper_titled_error_is_a_work() -> None:
    result = parse_page(feed(ENTRY.format(title="Error", extra="")), name="e.xml", as_of=AS_OF)
    work = result.records[1]
    assert isinstance(work, Work) and work.title == "Error"


def test_error_entry_is_recognised_by_its_id_in_any_feed() -> None:
    entry = """<entry><id>https://arxiv.org/api/errors#start_must_be_an_integer</id>
      <title>Error</title><summary>start must be an integer</summary></entry>"""
    with pytest.raises(errors.SourceErrorResponse, match="start must be an integer"):
        parse_page(feed(entry), name="err.xml", as_of=AS_OF)


def test_namespaces_are_read_by_uri_not_prefix() -> None:
    body = f"""<?xml version="1.0"?>
<atom:feed xmlns:atom="{ATOM}" xmlns:os="{OPENSEARCH}" xmlns:ax="{ARXIV_NS}">
  <atom:title>arXiv Query: search_query=&amp;id_list=2401.00001&amp;start=0</atom:title>
  <atom:id>https://arxiv.org/api/cHJlZml4</atom:id>
  <os:totalResults>1</os:totalResults>
  <atom:entry>
    <atom:id>http://arxiv.org/abs/2401.00001v4</atom:id>
    <atom:published>2024-01-01T23:30:00Z</atom:published>
    <atom:title>Prefixes Do Not Matter</atom:title>
    <atom:author><atom:name>Ada Ice</atom:name><ax:affiliation>Polar Lab</ax:affiliation>
    </atom:author>
    <ax:doi>10.5555/Prefix.1</ax:doi>
    <ax:journal_ref>Ice J. 1 (2024)</ax:journal_ref>
    <ax:primary_category term="physics.ao-ph"/>
    <atom:category term="physics.ao-ph"/><atom:category term="cs.LG"/>
  </atom:entry>
</atom:feed>""".encode()
    head, [work], _ = parse_from_bytes(body)
    assert (head.query, head.total_results) == ("2401.00001", 1)
    assert work.title == "Prefixes Do Not Matter"
    assert work.authors[0].affiliations == ["Polar Lab"]
    assert work.identifiers.doi == "10.5555/prefix.1"
    assert (work.identifiers.arxiv, work.identifiers.arxiv_version) == ("2401.00001", 4)
    assert (work.venue, work.category, work.keywords) == (
        "Ice J. 1 (2024)", "physics.ao-ph", ["physics.ao-ph", "cs.LG"]
    )
    assert work.published == day("2024-01-01")


def parse_from_bytes(data: bytes) -> tuple[Listing, list[Work], Any]:
    result = parse_page(data, name="inline.xml", as_of=AS_OF)
    assert result.parser == "arxiv_atom"
    head = result.records[0]
    assert isinstance(head, Listing)
    return head, [r for r in result.records[1:] if isinstance(r, Work)], result


def test_affiliations_bad_doi_and_nameless_author() -> None:
    extra = """<author><name>Bo  Frost</name>
        <arxiv:affiliation>Ice Institute</arxiv:affiliation>
        <arxiv:affiliation> Ice Institute </arxiv:affiliation>
        <arxiv:affiliation>Snow College</arxiv:affiliation></author>
      <author><name> </name></author>
      <arxiv:doi>not-a-doi</arxiv:doi>"""
    _, [work], _ = parse_from_bytes(feed(ENTRY.format(title="Sea  Ice\n  Again", extra=extra)))
    assert work.title == "Sea Ice Again"
    assert names(work) == ["Ada Ice", "Bo Frost"]
    assert work.authors[1].affiliations == ["Ice Institute", "Snow College"]
    assert work.author_count == 3 and work.authors_complete is False
    assert work.identifiers.doi is None
    codes = [w.code for w in work.warnings]
    assert "bad_identifier" in codes and "author_without_name" in codes
    assert work.identifiers.arxiv_version == 4
    assert work.published == day("2024-01-01") and work.updated == day("2024-02-01")


def test_opensearch_query_element_gives_the_query() -> None:
    head_xml = '<opensearch:Query role="request" searchTerms="ti:sea AND au:ice" startPage="1"/>'
    head, _, _ = parse_from_bytes(feed("", head=head_xml))
    assert head.query == "ti:sea AND au:ice"
    assert head.title == "arXiv query: ti:sea AND au:ice"


def test_generic_atom_feed_is_not_claimed() -> None:
    blog = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="{ATOM}"><title>A blog</title><id>urn:uuid:60a76c80</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title>Post</title><id>urn:uuid:1225c695</id><updated>2026-01-01T00:00:00Z</updated>
</entry></feed>""".encode()
    assert get_parser("arxiv_atom").detect(build_page(blog)) < 0.5


def test_url_is_only_a_small_bonus() -> None:
    parser = get_parser("arxiv_atom")
    data = feed("")
    plain = parser.detect(build_page(data))
    with_url = parser.detect(build_page(data, url="https://export.arxiv.org/api/query?id_list=1"))
    assert plain >= 0.9 and with_url >= plain
    blog = build_page(b"<rss/>", url="https://export.arxiv.org/api/query?id_list=1")
    assert parser.detect(blog) == 0.0


def test_parse_is_pure() -> None:
    path = shared_file(ARXIV + "arxiv-2026-search-testing-start0-max10.atom.xml")
    first = parse_page(path.read_bytes(), as_of=AS_OF).records
    again = parse_page(path.read_bytes(), as_of=AS_OF).records
    assert [r.model_dump() for r in first] == [r.model_dump() for r in again]


def test_empty_2016_layout_feed_is_still_unmistakable() -> None:
    empty = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="{ATOM}">
  <link href="http://arxiv.org/api/query?search_query%3Dau%3ANobody%26id_list%3D" rel="self"/>
  <title type="html">ArXiv Query: search_query=au:Nobody&amp;id_list=&amp;start=0</title>
  <id>http://arxiv.org/api/ZW1wdHk</id>
  <opensearch:totalResults xmlns:opensearch="{OPENSEARCH}">0</opensearch:totalResults>
</feed>""".encode()
    assert get_parser("arxiv_atom").detect(build_page(empty)) >= 0.9
    head, found, _ = parse_from_bytes(empty)
    assert (head.query, head.total_results, found) == ("au:Nobody", 0, [])


def test_query_falls_back_to_the_feed_link() -> None:
    head_xml = (
        '<link href="http://arxiv.org/api/query?search_query%3Dcat%3Aastro-ph%26id_list%3D'
        '%26start%3D0" rel="self" type="application/atom+xml"/>'
    )
    data = feed("", head=head_xml).replace(b"arXiv Query: search_query=all:ice", b"Results")
    head, _, _ = parse_from_bytes(data)
    assert (head.query, head.title) == ("cat:astro-ph", "arXiv query: cat:astro-ph")


def test_generic_atom_search_feed_with_opensearch_is_not_claimed() -> None:
    other = f"""<?xml version="1.0"?>
<feed xmlns="{ATOM}" xmlns:opensearch="{OPENSEARCH}"><title>Library search</title>
<id>urn:uuid:5e1c</id><opensearch:totalResults>3</opensearch:totalResults></feed>""".encode()
    assert get_parser("arxiv_atom").detect(build_page(other)) < 0.5


def test_entry_id_that_is_not_an_arxiv_id_is_dropped_with_a_warning() -> None:
    entry = ENTRY.format(title="Odd Id", extra="").replace("2401.00001v4", "not-an-id")
    _, [work], _ = parse_from_bytes(feed(entry))
    assert work.identifiers.arxiv is None and work.identifiers.arxiv_version is None
    assert [w.code for w in work.warnings] == ["bad_identifier"]


def test_detection_of_a_broken_page_is_linear_on_many_comments() -> None:
    import time

    # a Page built by hand: build_page's own HTML sniffing is not what this test measures
    text = "<!-- a -->" * 400 + "<x"
    page = Page(raw=text.encode(), text=text, sha256="0" * 64, as_of=dt.date(2026, 12, 2),
                kind="xml")
    assert page.tree is None
    started = time.process_time()
    assert get_parser("arxiv_atom").detect(page) == 0.0
    assert time.process_time() - started < 0.2
