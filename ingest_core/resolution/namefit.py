"""Do two spellings fit one person? Given-name and name-variant agreement, 0 when not.

An initial fits any given name with that letter ("b" fits "babak"); two full given names
must be similar ("babak" and "bahram" do not fit); two-part romanized Chinese names may be
printed in either order. These are hard constraints in clustering and a feature in scoring.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

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
