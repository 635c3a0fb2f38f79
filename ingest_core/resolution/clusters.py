"""Clustering: average linkage over pair probabilities, under hard constraints.

Two clusters merge, best pair first, while the average probability over all their member
pairs reaches the model's cut; a pair that was never a candidate counts as the model's
probability for a name match alone (``unseen``, kept below the cut), so a big
cluster needs broad support to absorb another (no chaining through one lucky pair) and a
prolific person's mentions, which each share something with many others, stay together.
Average linkage is kept sparse: a cluster only knows the clusters it has candidate pairs
with, and the sums merge as clusters do, so a group costs O(pairs log pairs).

Hard constraints veto a merge whatever the scores: two author positions of one work (or
of one paper, as resolved), two profile pages of one site, two different ORCID iDs, names
that cannot be one person's ("B. Salimi" never joins both "Babak" and "Bahram"), and a
curator's cannot-link. A curator's must-link, then evidence that needs no weighing (one
profile page, one paper, one ORCID iD), are merged first.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ingest_core.resolution._unionfind import UnionFind
from ingest_core.resolution.mentions import Mentions
from ingest_core.resolution.namefit import Variant, _variant_score

MergeNote = tuple[float, int, int, str, int]
"""(average probability, row, row of the strongest pair, how it was joined, that pair's
index among the candidate pairs or -1)."""


@dataclass(slots=True)
class Aggregate:
    """What the constraints of one cluster need, kept up to date as clusters merge."""

    rows: list[int]
    variants: Counter[Variant]
    works: set[str]
    slots: dict[str, list[int]]
    """Resolved paper -> the rows of this cluster that are author positions of it."""
    profiles: dict[str, set[str]]
    orcids: set[str]
    dblps: set[str] = field(default_factory=set)
    confidence: float = 1.0
    merges: list[MergeNote] = field(default_factory=list)

    @classmethod
    def of(cls, m: Mentions, row: int) -> Aggregate:
        position = m.position[row]
        profiles: dict[str, set[str]] = {}
        works: set[str] = set()
        if position is None:
            profiles[m.source[row]] = {m.url[row] or "record:" + m.record_id[row]}
        else:
            works.add(m.record_id[row])
        orcid = m.orcid[row]
        return cls(rows=[row], variants=Counter({(m.fam[row], m.giv[row]): 1}), works=works,
                   slots={p: [row] for p in m.papers[row]} if position is not None else {},
                   profiles=profiles, orcids={orcid} if orcid else set(),
                   dblps={k for k in m.ids[row] if k.startswith("dblp:")})

    def absorb(self, other: Aggregate, note: MergeNote) -> None:
        self.rows.extend(other.rows)
        self.variants.update(other.variants)
        self.works |= other.works
        for paper, held in other.slots.items():
            self.slots.setdefault(paper, []).extend(held)
        for source, pages in other.profiles.items():
            self.profiles.setdefault(source, set()).update(pages)
        self.orcids |= other.orcids
        self.dblps |= other.dblps
        self.confidence = min(self.confidence, other.confidence, note[0])
        self.merges.extend(other.merges)
        self.merges.append(note)


def slot_conflict(m: Mentions, x: int, y: int, given_min: float, initials_penalty: float
                  ) -> bool:
    """Whether two author positions of one paper (as resolved) are two people.

    In one record, two positions always are. Across two records of the paper, positions
    may differ (another author order, a truncated list), so they are two people only when
    a record also prints, at the other's position, a name that fits the other: then the
    paper has two authors of that name, one at each position.
    """
    px, py = m.position[x], m.position[y]
    if px is None or py is None or px == py:
        return False
    if m.record_id[x] == m.record_id[y]:
        return True
    for row, pos, other in ((x, py, y), (y, px, x)):
        at = m.row_at(m.record_id[row], pos)
        if at is not None and _variant_score((m.fam[at], m.giv[at]), (m.fam[other], m.giv[other]),
                                             given_min, initials_penalty) > 0.0:
            return True
    return False


def veto(m: Mentions, a: Aggregate, b: Aggregate, given_min: float, initials_penalty: float
         ) -> str | None:
    """Why two clusters can never be one person, or None."""
    if a.works & b.works:
        return "two author positions of one work"
    for paper in a.slots.keys() & b.slots.keys():
        for x in a.slots[paper]:
            for y in b.slots[paper]:
                if slot_conflict(m, x, y, given_min, initials_penalty):
                    return f"two author positions of one paper ({paper})"
    for source, pages in a.profiles.items():
        other = b.profiles.get(source)
        if other and not pages & other:
            return f"two different profile pages on {source}"
    if a.orcids and b.orcids and not a.orcids & b.orcids:
        return "different ORCID iDs"
    if a.dblps and b.dblps and not a.dblps & b.dblps:
        return "different dblp person ids"
    for va in a.variants:
        for vb in b.variants:
            if _variant_score(va, vb, given_min, initials_penalty) <= 0.0:
                return f"names do not fit ({va[1]} {va[0]} / {vb[1]} {vb[0]})"
    return None


NEAR_FLOOR = 0.2
"""Pairs of clusters compared as wholes below this share of the cut are not returned: they
cannot merge and are too far to be worth explaining."""
DENSE_LINKAGE_MAX = 3000
"""A group of at most this many mentions is clustered by scipy's average linkage over the
full matrix (the constraints as infinite distances); larger ones by the sparse heap."""
_FORBIDDEN = 1e9


def _forbidden(m: Mentions, rows: Sequence[int], cannot: Mapping[int, set[int]] | None,
               given_min: float, initials_penalty: float) -> np.ndarray:
    """Mention pairs that can never be one person, as a boolean matrix: every hard
    constraint of ``veto`` is a property of a pair of mentions."""
    ids: dict[object, int] = {}

    def code(values: list[object]) -> np.ndarray:
        return np.array([-1 - k if v is None else ids.setdefault(v, len(ids))
                         for k, v in enumerate(values)], dtype=np.int64)

    record = code([m.record_id[r] if m.position[r] is not None else None for r in rows])
    out = record[:, None] == record[None, :]
    paper = code([min(m.papers[r]) if m.position[r] is not None and m.papers[r] else None
                  for r in rows])
    pos = np.array([-1 if m.position[r] is None else m.position[r] for r in rows])
    same_slot_paper = (paper[:, None] == paper[None, :]) & (pos[:, None] != pos[None, :])
    np.fill_diagonal(same_slot_paper, False)
    for i, j in zip(*np.nonzero(np.triu(same_slot_paper)), strict=True):
        if slot_conflict(m, rows[int(i)], rows[int(j)], given_min, initials_penalty):
            out[i, j] = out[j, i] = True
    prof_src = code([m.source[r] if m.position[r] is None else None for r in rows])
    page = code([(m.url[r] or "record:" + m.record_id[r]) if m.position[r] is None else None
                 for r in rows])
    out |= (prof_src[:, None] == prof_src[None, :]) & (page[:, None] != page[None, :])
    for person in (code([m.orcid[r] for r in rows]),
                   code([next((k for k in m.ids[r] if k.startswith("dblp:")), None)
                         for r in rows])):
        has = person >= 0
        out |= has[:, None] & has[None, :] & (person[:, None] != person[None, :])
    variant = [(m.fam[r], m.giv[r]) for r in rows]
    distinct = sorted(set(variant))
    vid = np.array([distinct.index(v) for v in variant]) if len(distinct) < 64 else \
        np.array([{v: k for k, v in enumerate(distinct)}[v] for v in variant])
    fit = np.array([[_variant_score(a, b, given_min, initials_penalty) > 0.0 for b in distinct]
                    for a in distinct], dtype=bool)
    out |= ~fit[vid[:, None], vid[None, :]]
    if cannot:
        loc = {r: k for k, r in enumerate(rows)}
        for r in rows:
            for o in cannot.get(r, ()):
                if o in loc:
                    out[loc[r], loc[o]] = out[loc[o], loc[r]] = True
    np.fill_diagonal(out, False)
    return np.asarray(out, dtype=bool)


def _dense_linkage(
    m: Mentions, *, rows: Sequence[int], left: np.ndarray, right: np.ndarray, prob: np.ndarray,
    threshold: float, uf: UnionFind, join: Callable[[int, int, MergeNote], int],
    cannot: Mapping[int, set[int]] | None, given_min: float, initials_penalty: float,
    unseen: float,
) -> None:
    """Average linkage over every pair at once (scipy), merges applied through ``join``;
    a pair that was not a candidate counts as ``unseen``, as in the sparse linkage."""
    from scipy.cluster.hierarchy import linkage

    n = len(rows)
    p = np.full((n, n), unseen)
    p[left, right] = prob
    p[right, left] = prob
    pair_index = np.full((n, n), -1, dtype=np.int64)
    pair_index[left, right] = np.arange(len(left))
    pair_index[right, left] = np.arange(len(left))
    dist = 1.0 - p
    root = np.array([uf.find(i) for i in range(n)])
    dist[root[:, None] == root[None, :]] = 0.0  # merged already (curation, strong evidence)
    dist[_forbidden(m, rows, cannot, given_min, initials_penalty)] = _FORBIDDEN
    np.fill_diagonal(dist, 0.0)
    condensed = dist[np.triu_indices(n, k=1)]
    tree = linkage(condensed, method="average")
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for step, (a, b, height, _) in enumerate(tree):
        if height > 1.0 - threshold + 1e-12:
            break
        ma, mb = members.pop(int(a)), members.pop(int(b))
        members[n + step] = ma + mb
        ra, rb = uf.find(ma[0]), uf.find(mb[0])
        if ra == rb:
            continue
        block = np.where(pair_index[np.ix_(ma, mb)] >= 0, p[np.ix_(ma, mb)], -1.0)
        x, y = np.unravel_index(int(np.argmax(block)), block.shape)
        k = int(pair_index[ma[x], mb[y]])
        if k < 0:  # joined on unseen pairs only: cannot pass a cut above ``unseen``
            continue
        join(ra, rb, (1.0 - float(height), rows[ma[x]], rows[mb[y]], "linkage", k))


@dataclass
class GroupClusters:
    """One group's clusters (as aggregates of global rows) and their kept-out neighbours."""

    clusters: list[Aggregate]
    nearest: dict[int, list[tuple[float, int, str | None, int]]]
    """For cluster k: (average probability, other cluster, veto or None, index of their
    strongest candidate pair), best first."""


