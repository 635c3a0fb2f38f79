"""Readable explanations: why each member is in an entity, and what was kept out."""

from __future__ import annotations

from ingest_core.resolution.papers import PaperResolution
from ingest_core.resolution.persons import PersonClusters
from ingest_core.schemas import Paper, Person


def explain_paper(paper: Paper, res: PaperResolution) -> str:
    """The works merged into ``paper``, the decisions that merged them, the near misses."""
    lines = [f"paper {paper.id}: {paper.title}", f"  {len(paper.members)} work record(s):"]
    by_id = {w.id: w for w in res.works}
    for wid in paper.members:
        w = by_id.get(wid)
        where = (f"{w.source} {w.provenance.url or w.provenance.sha256[:12]} "
                 f"#{w.provenance.position}") if w else ""
        lines.append(f"    - {wid} ({where}): {w.title if w else ''}")
    decisions = res.decisions.get(paper.id, [])
    members = set(paper.members)
    merged = [d for d in decisions if d.merge]
    kept = sorted((d for d in decisions if not d.merge), key=lambda d: -d.score)
    if merged:
        lines.append("  joined because:")
        for d in merged:
            pair = f"{res.works[d.i].id} + {res.works[d.j].id}"
            lines.append(f"    - {pair}: " + "; ".join(d.reasons))
    if kept:
        lines.append("  nearest candidates kept out:")
        shown: set[str] = set()
        for d in kept:
            a, b = res.works[d.i], res.works[d.j]
            other = b if a.id in members else a
            if other.id in shown or len(shown) >= 5:
                continue
            shown.add(other.id)
            lines.append(f"    - {other.id} \"{other.title}\": " + "; ".join(d.reasons))
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
    kept = res.neighbours.get(k, [])
    if kept:
        lines.append(f"  nearest candidates kept out (merge needs an average pair probability "
                     f"of {res.threshold:.2f}):")
        for score, other, veto, ref in sorted(kept, key=lambda t: (-t[0], ids[t[1]])):
            evidence = res.pair_evidence(ref)
            reason = veto or f"average probability {score:.2f} below the cut"
            if veto is None and all(kind in ("prior", "name", "years") for kind, _, _ in evidence):
                reason += ("; no shared coauthor, venue, title term, affiliation, paper or "
                           "profile: a name alone is not enough")
            name = res.mentions.name[res.groups[other][0]]
            lines.append(f"    - {ids[other]} {name!r} (score {score:.2f}): {reason}")
            for kind, term, detail in evidence:
                shown = "decisive" if term == float("inf") else f"{term:+.2f}"
                lines.append(f"        {kind:<17} {shown:>8}  {detail}")
    elif not person.evidence:
        lines.append("  no candidate shares a coauthor, venue, title term, affiliation, paper or "
                     "profile with this person: a name alone is not enough")
    return "\n".join(lines)
