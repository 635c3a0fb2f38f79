"""Work resolution: one paper per real paper, generic titles kept apart, stable ids."""

from __future__ import annotations

import json
from collections import Counter

from ingest_core import ResolverConfig, resolve
from ingest_core.resolution import Curation
from schemas import Paper, Work
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
             work("p5", 0, title, doi="10.1/a"), work("p6", 0, title, doi="10.1/b")]
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
