"""Resolution against the store: read its records, write ``entities`` and ``entity_members``.

The two tables come from the Alembic migration ``0002_entities``. A run resolves the stored
work and profile records and writes only the entities that changed: an entity whose id and
content are unchanged is not rewritten, one that no longer exists is deleted. With
``incremental``, a store whose records are all already members of stored entities is left
as it is, and nothing is resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ingest_core.errors import StorageError
from ingest_core.resolve import Resolution, resolve
from ingest_core.resolve._ids import member_key
from ingest_core.resolve.config import ResolverConfig
from ingest_core.resolve.curation import Curation
from ingest_core.store import Store
from schemas import Paper, Person, entity_from_json

_meta = sa.MetaData()
ENTITIES = sa.Table(
    "entities", _meta,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(16)),
    sa.Column("name", sa.Text()),
    sa.Column("member_count", sa.Integer()),
    sa.Column("data", sa.Text()),
    sa.Column("resolved_at", sa.DateTime(timezone=True)),
)
ENTITY_MEMBERS = sa.Table(
    "entity_members", _meta,
    sa.Column("entity_id", sa.String(40), primary_key=True),
    sa.Column("member_key", sa.String(48), primary_key=True),
    sa.Column("record_id", sa.String(32)),
    sa.Column("position", sa.Integer()),
    sa.Column("role", sa.String(16)),
)
CHUNK = 500


def _members(entity: Paper | Person) -> list[dict[str, object]]:
    if isinstance(entity, Paper):
        return [{"entity_id": entity.id, "member_key": rid, "record_id": rid, "position": None,
                 "role": "work"} for rid in entity.members]
    return [{"entity_id": entity.id, "member_key": member_key(m.record_id, m.position),
             "record_id": m.record_id, "position": m.position, "role": m.role}
            for m in entity.members]


def stored_entities(store: Store) -> Iterator[Paper | Person]:
    """The entities of the store, papers then persons, each by id.

    Raises:
        StorageError: the tables cannot be read (run ``ingest resolve --db`` first).
    """
    query = sa.select(ENTITIES.c.data).order_by(ENTITIES.c.kind, ENTITIES.c.id)
    try:
        with store.engine.connect() as conn:
            for row in conn.execute(query):
                yield entity_from_json(row.data)
    except SQLAlchemyError as exc:
        raise StorageError(f"could not read entities: {exc.__class__.__name__}",
                           input=store.url) from exc


def resolve_store(
    store: Store,
    *,
    config: ResolverConfig | None = None,
    curation: Curation | None = None,
    incremental: bool = False,
) -> tuple[Resolution | None, dict[str, int]]:
    """Resolve the store's records and write the entities that changed.

    Args:
        store: an open store (migrated, so the entity tables exist).
        config: thresholds.
        curation: must-link / cannot-link decisions.
        incremental: skip the run when no stored record is new to the entities.

    Returns:
        The resolution (None when an incremental run found nothing new) and the counts
        written: ``inserted``, ``updated``, ``deleted``, ``unchanged``.

    Raises:
        StorageError: the database cannot be read or written.
    """
    try:
        records = [*store.records(kind="work"), *store.records(kind="profile")]
        with store.engine.connect() as conn:
            known = set(conn.execute(sa.select(ENTITY_MEMBERS.c.record_id)).scalars())
            stored = {row.id: row.data for row in conn.execute(
                sa.select(ENTITIES.c.id, ENTITIES.c.data))}
    except SQLAlchemyError as exc:
        raise StorageError(f"could not read the store: {exc.__class__.__name__}",
                           input=store.url) from exc
    if incremental and stored and all(r.id in known for r in records):
        return None, {"inserted": 0, "updated": 0, "deleted": 0, "unchanged": len(stored)}
    res = resolve(records, config=config, curation=curation)
    fresh = {e.id: e for e in res.entities()}
    changed = [e for eid, e in fresh.items() if stored.get(eid) != e.model_dump_json()]
    gone = [eid for eid in stored if eid not in fresh]
    counts = {"inserted": sum(e.id not in stored for e in changed),
              "updated": sum(e.id in stored for e in changed), "deleted": len(gone),
              "unchanged": len(fresh) - len(changed)}
    now = dt.datetime.now(dt.UTC)
    try:
        with store.engine.begin() as conn:
            drop = [*gone, *(e.id for e in changed if e.id in stored)]
            for k in range(0, len(drop), CHUNK):
                part = drop[k:k + CHUNK]
                conn.execute(ENTITY_MEMBERS.delete().where(ENTITY_MEMBERS.c.entity_id.in_(part)))
                conn.execute(ENTITIES.delete().where(ENTITIES.c.id.in_(part)))
            rows = [{"id": e.id, "kind": e.kind, "name": e.title if isinstance(e, Paper)
                     else e.name, "member_count": len(e.members), "data": e.model_dump_json(),
                     "resolved_at": now} for e in changed]
            members = [m for e in changed for m in _members(e)]
            for k in range(0, len(rows), CHUNK):
                conn.execute(ENTITIES.insert(), rows[k:k + CHUNK])
            for k in range(0, len(members), CHUNK):
                conn.execute(ENTITY_MEMBERS.insert(), members[k:k + CHUNK])
    except SQLAlchemyError as exc:
        raise StorageError(f"could not write entities: {exc.__class__.__name__}",
                           input=store.url) from exc
    return res, counts
