"""Bulk dumps: a ``.jsonl.gz`` whose lines are API entities, as the OpenAlex snapshot and the
Semantic Scholar datasets ship them, is backfilled one page per line, and resumes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from ingest_core import backfill
from ingest_core.schemas import Work
from ingest_core.store import Store
from tests.conftest import shared_file

SOURCES = "public-data/sources/"


def _dump(tmp_path: Path) -> tuple[Path, list[str]]:
    listing = json.loads(shared_file(
        SOURCES + "openalex/openalex-works-list-title-search-chemistry-tools.json").read_text())
    single = json.loads(shared_file(SOURCES + "openalex/openalex-work-W2741809807-2025.json")
                        .read_text())
    s2 = json.loads(shared_file(SOURCES + "semanticscholar/s2-paper-DOI-10.1023_a-1007154515475"
                                ".json").read_text())
    lines = [json.dumps(e) for e in [*listing["results"], single, s2]]
    lines.insert(2, '{"id": "https://openalex.org/W1", "title": ')  # a line cut short
    path = tmp_path / "part_000.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return path, lines


def test_a_gzipped_entity_dump_is_one_page_per_line_and_resumes(tmp_path: Path) -> None:
    dump, _ = _dump(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    first = backfill([dump], db=db, workers=0, as_of="2026-12-02")
    assert first.pages_seen == 5
    assert first.parsed == 4
    assert first.quarantined == {"unreadable_input": 1}
    with Store(db) as store:
        works = [r for r in store.records(kind="work") if isinstance(r, Work)]
        assert sorted(w.source for w in works) == ["openalex"] * 3 + ["semantic_scholar"]
        by_title = {w.title: w for w in works}
        journal = by_title["Augmenting large language models with chemistry tools"]
        assert journal.provenance.url == "https://openalex.org/W4396723768"
        (bad,) = list(store.quarantined())
        assert bad.source.offset == 3 and "line 3 is not valid JSON" in bad.message
    again = backfill([dump], db=db, workers=0, as_of="2026-12-02")
    assert (again.parsed, again.unchanged) == (0, 4)
    with Store(db) as store:
        assert sum(1 for _ in store.records(kind="work")) == 4
