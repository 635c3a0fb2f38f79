"""Work resolution: one paper per real paper, generic titles kept apart, stable ids."""

from __future__ import annotations

import json
from collections import Counter

from ingest_core import ResolverConfig, resolve
from ingest_core.resolution import Curation
from ingest_core.schemas import Paper, Work
from tests.resolve_helpers import seed_records, work

GNN = ("Graph neural networks learn node representations by passing messages along edges. "
       "We survey their architectures, their expressive power and their applications.")


def _paper_of(papers: list[Paper], work_id: str) -> str:
    return next(p.id for p in papers if work_id in p.members)


def test_seed_pages_give_204_papers_with_the_cross_page_duplicates_merged() -> None:
    records = seed_records()
    works = {r.id: r for r in records if isinstance(r, Work)}
    assert len(works) == 212
    res = resolve(records)
    assert len(res.papers) == 204
    pages = Counter(
        tuple(sorted({works[m].provenance.parser + ":" + works[m].provenance.sha256[:6]
                      for m in p.members}))
        for p in res.papers if len(p.members) > 1
    )
    assert sorted(pages.values()) == [3, 5]
    debias = [p for p in res.papers
              if p.title == "Debiasing Multimodal Models via Causal Information Minimization"]
    assert len(debias) == 1 and len(debias[0].members) == 2
    assert {works[m].provenance.parser for m in debias[0].members} == {"hf_daily", "hf_search"}


def test_same_arxiv_id_or_doi_is_one_paper_whatever_the_titles() -> None:
    a = work("p1", 0, "Attention Is All You Need", arxiv="1706.03762")
    b = work("p2", 0, "Transformers (preprint)", arxiv="1706.03762")
    c = work("p3", 0, "Deep Residual Learning", doi="10.1109/cvpr.2016.90")
    d = work("p4", 0, "ResNet", doi="10.1109/cvpr.2016.90")
    papers = resolve([a, b, c, d]).papers
    assert len(papers) == 2
    assert {tuple(p.members) for p in papers} == {(a.id, b.id), (c.id, d.id)}


def test_generic_titles_do_not_merge_on_title_alone() -> None:
    works = [work("p1", 0, "Preface", year=2020), work("p2", 0, "Preface", year=2020),
             work("p3", 0, "Introduction"), work("p4", 0, "Introduction"),
             work("p5", 0, "A Survey of Graph Neural Networks", abstract=GNN),
             work("p6", 0, "A Survey of Graph Neural Networks",
                  abstract="We review recommender systems built on graph neural networks, from "
                  "session-based recommendation to social and knowledge-aware recommenders.")]
    assert len(resolve(works).papers) == 6


def test_generic_titles_merge_when_authors_or_abstracts_agree() -> None:
    works = [work("p1", 0, "Preface", ["Ada Lovelace", "Charles Babbage"], year=2020),
             work("p2", 0, "Preface", ["A. Lovelace", "C. Babbage"], year=2020),
             work("p3", 0, "A Survey of Graph Neural Networks", abstract=GNN),
             work("p4", 0, "A survey of graph neural networks.", abstract=GNN)]
    papers = resolve(works).papers
    assert len(papers) == 2


def test_contradictions_keep_same_titles_apart() -> None:
    title = "Learning Sparse Representations for Retrieval at Scale"
    works = [work("p1", 0, title, ["Ada Lovelace"]), work("p2", 0, title, ["Alan Turing"]),
             work("p3", 0, title, year=2001), work("p4", 0, title, year=2019),
             work("p5", 0, title, doi="10.1000/a"), work("p6", 0, title, doi="10.1000/b")]
    papers = resolve(works).papers
    for a, b in (("p1-w0", "p2-w0"), ("p3-w0", "p4-w0"), ("p5-w0", "p6-w0")):
        assert _paper_of(papers, a) != _paper_of(papers, b)


def test_two_entries_of_one_page_are_two_papers() -> None:
    title = "Learning Sparse Representations for Retrieval at Scale"
    assert len(resolve([work("p1", 0, title), work("p1", 1, title)]).papers) == 2


def test_merged_fields_keep_the_best_value_and_every_member() -> None:
    title = "Learning Sparse Representations for Retrieval at Scale"
    a = work("p1", 0, title, ["Ada Lovelace"], source="one", year=2021)
    b = work("p2", 0, title, ["Ada Lovelace", "Alan Turing"], source="two",
             abstract="A long abstract.", arxiv="2101.00001")
    (paper,) = resolve([a, b]).papers
    assert paper.members == sorted([a.id, b.id])
    assert paper.sources == ["one", "two"]
    assert [x.name for x in paper.authors] == ["Ada Lovelace", "Alan Turing"]
    assert paper.abstract == "A long abstract."
    assert paper.identifiers.arxiv == "2101.00001" and paper.year == 2021


