"""The SQL the review app reads: entity lists by keyset, one entity with its members'
records, and the counts an overview plots.

Lists never use OFFSET: a page is the rows after the last one shown, in the order of one
index (``ix_entities_kind_size``, ``…_confidence``, ``…_sort_name``), so page 1,000 costs
what page 1 costs. A search is a range scan of ``entity_terms`` (folded words, by prefix),
and a source filter a lookup of its ``src:`` term.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ingest_core.store import _models as m
from ingest_core.store._entities import TERM_MAX, read_pairs, words

E, T, MEM = m.entities, m.entity_terms, m.entity_members
Sort = Literal["size", "name", "confidence"]
SORTS: tuple[Sort, ...] = ("size", "name", "confidence")
COUNT_CAP = 10_000
"""Matching rows are counted up to this (a list says "10,000+" beyond)."""
SEARCH_WORDS = 6


@dataclass(frozen=True)
class EntityRow:
    """One line of an entity list."""

    id: str
    kind: str
    name: str
    member_count: int
    confidence: float | None
    sources: list[str]


@dataclass(frozen=True)
class EntityPage:
    """One page of a list, the cursor of the next page and how many rows match."""

    rows: list[EntityRow]
    next_after: str | None
    total: int
    capped: bool


@dataclass(frozen=True)
class Filters:
    """What an entity list is narrowed by."""

    kind: str
    q: str = ""
    source: str | None = None
    min_size: int | None = None
    max_size: int | None = None
    max_confidence: float | None = None


def _sort_column(sort: Sort) -> sa.ColumnElement[Any]:
    """The column of one list index (a bare column: an expression would defeat the index;
    every person has a confidence, and papers are not sorted by it)."""
    return {"size": E.c.member_count, "name": E.c.sort_name, "confidence": E.c.confidence}[sort]


def _where(f: Filters) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = [E.c.kind == f.kind]
    for word in words(f.q)[:SEARCH_WORDS]:
        # a prefix range over the folded words: "sal" finds "salimi"
        clauses.append(E.c.id.in_(sa.select(T.c.entity_id).where(
            T.c.term >= word, T.c.term < word + "\U0010ffff")))
    if f.source:
        # a correlated probe of the (term, entity_id) key per row read in index order: a
        # common source stops at the page's last row, where IN (...) would read them all
        clauses.append(sa.exists().where(T.c.entity_id == E.c.id,
                                         T.c.term == ("src:" + f.source)[:TERM_MAX]))
    if f.min_size is not None:
        clauses.append(E.c.member_count >= f.min_size)
    if f.max_size is not None:
        clauses.append(E.c.member_count <= f.max_size)
    if f.max_confidence is not None:
        clauses.append(E.c.confidence <= f.max_confidence)
    return clauses


def encode_cursor(sort: Sort, row: Any) -> str:
    """The position of a row in ``sort`` order, as the next page's ``after``."""
    value = {"size": row.member_count, "name": row.sort_name, "confidence": row.confidence}[sort]
    return json.dumps([value, row.id], ensure_ascii=False)


def list_entities(conn: Connection, f: Filters, *, sort: Sort = "size",
                  after: str | None = None, limit: int = 50) -> EntityPage:
    """One page of entities in ``sort`` order (size: biggest first; name: A to Z;
    confidence: weakest first), after the cursor ``after`` of the previous page."""
    col = _sort_column(sort)
    descending = sort == "size"
    where = _where(f)
    if after:
        value, last = json.loads(after)
        cmp = sa.tuple_(col, E.c.id)
        where.append(cmp < sa.tuple_(sa.literal(value), sa.literal(last)) if descending
                     else cmp > sa.tuple_(sa.literal(value), sa.literal(last)))
    order = (col.desc(), E.c.id.desc()) if descending else (col.asc(), E.c.id.asc())
    query = (sa.select(E.c.id, E.c.kind, E.c.name, E.c.member_count, E.c.confidence,
                       E.c.sources, E.c.sort_name)
             .where(*where).order_by(*order).limit(limit + 1))
    found = conn.execute(query).all()
    rows = [EntityRow(r.id, r.kind, r.name, r.member_count, r.confidence,
                      [s for s in (r.sources or "").split(",") if s]) for r in found[:limit]]
    next_after = encode_cursor(sort, found[limit - 1]) if len(found) > limit else None
    counted = sa.select(E.c.id).where(*_where(f)).limit(COUNT_CAP + 1).subquery()
    total = int(conn.execute(sa.select(sa.func.count()).select_from(counted)).scalar_one())
    return EntityPage(rows, next_after, min(total, COUNT_CAP), total > COUNT_CAP)


