"""The store: SQLAlchemy 2.0 tables behind :class:`Store`, migrated by Alembic on open.

SQLite (``sqlite:///ingest.db``, WAL mode) needs no server; any SQLAlchemy URL works, and
PostgreSQL is tested for real. See :mod:`ingest_core.store._store` for how writes stay
idempotent.
"""

from ingest_core.store._entities import EntityIndex, MemberRow
from ingest_core.store._store import (
    DEFAULT_URL,
    PageState,
    QuarantineEntry,
    Store,
    StoreStats,
    normalize_url,
)

__all__ = [
    "DEFAULT_URL",
    "EntityIndex",
    "MemberRow",
    "PageState",
    "QuarantineEntry",
    "Store",
    "StoreStats",
    "normalize_url",
]