def test_paper_ids_are_stable_under_reruns_and_unrelated_additions() -> None:
    records = seed_records()
    first = {p.id: p.members for p in resolve(records).papers}
    assert first == {p.id: p.members for p in resolve(records).papers}
    extra = [work("new", 0, "A Completely Unrelated Study of Bees", ["Maya Bee"])]
    second = {p.id: p.members for p in resolve(records + extra).papers}
    assert all(second[pid] == members for pid, members in first.items())


def test_curation_wins_over_scores_for_papers() -> None:
    title = "Learning Sparse Representations for Retrieval at Scale"
    a, b = work("p1", 0, title), work("p2", 0, title)
    c, d = work("p3", 0, "Preface"), work("p4", 0, "Preface")
    assert len(resolve([a, b, c, d]).papers) == 3
    cur = Curation(must_link=[(c.id, d.id)], cannot_link=[(a.id, b.id)])
    papers = resolve([a, b, c, d], curation=cur).papers
    assert _paper_of(papers, a.id) != _paper_of(papers, b.id)
    assert _paper_of(papers, c.id) == _paper_of(papers, d.id)


def test_curation_by_entity_id_and_explain_says_why() -> None:
    title = "Learning Sparse Representations for Retrieval at Scale"
    a, b = work("p1", 0, title), work("p2", 0, title)
    res = resolve([a, b])
    (paper,) = res.papers
    assert "same specific title" in res.explain(paper.id)
    cur = Curation.from_lines([json.dumps({"cannot_link": [a.id, b.id]})])
    assert len(resolve([a, b], curation=cur).papers) == 2


def test_config_thresholds_are_honoured() -> None:
    a = work("p1", 0, "Learning Sparse Representations for Retrieval", ["Ada Lovelace"])
    b = work("p2", 0, "Learning Sparse Representation for Retrieval", ["Ada Lovelace"])
    assert len(resolve([a, b]).papers) == 1
    strict = ResolverConfig(title_min=0.99, title_contained_min=1.0)
    assert len(resolve([a, b], config=strict).papers) == 2


def test_a_truncated_abstract_still_agrees_and_a_short_one_is_not_judged() -> None:
    title = "Learning Sparse Representations for Retrieval at Scale"
    full = ("We learn sparse representations for first-stage retrieval. " * 6).strip()
    a = work("p1", 0, title, abstract=full)
    b = work("p2", 0, title, abstract=full[:150] + "...")
    c = work("p3", 0, title, abstract="Ada Lovelace, Alan Turing")
    assert len(resolve([a, b]).papers) == 1
    assert len(resolve([a, c]).papers) == 1


def test_journal_and_conference_versions_are_two_papers() -> None:
    authors = ["Rada Chirkova", "Alon Halevy", "Dan Suciu"]
    title = "A Formal Perspective on the View Selection Problem"
    conf = work("a", 0, title, authors, year=2001).model_copy(
        update={"venue": "Proceedings of the VLDB Conference"})
    journal = work("b", 0, title, authors, source="other", year=2002).model_copy(
        update={"venue": "The VLDB Journal"})
    unknown = work("c", 0, title, authors, source="third", year=2001).model_copy(
        update={"venue": "VLDB"})
    res = resolve([conf, journal, unknown])
    members = sorted(sorted(p.members) for p in res.papers)
    assert members == [[conf.id, unknown.id], [journal.id]]
    assert "a journal and a conference version" in res.explain(
        next(p.id for p in res.papers if journal.id in p.members))
    # the same venue kind on both sides: one paper, as before
    again = work("d", 0, title, authors, source="fourth", year=2002).model_copy(
        update={"venue": "VLDB J."})
    assert len(resolve([journal, again]).papers) == 1


def test_a_recurring_column_by_one_editor_is_one_paper_per_issue() -> None:
    a = work("a", 0, "Book Review Column", ["Karl Aberer"], year=2002)
    b = work("b", 0, "Book Review Column", ["Karl Aberer"], source="other", year=2002)
    assert len(resolve([a, b]).papers) == 2


def _at(w: Work, venue: str) -> Work:
    return w.model_copy(update={"venue": venue})


def _together(papers: list[Paper], *ids: str) -> bool:
    return len({_paper_of(papers, i) for i in ids}) == 1


def test_works_sharing_a_doi_are_one_paper_whatever_their_years() -> None:
    title = "Childhood Adversity and Later Victimization in a Panel of Adolescents"
    a = work("a", 0, title, ["Mara Quill"], year=2012, doi="10.1000/x")
    b = work("b", 0, title, ["Mara Quill"], source="other", year=2015, doi="10.1000/x")
    c = work("c", 0, title, ["Mara Quill"], source="third", year=2015)
    assert len(resolve([a, b, c]).papers) == 1


