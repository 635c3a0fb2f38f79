"""Person resolution: profile subjects and author positions become ``person`` entities.

The stages, each a module of its own, run per block group (a group's result depends on
its own mentions only):

1. ``mentions``: one row per profile subject or author position, with its evidence.
2. ``blocks``: a folded family name plus first initial; swapped readings tie blocks.
3. ``features``: candidate pairs of a group and their named features.
4. ``model``: a learned logistic model turns features into a probability per pair.
5. ``clusters``: curated must-links and strong evidence first, then average linkage cut
   at the model's validated threshold, under hard constraints.

``cluster_mentions`` runs them; ``PersonClusters`` keeps what explanations need.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ingest_core.resolution.blocks import block_keys, group_rows, groups, initials_only
from ingest_core.resolution.clusters import NEAR_FLOOR, Aggregate, cluster_group
from ingest_core.resolution.config import ResolverConfig
from ingest_core.resolution.features import (
    EVIDENCE,
    FEATURES,
    KIND,
    PairFeatures,
    describe,
    featurize_groups,
)
from ingest_core.resolution.features import pair_features as _pair_features
from ingest_core.resolution.mentions import Mentions
from ingest_core.resolution.model import PersonModel
from ingest_core.resolution.namefit import given_score, variant_score

__all__ = ["PersonClusters", "block_keys", "cluster_mentions", "given_score", "group_rows",
           "initials_only", "variant_score"]

EvidenceItem = tuple[str, float, float | None, str, tuple[str, str]]
"""(kind, merge score, log-odds weight or None, readable detail, the two member keys)."""


@dataclass(frozen=True, slots=True)
class PairRef:
    """One scored pair, kept so that its evidence can be described when asked for: the
    table its rows are in (the mentions, or clusters compared as wholes), the rows, its
    feature vector (None for evidence that needs no weighing) and what that was."""

    table: Mentions
    a: int
    b: int
    x: np.ndarray | None
    why: str = ""


Note = tuple[float, tuple[str, str], str, "PairRef | None"]
"""One merge: (score, the two member keys, how it was joined, the pair behind it)."""

Nearest = tuple[float, int, str | None, "PairRef | None"]
"""A kept-out neighbour: (average probability, its cluster, veto or None, best pair)."""


@dataclass
class PersonClusters:
    """The outcome: clusters of mention rows, and what explain needs.

    ``groups[k]`` lists the rows of cluster ``k``; the evidence of a multi-member cluster is
    in ``evidence[k]``, and its nearest kept-out clusters in ``neighbours[k]``.
    """

    mentions: Mentions
    groups: list[list[int]]
    row_cluster: list[int]
    confidence: dict[int, float]
    merges: dict[int, list[Note]]
    neighbours: dict[int, list[Nearest]]
    pairs_scored: int
    """Candidate pairs whose features were computed."""
    config: ResolverConfig
    model: PersonModel
    threshold: float

    def cluster_papers(self, k: int) -> set[str]:
        """The resolved papers of cluster ``k``'s members."""
        return {p for r in self.groups[k] for p in self.mentions.papers[r]}

    def evidence(self, k: int) -> list[EvidenceItem]:
        """Every merge inside cluster ``k``, one item per kind of evidence behind it."""
        out: list[EvidenceItem] = []
        for score, between, how, ref in self.merges.get(k, []):
            if ref is None:
                kind = "curation" if how == "curation" else _strong_kind(how)
                out.append((kind, score, None, how, between))
                continue
            for kind, weight, detail in self.pair_evidence(ref):
                out.append((kind, score, None if weight == float("inf") else weight, detail,
                            between))
        return out

    def pair_evidence(self, ref: PairRef | None) -> list[tuple[str, float, str]]:
        """(kind, log-odds weight, detail) of one pair; weight inf for decisive evidence."""
        if ref is None:
            return []
        if ref.x is None:
            return [(_strong_kind(ref.why), float("inf"), ref.why)]
        by_kind: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for feature, weight in self.model.contributions(ref.x):
            by_kind[KIND[feature]].append((feature, weight))
        out = [("prior", self.model.intercept, ref.why or
                "base log-odds of two mentions of one block")]
        for kind, terms in by_kind.items():
            total = sum(w for _, w in terms)
            main = max(terms, key=lambda t: abs(t[1]))[0]
            out.append((kind, total, describe(ref.table, ref.a, ref.b, main,
                                              float(ref.x[FEATURES.index(main)]))))
        term = _metrics_term(ref.table, ref.a, ref.b, self.config)
        if term is not None:
            out.append(("profile_metrics", *term))
        return out


def _strong_kind(why: str) -> str:
    if "profile" in why:
        return "same_profile"
    if "ORCID" in why:
        return "orcid"
    return "author_id" if "author id" in why else "shared_papers"


def _ref(m: Mentions, feats: PairFeatures, k: int) -> PairRef:
    """The pair ``k`` of a group, for describing it later."""
    a, b = feats.rows[feats.left[k]], feats.rows[feats.right[k]]
    if feats.strong[k]:
        return PairRef(m, a, b, None, feats.strong_why[k])
    return PairRef(m, a, b, feats.x[k].copy())


