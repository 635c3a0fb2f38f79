"""Resolution against the store: read its records, write ``entities`` and ``entity_members``.

The tables come from the Alembic migrations ``0002_entities`` and ``0003_entity_keys``.
A full run resolves every stored work and profile record and writes only the entities that
changed: an entity whose id and content are unchanged is not rewritten, one that no longer
exists is deleted. It also indexes every record by its blocking keys (``entity_keys``).

An incremental run reads only the records that are new to the index (or gone from the
store) and what they can touch, and rewrites only the entities whose content changed:

1. **Papers.** The new works' title blocks are looked up in the index; the works in them
   and every member of their stored papers are loaded and re-resolved, with the corpus
   size of each block (a block over ``title_block_max`` makes no pairs, as in a full run).
   When a stored work's paper changed, its own blocks are loaded too, until nothing more
   changes (a split paper may free a work for another one).
2. **Persons.** The name blocks of the new mentions, and of the mentions whose paper
   changed, are loaded whole (with the blocks a swapped reading ties them to, the profiles
   listing their works and the works those profiles list) and re-clustered; a block
   group's clustering depends only on its own mentions, so the result is a full run's.

Curation lives in the store (table ``curation``) and every run honours it. An incremental
run loads the curated partners of what it re-resolves (a must-link ties their blocks), and
``touched`` names members whose decisions just changed, so a curator's action re-resolves
only the blocks it touches. This module decides what to read and write; the SQL is the
store's (:class:`~ingest_core.store.EntityIndex`, one transaction per run).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from ingest_core.errors import ResolutionError
from ingest_core.resolution import Resolution, _person, resolve
from ingest_core.resolution._ids import anchor_of, entity_id, member_key
from ingest_core.resolution.config import ResolverConfig
from ingest_core.resolution.curation import Curation, CurationEntry
from ingest_core.resolution.explain import paper_notes, person_notes
from ingest_core.resolution.mentions import Mentions, mentions_from_records
from ingest_core.resolution.papers import (
    resolve_works,
    title_key,
    titles_may_match,
    work_blocking_keys,
)
from ingest_core.resolution.persons import block_keys, cluster_mentions
from ingest_core.schemas import (
    AnyRecord,
    CurationDecision,
    Paper,
    Person,
    Profile,
    Work,
    member_record,
)
from ingest_core.store import EntityIndex, MemberRow, Store
from ingest_core.store._entities import EntityData

_ENTITY_PREFIXES = ("person-", "paper-")

_KEY_MAX = 80


def _members(entity: Paper | Person) -> list[MemberRow]:
    if isinstance(entity, Paper):
        return [(entity.id, rid, rid, None, "work") for rid in entity.members]
    return [(entity.id, member_key(m.record_id, m.position), m.record_id, m.position, m.role)
            for m in entity.members]


def _short(key: str) -> str:
    """A key that fits the column: long ones (a whole title) are hashed."""
    if len(key) <= _KEY_MAX:
        return key
    return key[:3] + "#" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _paper_keys(work: Work) -> list[str]:
    return [_short("w:" + k) for k in work_blocking_keys(work)]


def record_keys(records: Sequence[AnyRecord]) -> set[tuple[str, str]]:
    """(key, record id) rows of the index: title blocks of works, name blocks of every
    mention, and ``l:<work id>`` for each work a profile lists."""
    works = [r for r in records if isinstance(r, Work)]
    profiles = [r for r in records if isinstance(r, Profile)]
    rows = {(k, w.id) for w in works for k in _paper_keys(w)}
    m = mentions_from_records(works, profiles, {})
    rows |= {(_short("n:" + k), m.record_id[r]) for r in range(len(m)) for k in block_keys(m, r)}
    rows |= {(_short("l:" + wid), p.id) for p in profiles for wid in p.work_ids}
    return rows


def stored_entities(store: Store) -> Iterator[Paper | Person]:
    """The entities of the store, papers then persons, each by id.

    Raises:
        StorageError: the tables cannot be read (run ``ingest resolve --db`` first).
    """
    return store.entities()


def _title_keys(idx: EntityIndex, ids: Iterable[str]) -> dict[str, str]:
    """The normalized title of each work record (read without validating the record)."""
    return {rid: title_key(json.loads(d).get("title") or "")
            for rid, d in idx.record_json(ids).items()}


def import_curation(
    store: Store, curation: Curation, *, who: str | None = None, action: str | None = None,
) -> list[CurationDecision]:
    """Keep a curation's decisions in the store, each entity id turned into its anchor member.

    Args:
        store: a writable store.
        curation: the decisions (from a file or a curator's action).
        who: who decided, for entries that do not say.
        action: an id shared by the decisions of one curator action.

    Returns:
        The decisions as stored.

    Raises:
        ResolutionError: an id names no stored record or entity, or a decision links a paper
            with a person.
    """
    entries = curation.all_entries()
    ids = {x for e in entries if e.decision is None for x in (e.a, e.b)}
    with store.entity_index() as idx:
        anchors = {eid: min(keys) for eid, keys in
                   idx.members(i for i in ids if i.startswith(_ENTITY_PREFIXES)).items()}
        kinds = {rid: str(json.loads(data).get("kind"))
                 for rid, data in idx.record_json(member_record(i) for i in ids).items()}
    decisions = [e.decision if e.decision is not None
                 else _decision(e, anchors, kinds, who=who, action=action) for e in entries]
    store.add_curation(decisions)
    return decisions


def _member(x: str, anchors: dict[str, str], kinds: dict[str, str]) -> tuple[str, str]:
    """(member key, level) of an id given in a curation."""
    if x.startswith(_ENTITY_PREFIXES):
        if x not in anchors:
            raise ResolutionError("no stored paper or person has this id", input=x,
                                  hint="resolve the store first (ingest resolve --db), or "
                                  "name a record id")
        return anchors[x], x.split("-", 1)[0]
    kind = kinds.get(member_record(x))
    if kind is None:
        raise ResolutionError("no stored record has this id", input=x,
                              hint="check the id (ingest explain shows members), or back "
                              "its page up first")
    if "#" in x or kind == "profile":
        return x, "person"
    return x, "paper"


def _decision(e: CurationEntry, anchors: dict[str, str], kinds: dict[str, str], *,
              who: str | None, action: str | None) -> CurationDecision:
    (a, la), (b, lb) = _member(e.a, anchors, kinds), _member(e.b, anchors, kinds)
    if la != lb:
        raise ResolutionError("a decision links a paper with a person", input=f"{e.a} / {e.b}")
    if a == b:
        raise ResolutionError("a decision names the same member twice", input=f"{e.a} / {e.b}")
    level = "paper" if la == "paper" else "person"
    return CurationDecision(kind=e.kind, a=a, b=b, level=level, note=e.note,
                            who=e.who or who, action=action)


def stored_curation(store: Store) -> tuple[Curation, int]:
    """The store's decisions as a Curation of member keys, and how many are dangling (a
    member's record is no longer stored: kept in the store, left out of resolution)."""
    rows = store.curation()
    live = [r.decision for r in rows if not r.dangling]
    cur = Curation.of(CurationEntry.of(d) for d in live)
    return cur, len(rows) - len(live)


def resolve_store(
    store: Store,
    *,
    config: ResolverConfig | None = None,
    curation: Curation | None = None,
    incremental: bool = False,
    touched: Iterable[str] = (),
    only_touched: bool = False,
) -> tuple[Resolution | None, dict[str, int]]:
    """Resolve the store's records and write the entities that changed.

    Args:
        store: an open store (migrated, so the entity tables exist).
        config: thresholds.
        curation: decisions to import into the store's curation first; the run honours
            every stored decision.
        incremental: re-resolve only what the records new to the store touch (and the
            members a new decision names).
        touched: member keys (or work ids) to re-resolve in an incremental run beside what
            is new, because decisions naming them changed.
        only_touched: with ``incremental``, re-resolve the touched blocks alone and leave
            records new to the store for the next run (finding them scans the whole index:
            a curator's action should not pay that).

    Returns:
        The resolution (None for an incremental run) and the counts written: ``inserted``,
        ``updated``, ``deleted``, ``unchanged`` entities (for an incremental run,
        ``unchanged`` counts the re-resolved entities that stayed as they were),
        and ``records_loaded``, the records read to resolve. Stored decisions naming a
        record that is gone are left out (:func:`stored_curation` counts them).

    Raises:
        StorageError: the database cannot be read or written.
        ResolutionError: a decision to import names nothing stored.
    """
    config = config or ResolverConfig()
    touched = set(touched)
    if curation:
        touched |= {x for d in import_curation(store, curation) for x in d.pair}
    cur, _ = stored_curation(store)
    if incremental and store.entity_key_count():
        with store.entity_index() as idx:
            return None, _incremental(idx, config, cur, touched, scan=not only_touched)
    records = [*store.records(kind="work"), *store.records(kind="profile")]
    stored = store.entity_rows()
    res = resolve(records, config=config, curation=cur)
    fresh = {e.id: e for e in res.entities()}
    with store.entity_index() as idx:
        counts = _write(idx, fresh, stored, res.notes())
        idx.clear_keys()
        idx.insert_keys(record_keys(records))
    counts["records_loaded"] = len(records)
    return res, counts


def _write(idx: EntityIndex, fresh: dict[str, Paper | Person], stored: dict[str, EntityData],
           notes: dict[str, str]) -> dict[str, int]:
    """Replace the ``stored`` entities (id to JSON and notes) by ``fresh`` ones, touching
    only the rows that differ (an entity whose content is unchanged may still get new notes:
    a candidate beside it changed)."""
    changed = [e for eid, e in sorted(fresh.items())
               if eid not in stored or stored[eid][0] != e.model_dump_json()]
    gone = sorted(eid for eid in stored if eid not in fresh)
    drop = [*gone, *(e.id for e in changed if e.id in stored)]
    idx.write_entities(changed, [row for e in changed for row in _members(e)], drop, notes)
    same = {eid for eid in fresh if eid in stored} - {e.id for e in changed}
    idx.update_notes({eid: notes[eid] for eid in same
                      if eid in notes and stored[eid][1] != notes[eid]})
    return {"inserted": sum(e.id not in stored for e in changed),
            "updated": sum(e.id in stored for e in changed), "deleted": len(gone),
            "unchanged": len(fresh) - len(changed)}


def _incremental(idx: EntityIndex, config: ResolverConfig, cur: Curation,
                 touched: set[str], *, scan: bool = True) -> dict[str, int]:
    """Re-resolve what the records new to the index (or gone from the store) touch, and the
    blocks of ``touched`` members, under the store's curation ``cur`` (with ``scan`` off,
    only the touched blocks: new and gone records wait for the next run)."""
    new = idx.unindexed_records() if scan else []
    gone = idx.vanished_ids() if scan else set()
    counts = {"inserted": 0, "updated": 0, "deleted": 0, "unchanged": 0, "records_loaded": 0}
    if not new and not gone and not touched:
        return counts
    curated = _CuratedPairs(cur)
    new_keys = record_keys(new)
    idx.add_pending(new_keys)
    new_ids = {r.id for r in new}
    loaded: dict[str, AnyRecord] = {r.id: r for r in new}

    def load(ids: Iterable[str]) -> None:
        missing = set(ids) - loaded.keys() - gone
        loaded.update((r.id, r) for r in idx.records(missing))

    load(member_record(t) for t in touched)
    touched_works = {t for t in touched if "#" not in t and isinstance(loaded.get(t), Work)}
    touched_people = {t for t in touched - touched_works if member_record(t) in loaded}

    # --- papers: the new works' title blocks, then the blocks of every work that moved ---
    key_rows: dict[str, set[str]] = defaultdict(set)
    for k, rid in new_keys:
        key_rows[rid].add(k)
    old_keys = idx.keys_of(gone)
    in_s: set[str] = {r.id for r in new if isinstance(r, Work)}
    stored_paper: dict[str, str] = {}
    titles: dict[str, str] = {r.id: title_key(r.title) for r in new if isinstance(r, Work)}
    # title blocks to expand, each with the work whose candidates are looked for in it
    frontier = {(k, rid) for k, rid in new_keys if k.startswith("w:")}
    frontier |= {(k, rid) for rid, ks in old_keys.items() for k in ks if k.startswith("w:")}
    seen_pairs: set[tuple[str, str]] = set()
    gone_papers = set(idx.entity_of(gone, "paper").values())
    extra = {k for ks in idx.members(gone_papers).values() for k in ks} - gone
    extra |= touched_works | curated.paper_partners(in_s | touched_works)
    while True:
        todo = frontier - seen_pairs
        seen_pairs |= todo
        holders = idx.holders({k for k, _ in todo})
        mates: dict[str, set[str]] = defaultdict(set)
        for key, rid in todo:
            rids = holders.get(key, set())
            # a loose block the old corpus already had too large made no pairs then or now
            if key.startswith("w:=") or len(rids - gone - new_ids) <= config.title_block_max:
                mates[rid] |= rids - gone - in_s
        # only a block-mate whose title could match is a candidate worth loading; a gone
        # work's block-mates are all loaded (the paper it held together may fall apart)
        titles.update(_title_keys(idx, {r for rs in mates.values() for r in rs} - titles.keys()))
        for rid, rs in mates.items():
            extra |= {r for r in rs if rid in gone
                      or titles_may_match(titles[rid], titles[r], config)}
        extra -= gone | in_s
        while extra:
            in_s |= extra
            stored_paper.update(idx.entity_of(extra, "paper"))
            members = {k for ks in idx.members(
                {stored_paper[w] for w in extra if w in stored_paper}).values() for k in ks}
            extra = (members | curated.paper_partners(extra)) - in_s - gone
        load(in_s)
        works = [w for rid in sorted(in_s) if isinstance(w := loaded[rid], Work)]
        key_rows.update(idx.keys_of(w.id for w in works if w.id not in key_rows))
        sizes = _block_sizes(idx, works, gone)
        paper_res = resolve_works(works, config, block_sizes=sizes,
                                  must_link=curated.within(curated.paper_must, in_s),
                                  cannot_link=curated.within(curated.paper_cannot, in_s))
        fresh_members = {p.id: set(p.members) for p in paper_res.papers}
        old_members = idx.members(set(stored_paper.values()))
        moved = {w.id for w in works if w.id in stored_paper
                 and fresh_members.get(paper_res.work_to_paper[w.id])
                 != old_members.get(stored_paper[w.id])}
        titles.update((w.id, title_key(w.title)) for w in works)
        frontier = {(k, w) for w in moved for k in key_rows.get(w, ()) if k.startswith("w:")}
        if frontier <= seen_pairs:
            break
    stored_ids = set(stored_paper.values()) | gone_papers
    paper_counts = _write(idx, {p.id: p for p in paper_res.papers},
                          idx.entity_rows(stored_ids), paper_notes(paper_res))
    repapered = {w for w in in_s if paper_res.work_to_paper.get(w) != stored_paper.get(w)}

    # --- persons: whole name-block groups of the mentions that are new or moved ---
    seeds = [loaded[r] for r in sorted(repapered | {r.id for r in new})]
    listing = idx.holders(_short("l:" + w) for w in repapered)
    load(r for rids in listing.values() for r in rids)
    seeds += [loaded[r] for rids in listing.values() for r in rids if r in loaded]
    wanted = {k[2:] for k, _ in record_keys(seeds) if k.startswith("n:")}
    wanted |= {k[2:] for ks in old_keys.values() for k in ks if k.startswith("n:")}
    wanted |= _mention_blocks(loaded, touched_people)
    m, persons, person_notes = _persons_of_blocks(
        idx, loaded, wanted, paper_res.work_to_paper, config, curated=curated)
    stored_persons = set(idx.entity_of(
        (m.key[r] for r in range(len(m)) if block_keys(m, r)[0] in wanted), "person").values())
    stored_persons |= set(idx.entity_of(
        (k for ks in idx.members(set(idx.entity_of(gone, "person").values())).values()
         for k in ks), "person").values())
    person_counts = _write(idx, persons, idx.entity_rows(stored_persons), person_notes)

    idx.drop_keys(gone)
    idx.insert_keys(new_keys)
    for name in ("inserted", "updated", "deleted", "unchanged"):
        counts[name] = paper_counts[name] + person_counts[name]
    counts["records_loaded"] = len(loaded)
    return counts


class _CuratedPairs:
    """The store's decisions split by level, with the partners each member is tied to."""

    def __init__(self, cur: Curation) -> None:
        """``cur``: the store's decisions (:func:`stored_curation`: each entry carries one)."""
        self.paper_must: list[tuple[str, str]] = []
        self.paper_cannot: list[tuple[str, str]] = []
        self.person_must: list[tuple[str, str]] = []
        self.person_cannot: list[tuple[str, str]] = []
        self._paper: dict[str, set[str]] = defaultdict(set)
        self.person_partners: dict[str, set[str]] = defaultdict(set)
        for d in (e.decision for e in cur.entries if e.decision is not None):
            paper = d.level == "paper"
            kinds = ((self.paper_must, self.paper_cannot) if paper
                     else (self.person_must, self.person_cannot))
            kinds[0 if d.kind == "must_link" else 1].append(d.pair)
            if paper:
                self._paper[d.a].add(d.b)
                self._paper[d.b].add(d.a)
            elif d.kind == "must_link":
                self.person_partners[d.a].add(d.b)
                self.person_partners[d.b].add(d.a)

    def paper_partners(self, works: Iterable[str]) -> set[str]:
        """Works a paper decision ties to these (either kind: both sides are re-resolved)."""
        return {p for w in works for p in self._paper.get(w, ())}

    @staticmethod
    def within(pairs: list[tuple[str, str]], ids: Iterable[str]) -> list[tuple[str, str]]:
        have = set(ids)
        return [(a, b) for a, b in pairs if a in have and b in have]


def _mention_blocks(loaded: dict[str, AnyRecord], keys: set[str]) -> set[str]:
    """The name blocks of these member keys (their records already loaded)."""
    if not keys:
        return set()
    records = {member_record(k) for k in keys}
    group = [loaded[r] for r in sorted(records) if r in loaded]
    m = mentions_from_records([r for r in group if isinstance(r, Work)],
                              [r for r in group if isinstance(r, Profile)], {})
    return {k for r in range(len(m)) if m.key[r] in keys for k in block_keys(m, r)}


def _block_sizes(idx: EntityIndex, works: list[Work], gone: set[str]) -> dict[str, int]:
    """Corpus size of every title block of these works (stored members and new ones)."""
    raw = {_short("w:" + k): k for w in works for k in work_blocking_keys(w)}
    return {raw[k]: len(rids - gone) for k, rids in idx.holders(raw).items()}


def _persons_of_blocks(
    idx: EntityIndex, loaded: dict[str, AnyRecord], wanted: set[str],
    work_to_paper: dict[str, str], config: ResolverConfig, *, curated: _CuratedPairs,
) -> tuple[Mentions, dict[str, Paper | Person], dict[str, str]]:
    """Load the block groups of ``wanted`` whole (extending it to tied blocks, a must-link
    tying the blocks of its two members), cluster them, and return their persons."""
    expanded: set[str] = set()
    # a mention's blocks depend on its name alone: each record's are read once, however
    # many rounds the group takes to close
    blocks_of: dict[str, list[str]] = {}
    read: set[str] = set()
    while True:
        todo = wanted - expanded
        if not todo:
            break
        expanded |= todo
        holders = idx.holders(_short("n:" + k) for k in todo)
        ids = {r for rids in holders.values() for r in rids}
        missing = ids - loaded.keys()
        loaded.update((r.id, r) for r in idx.records(missing))
        fresh = [loaded[r] for r in sorted(ids - read) if r in loaded]
        read |= ids
        m = mentions_from_records([r for r in fresh if isinstance(r, Work)],
                                  [r for r in fresh if isinstance(r, Profile)], {})
        blocks_of.update((m.key[r], block_keys(m, r)) for r in range(len(m)))
        partners: set[str] = set()
        for key, keys in blocks_of.items():
            if any(k in wanted for k in keys):
                wanted.update(keys)
                partners |= curated.person_partners.get(key, set())
        if partners:
            loaded.update((r.id, r) for r in idx.records(
                {member_record(p) for p in partners} - loaded.keys()))
            wanted |= _mention_blocks(loaded, partners)
    block_ids = {r for rids in idx.holders(_short("n:" + k) for k in wanted).values()
                 for r in rids}
    # what a mention's features need beside: the profiles listing its work, their works
    listing = idx.holders(_short("l:" + r) for r in block_ids)
    profile_ids = {p for rids in listing.values() for p in rids}
    needed = block_ids | profile_ids
    missing = needed - loaded.keys()
    loaded.update((r.id, r) for r in idx.records(missing))
    # a profile of these blocks reads its listed works; one outside is only their owner
    listed = {w for p in block_ids if isinstance(rec := loaded.get(p), Profile)
              for w in rec.work_ids}
    loaded.update((r.id, r) for r in idx.records(listed - loaded.keys()))
    needed |= listed
    records = [loaded[r] for r in sorted(needed) if r in loaded]
    works = [r for r in records if isinstance(r, Work)]
    profiles = [r for r in records if isinstance(r, Profile)]
    w2p = dict(idx.entity_of((w.id for w in works if w.id not in work_to_paper), "paper"))
    w2p.update((w.id, work_to_paper[w.id]) for w in works if w.id in work_to_paper)
    m = mentions_from_records(works, profiles, w2p)
    row_of = {k: r for r, k in enumerate(m.key)}
    must = [(row_of[a], row_of[b]) for a, b in curated.person_must if a in row_of and b in row_of]
    cannot = [(row_of[a], row_of[b]) for a, b in curated.person_cannot
              if a in row_of and b in row_of]
    clusters = cluster_mentions(m, config, must_link=must, cannot_link=cannot,
                                only_blocks=wanted)
    persons: dict[str, Paper | Person] = {}
    notes: dict[str, str] = {}
    pids = [entity_id("person", anchor_of(m.key[r] for r in rows)) for rows in clusters.groups]
    for k, rows in enumerate(clusters.groups):
        if block_keys(m, rows[0])[0] not in wanted:
            continue
        persons[pids[k]] = _person(k, clusters, pids[k])
        notes[pids[k]] = person_notes(k, clusters, pids)
    return m, persons, notes