def test_a_book_review_is_titled_by_the_reviewed_book() -> None:
    book = "Concrete Futures: Housing, Finance and the Remaking of Port Cities"
    a = work("a", 0, book, ["Ines Varga"], year=2021)
    b = work("b", 0, f"{book}: by Tomas Ruel, London, Verso, 2019, 384 pp., £13.99 (pbk), "
             "ISBN 978-1-00-000000-0", ["Ines Varga"], source="other", year=2021)
    c = work("c", 0, f"{book} - book review", ["Ines Varga"], source="third", year=2021)
    d = work("d", 0, f"{book}, edited by Tomas Ruel and Ada Kim", ["Ines Varga"],
             source="fourth", year=2021)
    assert len(resolve([a, b, c, d]).papers) == 1
    # "by" inside a title that cites no book stays part of it
    e = work("e", 0, "Learning by Doing in Port Cities", ["Ines Varga"], year=2021)
    f = work("f", 0, "Learning", ["Ines Varga"], source="other", year=2021)
    assert len(resolve([e, f]).papers) == 2


def test_a_long_specific_title_and_year_outweigh_author_lists_with_no_one_in_common() -> None:
    title = "Concrete Futures: Housing, Finance and the Remaking of Port Cities"
    reviewer = work("a", 0, title, ["Ines Varga"], year=2021, doi="10.1000/r")
    pdf = work("b", 0, title, ["Tomas Ruel", "Ada Kim"], source="pdf", year=2021)
    assert len(resolve([reviewer, pdf]).papers) == 1
    # no years to agree, a generic title or a short one: the authors still decide
    assert len(resolve([work("c", 0, title, ["Ines Varga"]),
                        work("d", 0, title, ["Tomas Ruel"], source="pdf")]).papers) == 2
    assert len(resolve([work("e", 0, "Port Cities", ["Ines Varga"], year=2021),
                        work("f", 0, "Port Cities", ["Tomas Ruel"], year=2021)]).papers) == 2


def test_a_bare_copy_is_dated_when_found_not_when_published() -> None:
    title = "Histological Reactions of Leaf Tissue to Synthetic Auxins"
    placed = _at(work("a", 0, title, ["E. J. Marsh"], year=1941, doi="10.1000/h"), "Bot. Gaz.")
    bare = work("b", 0, title.upper(), ["E. J. MARSH"], source="pdf", year=2010)
    assert len(resolve([placed, bare]).papers) == 1
    # both placed: two dated publications, years apart, are two papers
    again = _at(work("c", 0, title, ["E. J. Marsh"], source="other", year=2010), "Bot. Gaz.")
    assert len(resolve([placed, again]).papers) == 2
    # a bare copy whose authors only partly agree keeps its year as evidence
    partly = work("d", 0, title, ["E. J. Marsh", "K. Olin"], source="pdf", year=2010)
    other = _at(work("e", 0, title, ["E. J. Marsh", "P. Nyberg"], year=1941), "Bot. Gaz.")
    assert len(resolve([other, partly]).papers) == 2


def test_a_notice_or_other_numbers_are_never_the_paper_they_resemble() -> None:
    authors = ["Letizia Tanca", "Stefano Ceri"]
    title = "Automatic Generation of Production Rules for Integrity Maintenance"
    works = [work("a", 0, title, authors, year=1994),
             work("b", 0, f"Addendum to {title}", authors, source="other", year=1994),
             work("c", 0, "Cluster Validity Methods: Part I", authors, year=2002),
             work("d", 0, "Cluster Validity Methods: Part II", authors, source="other",
                  year=2002),
             work("e", 0, "Acknowledgement to Reviewers 2019", authors, year=2020),
             work("f", 0, "Acknowledgement to Reviewers 2018", authors, source="other",
                  year=2020)]
    assert len(resolve(works).papers) == 6
    # numbers split by spacing are the same numbers
    g = work("g", 0, "A 3.9 Mb duplication at Xq27 containing SOX3 in affected boys",
             authors, year=2004)
    h = work("h", 0, "A 3 . 9 Mb duplication at Xq 27 containing SOX 3 in affected boys",
             authors, source="other", year=2004)
    assert len(resolve([g, h]).papers) == 1


