"""The SQL of resolved entities: ``entities``, ``entity_members`` and the ``entity_keys`` index.

Resolution (:mod:`ingest_core.resolution.stored`) decides what to read and write; this
module only reads and writes rows, in plain data and ``schemas`` models, so the store
never imports resolution. :class:`EntityIndex` is one transaction: an incremental run
reads what it needs and writes what changed atomically, and later reads see its writes.
Every method runs under the store's error mapping (SQLAlchemy errors become
:class:`~ingest_core.errors.StorageError`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ingest_core._text import fold
from ingest_core.schemas import AnyRecord, Paper, Person, entity_from_json, record_from_json
from ingest_core.store import _models as m

ENTITIES = m.entities
ENTITY_MEMBERS = m.entity_members
ENTITY_KEYS = m.entity_keys
ENTITY_TERMS = m.entity_terms
RECORDS = m.records
CHUNK = 500
"""Values per IN (...) list and rows per INSERT."""

MemberRow = tuple[str, str, str, int | None, str]
"""An ``entity_members`` row: (entity id, member key, record id, position, role)."""
Errors = Callable[[str], AbstractContextManager[None]]


_WORD = re.compile(r"\w+")
TERM_MAX = 64
SORT_NAME_MAX = 200


def words(text: str) -> list[str]:
    """Folded words of a name, a title or a search box (accents and case removed)."""
    return [w[:TERM_MAX] for w in _WORD.findall(fold(text))]


def _sources(entity: Paper | Person) -> list[str]:
    """The sites an entity's members come from, sorted."""
    if isinstance(entity, Paper):
        return sorted(set(entity.sources))
    return sorted({mem.source for mem in entity.members})


def entity_terms(entity: Paper | Person) -> set[str]:
    """What an entity is found by: the folded words of its name, aliases or title, and
    ``src:<source>`` for each source of its members."""
    texts = [entity.title] if isinstance(entity, Paper) else [entity.name, *entity.aliases]
    terms = {w for t in texts for w in words(t)}
    terms |= {("src:" + s)[:TERM_MAX] for s in _sources(entity)}
    return terms


def entity_columns(entity: Paper | Person) -> dict[str, object]:
    """The list columns of an entity row: confidence, sources, and a name to sort by."""
    name = entity.title if isinstance(entity, Paper) else entity.name
    confidence = None if isinstance(entity, Paper) else entity.confidence
    return {"confidence": confidence, "sources": ",".join(_sources(entity)),
            "sort_name": fold(name)[:SORT_NAME_MAX]}


def chunks(items: Iterable[str]) -> Iterator[list[str]]:
    values = sorted(set(items))
    for k in range(0, len(values), CHUNK):
        yield values[k:k + CHUNK]


def read_pairs(conn: Connection, key: sa.Column[str], value: sa.Column[Any],
               values: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """``(key, value)`` rows whose ``key`` is one of ``values``, read in chunks."""
    for part in chunks(values):
        rows = conn.execute(sa.select(key, value).where(key.in_(part)))
        for k, v in rows:  # noqa: UP028 - unpack Rows into the plain tuples callers expect
            yield k, v


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict[str, object]]) -> None:
    for k in range(0, len(rows), CHUNK):
        conn.execute(table.insert(), rows[k:k + CHUNK])


def read_entities(conn: Connection) -> Iterator[Paper | Person]:
    """Stored entities, papers then persons, each by id."""
    query = sa.select(ENTITIES.c.data).order_by(ENTITIES.c.kind, ENTITIES.c.id)
    for row in conn.execute(query):
        yield entity_from_json(row.data)


EntityData = tuple[str, str | None]
"""A stored entity as resolution compares it: (its JSON, its notes)."""
_ROW = (ENTITIES.c.id, ENTITIES.c.data, ENTITIES.c.notes)


def read_entity_rows(conn: Connection) -> dict[str, EntityData]:
    """Every stored entity's JSON and notes by id (what a full run compares its result with)."""
    return {row.id: (row.data, row.notes) for row in conn.execute(sa.select(*_ROW))}


def count_entity_keys(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(ENTITY_KEYS)).scalar_one())


