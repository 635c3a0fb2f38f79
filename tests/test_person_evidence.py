"""Person resolution on the evidence real records carry: coauthors as names, venues, title
terms, affiliations, years, ORCID iDs; the learned model; and clustering that neither
shatters a prolific person nor chains homonyms."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pytest

from ingest_core import resolve
from ingest_core.errors import ResolutionError
from ingest_core.resolution.features import FEATURES
from ingest_core.resolution.model import PersonModel
from ingest_core.resolution.training import labeled_pairs, train_person_model
from ingest_core.schemas import Author, Person, Provenance, PublishedDate, Work
from ingest_core.schemas.records import bare_orcid


def paper(wid: str, title: str, authors: list[str | Author], *, venue: str | None = None,
          year: int | None = None) -> Work:
    return Work(
        id=wid, source="site",
        provenance=Provenance(parser="test", parser_version="1", as_of=dt.date(2026, 1, 1),
                              sha256=hashlib.sha256(wid.encode()).hexdigest(), position=0,
                              representation="text"),
        title=title, venue=venue, year=year,
        published=PublishedDate(date=dt.date(year, 1, 1), precision="year") if year else None,
        authors=[a if isinstance(a, Author) else Author(name=a) for a in authors])


def person_of(persons: list[Person], wid: str, position: int) -> Person:
    return next(p for p in persons for m in p.members
                if m.record_id == wid and m.position == position)


def test_a_prolific_person_with_a_frequent_coauthor_stays_one_person() -> None:
    """Thirty papers over twenty years, most with one frequent coauthor and each with some
    other collaborator: the frequent coauthor is the strongest evidence, not noise."""
    works = [paper(f"g{i}", f"Genetic algorithms study {i} of linkage learning",
                   ["David E. Goldberg", "Kumara Sastry" if i % 3 else "Martin Pelikan",
                    f"Student{i} Person{i}"], venue="GECCO", year=1990 + i % 20)
             for i in range(30)]
    res = resolve(works)
    assert len({person_of(res.persons, w.id, 0).id for w in works}) == 1


def test_coauthors_are_compared_as_names_not_keys() -> None:
    """Two homonyms whose coauthors share family name and initial but not the given name
    stay apart; an initial fits the full given name it abbreviates."""
    a = paper("a", "Fault diagnosis of gearboxes", ["Jing Zhang", "Fanhuai Shi"])
    b = paper("b", "Protein folding kinetics", ["Jing Zhang", "Feng Shi"])
    c = paper("c", "Vibration signals of gearboxes in wind turbines", ["Jing Zhang", "F. Shi"])
    res = resolve([a, b])
    assert person_of(res.persons, "a", 0).id != person_of(res.persons, "b", 0).id
    features = labeled_pairs([a, c], {"a#0": 1, "c#0": 1})[0]
    assert features[0, FEATURES.index("coauthor_count")] > 0  # "F. Shi" fits "Fanhuai Shi"
    apart = labeled_pairs([a, b], {"a#0": 1, "b#0": 2})[0]
    assert apart[0, FEATURES.index("coauthor_count")] == 0  # Fanhuai is not Feng


def test_name_variants_join_on_venue_and_title_terms() -> None:
    works = [
        paper("p1", "Parallel merge sort on a PRAM", ["Richard Cole", "Uzi Vishkin"],
              venue="SIAM J. Comput.", year=1988),
        paper("p2", "Parallel merge sort revisited: cascading PRAM sampling", ["R. Cole"],
              venue="SIAM J. Comput.", year=1989),
    ]
    res = resolve(works)
    assert person_of(res.persons, "p1", 0).id == person_of(res.persons, "p2", 0).id


def test_homonyms_in_different_fields_stay_apart_even_with_a_shared_venue_word() -> None:
    a = paper("a", "Deep learning for speech recognition", ["Lei Wang", "Dong Yu"],
              venue="ICASSP", year=2015)
    b = paper("b", "Catalytic oxidation of methane over palladium", ["Lei Wang", "Tao Zhang"],
              venue="Journal of Catalysis", year=2015)
    res = resolve([a, b])
    assert person_of(res.persons, "a", 0).id != person_of(res.persons, "b", 0).id


def test_orcid_is_a_hard_key_both_ways() -> None:
    orcid = "0000-0002-1825-0097"
    a = paper("a", "Topic one", [Author(name="Wei Chen", orcid=orcid)])
    b = paper("b", "Completely unrelated", [Author(name="W. Chen", orcid=orcid)])
    joined = resolve([a, b])
    p = person_of(joined.persons, "a", 0)
    assert p.id == person_of(joined.persons, "b", 0).id
    assert any(e.kind == "orcid" for e in p.evidence)
    # same coauthors, venue and title, but two different ORCID iDs: two people
    c = paper("c", "Graph networks", [Author(name="Wei Chen", orcid=orcid), "Maria Rossi"],
              venue="NeurIPS")
    d = paper("d", "Graph networks again", [Author(name="Wei Chen", orcid="0000-0001-5109-3700"),
                                            "Maria Rossi"], venue="NeurIPS")
    apart = resolve([c, d])
    assert person_of(apart.persons, "c", 0).id != person_of(apart.persons, "d", 0).id


def test_orcid_is_normalised_and_checked() -> None:
    assert bare_orcid("https://orcid.org/0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert bare_orcid("000000021825009x".replace("x", "7")) == "0000-0002-1825-0097"
    with pytest.raises(ValueError, match="check digit"):
        bare_orcid("0000-0002-1825-0098")
    author = Author(name="A", affiliations=["MIT"], orcid="orcid.org/0000-0001-5109-3700")
    assert author.orcid == "0000-0001-5109-3700"


def test_explain_shows_each_kind_of_evidence_with_its_weight() -> None:
    works = [paper("x1", "Causal inference in databases", ["Babak Salimi", "Dan Suciu"],
                   venue="SIGMOD", year=2019),
             paper("x2", "Causal databases and fairness", ["B. Salimi", "Dan Suciu"],
                   venue="SIGMOD", year=2020)]
    res = resolve(works)
    p = person_of(res.persons, "x1", 0)
    assert p.id == person_of(res.persons, "x2", 0).id
    kinds = {e.kind: e for e in p.evidence}
    assert kinds["shared_coauthors"].weight is not None and kinds["shared_coauthors"].weight > 0
    assert "suciu" in kinds["shared_coauthors"].detail
    text = res.explain(p.id)
    assert "shared_coauthors" in text and "shared_venue" in text and "title_terms" in text


def test_a_model_for_another_featurizer_is_refused() -> None:
    shipped = PersonModel.load()
    data = json.loads(shipped.to_json())
    data["featurizer_version"] += 1
    with pytest.raises(ResolutionError, match="retrain"):
        PersonModel.from_json(json.dumps(data))
    with pytest.raises(ResolutionError, match="not a person model"):
        PersonModel.from_json("{}")


def test_training_learns_that_shared_coauthors_mean_one_person() -> None:
    """A small labeled set: same-name people told apart only by their coauthor groups."""
    works, truth = [], {}
    for person in range(6):
        for i in range(5):
            wid = f"t{person}-{i}"
            works.append(paper(wid, f"Paper {person} {i}",
                               ["Wei Zhang", f"Coauthor{person} Group{person}"]))
            truth[f"{wid}#0"] = person
    x, y, g = labeled_pairs(works, truth)
    assert len(y) == 30 * 29 // 2 and y.sum() == 6 * 10
    model = train_person_model(x, y, g)
    shared = x[y == 1][0]
    apart = x[y == 0][0]
    assert model.probability(shared[None, :])[0] > 0.9
    assert model.probability(apart[None, :])[0] < 0.1
    res = resolve(works, model=model)
    people = {person_of(res.persons, w.id, 0).id for w in works}
    assert len(people) == 6
    assert np.isclose(model.threshold, 0.5)


def test_a_coauthor_printed_family_first_is_the_same_coauthor() -> None:
    a = paper("a", "Graph pooling", ["Jun Liu", Author(name="Wang Wei", given="Wei",
                                                       family="Wang")])
    b = paper("b", "Graph transformers", ["Jun Liu", "Wei Wang"])
    x = labeled_pairs([a, b], {"a#0": 1, "b#0": 1})[0]
    assert x[0, FEATURES.index("coauthor_count")] > 0


def test_small_groups_featurized_together_equal_each_alone() -> None:
    """Batching is an optimisation only: the same features as one group at a time."""
    from ingest_core.resolution.blocks import groups
    from ingest_core.resolution.config import ResolverConfig
    from ingest_core.resolution.features import batch_features, pair_features
    from ingest_core.resolution.mentions import mentions_from_records

    works = [paper(f"w{i}", f"Topic {i % 3} learning of graphs", [
        ["Wei Zhang", "Li Chen", "Maria Rossi"][i % 3], f"Co{i % 4} Author{i % 4}",
        ["J. Smith", "John Smith", "Anna Berg"][i % 3]], venue=["ICML", "KDD"][i % 2],
        year=2000 + i % 5) for i in range(24)]
    m = mentions_from_records(works, [], {w.id: w.id for w in works})
    config = ResolverConfig()
    found = groups(m, block_max=config.block_max, split_prefix=config.split_prefix)
    assert len(found) >= 3
    together = batch_features(m, found, config)
    for group, batched in zip(found, together, strict=True):
        alone = pair_features(m, group.rows(), config, group=group)
        assert batched.rows == alone.rows
        assert np.array_equal(batched.left, alone.left)
        assert np.array_equal(batched.right, alone.right)
        assert np.allclose(batched.x, alone.x)


def test_a_middle_initial_deposited_in_the_family_name_moves_to_the_given_name() -> None:
    from ingest_core.resolution.mentions import _initials_out_of_family

    assert _initials_out_of_family("Andres", "M. Bran") == ("Andres M.", "Bran")
    assert _initials_out_of_family(None, "J. R. Smith") == ("J. R.", "Smith")
    assert _initials_out_of_family("Ludwig", "van der Berg") == ("Ludwig", "van der Berg")
    assert _initials_out_of_family("A.", "B.") == ("A.", "B.")  # nothing left to be a family