def test_containment_is_one_stretch_of_the_longer_title() -> None:
    authors = ["Arun Jagat", "Reagan More"]
    a = work("a", 0, "Grid Data Management Systems and Services", authors, year=2003)
    b = work("b", 0, "Data Grid Management Systems", authors, source="other", year=2003)
    assert len(resolve([a, b]).papers) == 2
    c = work("c", 0, "Stream: The Stanford Stream Data Manager for Continuous Queries",
             authors, year=2003)
    d = work("d", 0, "STREAM: the Stanford stream data manager for continuous queries "
             "(demonstration description)", authors, source="other", year=2003)
    assert len(resolve([c, d]).papers) == 1


def test_titles_that_differ_only_in_spacing_are_one_title() -> None:
    a = work("a", 0, "Alternating current rescues motor deficits in a mouse model")
    b = work("b", 0, "Alternating current rescues motor de ﬁ cits in a mouse model",
             source="pdf")
    assert len(resolve([a, b]).papers) == 1


def test_venues_agree_by_words_abbreviations_and_acronyms() -> None:
    from ingest_core.resolution.papers import venues_agree

    assert venues_agree("VLDB", "Very Large Data Bases")
    assert venues_agree("SIGMOD Record", "ACM SIGMOD Record")
    assert venues_agree("ACM Trans. Database Syst.", "ACM Transactions on Database Systems")
    assert venues_agree("Pergamon Vision Res", "Vision Research")
    assert not venues_agree("VLDB", "International Conference on Management of Data")
    # the journal version, a year later, of a paper at the venue its acronym names
    authors = ["Peter Boncz", "Stefan Mane", "Martin Kers"]
    conf = _at(work("a", 0, "Database Architecture Optimized for the New Bottleneck",
                    authors, year=1999), "Very Large Data Bases")
    journal = _at(work("b", 0, "Database Architecture Optimized for the New Bottleneck",
                       authors, source="other", year=2000), "VLDB J.")
    assert len(resolve([conf, journal]).papers) == 2


def test_a_copy_joins_the_edition_of_its_own_year_and_better_corroborated_match() -> None:
    title = "Array Hybridisation Identifies a Duplicated Critical Region in Affected Boys"
    authors = ["Nia Solo", "Sven Rossi", "Tom Morg"]
    first = work("a", 0, title, authors, year=2004, doi="10.1000/first")
    second = work("b", 0, title, authors, source="other", year=2007, doi="10.1000/second")
    copy = work("c", 0, title, authors, source="pdf", year=2004)
    papers = resolve([second, first, copy]).papers
    assert _together(papers, first.id, copy.id) and not _together(papers, second.id, copy.id)
    # among works of one title and year, the one whose authors agree wins over title alone
    lung = "Immunotherapy for Advanced Non-Small-Cell Lung Cancer in Older Patients"
    thomas = work("d", 0, lung, ["Anna Thom", "Marko Jako"], year=2014, doi="10.1000/t")
    yoon = work("e", 0, lung, ["Sung Ho Yoon"], source="other", year=2014, doi="10.1000/y")
    pdf = work("f", 0, lung, ["Anna Thom", "Marko Jako"], source="pdf", year=2014)
    papers = resolve([yoon, thomas, pdf]).papers
    assert _together(papers, thomas.id, pdf.id)


def test_a_copy_of_a_generic_title_joins_the_one_identified_edition() -> None:
    journal = _at(work("a", 0, "Preface", year=2000, doi="10.1000/pre"), "Mechanisms of Growth")
    copy = work("b", 0, "Preface", ["David Wilk"], source="pdf", year=2000)
    assert len(resolve([journal, copy]).papers) == 1
    # two identified prefaces of the year: the copy could be either
    other = _at(work("c", 0, "Preface", year=2000, doi="10.1000/pre2"), "Aging Studies")
    assert len(resolve([journal, other, copy]).papers) == 3
    # the closest year decides; with no year, only a lone edition under the title
    later = _at(work("d", 0, "Preface", year=2001, doi="10.1000/pre3"), "Mechanisms of Growth")
    assert _together(resolve([journal, later, copy]).papers, journal.id, copy.id)
    undated = work("e", 0, "Preface", source="pdf")
    assert len(resolve([journal, later, undated]).papers) == 3
    assert len(resolve([journal, undated]).papers) == 1
    off = ResolverConfig(lone_edition_merge=False)
    assert len(resolve([journal, copy], config=off).papers) == 2


def test_same_venue_and_year_back_a_near_identical_specific_title() -> None:
    a = _at(work("a", 0, "Reminiscences on the Influential Papers of Query Optimisation",
                 year=2003), "SIGMOD Record")
    b = _at(work("b", 0, "Reminiscences an the Influential Papers of Query Optimization",
                 source="other", year=2003), "ACM SIGMOD Record")
    assert len(resolve([a, b]).papers) == 1
    c = b.model_copy(update={"venue": "The VLDB Journal", "id": "c-w0"})
    assert len(resolve([a, c]).papers) == 2
