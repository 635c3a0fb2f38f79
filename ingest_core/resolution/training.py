"""Training data for the person model: labeled pairs through the very features it scores.

The pairs are the candidate pairs resolution itself would score (same blocks, same
features, same filter: names that fit, no strong evidence that decides alone), so the
model learns exactly the decision it is asked to make.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np

from ingest_core.resolution.blocks import groups
from ingest_core.resolution.config import ResolverConfig
from ingest_core.resolution.features import FEATURES, featurize_groups
from ingest_core.resolution.mentions import mentions_from_records
from ingest_core.resolution.model import PersonModel, fit_logistic
from ingest_core.schemas import AnyRecord, Profile, Work


def labeled_pairs(
    records: Iterable[AnyRecord], truth: Mapping[str, Hashable],
    config: ResolverConfig | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels (1: one person) and group number of every scorable labeled pair.

    Args:
        records: works and profiles, as ``resolve`` takes them.
        truth: member key (record id, or ``record id#position``) -> person label; pairs
            with an unlabeled side are left out.
        config: blocking and candidate limits.
    """
    config = config or ResolverConfig()
    recs = list(records)
    works = [r for r in recs if isinstance(r, Work)]
    profiles = [r for r in recs if isinstance(r, Profile)]
    m = mentions_from_records(works, profiles, {w.id: w.id for w in works})
    label = [truth.get(k) for k in m.key]
    xs, ys, gs = [], [], []
    name_col = FEATURES.index("name_agreement")
    labeled = [g for g in groups(m, block_max=config.block_max,
                                 split_prefix=config.split_prefix)
               if sum(label[r] is not None for r in g.rows()) >= 2]
    for g, f in enumerate(featurize_groups(m, labeled, config)):
        rows = f.rows
        la = [label[rows[i]] for i in f.left]
        lb = [label[rows[j]] for j in f.right]
        keep = np.array([a is not None and b is not None for a, b in zip(la, lb, strict=True)],
                        dtype=bool)
        if len(keep):
            keep &= (f.x[:, name_col] > 0) & ~f.strong
        idx = np.flatnonzero(keep)
        xs.append(f.x[idx])
        ys.append(np.array([la[k] == lb[k] for k in idx], dtype=np.float64))
        gs.append(np.full(len(idx), g))
    if not xs:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0, dtype=np.int64)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(gs)


def train_person_model(
    x: np.ndarray, y: np.ndarray, groups_of: np.ndarray, *, l2: float = 1.0,
    threshold: float = 0.5, second_threshold: float = 0.7, trained_on: str = "",
) -> PersonModel:
    """Fit the logistic model; each block group weighs the same, so that one huge homonym
    block does not decide every weight."""
    _, inverse, counts = np.unique(groups_of, return_inverse=True, return_counts=True)
    weight = 1.0 / counts[inverse]
    weight *= len(y) / weight.sum()
    w, b = fit_logistic(x, y, l2=l2, weight=weight)
    return PersonModel(weights=tuple(float(v) for v in w), intercept=b, threshold=threshold,
                       second_threshold=second_threshold, trained_on=trained_on)
