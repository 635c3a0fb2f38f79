"""Deterministic, stable entity ids.

An entity's id is a hash of one member, its *anchor*: the smallest member key. Rerunning
gives the same ids, and pages that touch no member of an entity cannot change its id.
Because the id is a function of one member key, an entity id can be mapped back to that
member (``anchor_index``), which is how curation files name entities.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ingest_core.schemas import member_key

__all__ = ["anchor_index", "anchor_of", "entity_id", "member_key", "parse_member_key"]


def parse_member_key(key: str) -> tuple[str, int | None]:
    """Inverse of :func:`member_key`."""
    record_id, sep, pos = key.partition("#")
    return (record_id, int(pos)) if sep and pos.isdigit() else (key, None)


def entity_id(kind: str, anchor: str) -> str:
    """``paper-…`` or ``person-…`` followed by 16 hex digits of the anchor's hash."""
    digest = hashlib.sha256((kind + "\x1f" + anchor).encode()).hexdigest()
    return f"{kind}-{digest[:16]}"


def anchor_of(keys: Iterable[str]) -> str:
    """The anchor member of an entity: its smallest member key."""
    return min(keys)


def anchor_index(kind: str, keys: Iterable[str]) -> dict[str, str]:
    """Map the id every key would give as an anchor back to that key."""
    return {entity_id(kind, k): k for k in keys}