@dataclass(frozen=True)
class StoredEntity:
    """An entity's row: its JSON, the notes resolution left, and when."""

    data: str
    notes: str | None
    resolved_at: Any


def read_entity(conn: Connection, entity_id: str) -> StoredEntity | None:
    row = conn.execute(sa.select(E.c.data, E.c.notes, E.c.resolved_at)
                       .where(E.c.id == entity_id)).first()
    return StoredEntity(row.data, row.notes, row.resolved_at) if row else None


def entities_of_members(conn: Connection, member_keys: Sequence[str]) -> dict[str, str]:
    """The current entity id of each member key (a person's anchor, a paper's work)."""
    out: dict[str, str] = {}
    for key, eid in read_pairs(conn, MEM.c.member_key, MEM.c.entity_id, member_keys):
        out.setdefault(key, eid)
    return out


def records_by_id(conn: Connection, record_ids: Sequence[str]) -> dict[str, str]:
    """Stored record JSON by id."""
    return dict(read_pairs(conn, m.records.c.id, m.records.c.data, record_ids))


def sources(conn: Connection) -> list[str]:
    """Every source with stored records (for the source filter)."""
    r = m.records
    return list(conn.execute(sa.select(r.c.source).distinct().order_by(r.c.source))
            .scalars())


@dataclass(frozen=True)
class Overview:
    """What the overview plots."""

    entities: dict[str, int]
    size_histogram: list[tuple[int, int]]
    """(cluster size, persons of that size)."""
    records: list[tuple[str, str, int]]
    quarantine: list[tuple[str, int]]
    confidence_histogram: list[tuple[float, int]]
    """(lower edge of a 0.1-wide bin, persons whose confidence falls in it)."""
    curation: int


def overview(conn: Connection) -> Overview:
    """Counts for the overview's plots, each one grouped query over an index."""
    kinds: dict[str, int] = dict(conn.execute(
        sa.select(E.c.kind, sa.func.count()).group_by(E.c.kind)).all())
    sizes = [(int(a), int(b)) for a, b in conn.execute(
        sa.select(E.c.member_count, sa.func.count()).where(E.c.kind == "person")
        .group_by(E.c.member_count).order_by(E.c.member_count))]
    r = m.records
    records = [(s, k, n) for s, k, n in conn.execute(
        sa.select(r.c.source, r.c.kind, sa.func.count()).group_by(r.c.source, r.c.kind)
        .order_by(r.c.source, r.c.kind))]
    q = m.quarantine
    quarantine = [(str(a), int(b)) for a, b in conn.execute(
        sa.select(q.c.error_code, sa.func.count()).group_by(q.c.error_code)
        .order_by(sa.func.count().desc()))]
    binned = sa.func.floor(sa.func.coalesce(E.c.confidence, 1.0) * 10)
    conf = [(min(int(b), 9) / 10, int(n)) for b, n in conn.execute(
        sa.select(binned, sa.func.count()).where(E.c.kind == "person").group_by(binned))]
    merged: dict[float, int] = {}
    for edge, n in conf:
        merged[edge] = merged.get(edge, 0) + n
    curation = int(conn.execute(sa.select(sa.func.count()).select_from(m.curation)).scalar_one())
    return Overview(kinds, sizes, records, quarantine, sorted(merged.items()), curation)


class Browse:
    """The review app's reads, on one connection (and one snapshot under PostgreSQL's
    default isolation within a request)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def list_entities(self, f: Filters, *, sort: Sort = "size", after: str | None = None,
                      limit: int = 50) -> EntityPage:
        return list_entities(self._conn, f, sort=sort, after=after, limit=limit)

    def entity(self, entity_id: str) -> StoredEntity | None:
        return read_entity(self._conn, entity_id)

    def entities_of_members(self, member_keys: Sequence[str]) -> dict[str, str]:
        return entities_of_members(self._conn, member_keys)

    def records(self, record_ids: Sequence[str]) -> dict[str, str]:
        return records_by_id(self._conn, record_ids)

    def sources(self) -> list[str]:
        return sources(self._conn)

    def overview(self) -> Overview:
        return overview(self._conn)
