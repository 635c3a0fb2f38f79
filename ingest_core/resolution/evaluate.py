"""Scoring a resolution against labeled truth: pairwise and B-cubed precision, recall, F1.

Also reads the labeled cases of ``fixtures/identity/``: each case folder holds pages in the
seed formats and ``truth.expected.json``::

    {"persons": {"<label>": ["<page>", "<page>|<work title>|<author name>", ...]},
     "papers": [["<page>|<work title>", "<page>|<work title>"], ...]}

``<page>`` alone names the page's profile subject; with a title and a name, that author
position of that work. Mentions not listed are one person per folded full name within the
case (the coauthors of a case are distinct people); works not listed are papers of their own.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest_core._engine import parse_page
from ingest_core._names import folded_full_name
from ingest_core.resolution._ids import member_key
from ingest_core.schemas import AnyRecord, Profile, Work

CASE_AS_OF = "2026-03-01"


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one metric."""

    precision: float
    recall: float
    f1: float

    def __str__(self) -> str:
        return f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}"


def _f1(p: float, r: float) -> Scores:
    return Scores(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _groups(labels: Mapping[str, Hashable]) -> dict[Hashable, set[str]]:
    out: dict[Hashable, set[str]] = defaultdict(set)
    for item, label in labels.items():
        out[label].add(item)
    return out


def bcubed(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> Scores:
    """B-cubed over the items of ``truth`` (predicted clusters restricted to them)."""
    items = [i for i in truth if i in predicted]
    if not items:
        return Scores(0.0, 0.0, 0.0)
    t_groups = _groups({i: truth[i] for i in items})
    p_groups = _groups({i: predicted[i] for i in items})
    p = r = 0.0
    for i in items:
        tg, pg = t_groups[truth[i]], p_groups[predicted[i]]
        both = len(tg & pg)
        p += both / len(pg)
        r += both / len(tg)
    return _f1(p / len(items), r / len(items))


def pairwise(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> Scores:
    """Precision and recall of the same-cluster pairs among the items of ``truth``."""
    items = [i for i in truth if i in predicted]
    t_groups = _groups({i: truth[i] for i in items})
    p_groups = _groups({i: predicted[i] for i in items})

    def npairs(groups: dict[Hashable, set[str]]) -> int:
        return sum(len(g) * (len(g) - 1) // 2 for g in groups.values())

    both = 0
    for tg in t_groups.values():
        sub: dict[Hashable, int] = defaultdict(int)
        for i in tg:
            sub[predicted[i]] += 1
        both += sum(k * (k - 1) // 2 for k in sub.values())
    tp, pp = npairs(t_groups), npairs(p_groups)
    return _f1(both / pp if pp else 1.0, both / tp if tp else 1.0)


def pair_labels_scores(
    labeled: Iterable[tuple[str, str, bool]], predicted: Mapping[str, Hashable]
) -> Scores:
    """Pairwise scores on explicitly labeled pairs (DBLP-ACM style), duplicates counted."""
    tp = fp = fn = 0
    for a, b, match in labeled:
        same = predicted.get(a) is not None and predicted.get(a) == predicted.get(b)
        tp += same and match
        fp += same and not match
        fn += match and not same
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return _f1(p, r)


@dataclass
class IdentityCorpus:
    """Records of every labeled case, and the true person and paper of each item."""

    records: list[AnyRecord]
    person_truth: dict[str, str]
    paper_truth: dict[str, str]
    mention_names: dict[str, str]


def load_identity_cases(root: str | Path) -> IdentityCorpus:
    """Parse every case of ``root`` (fixtures/identity) and read its truth."""
    records: list[AnyRecord] = []
    person_truth: dict[str, str] = {}
    paper_truth: dict[str, str] = {}
    names: dict[str, str] = {}
    for case in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        truth = json.loads((case / "truth.expected.json").read_text(encoding="utf-8"))
        profile_of: dict[str, str] = {}
        work_of: dict[tuple[str, str], Work] = {}
        for page in sorted(case.glob("*.txt")):
            result = parse_page(page.read_bytes(), as_of=CASE_AS_OF, name=str(page))
            records.extend(result.records)
            for r in result.records:
                if isinstance(r, Profile):
                    profile_of[page.name] = r.id
                elif isinstance(r, Work):
                    work_of[(page.name, r.title)] = r
                    paper_truth[r.id] = f"{case.name}/work/{r.id}"
                    for pos, a in enumerate(r.authors):
                        key = member_key(r.id, pos)
                        names[key] = a.name
                        person_truth[key] = f"{case.name}/name/{folded_full_name(a.name)}"
            for r in result.records:
                if isinstance(r, Profile):
                    names[r.id] = r.name
                    person_truth[r.id] = f"{case.name}/name/{folded_full_name(r.name)}"

        def mention(
            spec: str,
            case_name: str = case.name,
            profile_of: dict[str, str] = profile_of,
            work_of: dict[tuple[str, str], Work] = work_of,
        ) -> str:
            parts = spec.split("|")
            if len(parts) == 1:
                return profile_of[parts[0]]
            work = work_of[(parts[0], parts[1])]
            positions = [i for i, a in enumerate(work.authors) if a.name == parts[2]]
            if len(positions) != 1:
                raise ValueError(f"{case_name}: {spec} names {len(positions)} author positions")
            return member_key(work.id, positions[0])

        for label, specs in truth["persons"].items():
            for spec in specs:
                person_truth[mention(spec)] = f"{case.name}/person/{label}"
        for k, group in enumerate(truth["papers"]):
            for spec in group:
                page, title = spec.split("|", 1)
                paper_truth[work_of[(page, title)].id] = f"{case.name}/paper/{k}"
    return IdentityCorpus(records, person_truth, paper_truth, names)


def name_only_persons(names: Mapping[str, str]) -> dict[str, str]:
    """The baseline: one person per folded full name."""
    return {k: folded_full_name(v) for k, v in names.items()}
