"""What each review page shows, read from the store: plain data for the templates.

A person page is a handful of key lookups (the entity, its members' records, the entity of
each candidate), never a resolution: the joins and the nearest candidates kept out were
written beside the entity by the run that made it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ingest_core.resolution.explain import KeptOut
from ingest_core.schemas import ENTITY_ADAPTER, Paper, Person, member_key
from ingest_core.store import Browse, StoredDecision

MEMBERS_PER_PAGE = 100
_PAPER_ID = re.compile(r"paper-[0-9a-f]{16}")


@dataclass(frozen=True)
class MemberView:
    """One member as a curator reads it: the name as spelled, where, in which paper."""

    key: str
    record_id: str
    role: str
    position: int | None
    name: str
    source: str
    title: str
    url: str | None
    paper_id: str | None


@dataclass(frozen=True)
class EvidenceGroup:
    """The evidence of one merge: the two members it joined and each kind's weight."""

    between: list[str]
    score: float
    items: list[tuple[str, float | None, str]]


@dataclass
class EntityView:
    """Everything a person or paper page shows."""

    entity: Person | Paper
    """The entity, its ``members`` cut to the page shown."""
    members: list[MemberView]
    evidence: list[EvidenceGroup] = field(default_factory=list)
    joined: list[dict[str, Any]] = field(default_factory=list)
    kept_out: list[KeptOut] = field(default_factory=list)
    """Near candidates kept out; ``entity_id`` is the entity holding each one now ("" if
    none does), as ids change when entities are re-resolved."""
    decisions: list[StoredDecision] = field(default_factory=list)
    papers: list[tuple[str, str]] = field(default_factory=list)
    resolved_at: Any = None
    notes_missing: bool = False
    first: int = 0
    total: int = 0
    member_keys: list[str] = field(default_factory=list)
    """Every member's key (``entity.members`` holds only the shown page of them)."""
    per_page: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    """Member key -> how a curator reads it ("B. Salimi, author 1 on aggregator")."""


def _record_fields(data: str | None) -> tuple[str, str | None]:
    """(title or name, url) of a stored record's JSON."""
    if not data:
        return "(record no longer stored)", None
    rec = json.loads(data)
    title = rec.get("title") or rec.get("name") or ""
    return title, (rec.get("provenance") or {}).get("url")


def _where(position: int | None) -> str:
    return "profile" if position is None else f"author {position + 1}"


def entity_view(browse: Browse, entity_id: str, *, first: int = 0,
                per_page: int = MEMBERS_PER_PAGE) -> EntityView | None:
    """The page of one entity, showing members ``first`` to ``first + per_page`` (a prolific
    author has thousands: only the shown ones' records are read), or None when no stored
    entity has this id."""
    row = browse.entity(entity_id)
    if row is None:
        return None
    # validate only the members shown: a person of 10,000 members takes ~70 ms to validate
    # whole, and the page shows 100 of them
    raw = json.loads(row.data)
    everyone = raw.get("members", [])
    total = len(everyone)
    first = max(0, min(first, max(0, total - 1)))
    entity = ENTITY_ADAPTER.validate_python({**raw, "members": everyone[first:first + per_page]})
    notes = json.loads(row.notes) if row.notes else None
    members_raw: list[tuple[str, str, str, int | None, str, str]]
    if isinstance(entity, Person):
        all_keys = [member_key(m["record_id"], m.get("position")) for m in everyone]
        members_raw = [(member_key(m.record_id, m.position),
                        m.record_id, m.role, m.position, m.name, m.source)
                       for m in entity.members]
    else:
        all_keys = list(everyone)
        members_raw = [(rid, rid, "work", None, entity.title, "") for rid in entity.members]
    records = browse.records([r[1] for r in members_raw])
    kept = (notes or {}).get("kept_out", [])
    paper_of = browse.entities_of_members([r[1] for r in members_raw if r[2] != "profile"]
                                          + [k["member"] for k in kept])
    members = []
    for key, rid, role, position, name, given_source in members_raw:
        title, url = _record_fields(records.get(rid))
        source = given_source
        if isinstance(entity, Paper):
            source = json.loads(records[rid]).get("source", "") if rid in records else ""
        members.append(MemberView(key, rid, role, position, name, source, title, url,
                                  paper_of.get(rid) if role != "profile" else None))
    view = EntityView(entity, members, resolved_at=row.resolved_at,
                      notes_missing=notes is None, first=first, total=total,
                      per_page=per_page, member_keys=all_keys)
    view.labels = {m.key: f"{m.name}, {_where(m.position)} on {m.source}" for m in members}
    view.kept_out = [KeptOut(k["member"], paper_of.get(k["member"], ""), k["name"], k["score"],
                             k["reason"], [(e[0], e[1], e[2]) for e in k.get("evidence", [])])
                     for k in kept]
    view.joined = (notes or {}).get("joined", [])
    if isinstance(entity, Person):
        titles = {m.paper_id: m.title for m in members if m.paper_id}

        def titled(match: re.Match[str]) -> str:
            pid = match.group(0)
            return f"{pid} ({titles[pid]})" if pid in titles else pid

        groups: dict[tuple[str, ...], EvidenceGroup] = {}
        for e in entity.evidence:
            g = groups.setdefault(tuple(e.between), EvidenceGroup(list(e.between), e.score, []))
            detail = _PAPER_ID.sub(titled, e.detail) if e.kind == "shared_papers" else e.detail
            g.items.append((e.kind, e.weight, detail))
        view.evidence = list(groups.values())
        view.papers = sorted({(m.paper_id, m.title) for m in members if m.paper_id},
                             key=lambda t: t[1].casefold())
    return view
