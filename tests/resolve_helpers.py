"""Records built in tests for resolution: works and profiles with just the fields that matter."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from ingest_core import parse_page
from ingest_core.schemas import (
    AnyRecord,
    Author,
    Identifiers,
    Profile,
    Provenance,
    PublishedDate,
    Work,
)

ROOT = Path(__file__).resolve().parent.parent
SEED_AS_OF = {"000": "2026-02-13", "001": "2026-02-13", "002": "2026-02-13",
              "003": "2026-01-08", "004": "2026-02-13"}


def _prov(page: str, position: int | None, url: str | None = None) -> Provenance:
    return Provenance(parser="test", parser_version="1", url=url, as_of=dt.date(2026, 1, 1),
                      sha256=hashlib.sha256(page.encode()).hexdigest(), position=position,
                      representation="text")


def work(page: str, position: int, title: str, authors: list[str] = (), *, source: str = "site",  # type: ignore[assignment]
         abstract: str | None = None, year: int | None = None, doi: str | None = None,
         arxiv: str | None = None, category: str | None = None) -> Work:
    return Work(
        id=f"{page}-w{position}", source=source, provenance=_prov(page, position), title=title,
        abstract=abstract, authors=[Author(name=a) for a in authors], year=year,
        published=PublishedDate(date=dt.date(year, 1, 1), precision="year") if year else None,
        identifiers=Identifiers(doi=doi, arxiv=arxiv), category=category,
    )


def profile(page: str, name: str, works: list[Work], *, source: str = "site",
            url: str | None = None) -> Profile:
    return Profile(id=f"{page}-p", source=source, provenance=_prov(page, None, url), name=name,
                   work_ids=[w.id for w in works])


def seed_records() -> list[AnyRecord]:
    """The records of the five seed pages, parsed as of their capture dates."""
    out: list[AnyRecord] = []
    for path in sorted((ROOT / "fixtures").glob("*/0*_*.txt")):
        out.extend(parse_page(path.read_bytes(), as_of=SEED_AS_OF[path.name[:3]],
                              name=str(path)).records)
    return out
