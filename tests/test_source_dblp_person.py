"""dblp person XML (parser ``dblp_person``): the shared real file, detection, bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from ingest_core import ParseResult, build_page, errors, get_parser, parse_page
from ingest_core.schemas import Profile, Work
from tests.conftest import PUBLIC_DATA, shared_file

AS_OF = "2026-12-02"
SHARED_DBLP = "public-data/sources/dblp/dblp-pid-95-7448-1.xml"


def _parse(content: bytes, name: str = "test.xml") -> ParseResult:
    return parse_page(content, name=name, as_of=AS_OF)


def _profile_and_works(records: Sequence[object]) -> tuple[Profile, list[Work]]:
    profile, *rest = records
    assert isinstance(profile, Profile)
    works = [w for w in rest if isinstance(w, Work)]
    assert len(works) == len(rest)
    return profile, works


# --- the shared real file: pid/95/7448-1.xml, "Di Xu 0001" ---


@pytest.fixture(scope="module")
def di_xu() -> tuple[Profile, list[Work]]:
    path = shared_file(SHARED_DBLP)
    result = parse_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert result.parser == "dblp_person"
    assert result.malformed == []
    return _profile_and_works(result.records)


def test_shared_profile(di_xu: tuple[Profile, list[Work]]) -> None:
    profile, works = di_xu
    assert profile.name == "Di Xu"
    assert (profile.given, profile.family) == ("Di", "Xu")
    assert profile.other_names == ["Di Xu 0001"]
    assert profile.identifiers.dblp == "95/7448-1"
    assert profile.affiliation == (
        "University of British Columbia, Department of Electrical and Computer Engineering, "
        "Canada"
    )
    assert profile.metrics.works_count == 8
    assert profile.links == []
    assert profile.orcid is None
    assert profile.source == "dblp"
    assert (profile.entries_seen, profile.entries_emitted) == (8, 8)
    assert profile.work_ids == [w.id for w in works]


def test_shared_homonym_warning(di_xu: tuple[Profile, list[Work]]) -> None:
    profile, _ = di_xu
    [warning] = [w for w in profile.warnings if w.code == "homonyms"]
    assert "95/7448" in warning.message
    assert "Di Xu" in warning.message
    assert "95/7448-1" not in warning.message  # the person's own pid is not a homonym


def test_shared_works(di_xu: tuple[Profile, list[Work]]) -> None:
    _, works = di_xu
    assert [w.identifiers.dblp for w in works] == [
        "conf/3dtv/Coria-MendozaXN12", "conf/iccel/XuCN12", "conf/ictai/PourazadXN12",
        "journals/tvcg/XuDN11", "conf/icecsys/XuCN10", "conf/icip/XuDN10",
        "conf/iscas/XuDN10", "conf/icip/XuN09",
    ]
    assert [w.year for w in works] == [2012, 2012, 2012, 2011, 2010, 2010, 2010, 2009]
    assert [w.work_type for w in works] == ["inproceedings"] * 3 + ["article"] + [
        "inproceedings"] * 4
    assert [w.venue for w in works] == [
        "3DTV-Conference", "ICCE", "ICTAI", "IEEE Trans. Vis. Comput. Graph.", "ICECS",
        "ICIP", "ISCAS", "ICIP",
    ]
    for w in works:
        assert w.published is not None
        assert w.published.precision == "year"
        assert w.published.date == dt.date(w.year or 0, 1, 1)
        assert w.authors_complete and w.author_count == len(w.authors)
        assert w.warnings == []
        assert not w.title.endswith(".")
        assert "Di Xu" in [a.name for a in w.authors]


def test_shared_first_work_in_detail(di_xu: tuple[Profile, list[Work]]) -> None:
    _, works = di_xu
    first = works[0]
    assert first.title == "Automatic stereoscopic 3D video reframing"
    assert [(a.name, a.identifiers.dblp) for a in first.authors] == [
        ("Lino Coria-Mendoza", "32/5783"), ("Di Xu", "95/7448-1"),
        ("Panos Nasiopoulos", "55/3871"),
    ]
    assert (first.authors[1].given, first.authors[1].family) == ("Di", "Xu")
    assert first.identifiers.doi == "10.1109/3dtv.2012.6365428"
    assert first.links == [
        "https://doi.org/10.1109/3DTV.2012.6365428",
        "https://dblp.org/db/conf/3dtv/3dtv2012.html#Coria-MendozaXN12",
    ]


def test_shared_titles_lose_one_period_only(di_xu: tuple[Profile, list[Work]]) -> None:
    _, works = di_xu
    assert works[-1].title == "Logo insertion transcoding for H.264/AVC compressed video"
    assert works[3].title == "Correction of Clipped Pixels in Color Images"


def test_shared_doi_from_the_doi_org_link(di_xu: tuple[Profile, list[Work]]) -> None:
    _, works = di_xu
    ictai, tvcg = works[2], works[3]
    assert ictai.identifiers.doi == "10.1109/ictai.2012.57"
    assert tvcg.identifiers.doi == "10.1109/tvcg.2010.63"
    assert tvcg.links == [
        "https://doi.org/10.1109/TVCG.2010.63",
        "http://doi.ieeecomputersociety.org/10.1109/TVCG.2010.63",
        "https://www.wikidata.org/entity/Q51701964",
        "https://dblp.org/db/journals/tvcg/tvcg17.html#XuDN11",
    ]
    assert [a.name for a in tvcg.authors] == ["Di Xu", "Colin Doutre", "Panos Nasiopoulos"]
    assert [a.identifiers.dblp for a in tvcg.authors] == ["95/7448-1", "58/3497", "55/3871"]


# --- detection ---


def _other_format_files() -> list[Path]:
    root = PUBLIC_DATA / "sources"
    files = sorted(p for p in root.glob("*/*") if p.is_file() and p.parent.name != "dblp")
    if not files:
        pytest.fail(f"{root} holds no shared source files")
    return files


def test_other_formats_are_not_detected() -> None:
    parser = get_parser("dblp_person")
    for path in _other_format_files():
        page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
        assert parser.detect(page) < 0.5, path.name


def test_shared_file_detected_with_high_confidence() -> None:
    path = shared_file(SHARED_DBLP)
    parser = get_parser("dblp_person")
    page = build_page(path.read_bytes(), name=str(path), as_of=AS_OF)
    assert parser.detect(page) >= 0.9
    with_url = build_page(path.read_bytes(), name=str(path), as_of=AS_OF,
                          url="https://dblp.org/pid/95/7448-1.xml")
    assert parser.detect(with_url) > parser.detect(page)


@pytest.mark.parametrize("content", [
    b'<?xml version="1.0"?><dblp><article key="a/b/C"><title>X.</title></article></dblp>',
    b'{"dblpperson": {"name": "Di Xu"}}',
    b"dblpperson name=Di Xu",
    b"<html><body><dblpperson name='x'></dblpperson></body></html>",
])
def test_lookalikes_are_not_detected(content: bytes) -> None:
    page = build_page(content, name="lookalike", as_of=AS_OF)
    assert get_parser("dblp_person").detect(page) < 0.5


# --- editors, character references, ORCIDs, arXiv ---


EDITOR_XML = """<?xml version="1.0" encoding="US-ASCII"?>
<dblpperson name="Bj&#246;rn &#x141;ukasiewicz 0003" pid="12/3456-3" n="2">
<person key="homepages/12/3456-3" mdate="2020-01-01">
<author pid="12/3456-3">Bj&#246;rn &#x141;ukasiewicz 0003</author>
<url>https://orcid.org/0000-0002-1825-0097</url>
</person>
<r><proceedings key="conf/sigmod/2020" mdate="2020-06-01">
<editor pid="12/3456-3">Bj&#246;rn &#x141;ukasiewicz 0003</editor>
<editor pid="77/1">Chen Wei</editor>
<title>Proceedings of the 2020 International Conference on Management of Data, SIGMOD.</title>
<booktitle>SIGMOD Conference</booktitle>
<year>2020</year>
<ee>https://doi.org/10.1145/3318464</ee>
</proceedings></r>
<r><article publtype="informal" key="journals/corr/abs-2001-00001" mdate="2020-01-02">
<author orcid="0000-0002-1825-0097" pid="12/3456-3">Bj&#246;rn &#x141;ukasiewicz 0003</author>
<title>Why <i>Joins</i> Matter?</title>
<journal>CoRR</journal>
<year>2020</year>
<ee type="oa">https://arxiv.org/abs/2001.00001v2</ee>
</article></r>
</dblpperson>
"""


def test_editor_record_and_character_references() -> None:
    result = _parse(EDITOR_XML.encode("ascii"))
    assert result.parser == "dblp_person"
    profile, (proc, corr) = _profile_and_works(result.records)
    assert profile.name == "Björn Łukasiewicz"
    assert profile.other_names == ["Björn Łukasiewicz 0003"]
    assert (profile.given, profile.family) == ("Björn", "Łukasiewicz")
    assert profile.orcid == "0000-0002-1825-0097"
    assert profile.metrics.works_count == 2
    assert profile.warnings == []  # no <homonyms>

    assert proc.work_type == "proceedings"
    assert proc.title == ("Proceedings of the 2020 International Conference on Management of "
                          "Data, SIGMOD")
    assert [(a.name, a.identifiers.dblp) for a in proc.authors] == [
        ("Björn Łukasiewicz", "12/3456-3"), ("Chen Wei", "77/1"),
    ]
    assert [w.code for w in proc.warnings] == ["editors_as_authors"]
    assert proc.venue == "SIGMOD Conference"
    assert proc.identifiers.doi == "10.1145/3318464"

    assert corr.title == "Why Joins Matter?"
    assert corr.authors[0].orcid == "0000-0002-1825-0097"
    assert corr.identifiers.arxiv == "2001.00001"
    assert corr.identifiers.arxiv_version == 2
    assert corr.identifiers.doi is None
    assert corr.venue == "CoRR"


def test_record_without_title_is_a_malformed_entry() -> None:
    xml = (b'<dblpperson name="A B" pid="1/2" n="2">'
           b'<r><article key="journals/x/B20"><author pid="1/2">A B</author>'
           b"<title>.</title><year>2020</year></article></r>"
           b'<r><article key="journals/x/B21"><author pid="1/2">A B</author>'
           b"<title>Kept.</title><year>2021</year></article></r></dblpperson>")
    result = _parse(xml)
    profile, [kept] = _profile_and_works(result.records)
    assert kept.title == "Kept"
    assert [m.position for m in result.malformed] == [0]
    assert "title" in result.malformed[0].message
    assert (profile.entries_seen, profile.entries_emitted) == (2, 1)


def test_bad_ids_are_dropped_with_warnings() -> None:
    xml = (b'<dblpperson name="A B" pid="1/2"><r><article key="journals/x/B20">'
           b'<author pid="1/2" orcid="0000-0002-1825-0099">A B</author>'
           b"<title>T.</title><year>20x0</year>"
           b"<ee>https://doi.org/not-a-doi</ee></article></r></dblpperson>")
    result = _parse(xml)
    profile, [work] = _profile_and_works(result.records)
    assert profile.metrics.works_count is None  # no n attribute
    assert work.authors[0].orcid is None
    assert work.identifiers.doi is None
    assert work.published is None and work.year is None
    assert {w.code for w in work.warnings} == {"bad_identifier", "bad_date"}
    assert work.links == ["https://doi.org/not-a-doi"]


def test_not_well_formed_is_a_parse_error() -> None:
    with pytest.raises(errors.ParseError) as info:
        _parse(b'<?xml version="1.0"?>\n<dblpperson name="A B" pid="1/2"><r><article>',
               name="broken.xml")
    assert type(info.value) is errors.ParseError  # detected as dblp, not PageNotRecognised
    assert info.value.parser == "dblp_person"
    assert "broken.xml" in str(info.value)
    assert "well-formed" in str(info.value)


def test_wrong_root_is_a_parse_error_when_forced() -> None:
    with pytest.raises(errors.ParseError, match="not <dblpperson>"):
        list(get_parser("dblp_person").parse(
            build_page(b"<dblp><article/></dblp>", name="x.xml", as_of=AS_OF)))


def test_person_without_a_name_is_a_parse_error() -> None:
    with pytest.raises(errors.ParseError, match="names no person"):
        _parse(b'<dblpperson pid="1/2"><r><article key="a/b/C"><title>X.</title>'
               b"</article></r></dblpperson>")


def test_given_and_family_from_dblp_name_keys() -> None:
    xml = b"""<dblpperson name="Di Wu 0004" pid="5/6-4" n="1">
