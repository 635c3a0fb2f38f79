"""Pair features: what two mentions of one block share, as a fixed, named vector.

Within a block group every mention is turned into sparse term vectors (coauthors, venue,
title terms, affiliation), weighted by how rare a term is in the group (TF-IDF, so a rare
coauthor or title word weighs more than "IEEE" or "learning") and L2-normalised; a pair's
features are then row products of those vectors, computed for all candidate pairs at once.
The document frequencies are the group's own, so a group's features depend on its own
mentions only (what ``--incremental`` relies on).

Coauthors are compared as names, not keys: "F. Shi" fits "Fanhuai Shi" and "Feng Shi",
but "Fanhuai Shi" never fits "Feng Shi"; full names within a few edits ("Jianxin" /
"Jianxing") are one coauthor (rapidfuzz). Evidence that needs no weighing (one profile
page, one resolved paper, one ORCID iD) is reported apart, as ``strong``.

``FEATURES`` names the columns and ``FEATURIZER_VERSION`` versions them, so that a shipped
model and the features it reads never silently disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from ingest_core.resolution.blocks import Group, initials_only
from ingest_core.resolution.config import ResolverConfig
from ingest_core.resolution.mentions import Mentions, order_ambiguous
from ingest_core.resolution.namefit import _given_score

FEATURIZER_VERSION = 2

FEATURES: tuple[str, ...] = (
    "name_agreement",
    "name_initials_only",
    "name_swapped",
    "coauthor_shared",
    "coauthor_count",
    "coauthor_share",
    "coauthor_similarity",
    "venue_similarity",
    "title_similarity",
    "affiliation_similarity",
    "affiliation_known",
    "year_gap",
    "year_known",
    "name_chinese",
    "chinese_x_coauthors",
    "chinese_x_venue",
    "chinese_x_title",
)
"""The columns of a pair's feature vector, in order."""

KIND: dict[str, str] = {
    "name_agreement": "name",
    "name_initials_only": "name",
    "name_swapped": "name",
    "coauthor_shared": "shared_coauthors",
    "coauthor_count": "shared_coauthors",
    "coauthor_share": "shared_coauthors",
    "coauthor_similarity": "shared_coauthors",
    "venue_similarity": "shared_venue",
    "title_similarity": "title_terms",
    "affiliation_similarity": "affiliation",
    "affiliation_known": "affiliation",
    "year_gap": "years",
    "year_known": "years",
    "name_chinese": "name",
    "chinese_x_coauthors": "shared_coauthors",
    "chinese_x_venue": "shared_venue",
    "chinese_x_title": "title_terms",
}
"""The evidence kind an explanation files each feature under."""

EVIDENCE = np.array([f not in ("name_agreement", "name_initials_only", "name_swapped",
                               "year_gap", "year_known", "affiliation_known", "name_chinese")
                     for f in FEATURES])
"""Columns that are evidence beyond the name: a pair with none of them is never scored."""

_COL = {f: i for i, f in enumerate(FEATURES)}


@dataclass
class PairFeatures:
    """The candidate pairs of one group, as local indices into ``rows``, with features."""

    rows: list[int]
    """Mention rows of the group; pairs index into it."""
    left: np.ndarray
    right: np.ndarray
    x: np.ndarray
    """One row of ``FEATURES`` per pair (float64)."""
    strong: np.ndarray
    """Pairs joined by evidence that needs no weighing: one profile, paper or ORCID iD."""
    strong_why: list[str]
    """For each strong pair, what it shares (readable); "" for the others."""


Matrix: TypeAlias = Any
"""A term matrix: a ``scipy.sparse.csr_matrix`` (term vectors are mostly zeros)."""

GRAM_CELLS = 1 << 20
"""Groups of up to sqrt(this) mentions compute every pair's products in one product."""


