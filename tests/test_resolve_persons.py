"""Person resolution: spellings joined on evidence, homonyms and hard constraints kept apart."""

from __future__ import annotations

from ingest_core import resolve
from ingest_core.resolution import Curation
from ingest_core.resolution.config import ResolverConfig
from ingest_core.resolution.features import FEATURES
from ingest_core.resolution.model import PersonModel
from ingest_core.resolution.persons import given_score
from ingest_core.schemas import AnyRecord, Person, ProfileMetrics
from tests.resolve_helpers import profile, seed_records, work

ABS = "We study {}. Our method improves over strong baselines on several benchmarks."


def _person_with(persons: list[Person], record_id: str, position: int | None = None) -> Person:
    return next(p for p in persons
                if any(m.record_id == record_id and m.position == position for m in p.members))


def test_seed_profiles_are_one_person_each_with_their_papers() -> None:
    res = resolve(seed_records())
    hakemi = [p for p in res.persons if p.name == "Shahin Hakemi"]
    assert len(hakemi) == 1
    assert len(hakemi[0].paper_ids) == 2
    assert {m.role for m in hakemi[0].members} == {"profile", "author"}
    salimi = [p for p in res.persons if any(m.role == "profile" and m.name == "Babak Salimi"
                                            for m in p.members)]
    assert len(salimi) == 1 and len(salimi[0].paper_ids) == 7


def test_given_name_compatibility() -> None:
    cfg = ResolverConfig()
    assert given_score("b", "babak", cfg) > 0
    assert given_score("babak", "bahram", cfg) == 0
    assert given_score("j p", "jean pierre", cfg) > 0
    assert given_score("a c", "alice b", cfg) == 0
    assert given_score("ghulam mubashar", "ghulam", cfg) > 0


def test_spellings_join_across_sites_through_a_shared_paper() -> None:
    w1 = work("a", 0, "Causal Relational Learning", ["Babak Salimi", "Dan Suciu"],
              abstract=ABS.format("causal relational learning"))
    w2 = work("b", 0, "Causal Relational Learning", ["B. Salimi", "D. Suciu"], source="other",
              abstract=ABS.format("causal relational learning"))
    w3 = work("c", 0, "Fairness Repair", ["Salimi, Babak"], source="third")
    p3 = profile("c", "Salimi, Babak", [w3], source="third")
    w4 = work("c", 1, "Causal Relational Learning", ["Salimi, Babak"], source="third",
              abstract=ABS.format("causal relational learning"))
    p3 = profile("c", "Salimi, Babak", [w3, w4], source="third")
    res = resolve([w1, w2, w3, w4, p3])
    person = _person_with(res.persons, w1.id, 0)
    assert person is _person_with(res.persons, w2.id, 0)
    assert person is _person_with(res.persons, p3.id)
    assert {"Babak Salimi", "B. Salimi", "Salimi, Babak"} <= set(person.aliases)
    assert {e.kind for e in person.evidence} >= {"shared_papers"}
    assert "shared_papers" in res.explain(person.id)


def test_homonyms_with_disjoint_work_and_coauthors_stay_apart() -> None:
    a = work("a", 0, "Graph Transformers", ["Wei Wang", "Lin Chen"])
    b = work("b", 0, "Streaming Speech Recognition", ["Wei Wang", "Tao Xu"], source="other")
    pa = profile("a", "Wei Wang", [a])
    pb = profile("b", "Wei Wang", [b], source="other")
    res = resolve([a, b, pa, pb])
    assert _person_with(res.persons, pa.id) is not _person_with(res.persons, pb.id)
    text = res.explain(_person_with(res.persons, pa.id).id)
    assert "a name alone is not enough" in text


def test_shared_coauthors_join_and_east_asian_order_is_understood() -> None:
    a = work("a", 0, "Graph Transformers", ["Wei Wang", "Lin Chen", "Hao Zhang"])
    b = work("b", 0, "Graph Pooling Revisited", ["Wang Wei", "Chen Lin", "Zhang Hao"],
             source="other")
    res = resolve([a, b])
    assert _person_with(res.persons, a.id, 0) is _person_with(res.persons, b.id, 0)


def test_two_author_positions_of_one_work_are_two_people() -> None:
    a = work("a", 0, "Graph Transformers", ["W. Wang", "Wei Wang", "Lin Chen"])
    b = work("b", 0, "Graph Transformers", ["Wei Wang", "Wen Wang", "Lin Chen"], source="x")
    res = resolve([a, b])
    assert _person_with(res.persons, a.id, 0) is not _person_with(res.persons, a.id, 1)
    assert _person_with(res.persons, b.id, 0) is not _person_with(res.persons, b.id, 1)


def test_two_profile_pages_of_one_site_are_two_people_unless_same_url() -> None:
    w = work("x", 0, "Graph Transformers", ["Wei Wang"])
    p1 = profile("a", "Wei Wang", [w], url="https://site/a")
    p2 = profile("b", "Wei Wang", [w], url="https://site/b")
    res = resolve([w, p1, p2])
    assert _person_with(res.persons, p1.id) is not _person_with(res.persons, p2.id)
    p3 = profile("c", "Wei Wang", [], url="https://site/a")
    res = resolve([w, p1, p3])
    assert _person_with(res.persons, p1.id) is _person_with(res.persons, p3.id)