def _metrics_verdict(
    a: tuple[int | None, int | None], b: tuple[int | None, int | None], tolerance: float
) -> int:
    """+1 when two profiles' (h-index, works count) agree, -1 when far apart, else 0."""
    verdict = 0
    for x, y, slack in ((a[0], b[0], 2), (a[1], b[1], 5)):
        if x is None or y is None:
            continue
        if abs(x - y) <= max(slack, tolerance * max(x, y)):
            verdict = max(verdict, 1)
        elif max(x, y) > 2 * min(x, y) and abs(x - y) > 2 * slack:
            return -1
    return verdict


def _metrics_term(m: Mentions, a: int, b: int, config: ResolverConfig
                  ) -> tuple[float, str] | None:
    """The log-odds two profiles on different sites get from their metrics, and why."""
    ma, mb = m.metrics[a], m.metrics[b]
    if not (ma and mb and m.position[a] is None and m.position[b] is None
            and m.source[a] != m.source[b]):
        return None
    verdict = _metrics_verdict(ma, mb, config.metrics_tolerance)
    if not verdict or not config.weight_profile_metrics:
        return None
    shown = f"h-index {ma[0]} vs {mb[0]}, works {ma[1]} vs {mb[1]}"
    return (config.weight_profile_metrics * verdict,
            ("metrics agree: " if verdict > 0 else "metrics contradict: ") + shown)


def _probabilities(
    m: Mentions, feats: PairFeatures, model: PersonModel, config: ResolverConfig
) -> np.ndarray:
    """Probability of each candidate pair: the model's, with profile metrics on top; 0 for
    names that cannot fit and for two profiles sharing nothing, 1 for decisive evidence."""
    logit = model.logit(feats.x)
    for k in np.flatnonzero(np.isin(feats.left, _profile_locals(m, feats.rows))):
        term = _metrics_term(m, feats.rows[feats.left[k]], feats.rows[feats.right[k]], config)
        if term is not None:
            logit[k] += term[0]
    prob = 1.0 / (1.0 + np.exp(-logit))
    # a name alone never joins two profiles (each page would then claim the other's works)
    bare = ~feats.x[:, EVIDENCE].any(axis=1)
    if bare.any():
        is_profile = np.array([m.position[r] is None for r in feats.rows], dtype=bool)
        prob[bare & is_profile[feats.left] & is_profile[feats.right]] = 0.0
    prob[feats.x[:, FEATURES.index("name_agreement")] <= 0.0] = 0.0
    prob[feats.strong] = 1.0
    return np.asarray(prob, dtype=np.float64)


def _profile_locals(m: Mentions, rows: list[int]) -> np.ndarray:
    return np.array([k for k, r in enumerate(rows) if m.position[r] is None], dtype=np.int64)


def _as_whole(m: Mentions, c: Aggregate, into: Mentions, k: int) -> None:
    """Add cluster ``c`` to ``into`` as one mention holding all its members' evidence."""
    rows = c.rows
    fam, giv = max(c.variants, key=lambda v: (not initials_only(v[1]), len(v[1]), v))
    spans = [y for r in rows if (y := m.years[r]) is not None]
    into.add(record_id=f"cluster{k}", position=0, name=f"{giv} {fam}", given=giv, family=fam,
             source="cluster",
             coauthors=frozenset().union(*(m.coauthors[r] for r in rows)),
             venue=tuple(t for r in rows for t in m.venue[r]),
             text=tuple(t for r in rows for t in m.text[r]),
             affiliation=tuple(t for r in rows for t in m.affiliation[r]),
             years=(min(y[0] for y in spans), max(y[1] for y in spans)) if spans else None)


def _score_wholes(
    m: Mentions, aggs: list[Aggregate], model: PersonModel, config: ResolverConfig,
    notes: list[PairRef],
) -> list[tuple[int, tuple[int, int, float]]]:
    """Probabilities of pairs of clusters compared as wholes (the features of two mentions
    that hold every member's coauthors, venues, titles, affiliations and years)."""
    if not 1 < len(aggs) <= config.second_round_max:
        return []
    whole = Mentions()
    for k, c in enumerate(aggs):
        _as_whole(m, c, whole, k)
    n = len(aggs)
    left, right = np.triu_indices(n, k=1)
    feats = _pair_features(whole, list(range(n)), config,
                           pairs=(left, right, np.zeros(len(left), dtype=np.int64)))
    # two clusters pool many coauthors, so "any shared" and the raw count grow with their
    # size (common names meet by chance); only the size-free share and the rarity-weighted
    # similarity of their coauthors speak for clusters as wholes
    feats.x[:, FEATURES.index("coauthor_shared")] = 0.0
    feats.x[:, FEATURES.index("coauthor_count")] = 0.0
    prob = model.probability(feats.x)
    keep = (feats.x[:, FEATURES.index("name_agreement")] > 0) & feats.x[:, EVIDENCE].any(axis=1)
    keep &= prob >= NEAR_FLOOR * (config.second_round_threshold or model.second_threshold)
    out = []
    for pair in np.flatnonzero(keep).tolist():
        out.append((len(notes), (int(left[pair]), int(right[pair]), float(prob[pair]))))
        notes.append(PairRef(whole, int(left[pair]), int(right[pair]), feats.x[pair].copy(),
                             "base log-odds; the two groups compared with all their members' "
                             "evidence together"))
    return out


