"""One paper seen in Crossref, OpenAlex and Semantic Scholar is one paper, and each of its
authors one person across the three: the real records in ../shared, resolved together."""

from __future__ import annotations

from ingest_core import parse_page, resolve
from ingest_core.schemas import AnyRecord, Work
from tests.conftest import shared_file

SOURCES = "public-data/sources/"
PEROXIDASE = (  # 10.1023/a:1007154515475, one cassette, three APIs
    "crossref/crossref-work-10.1023_a-1007154515475.json",
    "openalex/openalex-work-W1554322594.json",
    "semanticscholar/s2-paper-DOI-10.1023_a-1007154515475.json",
)
CHEMCROW = (  # the journal version, and (OpenAlex) the preprint as a second work
    "crossref/crossref-works-list-query-title-chemistry-tools-rows1.json",
    "openalex/openalex-works-list-title-search-chemistry-tools.json",
    "semanticscholar/s2-paper-search-match-chemistry-tools.json",
)


def _records(files: tuple[str, ...]) -> list[AnyRecord]:
    out: list[AnyRecord] = []
    for name in files:
        path = shared_file(SOURCES + name)
        out.extend(parse_page(path.read_bytes(), name=str(path), as_of="2026-12-02").records)
    return out


def test_the_peroxidase_paper_is_one_paper_and_four_people_across_three_sources() -> None:
    records = _records(PEROXIDASE)
    works = [r for r in records if isinstance(r, Work)]
    assert sorted(w.source for w in works) == ["crossref", "openalex", "semantic_scholar"]
    res = resolve(records)
    (paper,) = res.papers
    assert sorted(paper.members) == sorted(w.id for w in works)
    assert paper.identifiers.doi == "10.1023/a:1007154515475"
    assert paper.identifiers.openalex == "W1554322594"
    assert paper.identifiers.mag == "1554322594"
    assert len(res.persons) == 4
    for person in res.persons:
        assert len(person.members) == 3, person
        assert len({m.record_id for m in person.members}) == 3
    # "Debashis" (Crossref, OpenAlex as printed) and "D." (S2) are one person, apart from
    # "U. Bandyopadhyay", the third author: the same family name on one paper
    spelled = sorted(sorted(m.name for m in p.members) for p in res.persons
                     if any("Bandyopadhyay" in m.name for m in p.members))
    assert len(spelled) == 2
    assert ["D. Bandyopadhyay", "Debashis Bandyopadhyay", "Debashis Bandyopadhyay"] in spelled


def test_the_chemcrow_journal_and_preprint_join_through_the_record_that_holds_both_ids() -> None:
    records = _records(CHEMCROW)
    works = [r for r in records if isinstance(r, Work)]
    assert len(works) == 4  # Crossref 1, OpenAlex 2 (journal + preprint), S2 1
    res = resolve(records)
    (paper,) = res.papers
    assert paper.identifiers.doi == "10.1038/s42256-024-00832-8"
    assert paper.identifiers.arxiv == "2304.05376"
    bran = [p for p in res.persons if any("Bran" in m.name for m in p.members)]
    assert len(bran) == 1
    assert {m.record_id for m in bran[0].members} == {w.id for w in works}