def test_a_name_alone_never_merges_profiles() -> None:
    p1 = profile("a", "Babak Salimi", [], source="one")
    p2 = profile("b", "Babak Salimi", [], source="two")
    assert len(resolve([p1, p2]).persons) == 2


def test_incompatible_given_names_do_not_chain_through_an_initial() -> None:
    a = work("a", 0, "Corrosion of Steel", ["Bahram Salimi", "Reza Karimi"])
    b = work("b", 0, "Welding Aluminium", ["B. Salimi", "Reza Karimi"], source="x")
    c = work("c", 0, "Causal Learning", ["Babak Salimi", "Reza Karimi"], source="y")
    res = resolve([a, b, c])
    assert _person_with(res.persons, a.id, 0) is not _person_with(res.persons, c.id, 0)


def test_curation_wins_for_persons_and_accepts_entity_ids() -> None:
    p1 = profile("a", "Babak Salimi", [], source="one")
    p2 = profile("b", "Babak Salimi", [], source="two")
    res = resolve([p1, p2])
    ids = [p.id for p in res.persons]
    joined = resolve([p1, p2], curation=Curation(must_link=[(ids[0], ids[1])])).persons
    assert len(joined) == 1 and joined[0].evidence[0].kind == "curation"
    w = work("x", 0, "Graph Transformers", ["Wei Wang", "Lin Chen"])
    v = work("y", 0, "Graph Transformers", ["Wei Wang", "Lin Chen"], source="z")
    merged = resolve([w, v]).persons
    assert _person_with(merged, w.id, 0) is _person_with(merged, v.id, 0)
    apart = resolve([w, v], curation=Curation(cannot_link=[(f"{w.id}#0", f"{v.id}#0")])).persons
    assert _person_with(apart, w.id, 0) is not _person_with(apart, v.id, 0)


def test_person_ids_are_stable_under_reruns_and_unrelated_additions() -> None:
    records = seed_records()
    first = {p.id: p.members for p in resolve(records).persons}
    assert first == {p.id: p.members for p in resolve(records).persons}
    extra = [work("new", 0, "Bees", ["Maya Bee", "Willy Bee"]),
             profile("new", "Maya Bee", [])]
    second = {p.id: p.members for p in resolve(records + extra).persons}
    assert all(second[pid] == members for pid, members in first.items())


def test_explain_names_the_constraint_that_kept_a_candidate_out() -> None:
    w = work("x", 0, "Graph Transformers", ["Wei Wang", "Lin Chen"])
    p1 = profile("a", "Wei Wang", [w], url="https://site/a")
    p2 = profile("b", "Wei Wang", [w], url="https://site/b")
    res = resolve([w, p1, p2])
    text = res.explain(_person_with(res.persons, p2.id).id)
    assert "two different profile pages on site" in text


def _metric_profiles(h: tuple[int, int], works: tuple[int, int]) -> list[AnyRecord]:
    """One person's profiles on two sites, sharing one coauthor (weak evidence alone)."""
    a = work("a", 0, "Graph Transformers", ["Wei Wang", "Maria Rossi"])
    b = work("b", 0, "Streaming Speech Recognition", ["Wei Wang", "Maria Rossi"], source="other")
    pa = profile("a", "Wei Wang", [a]).model_copy(
        update={"metrics": ProfileMetrics(h_index=h[0], works_count=works[0])})
    pb = profile("b", "Wei Wang", [b], source="other").model_copy(
        update={"metrics": ProfileMetrics(h_index=h[1], works_count=works[1])})
    return [a, b, pa, pb]


def test_profile_metrics_are_modest_evidence_both_ways() -> None:
    """A model that gives a shared coauthor even odds: agreeing metrics of two profiles lift
    the pair over a cut just above even, contradicting ones drop it under one just below."""
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("coauthor_shared")] = 1.0
    even = PersonModel(weights=tuple(weights), intercept=-1.0)
    above = ResolverConfig(link_threshold=0.55, second_round_max=0, weight_profile_metrics=1.0)
    same = resolve(_metric_profiles((12, 13), (40, 46)), config=above, model=even)
    pa = _person_with(same.persons, "a-p")
    assert pa is _person_with(same.persons, "b-p")
    assert any(e.kind == "profile_metrics" and (e.weight or 0) > 0 for e in pa.evidence)
    assert "metrics agree" in same.explain(pa.id)
    without = resolve(_metric_profiles((12, 13), (40, 46)), model=even,
                      config=above.model_copy(update={"weight_profile_metrics": 0.0}))
    assert _person_with(without.persons, "a-p") is not _person_with(without.persons, "b-p")
    below = above.model_copy(update={"link_threshold": 0.48})
    far = resolve(_metric_profiles((3, 45), (8, 400)), config=below, model=even)
    assert _person_with(far.persons, "a-p") is not _person_with(far.persons, "b-p")
    joined = resolve(_metric_profiles((3, 45), (8, 400)), model=even,
                     config=below.model_copy(update={"weight_profile_metrics": 0.0}))
    assert _person_with(joined.persons, "a-p") is _person_with(joined.persons, "b-p")