<homonyms n="1"><h f="w/Wu:Di"><person key="homepages/5/6">
<author pid="5/6">Di Wu</author></person></h></homonyms>
<r><article key="journals/x/WuGB20"><author pid="5/6-4">Di Wu 0004</author>
<author pid="7/8">Ana Pe&#241;a Garc&#237;a</author>
<author pid="9/10">Tanguy Le Berre</author>
<title>T.</title><year>2020</year></article></r>
<coauthors n="2" nc="1">
<co c="0"><na f="p/Pe=ntilde=a_Garc=iacute=a:Ana" pid="7/8">Ana Pe&#241;a Garc&#237;a</na></co>
<co c="0"><na f="b/Berre:Tanguy_Le" pid="9/10">Tanguy Le Berre</na></co>
</coauthors></dblpperson>"""
    profile, [work] = _profile_and_works(_parse(xml).records)
    assert (profile.name, profile.given, profile.family) == ("Di Wu", "Di", "Wu")
    assert profile.other_names == ["Di Wu 0004"]
    assert [(a.name, a.given, a.family) for a in work.authors] == [
        ("Di Wu", "Di", "Wu"),
        ("Ana Peña García", "Ana", "Peña García"),  # dblp's key: a two-word family
        ("Tanguy Le Berre", "Tanguy", "Le Berre"),  # dblp's default key (last word) not taken
    ]
    assert [a.identifiers.dblp for a in work.authors] == ["5/6-4", "7/8", "9/10"]
