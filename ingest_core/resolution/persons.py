"""Person resolution: profile subjects and author positions become ``person`` entities.

Stages, each near-linear in the number of mentions:

1. **Blocking** on a folded name key, family name plus first initial ("Núñez, José" and
   "J. Nunez" both give ``nunez j``). A two-token name whose order is ambiguous (both
   parts romanized Chinese) is also put in the block of its swapped reading, so "Wang
   Wei" meets "Wei Wang". A block over ``block_max`` is split by the first letters of
   the given name; initials-only mentions are compared with every part.
2. **Name scoring** of every pair of a (sub)block at once with ``rapidfuzz.process.cdist``.
3. **Evidence pairs**: only pairs that share a paper, a coauthor or a profile page (found
   through an inverted index, features too common in the block ignored) and whose names
   fit go on: a name alone never merges anything.
4. **Clustering**, agglomerative and best-first, between clusters rather than mentions:
   the score of two clusters is their average name agreement times the evidence they
   share (papers, coauthors weighed by how often they recur in the block, topics and
   profile metrics), discounted by how common the name is. A merge is vetoed when any two
   names across the clusters do not fit (no chaining from "B. Salimi" to both "Babak" and
   "Bahram"), when it would put two author positions of one work or two profile pages of
   one site (different URLs) in one person, or when a curator said cannot-link.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ingest_core.resolution._mentions import Mentions, order_ambiguous
from ingest_core.resolution.config import ResolverConfig

Variant = tuple[str, str]
"""A name as (family key, given key)."""


@lru_cache(maxsize=1 << 16)
def _initials(giv: str) -> str:
    return "".join(t[0] for t in giv.split())


@lru_cache(maxsize=1 << 16)
def _initials_only(giv: str) -> bool:
    return all(len(t) == 1 for t in giv.split())


def given_score(a: str, b: str, config: ResolverConfig) -> float:
    """How well two folded given names fit, 0 when they cannot be one person's.

    An initial fits any given name with that letter ("b" fits "babak"); two full given names
    must be similar ("babak" and "bahram" do not fit). A missing given name fits anything
    weakly.
    """
    return _given_score(a, b, config.given_min, config.initials_penalty)


@lru_cache(maxsize=1 << 18)
def _given_score(a: str, b: str, given_min: float, initials_penalty: float) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return initials_penalty * 0.9
    if _initials_only(a) or _initials_only(b):
        ia, ib = _initials(a), _initials(b)
        short, long_ = (ia, ib) if len(ia) <= len(ib) else (ib, ia)
        return initials_penalty if long_.startswith(short) else 0.0
    ta, tb = a.split(), b.split()
    if ta[0] == tb[0]:
        # "ghulam mubashar" and "ghulam": a middle name dropped
        short, long_ = sorted((_initials(a), _initials(b)), key=len)
        if long_.startswith(short):
            return 0.95
    score = fuzz.ratio(a, b) / 100.0
    return score if score >= given_min else 0.0


def _swapped(v: Variant) -> Variant | None:
    """The other reading of a two-part name ("Wang Wei": family Wang), or None."""
    fam, giv = v
    if giv and " " not in giv and len(giv) > 1 and len(fam) > 1:
        return (giv, fam)
    return None


def variant_score(a: Variant, b: Variant, config: ResolverConfig) -> float:
    """Name agreement of two (family, given) variants; swapped order counts for 2-part names."""
    return _variant_score(a, b, config.given_min, config.initials_penalty)


@lru_cache(maxsize=1 << 18)
def _variant_score(a: Variant, b: Variant, given_min: float, initials_penalty: float) -> float:
    if a[0] == b[0]:
        return _given_score(a[1], b[1], given_min, initials_penalty)
    best = 0.0
    for x, y in ((_swapped(a), b), (a, _swapped(b))):
        if x is not None and y is not None and x[0] == y[0]:
            best = max(best, 0.95 * _given_score(x[1], y[1], given_min, initials_penalty))
    return best


@dataclass(slots=True)
class _Cluster:
    rows: list[int]
    variants: dict[Variant, int]
    papers: set[str]
    coauthors: set[str]
    topics: set[str]
    works: set[str]
    profiles: dict[str, set[str]]
    common: int
    profile_rows: set[int] = field(default_factory=set)
    owners: set[int] = field(default_factory=set)
    slots: dict[str, int] = field(default_factory=dict)
    metrics: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    confidence: float = 1.0
    evidence: list[tuple[str, float, str, tuple[str, str]]] = field(default_factory=list)


@dataclass
class PersonClusters:
    """The outcome: clusters of mention rows, and what explain needs.

    ``groups[k]`` lists the rows of cluster ``k``; the aggregate of a cluster is built only
    when asked for (``cluster(k)``), so untouched singletons cost no memory at scale.
    """

    mentions: Mentions
    groups: list[list[int]]
    built: dict[int, _Cluster]
    row_cluster: list[int]
    neighbours: dict[int, set[int]]
    pairs_scored: int
    """Mention pairs covered by batch name scoring (the blocks' pairs that had evidence)."""
    config: ResolverConfig
    name_counts: tuple[dict[str, int], dict[str, int]]
    names_scored: int = 0
    """Distinct given-name pairs rapidfuzz scored (a block repeats few names many times)."""
    _df: dict[int, dict[str, int]] = field(default_factory=dict)

    def cluster(self, k: int) -> _Cluster:
        """The aggregate of cluster ``k``."""
        c = self.built.get(k)
        if c is None:
            row = self.groups[k][0]
            c = _singleton(self.mentions, row, _common(self.mentions, row, *self.name_counts))
        return c

    def pair_score(self, a: int, b: int) -> tuple[float, list[tuple[str, float, str]], str | None]:
        """Score two final clusters (by index) as the clustering would."""
        df = self._df.get(a)
        if df is None:  # the block group's coauthor counts, once per explained cluster
            df = self._df[a] = _coauthor_df(self.mentions,
                                             group_rows(self.mentions, self.groups[a][0]))
        return _score(self.cluster(a), self.cluster(b), self.config, df, full=True)


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


def _coauthor_df(m: Mentions, rows: Iterable[int]) -> dict[str, int]:
    """How many of these mentions carry each coauthor key."""
    df: dict[str, int] = defaultdict(int)
    for row in rows:
        for c in m.coauthors[row]:
            df[c] += 1
    return df


def _common(m: Mentions, row: int, full_count: dict[str, int], key_count: dict[str, int]) -> int:
    """How many mentions share this name: the full name, or the key for initials."""
    giv = m.giv[row]
    if giv and not _initials_only(giv):
        return full_count.get(f"{m.fam[row]} {giv}", 1)
    return key_count.get(f"{m.fam[row]} {giv[:1]}", 1)


def _singleton(m: Mentions, row: int, common: int) -> _Cluster:
    profiles: dict[str, set[str]] = {}
    works: set[str] = set()
    if m.position[row] is None:
        profiles[m.source[row]] = {m.url[row] or "record:" + m.record_id[row]}
    else:
        works.add(m.record_id[row])
    owner = m.profile_of[row]
    position = m.position[row]
    return _Cluster(
        rows=[row], variants={(m.fam[row], m.giv[row]): 1}, papers=set(m.papers[row]),
        coauthors=set(m.coauthors[row]), topics=set(m.topics[row]), works=works,
        profiles=profiles, common=common,
        profile_rows={row} if m.position[row] is None else set(),
        owners={owner} if owner is not None else set(),
        slots=dict.fromkeys(m.papers[row], position) if position is not None else {},
        metrics=[(m.source[row], *metrics)] if (metrics := m.metrics[row]) else [],
    )


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


def _coauthor_weight(key: str, config: ResolverConfig, coauthor_df: Mapping[str, int]) -> float:
    """A shared coauthor counts less when many mentions of the block carry that coauthor.

    The count is taken within the block group (not the corpus): how often a coauthor name
    turns up beside this name is what makes a chance match likely, and it keeps a group's
    resolution a function of its own mentions (what ``--incremental`` relies on).
    """
    df = coauthor_df.get(key, 1)
    if df <= config.coauthor_common_from:
        return 1.0
    count = df / config.coauthor_common_from
    return 1.0 / (1.0 + config.commonness_weight * math.log10(max(1.0, count)))


def _agree(x: int, y: int, tolerance: float, slack: int) -> int:
    """+1 when two counts agree, -1 when they are far apart (ratio over 2, beyond slack)."""
    if abs(x - y) <= max(slack, tolerance * max(x, y)):
        return 1
    return -1 if max(x, y) > 2 * min(x, y) and abs(x - y) > 2 * slack else 0


def _metrics_verdict(
    a: list[tuple[str, int | None, int | None]], b: list[tuple[str, int | None, int | None]],
    config: ResolverConfig,
) -> tuple[int, str]:
    """Do two clusters' profiles on different sites report compatible metrics?

    Returns -1 when any pair contradicts (h-indexes or works counts far apart), +1 when
    some pair agrees and none contradicts, 0 otherwise; with a readable detail.
    """
    verdict, details = 0, []
    for sa, ha, wa in a:
        for sb, hb, wb in b:
            if sa == sb:
                continue
            for label, x, y, slack in (("h-index", ha, hb, 2), ("works", wa, wb, 5)):
                if x is None or y is None:
                    continue
                v = _agree(x, y, config.metrics_tolerance, slack)
                if v:
                    details.append(f"{label} {x} on {sa} vs {y} on {sb}")
                if v < 0:
                    return -1, "metrics contradict: " + details[-1]
                verdict = max(verdict, v)
    return verdict, "metrics agree: " + "; ".join(details[:3])


def _score(
    a: _Cluster, b: _Cluster, config: ResolverConfig, coauthor_df: Mapping[str, int], *,
    full: bool = False, details: bool = False,
) -> tuple[float, list[tuple[str, float, str]], str | None]:
    """Score of merging two clusters, the evidence behind it, and a veto reason if any.

    Unless ``full``, names are not compared when the evidence could not reach the merge
    threshold even with perfectly agreeing names (the common case, and the costly part).
    The evidence is described only with ``details`` or ``full`` (a score pushed on the
    heap needs no words).
    """
    details = details or full
    if a.works & b.works:
        return 0.0, [], "two author positions of one work"
    for paper in a.slots.keys() & b.slots.keys():
        if a.slots[paper] != b.slots[paper]:
            return 0.0, [], f"two author positions of one paper ({paper})"
    for source, pages in a.profiles.items():
        other = b.profiles.get(source)
        if other and not pages & other:
            return 0.0, [], f"two different profile pages on {source}"
    papers = a.papers & b.papers
    coauthors = a.coauthors & b.coauthors
    parts: list[tuple[str, float, str]] = []
    evidence = 0.0
    same_url = bool(a.profiles and b.profiles) and any(
        pages & b.profiles.get(source, set()) for source, pages in a.profiles.items())
    if same_url or (a.profile_rows and b.owners and a.profile_rows & b.owners) or (
            b.profile_rows and a.owners and b.profile_rows & a.owners):
        e = config.weight_same_profile
        evidence += e
        parts.append(("same_profile", e, "same profile URL" if same_url
                      else "an author of a work listed on the profile page"))
    if papers:
        e = config.weight_shared_paper * min(len(papers), config.max_shared_papers)
        evidence += e
        parts.append(("shared_papers", e, ", ".join(sorted(papers)[:5]) if details else ""))
    if coauthors:
        if len(coauthors) == 1:
            e = config.weight_shared_coauthor * _coauthor_weight(
                next(iter(coauthors)), config, coauthor_df)
        else:
            weights = sorted((_coauthor_weight(k, config, coauthor_df) for k in coauthors),
                             reverse=True)
            e = config.weight_shared_coauthor * sum(weights[: config.max_shared_coauthors])
        evidence += e
        parts.append(("shared_coauthors", e,
                      ", ".join(sorted(coauthors)[:5]) if details else ""))
    if a.topics and b.topics and evidence > 0:
        jac = len(a.topics & b.topics) / len(a.topics | b.topics)
        if jac > 0:
            e = config.weight_shared_topic * jac
            evidence += e
            parts.append(("shared_topics", e, ", ".join(sorted(a.topics & b.topics)[:5])
                          if details else ""))
    if evidence > 0 and a.metrics and b.metrics:
        verdict, detail = _metrics_verdict(a.metrics, b.metrics, config)
        if verdict:
            e = config.weight_profile_metrics * verdict
            evidence = max(0.0, evidence + e)
            parts.append(("profile_metrics", e, detail))
    common = max(a.common, b.common)
    required = config.evidence_required + config.commonness_weight * math.log10(max(1, common))
    strength = 1.0 - math.exp(-evidence / required)
    if strength < config.merge_threshold and not full:
        return strength, parts, None
    total = weight = 0.0
    for va, na in a.variants.items():
        for vb, nb in b.variants.items():
            s = _variant_score(va, vb, config.given_min, config.initials_penalty)
            if s <= 0.0:
                return 0.0, [], f"names do not fit ({va[1]} {va[0]} / {vb[1]} {vb[0]})"
            total += s * na * nb
            weight += na * nb
    name = total / weight
    score = name * strength
    if details:
        parts.insert(0, ("name", name, f"name agreement {name:.2f}, {common} "
                         f"mention(s) share the name"))
    return score, parts, None


def _name_matrix(rows: list[str], cols: list[str]) -> np.ndarray:
    """Given-name similarity (0..100) of every row against every column, in one batch."""
    return process.cdist(rows, cols, scorer=fuzz.ratio, dtype=np.uint8, workers=1)


def _distinct(values: list[str]) -> tuple[list[str], list[int]]:
    """The distinct values, and for each value its index among them."""
    index: dict[str, int] = {}
    at = [index.setdefault(v, len(index)) for v in values]
    return list(index), at


def _sub_blocks(
    m: Mentions, members: list[tuple[int, bool]], config: ResolverConfig
) -> list[tuple[list[tuple[int, bool]], list[tuple[int, bool]]]]:
    """(rows, cols) pairs to score; one square pair unless the block is too large."""
    if len(members) <= config.block_max:
        return [(members, members)]
    initials: list[tuple[int, bool]] = []
    parts: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for row, swapped in members:
        giv = m.fam[row] if swapped else m.giv[row]
        if _initials_only(giv):
            initials.append((row, swapped))
        else:
            parts[giv[: config.split_prefix]].append((row, swapped))
    out = [(part, part) for part in parts.values()]
    if initials:
        out.append((initials, members))
    return out


STRONG = 1000
"""Added to a pair's count of shared features when one is a paper or a profile page."""


def _evidence_pairs(
    m: Mentions, rows: list[tuple[int, bool]], cols: list[tuple[int, bool]], config: ResolverConfig
) -> dict[tuple[int, int], int]:
    """Pairs (indices into rows, cols) sharing a paper, a coauthor or a profile page, with the
    number of shared coauthors (plus STRONG if a paper or profile page is shared).

    A coauthor shared by more than ``feature_df_max`` mentions of the block is too common to
    tell people apart and makes no pairs; papers and profile pages always do.
    """
    square = rows is cols
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for side, group in enumerate((rows,) if square else (rows, cols)):
        for pos, (row, _) in enumerate(group):
            entry = (side, pos)
            for p in m.papers[row]:
                index["p" + p].append(entry)
            for c in m.coauthors[row]:
                index["c" + c].append(entry)
            owner = m.profile_of[row]
            if owner is not None:
                index[f"o{owner}"].append(entry)
            if m.position[row] is None:
                index[f"o{row}"].append(entry)
                url = m.url[row]
                if url:
                    index["u" + url].append(entry)
    out: dict[tuple[int, int], int] = defaultdict(int)
    for feature, posting in index.items():
        if len(posting) < 2 or (feature[0] == "c" and len(posting) > config.feature_df_max):
            continue
        weight = 1 if feature[0] == "c" else STRONG
        if square:
            ps = [p for _, p in posting]
            for x, i in enumerate(ps):
                for j in ps[x + 1:]:
                    out[(i, j)] += weight
        else:
            left = [p for s, p in posting if s == 0]
            right = [p for s, p in posting if s == 1]
            for i in left:
                for j in right:
                    out[(i, j)] += weight
    return out


def cluster_mentions(
    m: Mentions,
    config: ResolverConfig,
    *,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    only_blocks: Container[str] | None = None,
) -> PersonClusters:
    """Cluster mention rows into persons.

    Args:
        m: the mentions.
        config: thresholds.
        must_link: row pairs a curator joined; merged first, whatever the rules say.
        cannot_link: row pairs a curator separated; never merged.
        only_blocks: when given, only block groups with a key in it are clustered (an
            incremental run loads whole groups for these keys and other mentions beside).

    Returns:
        The clusters with the data ``explain`` needs.
    """
    n = len(m)
    full_count: dict[str, int] = defaultdict(int)
    key_count: dict[str, int] = defaultdict(int)
    for row in range(n):
        key_count[f"{m.fam[row]} {m.giv[row][:1]}"] += 1
        full_count[f"{m.fam[row]} {m.giv[row]}"] += 1

    def common(row: int) -> int:
        return _common(m, row, full_count, key_count)

    built: dict[int, _Cluster] = {}
    created: list[int] = []

    def cl(root: int) -> _Cluster:
        c = built.get(root)
        if c is None:
            c = built[root] = _singleton(m, root, common(root))
            created.append(root)
        return c

    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cannot: dict[int, set[int]] = defaultdict(set)
    for a, b in cannot_link:
        cannot[a].add(b)
        cannot[b].add(a)

    def curated_apart(ra: int, rb: int) -> bool:
        if not cannot:
            return False
        small, big = (ra, rb) if len(cl(ra).rows) <= len(cl(rb).rows) else (rb, ra)
        return any(find(o) == big for r in cl(small).rows for o in cannot.get(r, ()))

    def merge(ra: int, rb: int, score: float, parts: list[tuple[str, float, str]]) -> int:
        root, other = (ra, rb) if ra < rb else (rb, ra)
        a, b = cl(root), built.pop(other, None) or _singleton(m, other, common(other))
        between = (m.key[min(a.rows)], m.key[min(b.rows)])
        a.rows.extend(b.rows)
        for v, c in b.variants.items():
            a.variants[v] = a.variants.get(v, 0) + c
        a.papers |= b.papers
        a.coauthors |= b.coauthors
        a.topics |= b.topics
        a.works |= b.works
        for source, pages in b.profiles.items():
            a.profiles.setdefault(source, set()).update(pages)
        a.common = min(a.common, b.common)
        a.profile_rows |= b.profile_rows
        a.owners |= b.owners
        a.slots.update(b.slots)
        a.metrics.extend(b.metrics)
        a.confidence = min(a.confidence, b.confidence, score)
        a.evidence.extend(b.evidence)
        a.evidence.extend((kind, round(score, 4), detail, between) for kind, _, detail in parts)
        parent[other] = root
        return root

    for a, b in must_link:
        ra, rb = find(a), find(b)
        if ra != rb:
            merge(ra, rb, 1.0, [("curation", 1.0, "must_link")])

    # stage 1: blocks; a mention in two blocks (a swapped reading) or a curated must-link
    # ties blocks into one group, and each group is resolved on its own (bounded memory)
    blocks: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    tie: dict[str, str] = {}

    def kfind(key: str) -> str:
        while tie.get(key, key) != key:
            key = tie[key]
        return key

    def kunion(a: str, b: str) -> None:
        ra, rb = kfind(a), kfind(b)
        if ra != rb:
            tie[max(ra, rb)] = min(ra, rb)

    for row in range(n):
        keys = _block_keys(m, row)
        for key, swapped in keys:
            blocks[key].append((row, swapped))
        if len(keys) > 1:
            kunion(keys[0][0], keys[1][0])
    for a, b in must_link:
        kunion(_block_keys(m, a)[0][0], _block_keys(m, b)[0][0])
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, members in blocks.items():
        if len(members) > 1 or key in tie:
            grouped[kfind(key)].append(key)
    if only_blocks is not None:
        grouped = {root: keys for root, keys in grouped.items()
                   if any(key in only_blocks for key in keys)}

    version = [0] * n
    heap: list[tuple[float, int, int, int, int]] = []
    pairs_scored = names_scored = 0
    kept_neighbours: dict[int, set[int]] = {}
    floor = int(config.given_min * 100)

    df: Mapping[str, int] = {}

    def push(ra: int, rb: int) -> None:
        if curated_apart(ra, rb):
            return
        score, _, veto = _score(cl(ra), cl(rb), config, df)
        if veto is None and score >= config.merge_threshold:
            heapq.heappush(heap, (-score, ra, rb, version[ra], version[rb]))

    def reachable(shared: int, a: int, b: int) -> bool:
        """Can two single mentions sharing this much merge? (skips hopeless first scores)"""
        if shared >= STRONG or must_link:
            return True
        evidence = (config.weight_shared_coauthor * min(shared, config.max_shared_coauthors)
                    + config.weight_shared_topic)
        required = config.evidence_required + config.commonness_weight * math.log10(
            max(1, common(a), common(b)))
        return 1.0 - math.exp(-evidence / required) >= config.merge_threshold

    for group in grouped.values():
        # stages 2-3: batch name scores (cdist) and evidence pairs, per (sub)block
        edges: dict[tuple[int, int], int] = {}
        for key in group:
            for rows, cols in _sub_blocks(m, blocks[key], config):
                ev = _evidence_pairs(m, rows, cols, config)
                if not ev:
                    continue
                square = rows is cols
                pairs_scored += (len(rows) * (len(rows) - 1) // 2 if square
                                 else len(rows) * len(cols))
                givs_r = [m.fam[r] if sw else m.giv[r] for r, sw in rows]
                givs_c = givs_r if square else [m.fam[r] if sw else m.giv[r] for r, sw in cols]
                # score each distinct given name once: a large block repeats a few names
                uniq_r, at_r = _distinct(givs_r)
                uniq_c, at_c = (uniq_r, at_r) if square else _distinct(givs_c)
                matrix = _name_matrix(uniq_r, uniq_c)
                names_scored += len(uniq_r) * len(uniq_c)
                for (i, j), shared in ev.items():
                    a, b = rows[i][0], cols[j][0]
                    if a == b:
                        continue
                    if (matrix[at_r[i], at_c[j]] >= floor or _initials_only(givs_r[i])
                            or _initials_only(givs_c[j])
                            or givs_r[i].split()[:1] == givs_c[j].split()[:1]):
                        pair = (a, b) if a < b else (b, a)
                        edges[pair] = max(edges.get(pair, 0), shared)
        if not edges:
            continue
        df = _coauthor_df(m, {r for key in group for r, _ in blocks[key]})
        # stage 4: best-first agglomeration between clusters
        neighbours: dict[int, set[int]] = defaultdict(set)
        for a, b in edges:
            ra, rb = find(a), find(b)
            if ra != rb:
                neighbours[ra].add(rb)
                neighbours[rb].add(ra)
        for (a, b), shared in sorted(edges.items()):
            ra, rb = find(a), find(b)
            if ra != rb and reachable(shared, a, b):
                push(min(ra, rb), max(ra, rb))
        del edges
        while heap:
            _, ra, rb, va, vb = heapq.heappop(heap)
            if parent[ra] != ra or parent[rb] != rb or version[ra] != va or version[rb] != vb:
                continue
            score, parts, veto = _score(cl(ra), cl(rb), config, df, details=True)
            if veto is not None or score < config.merge_threshold:
                continue
            root = merge(ra, rb, score, parts)
            other = rb if root == ra else ra
            version[root] += 1
            joined = (neighbours.pop(ra, set()) | neighbours.pop(rb, set())) - {ra, rb}
            for nb in joined:
                neighbours[nb].discard(other)
                neighbours[nb].discard(root)
                neighbours[nb].add(root)
            neighbours[root] = joined
            for nb in sorted(joined):
                push(root, nb)
        # keep a few kept-out neighbours per cluster for explain, not the whole graph
        for r, nbs in neighbours.items():
            if parent[r] == r and nbs:
                kept_neighbours[r] = set(sorted(nbs)[: 2 * config.explain_candidates + 2])
        for r in created:
            c = built.get(r)
            if c is not None and len(c.rows) == 1:
                del built[r]  # a single mention's aggregate is rebuilt on demand
        created.clear()

    roots = [i for i in range(n) if parent[i] == i]
    position = {r: k for k, r in enumerate(roots)}
    groups = [built[r].rows if r in built else [r] for r in roots]
    row_cluster = [position[find(i)] for i in range(n)]
    final_neighbours = {
        position[r]: {position[find(x)] for x in nbs} - {position[r]}
        for r, nbs in kept_neighbours.items() if parent[r] == r
    }
    final_built = {position[r]: c for r, c in built.items() if len(c.rows) > 1}
    return PersonClusters(m, groups, final_built, row_cluster, final_neighbours, pairs_scored,
                          config, (dict(full_count), dict(key_count)), names_scored)
