"""Pair scores: a logistic model over the named pair features, learned from labeled data.

A logistic model is small enough to ship as JSON and read by eye, and it explains itself:
a pair's log-odds is the intercept plus one weight times one feature per column, so the
evidence of a merge is printed as exactly those terms. The shipped weights
(``person_model.json``) were trained on real labeled author mentions by
``benchmarks/train_person_model.py``, which prints the cross-validated figures; the model
records the featurizer version it reads and refuses another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ingest_core.errors import ResolutionError
from ingest_core.resolution.features import FEATURES, FEATURIZER_VERSION

MODEL_FILE = "person_model.json"


@dataclass(frozen=True)
class PersonModel:
    """Logistic weights over ``FEATURES``, and the average-linkage cut validated with them."""

    weights: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    """Average pair probability two clusters need to merge."""
    second_threshold: float = 0.5
    """Probability two clusters compared as wholes need to merge (the second round)."""
    featurizer_version: int = FEATURIZER_VERSION
    features: tuple[str, ...] = FEATURES
    trained_on: str = ""
    figures: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.featurizer_version != FEATURIZER_VERSION or self.features != FEATURES:
            raise ResolutionError(
                f"person model reads featurizer {self.featurizer_version} "
                f"({len(self.features)} features); this version computes {FEATURIZER_VERSION} "
                f"({len(FEATURES)}): retrain it with benchmarks/train_person_model.py",
                input="person model")

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Log-odds that each pair (a row of features) is one person."""
        return np.asarray(x @ np.asarray(self.weights) + self.intercept, dtype=np.float64)

    def probability(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.logit(x))), dtype=np.float64)

    def contributions(self, row: np.ndarray) -> list[tuple[str, float]]:
        """(feature, weight x value) of one pair, the nonzero terms of its log-odds."""
        return [(f, float(w * v)) for f, w, v in zip(self.features, self.weights, row,
                                                      strict=True) if w * v != 0.0]

    def to_json(self) -> str:
        return json.dumps({
            "featurizer_version": self.featurizer_version, "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6), "threshold": self.threshold,
            "second_threshold": self.second_threshold,
            "trained_on": self.trained_on, "figures": self.figures,
        }, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, *, name: str = "person model") -> PersonModel:
        """Read a model written by ``to_json``.

        Raises:
            ResolutionError: not a model, or one for another featurizer version.
        """
        try:
            data = json.loads(text)
            return cls(weights=tuple(float(w) for w in data["weights"]),
                       intercept=float(data["intercept"]),
                       threshold=float(data.get("threshold", 0.5)),
                       second_threshold=float(data.get("second_threshold", 0.5)),
                       featurizer_version=int(data["featurizer_version"]),
                       features=tuple(data["features"]),
                       trained_on=str(data.get("trained_on", "")),
                       figures=dict(data.get("figures", {})))
        except (ValueError, KeyError, TypeError) as exc:
            raise ResolutionError(f"not a person model: {exc}", input=name) from exc

    @classmethod
    def load(cls, path: str | Path | None = None) -> PersonModel:
        """The model at ``path``, or the one shipped with the package.

        Raises:
            ResolutionError: the file cannot be read or is not a model.
        """
        if path is None:
            return _shipped()
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ResolutionError(f"cannot read the person model: {exc}",
                                  input=str(path)) from exc
        return cls.from_json(text, name=str(path))


@cache
def _shipped() -> PersonModel:
    """The packaged model, read once (it is frozen)."""
    text = resources.files("ingest_core.resolution").joinpath(MODEL_FILE).read_text("utf-8")
    return PersonModel.from_json(text, name=MODEL_FILE)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, weight: np.ndarray | None = None,
    iterations: int = 50,
) -> tuple[np.ndarray, float]:
    """Weights and intercept of an L2-regularised logistic regression (Newton's method).

    Args:
        x: one row of features per pair.
        y: 1 for pairs of one person, 0 otherwise.
        l2: ridge penalty on the weights (not the intercept).
        weight: per-pair sample weights (1 when None).
        iterations: Newton steps at most (it converges in about ten).
    """
    n, d = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    sw = np.ones(n) if weight is None else weight
    ridge = np.full(d + 1, l2)
    ridge[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        grad = a.T @ (sw * (p - y)) + ridge * w
        hess = (a * (sw * p * (1 - p))[:, None]).T @ a + np.diag(ridge + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])
