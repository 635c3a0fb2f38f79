"""Resolution: works into papers, profile subjects and author positions into persons.

``resolve(records)`` runs both stages in memory: papers first (persons use the shared
papers as evidence), then persons. The result's ``explain(entity_id)`` says why each
member is in and which near candidates were kept out.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ingest_core.errors import ResolutionError
from ingest_core.resolution._ids import anchor_index, anchor_of, entity_id
from ingest_core.resolution.blocks import initials_only
from ingest_core.resolution.config import ResolverConfig
from ingest_core.resolution.curation import Curation
from ingest_core.resolution.mentions import Mentions, mentions_from_records
from ingest_core.resolution.model import PersonModel
from ingest_core.resolution.papers import PaperResolution, resolve_works
from ingest_core.resolution.persons import PersonClusters, cluster_mentions
from ingest_core.schemas import AnyRecord, Evidence, Paper, Person, PersonMember, Profile, Work

log = logging.getLogger("ingest_core.resolution")

MAX_EVIDENCE = 50
"""Evidence items kept on one person (the strongest merges of a very large cluster)."""


@dataclass
class Resolution:
    """Resolved papers and persons, with what ``explain`` needs."""

    papers: list[Paper]
    persons: list[Person]
    _papers: PaperResolution
    _persons: PersonClusters
    _person_ids: list[str]

    def entities(self) -> Iterator[Paper | Person]:
        """Papers, then persons, each sorted by id."""
        yield from self.papers
        yield from self.persons

    def notes(self) -> dict[str, str]:
        """Per entity id, the joins and nearest candidates kept out, as JSON (what the store
        keeps for the review app)."""
        from ingest_core.resolution.explain import paper_notes, person_notes

        out = paper_notes(self._papers)
        for k, pid in enumerate(self._person_ids):
            out[pid] = person_notes(k, self._persons, self._person_ids)
        return out

    def explain(self, entity_id: str) -> str:
        """Readable reasons for one entity: why each member is in, what was kept out.

        Raises:
            ResolutionError: no entity has this id.
        """
        from ingest_core.resolution.explain import explain_paper, explain_person

        for paper in self.papers:
            if paper.id == entity_id:
                return explain_paper(paper, self._papers)
        if entity_id in self._person_ids:
            k = self._person_ids.index(entity_id)
            return explain_person(self.persons[k], k, self._persons, self._person_ids,
                                  self._papers)
        raise ResolutionError("no paper or person has this id", input=entity_id)


def _split_records(records: Iterable[AnyRecord]) -> tuple[list[Work], list[Profile]]:
    works: dict[str, Work] = {}
    profiles: dict[str, Profile] = {}
    for r in records:
        if isinstance(r, Work):
            works.setdefault(r.id, r)
        elif isinstance(r, Profile):
            profiles.setdefault(r.id, r)
    return list(works.values()), list(profiles.values())


def _paper_pairs(
    pairs: list[tuple[str, str]], works: list[Work]
) -> list[tuple[str, str]]:
    ids = {w.id for w in works}
    anchors = anchor_index("paper", ids)
    out = []
    for a, b in pairs:
        wa, wb = anchors.get(a, a), anchors.get(b, b)
        if wa in ids and wb in ids:
            out.append((wa, wb))
    return out


def _person_pairs(pairs: list[tuple[str, str]], m: Mentions) -> list[tuple[int, int]]:
    rows = {k: i for i, k in enumerate(m.key)}
    anchors = anchor_index("person", m.key)
    out = []
    for a, b in pairs:
        ra, rb = rows.get(anchors.get(a, a)), rows.get(anchors.get(b, b))
        if ra is not None and rb is not None:
            out.append((ra, rb))
    return out


def _check_curation(curation: Curation, works: list[Work], m: Mentions) -> None:
    """Warn about ids nothing has; refuse a decision that pairs a paper with a person."""
    paper_ids = {w.id for w in works}
    paper_ids |= set(anchor_index("paper", paper_ids))
    person_ids = set(m.key) | set(anchor_index("person", m.key))

    def level(x: str) -> str | None:
        return "paper" if x in paper_ids else "person" if x in person_ids else None

    for a, b in curation.must_link + curation.cannot_link:
        la, lb = level(a), level(b)
        for x, lx in ((a, la), (b, lb)):
            if lx is None:
                log.warning("curation names %s, which no record or entity has; ignored", x)
        if la and lb and la != lb:
            raise ResolutionError(f"a decision links a paper with a person: {a} / {b}",
                                  input="curation")


def _person(k: int, clusters: PersonClusters, pid: str) -> Person:
    m = clusters.mentions
    rows = sorted(clusters.groups[k], key=lambda r: m.key[r])
    names = Counter(m.name[r] for r in rows)

    def rank(r: int) -> tuple[bool, bool, int, int, str]:
        return (m.position[r] is None, not initials_only(m.giv[r]), len(m.giv[r]),
                names[m.name[r]], m.key[r])

    best = max(rows, key=rank)
    items = clusters.evidence(k)
    strongest = sorted(items, key=lambda e: (-e[1], -abs(e[2] or 1e9), e[0], e[4]))
    return Person(
        id=pid,
        name=m.name[best],
        given=m.given[best],
        family=m.family[best],
        aliases=sorted(names),
        members=[
            PersonMember(record_id=m.record_id[r], role="profile" if m.position[r] is None
                         else "author", position=m.position[r], name=m.name[r],
                         source=m.source[r])
            for r in rows
        ],
        paper_ids=sorted(clusters.cluster_papers(k)),
        confidence=round(clusters.confidence.get(k, 1.0), 4),
        evidence=[Evidence(kind=kind, score=round(min(1.0, max(0.0, score)), 4),
                           weight=None if weight is None else round(weight, 4),
                           detail=detail, between=list(between))
                  for kind, score, weight, detail, between in strongest[:MAX_EVIDENCE]],
    )


def resolve(
    records: Iterable[AnyRecord],
    *,
    config: ResolverConfig | None = None,
    curation: Curation | None = None,
    model: PersonModel | None = None,
) -> Resolution:
    """Resolve records into papers and persons.

    Args:
        records: page records (works and profiles are read; listings carry nothing new).
        config: thresholds; ``ResolverConfig()`` defaults when None.
        curation: must-link / cannot-link decisions that win over every score.
        model: the person pair model; ``config.person_model`` or the shipped one when None.

    Returns:
        A Resolution with ``.papers``, ``.persons`` (each sorted by id) and ``.explain()``.

    Raises:
        ResolutionError: the curation links a paper with a person.
    """
    config = config or ResolverConfig()
    curation = curation or Curation()
    works, profiles = _split_records(records)
    paper_res = resolve_works(
        works, config,
        must_link=_paper_pairs(curation.must_link, works),
        cannot_link=_paper_pairs(curation.cannot_link, works),
    )
    mentions = mentions_from_records(works, profiles, paper_res.work_to_paper)
    _check_curation(curation, works, mentions)
    clusters = cluster_mentions(
        mentions, config,
        must_link=_person_pairs(curation.must_link, mentions),
        cannot_link=_person_pairs(curation.cannot_link, mentions),
        model=model,
    )
    ids = [entity_id("person", anchor_of(mentions.key[r] for r in rows))
           for rows in clusters.groups]
    persons = [_person(k, clusters, pid) for k, pid in enumerate(ids)]
    order = sorted(range(len(persons)), key=lambda k: persons[k].id)
    return Resolution(
        papers=paper_res.papers,
        persons=[persons[k] for k in order],
        _papers=paper_res,
        _persons=_reordered(clusters, order),
        _person_ids=[ids[k] for k in order],
    )


def _reordered(clusters: PersonClusters, order: list[int]) -> PersonClusters:
    new_of = {old: new for new, old in enumerate(order)}
    return PersonClusters(
        mentions=clusters.mentions,
        groups=[clusters.groups[k] for k in order],
        row_cluster=[new_of[k] for k in clusters.row_cluster],
        confidence={new_of[k]: v for k, v in clusters.confidence.items()},
        merges={new_of[k]: v for k, v in clusters.merges.items()},
        neighbours={new_of[k]: [(s, new_of[o], why, ev) for s, o, why, ev in v]
                    for k, v in clusters.neighbours.items()},
        pairs_scored=clusters.pairs_scored,
        config=clusters.config,
        model=clusters.model,
        threshold=clusters.threshold,
    )


__all__ = ["Curation", "PersonModel", "Resolution", "ResolverConfig", "resolve"]
