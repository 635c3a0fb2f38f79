"""Blocking: which mentions may be one person, so that only they are ever compared.

A block is a folded family name plus first initial ("Núñez, José" and "J. Nunez" both give
``nunez j``). A two-part name whose order is ambiguous (both parts romanized Chinese) is
also put in the block of its swapped reading, so "Wang Wei" meets "Wei Wang"; such a
mention ties two blocks into one *group*, and each group is resolved on its own (bounded
memory, and a group's result depends on its own mentions only, which ``--incremental``
relies on). A block over ``block_max`` is split by the first letters of the given name;
initials-only mentions are compared with every part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest_core.resolution._unionfind import UnionFind
from ingest_core.resolution.mentions import Mentions, order_ambiguous

Member = tuple[int, bool]
"""A mention row in a block, and whether it is there by its swapped reading."""


@lru_cache(maxsize=1 << 16)
def initials_only(giv: str) -> bool:
    """Whether a folded given name is initials only ("j", "j p") or empty."""
    return all(len(t) == 1 for t in giv.split())


def block_keys(m: Mentions, row: int) -> list[str]:
    """The name blocks a mention belongs to: ``family initial``, and for a two-part name
    the swapped reading's (what the store indexes mentions by for ``--incremental``)."""
    return [key for key, _ in _block_keys(m, row)]


def _block_keys(m: Mentions, row: int) -> list[tuple[str, bool]]:
    fam, giv = m.fam[row], m.giv[row]
    keys = [(f"{fam} {giv[:1]}", False)]
    if order_ambiguous(fam, giv):
        keys.append((f"{giv} {fam[:1]}", True))
    return keys


@dataclass
class Group:
    """Blocks tied together (by swapped readings or curation), resolved as one unit."""

    keys: list[str]
    members: list[Member]
    """Every (row, swapped) of its blocks; a row may appear once per reading."""
    parts: list[tuple[list[Member], list[Member]]]
    """(rows, cols) to compare: one square part unless a block was too large."""

    def rows(self) -> list[int]:
        return sorted({r for r, _ in self.members})


def _sub_blocks(
    m: Mentions, members: list[Member], block_max: int, split_prefix: int
) -> list[tuple[list[Member], list[Member]]]:
    if len(members) <= block_max:
        return [(members, members)]
    initials: list[Member] = []
    parts: dict[str, list[Member]] = defaultdict(list)
    for row, swapped in members:
        giv = m.fam[row] if swapped else m.giv[row]
        if initials_only(giv):
            initials.append((row, swapped))
        else:
            parts[giv[:split_prefix]].append((row, swapped))
    out = [(part, part) for part in parts.values()]
    if initials:
        out.append((initials, members))
    return out


def groups(
    m: Mentions,
    *,
    block_max: int,
    split_prefix: int,
    must_link: Sequence[tuple[int, int]] = (),
    only_blocks: Container[str] | None = None,
) -> list[Group]:
    """The block groups of the mentions that have someone to be compared with.

    Args:
        m: the mentions.
        block_max: blocks larger than this are split by given-name prefix.
        split_prefix: letters of the given name that split a large block.
        must_link: curated row pairs; their blocks are tied into one group.
        only_blocks: when given, only groups with a key in it.
    """
    blocks: dict[str, list[Member]] = defaultdict(list)
    ties: list[tuple[str, str]] = []
    for row in range(len(m)):
        keys = _block_keys(m, row)
        for key, swapped in keys:
            blocks[key].append((row, swapped))
        if len(keys) > 1:
            ties.append((keys[0][0], keys[1][0]))
    ties.extend((_block_keys(m, a)[0][0], _block_keys(m, b)[0][0]) for a, b in must_link)
    names = sorted(blocks)
    index = {k: i for i, k in enumerate(names)}
    uf = UnionFind(len(names))
    tied: set[str] = set()
    for a, b in ties:
        if a != b:
            uf.union(index[a], index[b])
            tied.update((a, b))
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, members in blocks.items():
        if len(members) > 1 or key in tied:
            grouped[names[uf.find(index[key])]].append(key)
    out = []
    for _, tied_keys in sorted(grouped.items()):
        if only_blocks is not None and not any(k in only_blocks for k in tied_keys):
            continue
        members = [mem for k in tied_keys for mem in blocks[k]]
        parts = [p for k in tied_keys
                 for p in _sub_blocks(m, blocks[k], block_max, split_prefix)]
        out.append(Group(keys=tied_keys, members=members, parts=parts))
    return out


def group_rows(m: Mentions, row: int) -> list[int]:
    """The rows of the block group of ``row`` (blocks tied by swapped readings); O(n)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for r in range(len(m)):
        for key, _ in _block_keys(m, r):
            by_key[key].append(r)
    keys = {key for key, _ in _block_keys(m, row)}
    todo = list(keys)
    rows: set[int] = set()
    while todo:
        for r in by_key.get(todo.pop(), []):
            if r not in rows:
                rows.add(r)
                for key, _ in _block_keys(m, r):
                    if key not in keys:
                        keys.add(key)
                        todo.append(key)
    return sorted(rows)
