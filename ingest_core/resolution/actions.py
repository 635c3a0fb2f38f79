"""A curator's actions on a store: each writes curation, then re-resolves only the blocks it
touches (the review app's buttons and ``ingest curation remove`` call these).

- **split** a member out of a person: a cannot-link between it and every other member, so
  no chain through another member can bring it back;
- **merge** two persons: a must-link from every member of both to one anchor (a pair
  alone would not do: the rest of a person could stay behind, kept apart by a rule such as
  "two profile pages of one site", which a curator's must-link overrides);
- **separate** two persons: a cannot-link between their anchors (a cannot-link holds
  between whole clusters: no member of one may join the other);
- **undo**: remove the decisions of one action.

Every decision of one action shares an action id, so ``ingest curation remove ACTION``
undoes it whole. An action re-resolves its blocks alone: pages backfilled since the last
``ingest resolve --db`` wait for the next one.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from ingest_core.errors import UsageError
from ingest_core.resolution import Curation
from ingest_core.resolution.curation import CurationEntry
from ingest_core.resolution.stored import import_curation, resolve_store
from ingest_core.schemas import (
    CurationDecision,
    DecisionKind,
    Paper,
    Person,
    entity_from_json,
    member_key,
)
from ingest_core.store import Store

WRITE = threading.Lock()
"""One change at a time: each re-resolves within one transaction of its own."""


@dataclass(frozen=True)
class Outcome:
    """What an action did: its id, the decisions written and the entities re-resolved."""

    action: str
    decisions: list[CurationDecision]
    counts: dict[str, int]
    touched: set[str]


def _entity(store: Store, entity_id: str) -> Person | Paper:
    with store.browse() as browse:
        row = browse.entity(entity_id)
    if row is None:
        raise UsageError("no stored paper or person has this id; it may have been "
                         "re-resolved under a new id", input=entity_id,
                         hint="search for it again")
    return entity_from_json(row.data)


def member_keys(entity: Person | Paper) -> list[str]:
    if isinstance(entity, Paper):
        return list(entity.members)
    return [member_key(m.record_id, m.position) for m in entity.members]


def _apply(store: Store, curation: Curation, *, who: str | None, extra: set[str]) -> Outcome:
    action = secrets.token_hex(8)
    with WRITE:
        decisions = import_curation(store, curation, who=who or None, action=action)
        touched = {x for d in decisions for x in d.pair} | extra
        _, counts = resolve_store(store, incremental=True, touched=touched, only_touched=True)
    return Outcome(action, decisions, counts, touched)


def split(store: Store, entity_id: str, member: str, *, who: str | None = None,
          note: str | None = None) -> Outcome:
    """Take ``member`` out of the entity ``entity_id`` (a person or a paper).

    Raises:
        UsageError: no such entity, or ``member`` is not one of its members, or it is the
            only one.
    """
    entity = _entity(store, entity_id)
    keys = member_keys(entity)
    if member not in keys:
        raise UsageError("not a member of this entity", input=member)
    if len(keys) == 1:
        raise UsageError("an entity of one member cannot be split", input=entity_id)
    note = note or f"split out of {entity_id}"
    cur = Curation.of([_entry("cannot_link", member, k, note, who) for k in keys if k != member])
    return _apply(store, cur, who=who, extra=set(keys))


def link(store: Store, entity_id: str, other_id: str, *, same: bool, who: str | None = None,
         note: str | None = None) -> Outcome:
    """Say that two entities are (``same``) or are not one person or paper.

    Raises:
        UsageError: either entity is unknown, they are the same entity, or one is a paper
            and the other a person.
    """
    if entity_id == other_id:
        raise UsageError("an entity cannot be linked with itself", input=entity_id)
    a, b = _entity(store, entity_id), _entity(store, other_id)
    if a.kind != b.kind:
        raise UsageError("a paper cannot be linked with a person", input=other_id)
    keys_a, keys_b = member_keys(a), member_keys(b)
    note = note or f"{'same' if same else 'not the same'}: {entity_id} / {other_id}"
    if same:
        anchor = min(keys_a)
        entries = [_entry("must_link", k, anchor, note, who)
                   for k in sorted(set(keys_a) | set(keys_b)) if k != anchor]
    else:
        entries = [_entry("cannot_link", min(keys_a), min(keys_b), note, who)]
    return _apply(store, Curation.of(entries), who=who, extra=set(keys_a) | set(keys_b))


def undo(store: Store, *ids: str, only_touched: bool = True) -> Outcome:
    """Remove decisions by action id (every decision of that action) or decision id, then
    re-resolve around them (with ``only_touched`` off, records new to the store too).

    Raises:
        UsageError: no decision has any of these ids.
    """
    with WRITE:
        removed = store.remove_curation(ids)
        if not removed:
            raise UsageError("no decision has this id", input=", ".join(ids),
                             hint="see `ingest curation list`")
        touched = {x for d in removed for x in d.pair}
        _, counts = resolve_store(store, incremental=True, touched=touched,
                                  only_touched=only_touched)
    return Outcome(", ".join(ids), removed, counts, touched)


def _entry(kind: DecisionKind, a: str, b: str, note: str | None, who: str | None
           ) -> CurationEntry:
    return CurationEntry(kind, a, b, note, who or None)