def _tfidf(docs: Sequence[Iterable[str]], *, binary: bool = False,
           sizes: Sequence[int] | None = None) -> Matrix:
    """Rows of L2-normalised TF-IDF weights (smooth idf over these docs), or 0/1 counts.

    With ``sizes`` (the size of each doc's group, its terms tagged by group), a term's idf
    counts the docs of its own group only: several groups computed in one matrix."""
    vocab: dict[str, int] = {}
    col_size: list[int] = []
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for row, doc in enumerate(docs):
        counts: dict[int, int] = defaultdict(int)
        for t in doc:
            col = vocab.get(t)
            if col is None:
                col = vocab[t] = len(vocab)
                col_size.append(sizes[row] if sizes is not None else 0)
            counts[col] += 1
        indices.extend(counts)
        data.extend(counts.values())
        indptr.append(len(indices))
    n = len(docs)
    width = max(1, len(vocab))
    values = np.asarray(data, dtype=np.float64)
    cols = np.asarray(indices, np.int64)
    lengths = np.diff(np.asarray(indptr, dtype=np.int64)).astype(np.int64)
    row_of = np.repeat(np.arange(n), lengths)
    if binary:
        values[:] = 1.0
    else:
        df = np.bincount(cols, minlength=len(vocab))[:len(vocab)]
        docs_n = (np.asarray(col_size, dtype=np.float64) if sizes is not None
                  else np.full(len(vocab), float(n)))
        idf = np.log((1 + docs_n) / (1 + df)) + 1.0
        values *= idf[cols]
        norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=n))
        norms[norms == 0] = 1.0
        values /= norms[row_of]
    return sparse.csr_matrix((values, cols, np.asarray(indptr, np.int64)), shape=(n, width))


