"""Explanations: why each member is in an entity, and which near candidates were kept out.

The structured form (:class:`KeptOut`, :func:`paper_joins`, :func:`notes_json`) is what the
store keeps beside each entity for the review app; the text form is ``ingest explain``.
Both come from one reading of the resolution, so they cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ingest_core.resolution.config import ResolverConfig
from ingest_core.resolution.papers import PaperResolution, title_key, titles_may_match
from ingest_core.resolution.persons import PersonClusters
from ingest_core.schemas import Paper, Person

KEPT_OUT_PAPERS = 5
"""Near works shown per paper."""
NAME_ALONE = ("no shared coauthor, venue, title term, affiliation, paper or profile: a name "
              "alone is not enough")


@dataclass(frozen=True)
class KeptOut:
    """A near candidate that an entity did not take in, and why."""

    member: str
    """The candidate's anchor member (person) or work record id (paper): what names it after
    its entity id changes."""
    entity_id: str
    name: str
    score: float
    reason: str
    evidence: list[tuple[str, float | None, str]]
    """(kind, log-odds term or None when decisive, detail)."""


@dataclass(frozen=True)
class Join:
    """Two member works and the reasons that made them one paper."""

    a: str
    b: str
    reasons: list[str]


def person_kept_out(k: int, res: PersonClusters, ids: list[str]) -> list[KeptOut]:
    """The nearest clusters kept out of cluster ``k``, strongest first."""
    out = []
    for score, other, veto, ref in sorted(res.neighbours.get(k, []),
                                          key=lambda t: (-t[0], ids[t[1]])):
        evidence = res.pair_evidence(ref)
        reason = veto or f"average probability {score:.2f} below the cut"
        if veto is None and all(kind in ("prior", "name", "years") for kind, _, _ in evidence):
            reason += "; " + NAME_ALONE
        rows = res.groups[other]
        out.append(KeptOut(
            member=min(res.mentions.key[r] for r in rows), entity_id=ids[other],
            name=res.mentions.name[rows[0]], score=round(score, 4), reason=reason,
            evidence=[(kind, None if term == float("inf") else round(term, 4), detail)
                      for kind, term, detail in evidence]))
    return out


def paper_joins(paper: Paper, res: PaperResolution) -> list[Join]:
    """The pair decisions that merged the works of ``paper``."""
    return [Join(res.works[d.i].id, res.works[d.j].id, list(d.reasons))
            for d in res.decisions.get(paper.id, []) if d.merge]


def paper_kept_out(paper: Paper, res: PaperResolution) -> list[KeptOut]:
    """The nearest works compared with ``paper`` and kept out, strongest first: those whose
    titles came close enough to be looked at further (a block-mate with another title is not
    a near miss, and an incremental run does not even load it)."""
    config = res.config or ResolverConfig()
    members = set(paper.members)
    kept = sorted((d for d in res.decisions.get(paper.id, []) if not d.merge),
                  key=lambda d: -d.score)
    out: list[KeptOut] = []
    for d in kept:
        a, b = res.works[d.i], res.works[d.j]
        other = b if a.id in members else a
        if any(k.member == other.id for k in out) or len(out) >= KEPT_OUT_PAPERS:
            continue
        if not titles_may_match(title_key(a.title), title_key(b.title), config):
            continue
        out.append(KeptOut(member=other.id, entity_id=res.work_to_paper.get(other.id, ""),
                           name=other.title, score=round(d.score, 4),
                           reason="; ".join(d.reasons), evidence=[]))
    return out


def notes_json(joins: list[Join], kept: list[KeptOut]) -> str:
    """What the store keeps beside an entity for its review page."""
    return json.dumps({"joined": [asdict(j) for j in joins], "kept_out": [asdict(k) for k in kept]},
                      ensure_ascii=False, sort_keys=True)


def paper_notes(res: PaperResolution) -> dict[str, str]:
    """The notes of every paper of a paper resolution, by paper id."""
    return {p.id: notes_json(paper_joins(p, res), paper_kept_out(p, res)) for p in res.papers}


def person_notes(k: int, res: PersonClusters, ids: list[str]) -> str:
    """The notes of cluster ``k`` (persons record no joins beyond their evidence)."""
    return notes_json([], person_kept_out(k, res, ids))


def explain_paper(paper: Paper, res: PaperResolution) -> str:
    """The works merged into ``paper``, the decisions that merged them, the near misses."""
    lines = [f"paper {paper.id}: {paper.title}", f"  {len(paper.members)} work record(s):"]
    by_id = {w.id: w for w in res.works}
    for wid in paper.members:
        w = by_id.get(wid)
        where = (f"{w.source} {w.provenance.url or w.provenance.sha256[:12]} "
                 f"#{w.provenance.position}") if w else ""
        lines.append(f"    - {wid} ({where}): {w.title if w else ''}")
    joins, kept = paper_joins(paper, res), paper_kept_out(paper, res)
    if joins:
        lines.append("  joined because:")
        lines.extend(f"    - {j.a} + {j.b}: " + "; ".join(j.reasons) for j in joins)
    if kept:
        lines.append("  nearest candidates kept out:")
        lines.extend(f"    - {k.member} \"{k.name}\": {k.reason}" for k in kept)
    return "\n".join(lines)


def explain_person(
    person: Person, k: int, res: PersonClusters, ids: list[str], papers: PaperResolution
) -> str:
    """The members of ``person``, the evidence of each merge, and the nearest kept-out ones."""
    titles = {p.id: p.title for p in papers.papers}
    lines = [f"person {person.id}: {person.name} (confidence {person.confidence:.2f})",
             f"  aliases: {', '.join(person.aliases)}",
             f"  {len(person.members)} member(s):"]
    for mem in person.members:
        where = "profile" if mem.position is None else f"author #{mem.position} of"
        lines.append(f"    - {mem.name!r} on {mem.source}: {where} {mem.record_id}")
    if person.paper_ids:
        lines.append("  papers:")
        lines.extend(f"    - {pid}: {titles.get(pid, '')}" for pid in person.paper_ids)
    if person.evidence:
        lines.append("  joined because (evidence by kind; weight = its term in the log-odds):")
        last = None
        for e in person.evidence:
            pair = " + ".join(e.between)
            if pair != last:
                lines.append(f"    - {pair} (merge score {e.score:.2f}):")
                last = pair
            detail = e.detail
            if e.kind == "shared_papers":
                detail = "; ".join(f"{t} ({titles.get(t.split()[-1], '?')})"
                                   for t in detail.split(", "))
            weight = "decisive" if e.weight is None else f"{e.weight:+.2f}"
            lines.append(f"        {e.kind:<17} {weight:>8}  {detail}")
    kept = person_kept_out(k, res, ids)
    if kept:
        lines.append(f"  nearest candidates kept out (merge needs an average pair probability "
                     f"of {res.threshold:.2f}):")
        for c in kept:
            lines.append(f"    - {c.entity_id} {c.name!r} (score {c.score:.2f}): {c.reason}")
            for kind, term, detail in c.evidence:
                shown = "decisive" if term is None else f"{term:+.2f}"
                lines.append(f"        {kind:<17} {shown:>8}  {detail}")
    elif not person.evidence:
        lines.append("  no candidate shares a coauthor, venue, title term, affiliation, paper or "
                     "profile with this person: " + NAME_ALONE.split(": ")[1])
    return "\n".join(lines)