def cluster_mentions(
    m: Mentions,
    config: ResolverConfig,
    *,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    only_blocks: Container[str] | None = None,
    model: PersonModel | None = None,
) -> PersonClusters:
    """Cluster mention rows into persons.

    Args:
        m: the mentions.
        config: thresholds and the model to use.
        must_link: row pairs a curator joined; merged first, whatever the scores say.
        cannot_link: row pairs a curator separated; never merged.
        only_blocks: when given, only block groups with a key in it are clustered (an
            incremental run loads whole groups for these keys and other mentions beside).
        model: the pair model; ``config.person_model`` or the shipped one when None.

    Returns:
        The clusters with the data ``explain`` needs.
    """
    model = model or PersonModel.load(config.person_model)
    threshold = config.link_threshold if config.link_threshold is not None else model.threshold
    n = len(m)
    cannot: dict[int, set[int]] = defaultdict(set)
    for a, b in cannot_link:
        cannot[a].add(b)
        cannot[b].add(a)
    cluster_of = list(range(n))
    name_only = np.zeros((1, len(FEATURES)))
    name_only[0, FEATURES.index("name_agreement")] = 1.0
    unseen = min(float(model.probability(name_only)[0]), 0.9 * threshold)
    done: list[tuple[list[int], float, list[Note] | None]] = []
    nearest_raw: dict[int, list[Nearest]] = {}
    placed = [False] * n
    pairs_scored = 0
    for feats in featurize_groups(m, groups(m, block_max=config.block_max,
                                            split_prefix=config.split_prefix,
                                            must_link=must_link, only_blocks=only_blocks),
                                  config):
        rows = feats.rows
        pairs_scored += len(feats.left)
        loc = {r: k for k, r in enumerate(rows)}
        prob = _probabilities(m, feats, model, config)
        first = [(loc[a], loc[b], 1.0, "curation") for a, b in must_link
                 if a in loc and b in loc]
        first += [(int(feats.left[k]), int(feats.right[k]), 1.0, feats.strong_why[k])
                  for k in np.flatnonzero(feats.strong)]
        whole_notes: list[PairRef] = []

        def wholes(aggs: list[Aggregate], notes: list[PairRef] = whole_notes,
                   ) -> list[tuple[int, tuple[int, int, float]]]:
            return _score_wholes(m, aggs, model, config, notes)

        result = cluster_group(
            m, rows, feats.left, feats.right, prob, threshold=threshold,
            given_min=config.given_min, initials_penalty=config.initials_penalty,
            first=first, cannot=cannot, keep_nearest=config.explain_candidates,
            unseen=unseen, wholes=wholes if config.second_round_max else None,
            wholes_threshold=model.second_threshold if config.second_round_threshold is None
            else config.second_round_threshold, max_rounds=config.second_rounds)
        base = len(done)
        for c in result.clusters:
            for r in c.rows:
                placed[r] = True
            if len(c.rows) > 1:
                notes: list[Note] = [
                    (score, (m.key[a], m.key[b]), how,
                     whole_notes[-2 - k] if k <= -2 else None if k < 0 else _ref(m, feats, k))
                    for score, a, b, how, k in c.merges]
                done.append((c.rows, c.confidence, notes))
            else:
                done.append((c.rows, 1.0, None))
        for kc, near in result.nearest.items():
            nearest_raw[base + kc] = [
                (score, base + other, why,
                 whole_notes[-2 - k] if k <= -2 else None if k < 0 else _ref(m, feats, k))
                for score, other, why, k in near]
    for r in range(n):
        if not placed[r]:
            done.append(([r], 1.0, None))
    order = sorted(range(len(done)), key=lambda k: min(done[k][0]))
    position = {old: new for new, old in enumerate(order)}
    groups_out = [sorted(done[k][0]) for k in order]
    for k, rows in enumerate(groups_out):
        for r in rows:
            cluster_of[r] = k
    confidence: dict[int, float] = {}
    merges: dict[int, list[Note]] = {}
    for old, (_, conf, notes_of) in enumerate(done):
        if notes_of is not None:
            confidence[position[old]] = conf
            merges[position[old]] = notes_of
    neighbours = {position[k]: [(s, position[o], why, ev) for s, o, why, ev in near]
                  for k, near in nearest_raw.items()}
    return PersonClusters(m, groups_out, cluster_of, confidence, merges, neighbours,
                          pairs_scored, config, model, threshold)

