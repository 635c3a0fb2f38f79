"""Fixture cases: a raw page beside the records it must give, found by walking ``fixtures/``.

Layout (the seeds keep their file names)::

    fixtures/<parser>/<case>.txt|.html          a page as it arrived
    fixtures/<parser>/<case>.expected.jsonl     model_dump_json() of each record, in order
    fixtures/<parser>.invalid/<case>.txt|.html  a page that must fail
    fixtures/<parser>.invalid/<case>.expected.json   {"error": "ErrorClassName"}

The ``as_of`` and ``url`` a case is parsed with are read back from its expected records'
provenance, so one file holds both the input settings and the answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest_core._engine import parse_page
from ingest_core._registry import get_parser, installed_parsers
from ingest_core.errors import UsageError
from ingest_core.schemas import AnyRecord

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".json", ".xml")


@dataclass(frozen=True)
class FixtureCase:
    parser: str
    page: Path
    invalid: bool

    @property
    def case(self) -> str:
        return self.page.name.rsplit(".", 1)[0]

    @property
    def expected(self) -> Path:
        suffix = ".expected.json" if self.invalid else ".expected.jsonl"
        return self.page.with_name(self.case + suffix)

    @property
    def id(self) -> str:
        return f"{self.parser}{'.invalid' if self.invalid else ''}/{self.page.name}"

    def expected_records(self) -> list[dict[str, Any]]:
        with self.expected.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def settings(self) -> tuple[str | None, str | None]:
        """``(as_of, url)`` recorded in the expected file, if any."""
        if self.invalid or not self.expected.exists():
            return None, None
        records = self.expected_records()
        if not records:
            return None, None
        prov = records[0]["provenance"]
        return prov.get("as_of"), prov.get("url")


def discover(root: Path) -> Iterator[FixtureCase]:
    """Every page fixture below ``root`` (``fixtures/``), sorted; identity cases excluded."""
    if not root.is_dir():
        return
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name == "identity" or folder.name.startswith((".", "_")):
            continue
        invalid = folder.name.endswith(".invalid")
        parser = folder.name.removesuffix(".invalid")
        for page in sorted(folder.iterdir()):
            if page.suffix in PAGE_SUFFIXES and ".expected" not in page.name:
                yield FixtureCase(parser=parser, page=page, invalid=invalid)


def parse_case(case: FixtureCase, as_of: str | dt.date | None = None) -> list[AnyRecord]:
    """Parse a case with detection (no parser hint), as a user would."""
    recorded_as_of, url = case.settings()
    result = parse_page(
        case.page.read_bytes(), url=url, as_of=as_of or recorded_as_of, name=str(case.page)
    )
    return result.records


def regen(root: Path, *, parser: str | None = None, as_of: str | None = None) -> list[Path]:
    """Rewrite the expectations of every valid case (of ``parser``); returns the files written.

    An existing expectation keeps the ``as_of`` it records (``as_of`` is only for new cases,
    so a regen never moves an answer to another day); a new case needs ``as_of``, so that
    its answer does not depend on the day it was written. A regenerated file is only as
    right as the parser: review the diff before committing.

    Raises:
        UnknownParser: ``parser`` names no installed parser.
        UsageError: a new case and no ``as_of``.
    """
    if parser is not None and parser not in installed_parsers():
        get_parser(parser)  # raises UnknownParser, listing the installed ones
    cases = [c for c in discover(root) if not c.invalid and (parser is None or c.parser == parser)]
    new = [c for c in cases if not c.expected.exists()]
    if new and as_of is None:
        raise UsageError(
            f"{len(new)} new case(s) without an expectation ({new[0].page}): pass --as-of "
            "YYYY-MM-DD, the date the page is read as of"
        )
    written = []
    for case in cases:
        recorded_as_of, _ = case.settings()
        records = parse_case(case, as_of=recorded_as_of or as_of)
        text = "".join(r.model_dump_json() + "\n" for r in records)
        if not case.expected.exists() or case.expected.read_text(encoding="utf-8") != text:
            case.expected.write_text(text, encoding="utf-8")
            written.append(case.expected)
    return written