def _row_dot(mat: Matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``mat[a[k]] . mat[b[k]]`` for every k, in chunks (bounded memory)."""
    return _row_dot_pair(mat, mat, a, b)


def _canonical_coauthors(names: Iterable[str]) -> dict[str, str]:
    """Full coauthor names within a few edits of each other (same family key and initial)
    mapped to one spelling: "li jianxin" and "li jianxing" are one coauthor."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for n in sorted(set(names)):
        fam, _, giv = n.partition(" ")
        if giv and not initials_only(giv):
            by_key[f"{fam} {giv[0]}"].append(n)
    out: dict[str, str] = {}
    for group in by_key.values():
        if len(group) == 1:
            continue
        givs = [g.partition(" ")[2] for g in group]
        sim = process.cdist(givs, givs, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
        for i, name in enumerate(group):
            for j in range(i):
                if sim[i, j] >= 90 and len(givs[i]) > 4:
                    out[name] = out.get(group[j], group[j])
                    break
    return out


def _coauthor_sets(m: Mentions, rows: list[int], tags: Sequence[str] | None = None,
                   ) -> tuple[list[list[str]], ...]:
    """Per row: full coauthor names, every coauthor's key, the initials-only coauthors' keys
    (each prefixed by its row's group tag, when several groups are computed at once)."""
    tag_of = tags if tags is not None else [""] * len(rows)
    canon = _canonical_coauthors(t + c for r, t in zip(rows, tag_of, strict=True)
                                 for c in m.coauthors[r])
    full: list[list[str]] = []
    keys: list[list[str]] = []
    inits: list[list[str]] = []
    for r, tag in zip(rows, tag_of, strict=True):
        f: list[str] = []
        k: list[str] = []
        i: list[str] = []
        for c in m.coauthors[r]:
            tagged = tag + c
            if c.startswith("~"):  # either order: an initial may abbreviate either part
                first, _, second = c[1:].partition(" ")
                k.extend((f"{tag}{first} {second[:1]}", f"{tag}{second} {first[:1]}"))
                f.append(canon.get(tagged, tagged))
                continue
            fam, _, giv = c.partition(" ")
            key = f"{tag}{fam} {giv[:1]}"
            k.append(key)
            if giv and not initials_only(giv):
                f.append(canon.get(tagged, tagged))
            else:
                i.append(key)
        full.append(f)
        keys.append(sorted(set(k)))
        inits.append(sorted(set(i)))
    return full, keys, inits


def _candidate_pairs(
    m: Mentions, group: Group, loc: dict[int, int], config: ResolverConfig,
    docs: dict[str, list[list[str]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local (i, j, reading code) pairs worth scoring, i < j; all pairs of a small part, else
    pairs that share something rare enough to be indexed. The code says which side is read
    swapped (bit 1: i, bit 2: j); a pair met through several readings keeps the lowest."""
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for rows, cols in group.parts:
        square = rows is cols
        n_pairs = len(rows) * (len(rows) - 1) // 2 if square else len(rows) * len(cols)
        if n_pairs <= config.dense_pairs_max:
            ia = np.array([loc[r] for r, _ in rows], dtype=np.int64)
            sa = np.array([sw for _, sw in rows], dtype=np.int64)
            if square:
                tx, ty = np.triu_indices(len(ia), k=1)
                found.append(_ordered(ia[tx], ia[ty], sa[tx], sa[ty]))
            else:
                ib = np.array([loc[r] for r, _ in cols], dtype=np.int64)
                sb = np.array([sw for _, sw in cols], dtype=np.int64)
                gx, gy = np.meshgrid(np.arange(len(ia)), np.arange(len(ib)), indexing="ij")
                mx, my = gx.ravel(), gy.ravel()
                found.append(_ordered(ia[mx], ib[my], sa[mx], sb[my]))
            continue
        # a large part: only pairs that share a coauthor, a paper, a profile or an ORCID iD
        # held by few of its mentions (pairs sharing only words would be most of the part)
        index: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for side, part in enumerate((rows,) if square else (rows, cols)):
            for row, swapped in part:
                i = loc[row]
                for kind in ("c", "s"):
                    for t in set(docs[kind][i]):
                        index[kind + t].append((side, i, int(swapped)))
        for posting in index.values():
            if len(posting) < 2 or len(posting) > config.candidate_df_max:
                continue
            arr = np.array(posting, dtype=np.int64)
            if square:
                tx, ty = np.triu_indices(len(arr), k=1)
                found.append(_ordered(arr[tx, 1], arr[ty, 1], arr[tx, 2], arr[ty, 2]))
            else:
                lft, rgt = arr[arr[:, 0] == 0], arr[arr[:, 0] == 1]
                if len(lft) and len(rgt):
                    gx, gy = np.meshgrid(np.arange(len(lft)), np.arange(len(rgt)),
                                         indexing="ij")
                    mx, my = gx.ravel(), gy.ravel()
                    found.append(_ordered(lft[mx, 1], rgt[my, 1], lft[mx, 2], rgt[my, 2]))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    li = np.concatenate([f[0] for f in found])
    lj = np.concatenate([f[1] for f in found])
    code = np.concatenate([f[2] for f in found])
    keep = li != lj
    li, lj, code = li[keep], lj[keep], code[keep]
    order = np.lexsort((code, lj, li))
    li, lj, code = li[order], lj[order], code[order]
    first = np.ones(len(li), dtype=bool)
    first[1:] = (li[1:] != li[:-1]) | (lj[1:] != lj[:-1])
    return li[first], lj[first], code[first]


def _ordered(a: np.ndarray, b: np.ndarray, sa: np.ndarray, sb: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs as (smaller, larger, reading code)."""
    swap = a > b
    lo, hi = np.where(swap, b, a), np.where(swap, a, b)
    s_lo, s_hi = np.where(swap, sb, sa), np.where(swap, sa, sb)
    return lo, hi, s_lo | (s_hi << 1)


_ID_NAMES = {"openalex": "OpenAlex", "s2": "Semantic Scholar", "dblp": "dblp"}


def _maybe_strong(m: Mentions, rows: list[int], left: np.ndarray, right: np.ndarray
                  ) -> np.ndarray:
    """Pairs that may share strong evidence (a profile, a paper, an ORCID iD): the rest
    are skipped without a look."""
    ids: dict[str, int] = {}
    paper = np.array([ids.setdefault(min(m.papers[r]), len(ids)) if m.papers[r] else -1 - k
                      for k, r in enumerate(rows)])
    orcid = np.array([ids.setdefault("o" + o, len(ids)) if (o := m.orcid[r]) else -1 - k
                      for k, r in enumerate(rows)])
    special = np.array([m.position[r] is None or m.profile_of[r] is not None
                        or len(m.papers[r]) > 1 or len(m.ids[r]) > 1 for r in rows], dtype=bool)
    source_id = np.array([ids.setdefault(m.ids[r][0], len(ids)) if m.ids[r] else -1 - k
                          for k, r in enumerate(rows)])
    hit = (paper[left] == paper[right]) | (orcid[left] == orcid[right])
    hit |= source_id[left] == source_id[right]
    hit |= special[left] | special[right]
    return np.flatnonzero(hit)


def _strong(m: Mentions, rows: list[int], i: int, j: int) -> str:
    """What two mentions share that needs no weighing, or ""."""
    a, b = rows[i], rows[j]
    if m.orcid[a] and m.orcid[a] == m.orcid[b]:
        return f"same ORCID iD {m.orcid[a]}"
    same = set(m.ids[a]) & set(m.ids[b])
    if same:
        kind, _, value = min(same).partition(":")
        return f"same {_ID_NAMES[kind]} author id {value}"
    pa, pb = m.position[a] is None, m.position[b] is None
    if pa and pb and m.url[a] and m.url[a] == m.url[b]:
        return "same profile URL"
    if (pa and m.profile_of[b] == a) or (pb and m.profile_of[a] == b):
        return "an author of a work listed on the profile page"
    shared = m.papers[a] & m.papers[b]
    if shared and m.record_id[a] != m.record_id[b] and (
            m.position[a] == m.position[b] or m.position[a] is None or m.position[b] is None):
        return "shared paper " + ", ".join(sorted(shared)[:3])
    return ""


SMALL_GROUP = 64
"""Groups of up to this many mentions are featurized many at a time (one set of matrices)."""


def batch_features(m: Mentions, batch: Sequence[Group], config: ResolverConfig
                   ) -> list[PairFeatures]:
    """The features of several small groups, computed in one pass and split per group.

    Each group's terms are tagged with the group, and idf counts its own docs only, so the
    result is the same as featurizing each group alone, at a fraction of the overhead.
    """
    rows: list[int] = []
    tags: list[str] = []
    sizes: list[int] = []
    starts: list[int] = []
    found = []
    for g, group in enumerate(batch):
        grows = group.rows()
        loc = {r: len(rows) + k for k, r in enumerate(grows)}
        starts.append(len(rows))
        found.append(_candidate_pairs(m, group, loc, config, {}))
        rows.extend(grows)
        tags.extend([f"{g}\x1f"] * len(grows))
        sizes.extend([len(grows)] * len(grows))
    left = np.concatenate([f[0] for f in found])
    right = np.concatenate([f[1] for f in found])
    code = np.concatenate([f[2] for f in found])
    whole = pair_features(m, rows, config, pairs=(left, right, code), tags=tags, sizes=sizes)
    out = []
    bounds = [*starts, len(rows)]
    cut = np.searchsorted(left, bounds)
    for g in range(len(batch)):
        lo, hi, base = int(cut[g]), int(cut[g + 1]), bounds[g]
        out.append(PairFeatures(rows[base:bounds[g + 1]], whole.left[lo:hi] - base,
                                whole.right[lo:hi] - base, whole.x[lo:hi],
                                whole.strong[lo:hi], whole.strong_why[lo:hi]))
    return out


def pair_features(
    m: Mentions, rows: list[int], config: ResolverConfig, *, group: Group | None = None,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    tags: Sequence[str] | None = None, sizes: Sequence[int] | None = None,
) -> PairFeatures:
    """Features of the candidate pairs of ``group`` (or of the given local ``pairs``: left,
    right, reading code) over the vocabulary of ``rows`` (per group, with ``tags`` and
    ``sizes`` when rows of several groups are computed at once)."""
    loc = {r: k for k, r in enumerate(rows)}
    full, keys, inits = _coauthor_sets(m, rows, tags)

    def tagged(docs: Iterable[tuple[str, ...]]) -> list[list[str]]:
        if tags is None:
            return [list(d) for d in docs]
        return [[t + term for term in d] for t, d in zip(tags, docs, strict=True)]

    venue_docs = tagged(m.venue[r] for r in rows)
    text_docs = tagged(m.text[r] for r in rows)
    affil_docs = tagged(m.affiliation[r] for r in rows)
    if pairs is None:
        assert group is not None
        strong_docs: list[list[str]] = []
        for r in rows:
            s = [f"p{p}" for p in m.papers[r]]
            if m.orcid[r]:
                s.append("o" + m.orcid[r])  # type: ignore[operator]
            s.extend("i" + key for key in m.ids[r])
            if m.position[r] is None:
                s.append(f"r{r}")
                if m.url[r]:
                    s.append("u" + m.url[r])  # type: ignore[operator]
            if m.profile_of[r] is not None:
                s.append(f"r{m.profile_of[r]}")
            strong_docs.append(s)
        docs = {"c": [f + k for f, k in zip(full, keys, strict=True)], "s": strong_docs}
        left, right, code = _candidate_pairs(m, group, loc, config, docs)
    else:
        left, right, code = pairs
    n = len(left)
    x = np.zeros((n, len(FEATURES)), dtype=np.float64)
    strong = np.zeros(n, dtype=bool)
    why = [""] * n
    if n == 0:
        return PairFeatures(rows, left, right, x, strong, why)

    # names: the given names as read in the block (a swapped reading reads the family name)
    gmin, ipen = config.given_min, config.initials_penalty
    read_a = np.where(code & 1, 1, 0)
    read_b = np.where(code & 2, 1, 0)
    # each distinct given name (or family name, for a swapped reading) scored once
    names_seen: dict[str, int] = {}
    giv_id = np.array([names_seen.setdefault(m.giv[r], len(names_seen)) for r in rows])
    fam_id = np.array([names_seen.setdefault(m.fam[r], len(names_seen)) for r in rows])
    ga_id = np.where(read_a == 1, fam_id[left], giv_id[left])
    gb_id = np.where(read_b == 1, fam_id[right], giv_id[right])
    distinct = list(names_seen)
    pair_ids, inverse = np.unique(ga_id * len(distinct) + gb_id, return_inverse=True)
    table = np.array([_given_score(distinct[int(p) // len(distinct)],
                                   distinct[int(p) % len(distinct)], gmin, ipen)
                      for p in pair_ids], dtype=np.float64)
    name = table[inverse.ravel()]
    name = np.where(read_a != read_b, 0.95 * name, name)
    only_initials = np.array([initials_only(g) for g in distinct], dtype=bool)
    init = (only_initials[ga_id] | only_initials[gb_id]).astype(np.float64)
    for k in _maybe_strong(m, rows, left, right):
        reason = _strong(m, rows, int(left[k]), int(right[k]))
        if reason:
            strong[k] = True
            why[k] = reason
    x[:, _COL["name_agreement"]] = name
    x[:, _COL["name_initials_only"]] = init
    x[:, _COL["name_swapped"]] = ((code == 1) | (code == 2)).astype(np.float64)

    # coauthors compared as names: full names, and initials fitting any name of that key
    f_mat = _tfidf(full, binary=True)
    k_mat = _tfidf(keys, binary=True) if any(inits) else None
    shared = _row_dot(f_mat, left, right)
    if k_mat is not None:
        i_mat = _tfidf_like(inits, keys)
        shared += (_row_dot_pair(i_mat, k_mat, left, right)
                   + _row_dot_pair(k_mat, i_mat, left, right)
                   - _row_dot(i_mat, left, right))
    n_keys = np.array([len(k) for k in keys], dtype=np.float64)
    smaller = np.minimum(n_keys[left], n_keys[right])
    x[:, _COL["coauthor_shared"]] = (shared > 0).astype(np.float64)
    x[:, _COL["coauthor_count"]] = np.log1p(shared)
    x[:, _COL["coauthor_share"]] = np.divide(shared, smaller, out=np.zeros(n),
                                             where=smaller > 0)
    # the same coauthors weighed by rarity: a coauthor name many mentions of the block carry
    # (a common name, or everyone's collaborator) says less than a rare one
    x[:, _COL["coauthor_similarity"]] = _row_dot(_tfidf(full, sizes=sizes), left, right)
    x[:, _COL["venue_similarity"]] = _row_dot(_tfidf(venue_docs, sizes=sizes), left, right)
    x[:, _COL["title_similarity"]] = _row_dot(_tfidf(text_docs, sizes=sizes), left, right)
    has_aff = np.array([bool(d) for d in affil_docs])
    x[:, _COL["affiliation_similarity"]] = _row_dot(_tfidf(affil_docs, sizes=sizes), left,
                                                    right)
    x[:, _COL["affiliation_known"]] = (has_aff[left] & has_aff[right]).astype(np.float64)
    spans = [m.years[r] or (-1, -1) for r in rows]
    lo = np.array([s[0] for s in spans], dtype=np.float64)
    hi = np.array([s[1] for s in spans], dtype=np.float64)
    known = (lo[left] >= 0) & (lo[right] >= 0)
    gap = np.maximum(0.0, np.maximum(lo[left], lo[right]) - np.minimum(hi[left], hi[right]))
    x[:, _COL["year_gap"]] = np.where(known, np.minimum(gap, 30.0) / 10.0, 0.0)
    x[:, _COL["year_known"]] = known.astype(np.float64)
    # romanized Chinese names are shared by far more people: the same evidence says less
    chinese = np.array([order_ambiguous(m.fam[r], m.giv[r]) or order_ambiguous(m.giv[r], m.fam[r])
                        for r in rows], dtype=bool)
    ch = (chinese[left] | chinese[right]).astype(np.float64)
    x[:, _COL["name_chinese"]] = ch
    x[:, _COL["chinese_x_coauthors"]] = ch * x[:, _COL["coauthor_count"]]
    x[:, _COL["chinese_x_venue"]] = ch * x[:, _COL["venue_similarity"]]
    x[:, _COL["chinese_x_title"]] = ch * x[:, _COL["title_similarity"]]
    return PairFeatures(rows, left, right, x, strong, why)


def _tfidf_like(docs: Sequence[list[str]], vocab_docs: Sequence[list[str]]) -> Matrix:
    """0/1 rows of ``docs`` over the vocabulary of ``vocab_docs`` (which contains them)."""
    vocab: dict[str, int] = {}
    for d in vocab_docs:
        for t in d:
            vocab.setdefault(t, len(vocab))
    indptr = [0]
    indices: list[int] = []
    for d in docs:
        indices.extend(vocab[t] for t in d)
        indptr.append(len(indices))
    return sparse.csr_matrix((np.ones(len(indices)), np.asarray(indices, np.int64),
                              np.asarray(indptr, np.int64)), shape=(len(docs), max(1, len(vocab))))


def _row_dot_pair(p: Matrix, q: Matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``p[a[k]] . q[b[k]]`` for every k (two matrices over one vocabulary), in chunks."""
    out = np.empty(len(a), dtype=np.float64)
    if p.shape[0] * q.shape[0] <= GRAM_CELLS:
        # every row against every row at once (one product), then pick the pairs
        gram = (p @ q.T).toarray()
        return np.asarray(gram[a, b], dtype=np.float64)
    step = 200_000
    for s in range(0, len(a), step):
        out[s:s + step] = np.asarray(
            p[a[s:s + step]].multiply(q[b[s:s + step]]).sum(axis=1)).ravel()
    return out


def describe(m: Mentions, a: int, b: int, feature: str, value: float) -> str:
    """Readable detail of one feature of a pair of rows (for explanations)."""
    if feature.startswith("coauthor"):
        shared = sorted(c.lstrip("~") for c in m.coauthors[a] & m.coauthors[b])
        return f"{len(shared)} coauthor name(s) in common: " + ", ".join(shared[:5]) \
            if shared else f"coauthors agree (share {value:.2f})"
    if feature == "venue_similarity":
        common = sorted(set(m.venue[a]) & set(m.venue[b]))
        return f"venue similarity {value:.2f}: " + ", ".join(common[:5])
    if feature == "title_similarity":
        common = sorted(set(m.text[a]) & set(m.text[b]))
        return f"title term similarity {value:.2f}: " + ", ".join(common[:6])
    if feature.startswith("affiliation"):
        common = sorted(set(m.affiliation[a]) & set(m.affiliation[b]))
        return f"affiliation similarity {value:.2f}: " + ", ".join(common[:5])
    if feature.startswith("year"):
        ya, yb = m.years[a], m.years[b]
        return f"years {ya} vs {yb}" if ya and yb else "a year unknown"
    if feature.startswith("name"):
        return f"names {m.name[a]!r} / {m.name[b]!r}"
    return f"{feature} {value:.2f}"


BATCH_ROWS = 4096
"""Rows of small groups featurized together (bounded memory, little per-group overhead)."""


def featurize_groups(m: Mentions, all_groups: Iterable[Group], config: ResolverConfig
                ) -> Iterator[PairFeatures]:
    """Each group's features, in order; small groups computed many at a time."""
    batch: list[Group] = []
    size = 0
    for group in all_groups:
        n = len(group.members)
        small = n <= SMALL_GROUP and all(len(r) * len(c) <= config.dense_pairs_max
                                         for r, c in group.parts)
        if small:
            batch.append(group)
            size += n
            if size < BATCH_ROWS:
                continue
        if batch:
            yield from batch_features(m, batch, config)
            batch, size = [], 0
        if not small:
            yield pair_features(m, group.rows(), config, group=group)
    if batch:
        yield from batch_features(m, batch, config)