class EntityIndex:
    """The entity tables and records within one transaction, read by sets of keys or ids.

    Rows added with :meth:`add_pending` (the keys of new records, written only at the end)
    are read by :meth:`holders` as if they were stored.

    Args:
        conn: a connection inside the transaction.
        errors: the store's error mapping (``Store._errors``).
    """

    def __init__(self, conn: Connection, errors: Errors) -> None:
        self._conn = conn
        self._errors = errors
        self._pending: dict[str, set[str]] = defaultdict(set)

    def add_pending(self, rows: Iterable[tuple[str, str]]) -> None:
        """Read these (key, record id) rows as indexed, though not written yet."""
        for key, rid in rows:
            self._pending[key].add(rid)

    def _pairs(
        self, key: sa.Column[str], value: sa.Column[str], values: Iterable[str],
        action: str = "read the entity index",
    ) -> Iterator[tuple[str, str]]:
        """``(key, value)`` rows whose ``key`` is one of ``values``, read in chunks."""
        with self._errors(action):
            yield from read_pairs(self._conn, key, value, values)

    def _grouped(
        self, key: sa.Column[str], value: sa.Column[str], values: Iterable[str]
    ) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for k, v in self._pairs(key, value, values):
            out[k].add(v)
        return out

    # --- reads -----------------------------------------------------------------------------

    def unindexed_records(self) -> list[AnyRecord]:
        """Work and profile records not in the index yet (new to the store), by id."""
        indexed = sa.select(ENTITY_KEYS.c.record_id).where(
            ENTITY_KEYS.c.record_id == RECORDS.c.id).exists()
        query = sa.select(RECORDS.c.data).where(
            RECORDS.c.kind.in_(("work", "profile")), ~indexed).order_by(RECORDS.c.id)
        with self._errors("read new records"):
            return [record_from_json(d) for d in self._conn.execute(query).scalars()]

    def vanished_ids(self) -> set[str]:
        """Record ids in the index that the store no longer holds."""
        alive = sa.select(RECORDS.c.id).where(RECORDS.c.id == ENTITY_KEYS.c.record_id).exists()
        query = sa.select(ENTITY_KEYS.c.record_id).where(~alive).distinct()
        with self._errors("read the entity index"):
            return set(self._conn.execute(query).scalars())

    def holders(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """Record ids indexed under each key (pending rows included)."""
        keys = set(keys)
        out = self._grouped(ENTITY_KEYS.c.key, ENTITY_KEYS.c.record_id, keys)
        for key in keys & self._pending.keys():
            out[key] |= self._pending[key]
        return out

    def keys_of(self, record_ids: Iterable[str]) -> dict[str, set[str]]:
        """The keys each record id is indexed under (stored rows only)."""
        return self._grouped(ENTITY_KEYS.c.record_id, ENTITY_KEYS.c.key, record_ids)

    def records(self, record_ids: Iterable[str]) -> list[AnyRecord]:
        """The stored records with these ids, validated."""
        return [record_from_json(d) for d in self.record_json(record_ids).values()]

    def record_json(self, record_ids: Iterable[str]) -> dict[str, str]:
        """The stored JSON of the records with these ids (not validated: cheap to skim)."""
        return dict(self._pairs(RECORDS.c.id, RECORDS.c.data, record_ids, "read records"))

    def entity_of(self, member_keys: Iterable[str], kind: str) -> dict[str, str]:
        """The stored entity of each member key (works: their record ids), of one kind."""
        prefix = kind + "-"
        pairs = self._pairs(ENTITY_MEMBERS.c.member_key, ENTITY_MEMBERS.c.entity_id, member_keys)
        return {k: e for k, e in pairs if e.startswith(prefix)}

    def members(self, entity_ids: Iterable[str]) -> dict[str, set[str]]:
        """The member keys of each stored entity."""
        return self._grouped(ENTITY_MEMBERS.c.entity_id, ENTITY_MEMBERS.c.member_key, entity_ids)

    def entity_rows(self, entity_ids: Iterable[str]) -> dict[str, EntityData]:
        """The stored JSON and notes of each of these entities."""
        with self._errors("read entities"):
            return {row.id: (row.data, row.notes) for part in chunks(entity_ids)
                    for row in self._conn.execute(sa.select(*_ROW)
                                                  .where(ENTITIES.c.id.in_(part)))}

    # --- writes ----------------------------------------------------------------------------

    def update_notes(self, notes: Mapping[str, str]) -> None:
        """Rewrite only the notes of entities whose content did not change."""
        if not notes:
            return
        query = (ENTITIES.update().where(ENTITIES.c.id == sa.bindparam("eid"))
                 .values(notes=sa.bindparam("text")))
        with self._errors("write entities"):
            self._conn.execute(query, [{"eid": eid, "text": text}
                                       for eid, text in sorted(notes.items())])

    def write_entities(
        self, entities: Sequence[Paper | Person], members: Iterable[MemberRow],
        drop: Iterable[str] = (), notes: Mapping[str, str] | None = None,
    ) -> None:
        """Delete the ``drop`` entities and their members, then insert ``entities`` (with
        their ``notes``) and their ``members`` rows (an entity rewritten is dropped first)."""
        notes = notes or {}
        now = dt.datetime.now(dt.UTC)
        columns = ("entity_id", "member_key", "record_id", "position", "role")
        with self._errors("write entities"):
            for part in chunks(drop):
                for table in (ENTITY_MEMBERS, ENTITY_TERMS):
                    self._conn.execute(table.delete().where(table.c.entity_id.in_(part)))
                self._conn.execute(ENTITIES.delete().where(ENTITIES.c.id.in_(part)))
            insert_rows(self._conn, ENTITIES, [
                {"id": e.id, "kind": e.kind, "name": e.title if isinstance(e, Paper) else e.name,
                 "member_count": len(e.members), "data": e.model_dump_json(),
                 "resolved_at": now, "notes": notes.get(e.id), **entity_columns(e)}
                for e in entities])
            insert_rows(self._conn, ENTITY_TERMS, [{"term": t, "entity_id": e.id}
                                               for e in entities for t in sorted(entity_terms(e))])
            insert_rows(self._conn, ENTITY_MEMBERS, [dict(zip(columns, row, strict=True))
                                                 for row in members])

    def clear_keys(self) -> None:
        """Empty the index (a full run writes it again)."""
        with self._errors("write the entity index"):
            self._conn.execute(ENTITY_KEYS.delete())

    def drop_keys(self, record_ids: Iterable[str]) -> None:
        """Remove these records from the index."""
        with self._errors("write the entity index"):
            for part in chunks(record_ids):
                self._conn.execute(ENTITY_KEYS.delete().where(ENTITY_KEYS.c.record_id.in_(part)))

    def insert_keys(self, rows: Iterable[tuple[str, str]]) -> None:
        """Index (key, record id) rows, in sorted order."""
        with self._errors("write the entity index"):
            insert_rows(self._conn, ENTITY_KEYS, [{"key": k, "record_id": r}
                                              for k, r in sorted(rows)])
