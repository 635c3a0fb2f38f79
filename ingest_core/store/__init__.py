"""The store: SQLAlchemy 2.0 tables behind :class:`Store`, migrated by Alembic on open.

SQLite (``sqlite:///ingest.db``, WAL mode) needs no server; any SQLAlchemy URL works, and
PostgreSQL is tested for real. See :mod:`ingest_core.store._store` for how writes stay
idempotent.
"""

from ingest_core.store._browse import SORTS, Browse, EntityPage, EntityRow, Filters, Overview
from ingest_core.store._curation import StoredDecision
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
    "SORTS",
    "Browse",
    "EntityIndex",
    "EntityPage",
    "EntityRow",
    "Filters",
    "MemberRow",
    "Overview",
    "PageState",
    "QuarantineEntry",
    "Store",
    "StoreStats",
    "StoredDecision",
    "normalize_url",
]