def cluster_group(
    m: Mentions,
    rows: Sequence[int],
    left: np.ndarray,
    right: np.ndarray,
    prob: np.ndarray,
    *,
    threshold: float,
    given_min: float,
    initials_penalty: float,
    first: Iterable[tuple[int, int, float, str]] = (),
    cannot: Mapping[int, set[int]] | None = None,
    keep_nearest: int = 3,
    unseen: float = 0.0,
    wholes: Callable[[list[Aggregate]], list[tuple[int, tuple[int, int, float]]]] | None = None,
    wholes_threshold: float | None = None,
    max_rounds: int = 1,
) -> GroupClusters:
    """Average-linkage clusters of one group.

    Args:
        m: the mentions.
        rows: the group's rows; ``left``/``right`` index into it.
        left, right, prob: candidate pairs and their probability of being one person.
        threshold: average probability needed to merge.
        given_min, initials_penalty: the name-fit thresholds of the constraints.
        first: (local i, local j, score, how) merged before linkage, in order: curated
            must-links (no veto applies) then pairs joined by strong evidence.
        cannot: global row -> rows a curator said are someone else.
        keep_nearest: kept-out neighbours remembered per cluster (for explanations).
        unseen: the probability a pair that was not a candidate counts as (below the cut).
        wholes: scores pairs of the clusters so far as wholes: (note index, (i, j,
            probability)) by their index in the list given; another round of linkage then
            runs on them, its merges' notes carrying ``-2 - note index``.
        wholes_threshold: the probability those rounds need (``threshold`` when None).
        max_rounds: rounds of comparing wholes at most (they stop when nothing merges).
    """
    n = len(rows)
    uf = UnionFind(n)
    agg: dict[int, Aggregate] = {}

    def get(i: int) -> Aggregate:
        a = agg.get(i)
        if a is None:
            a = agg[i] = Aggregate.of(m, rows[i])
        return a

    def curated_apart(ra: int, rb: int) -> bool:
        if not cannot:
            return False
        small, big = (ra, rb) if len(uf.members(ra)) <= len(uf.members(rb)) else (rb, ra)
        big_rows = {rows[i] for i in uf.members(big)}
        return any(o in big_rows for i in uf.members(small) for o in cannot.get(rows[i], ()))

    def why_not(ra: int, rb: int) -> str | None:
        if curated_apart(ra, rb):
            return "a curator said these are different people"
        return veto(m, get(ra), get(rb), given_min, initials_penalty)

    def join(ra: int, rb: int, note: MergeNote) -> int:
        a, b = get(ra), get(rb)
        root = uf.union(ra, rb)
        other = rb if root == ra else ra
        keep, gone = (a, b) if root == ra else (b, a)
        keep.absorb(gone, note)
        agg[root] = keep
        agg.pop(other, None)
        return root

    for i, j, score, how in first:
        ra, rb = uf.find(i), uf.find(j)
        if ra == rb:
            continue
        if how == "curation" or why_not(ra, rb) is None:
            join(ra, rb, (score, rows[i], rows[j], how, -1))

    dense = 2 < n <= DENSE_LINKAGE_MAX
    if dense:
        _dense_linkage(m, rows=rows, left=left, right=right, prob=prob, threshold=threshold,
                       uf=uf, join=join, cannot=cannot, given_min=given_min,
                       initials_penalty=initials_penalty, unseen=unseen)

    # sparse average linkage: per cluster, the clusters it has pairs with and their sums
    sums: dict[int, dict[int, list[float]]] = {}
    root = np.array([uf.find(i) for i in range(n)], dtype=np.int64)
    ra_all, rb_all = root[left], root[right]
    lo, hi = np.minimum(ra_all, rb_all), np.maximum(ra_all, rb_all)
    idx = np.flatnonzero(lo != hi)
    if len(idx):
        # per pair of clusters: sum of probabilities, best one and its pair, pair count
        key = lo[idx] * n + hi[idx]
        order = np.lexsort((-prob[idx], key))
        key, idx = key[order], idx[order]
        start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        total = np.add.reduceat(prob[idx], start)
        count = np.diff(np.r_[start, len(idx)])
        if dense:
            # linkage is done: what is left are neighbours to explain, and only the near
            # ones are worth it (every pair was scored, so no average is left partial)
            near = prob[idx[start]] >= NEAR_FLOOR * threshold
            start, total, count = start[near], total[near], count[near]
        for s_, t_, c_ in zip(start.tolist(), total.tolist(), count.tolist(), strict=True):
            k = int(idx[s_])
            a, b = int(lo[k]), int(hi[k])
            entry = [t_, float(prob[k]), float(k), float(c_)]
            sums.setdefault(a, {})[b] = entry
            sums.setdefault(b, {})[a] = entry
    version: dict[int, int] = {}
    heap: list[tuple[float, int, int, int, int]] = []

    def size(r: int) -> int:
        return uf.size(r)

    def average(e: list[float], ra: int, rb: int) -> float:
        pairs = size(ra) * size(rb)
        return (e[0] + unseen * (pairs - e[3])) / pairs

    cut = threshold

    def push(ra: int, rb: int) -> None:
        avg = average(sums[ra][rb], ra, rb)
        if avg >= cut:
            a, b = (ra, rb) if ra < rb else (rb, ra)
            heapq.heappush(heap, (-avg, a, b, version.get(a, 0), version.get(b, 0)))

    for ra in sorted(sums):
        for rb in sorted(sums[ra]):
            if ra < rb:
                push(ra, rb)
    vetoed: dict[tuple[int, int], str] = {}

    def agglomerate() -> None:
        while heap:
            neg, ra, rb, va, vb = heapq.heappop(heap)
            if (uf.find(ra) != ra or uf.find(rb) != rb or version.get(ra, 0) != va
                    or version.get(rb, 0) != vb):
                continue
            reason = why_not(ra, rb)
            if reason is not None:
                vetoed[(ra, rb)] = reason
                continue
            k = int(sums[ra][rb][2])
            if k >= 0:
                note = (-neg, rows[int(left[k])], rows[int(right[k])], "linkage", k)
            else:  # a pair of clusters scored as wholes (k encodes its index there)
                note = (-neg, min(get(ra).rows), min(get(rb).rows), "profiles", k)
            root = join(ra, rb, note)
            other = rb if root == ra else ra
            version[root] = version.get(root, 0) + 1
            merged = sums.pop(ra, {})
            for y, e in sums.pop(rb, {}).items():
                have = merged.get(y)
                if have is None:
                    merged[y] = e
                else:
                    have[0] += e[0]
                    have[3] += e[3]
                    if e[1] > have[1]:
                        have[1:3] = e[1:3]
            merged.pop(ra, None)
            merged.pop(rb, None)
            sums[root] = merged
            for y, e in merged.items():
                back = sums[y]
                back.pop(other, None)
                back[root] = e
            for y in sorted(merged):
                push(root, y)

    agglomerate()
    rounds = 0
    while wholes is not None and rounds < max_rounds:
        # next rounds: the clusters so far, each compared as a whole (its coauthors, venues,
        # titles and years together), join where the pairs alone were too sparse
        rounds += 1
        current = uf.roots()
        scored = wholes([get(r) for r in current])
        if not scored:
            break
        cut = wholes_threshold if wholes_threshold is not None else threshold
        sums.clear()
        version.clear()
        for note, (ia, ib, p) in scored:
            ra, rb = current[ia], current[ib]
            pairs = size(ra) * size(rb)
            for x, y in ((ra, rb), (rb, ra)):
                sums.setdefault(x, {})[y] = [p * pairs, p, float(-2 - note), float(pairs)]
        for ra in sorted(sums):
            for rb in sorted(sums[ra]):
                if ra < rb:
                    push(ra, rb)
        before = len(current)
        agglomerate()
        if len(uf.roots()) == before:
            break

    roots = uf.roots()
    index = {r: k for k, r in enumerate(roots)}
    nearest: dict[int, list[tuple[float, int, str | None, int]]] = {}
    if keep_nearest:
        for r in roots:
            around = sums.get(r)
            if not around:
                continue
            ranked = sorted(around.items(), key=lambda t: -average(t[1], r, t[0]))
            nearest[index[r]] = [
                (average(e, r, y), index[y],
                 vetoed.get((min(r, y), max(r, y))), int(e[2]))
                for y, e in ranked[:keep_nearest]]
    return GroupClusters([get(r) for r in roots], nearest)
