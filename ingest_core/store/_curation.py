"""The SQL of curation: a curator's decisions, kept in the store (migration 0004_review).

Rows are keyed by :attr:`CurationDecision.id` (the level and the pair), so importing a file
twice changes nothing and a later decision on a pair replaces the earlier one. A decision
is never dropped because its records left the store: reads flag it as dangling instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ingest_core.schemas import CurationDecision, member_record
from ingest_core.store import _models as m
from ingest_core.store._entities import chunks, insert_rows, read_pairs

CURATION = m.curation


@dataclass(frozen=True)
class StoredDecision:
    """A decision as stored, with its id and whether a member is no longer in the store."""

    id: str
    decision: CurationDecision
    dangling: tuple[str, ...]
    """The members whose record the store no longer holds."""


def write_decisions(conn: Connection, decisions: Sequence[CurationDecision],
                    now: dt.datetime) -> None:
    """Insert or replace decisions (one row per level and pair)."""
    for part in chunks(d.id for d in decisions):
        conn.execute(CURATION.delete().where(CURATION.c.id.in_(part)))
    # one row per id: the last of a pair decided twice in one batch wins
    rows: dict[str, dict[str, object]] = {
        d.id: {"id": d.id, "kind": d.kind, "level": d.level, "a": d.a, "b": d.b,
               "note": d.note, "who": d.who, "created_at": d.at or now,
               "action": d.action or d.id} for d in decisions}
    insert_rows(conn, CURATION, list(rows.values()))


def _decision(row: sa.Row[tuple[object, ...]]) -> CurationDecision:
    at = row.created_at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return CurationDecision(kind=row.kind, a=row.a, b=row.b, level=row.level, note=row.note,
                            who=row.who, at=at, action=row.action)


def read_decisions(conn: Connection, *, members: Iterable[str] | None = None
                   ) -> list[StoredDecision]:
    """Decisions, oldest first (only those naming one of ``members``, when given)."""
    query = sa.select(CURATION).order_by(CURATION.c.created_at, CURATION.c.id)
    if members is not None and conn.execute(sa.select(CURATION.c.id).limit(1)).first() is None:
        return []  # nothing curated: no need to look up thousands of members
    if members is not None:
        rows: dict[str, sa.Row[tuple[object, ...]]] = {}
        for part in chunks(members):
            for row in conn.execute(query.where(sa.or_(CURATION.c.a.in_(part),
                                                       CURATION.c.b.in_(part)))):
                rows[row.id] = row
        found = sorted(rows.values(), key=lambda r: (r.created_at, r.id))
    else:
        found = list(conn.execute(query))
    decisions = [_decision(r) for r in found]
    records = {member_record(x) for d in decisions for x in d.pair}
    alive = existing_records(conn, records)
    return [StoredDecision(d.id, d, tuple(x for x in d.pair if member_record(x) not in alive))
            for d in decisions]


def existing_records(conn: Connection, record_ids: Iterable[str]) -> set[str]:
    """Those of ``record_ids`` the store holds."""
    return {rid for rid, _ in read_pairs(conn, m.records.c.id, m.records.c.id, record_ids)}


def delete_decisions(conn: Connection, ids: Iterable[str]) -> list[CurationDecision]:
    """Remove decisions by id, or every decision of an action by its action id."""
    removed: list[CurationDecision] = []
    for part in chunks(ids):
        where = sa.or_(CURATION.c.id.in_(part), CURATION.c.action.in_(part))
        removed += [_decision(r) for r in conn.execute(sa.select(CURATION).where(where))]
        conn.execute(CURATION.delete().where(where))
    return removed
