"""What became of one page: :class:`PageOutcome`, plain data that the store writes.

An outcome is plain data (picklable, and JSON through ``to_dict``), so it crosses process
and cluster boundaries unchanged, and every failure in it is typed. It is made by the parse
stage (``ingest_core._process``) and read by the store, which never imports that stage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from ingest_core._inputs import ErrorInfo, PageInput, SourceRef
from ingest_core._registry import installed_parsers
from ingest_core.errors import IngestError
from ingest_core.parser import Parser

Status = Literal["parsed", "unchanged", "quarantined"]


class RecordRow(NamedTuple):
    """A record as stored: its key columns beside its exact ``model_dump_json()`` text."""

    id: str
    kind: str
    source: str
    position: int | None
    json: str


class EntryProblem(NamedTuple):
    """One malformed entry of a parsed page (quarantined at stage ``entry``)."""

    position: int
    code: str
    message: str
    parser: str


@dataclass(slots=True)
class PageOutcome:
    """The one state a page input ended in, with everything the store needs to record it.

    ``status`` is ``parsed`` (records, maybe some malformed entries), ``unchanged`` (already
    stored by the current parser version; nothing to write but the sighting) or
    ``quarantined`` (``error`` says why). ``replaced`` marks a page the store held from an
    older parser version.
    """

    source: SourceRef
    status: Status
    sha256: str | None = None
    size: int | None = None
    parser: str | None = None
    parser_version: str | None = None
    records: list[RecordRow] = field(default_factory=list)
    malformed: list[EntryProblem] = field(default_factory=list)
    error: ErrorInfo | None = None
    replaced: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        # positional rebuild, cheaper than the slots dataclass's field-by-field state: every
        # outcome crosses the process boundary once, in the writer's CPU budget
        return (PageOutcome, (self.source, self.status, self.sha256, self.size, self.parser,
                              self.parser_version, self.records, self.malformed, self.error,
                              self.replaced))

    @property
    def label(self) -> str:
        return self.source.label

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (records stay ``model_dump_json()`` strings)."""
        return {
            "source": self.source.to_dict(),
            "status": self.status,
            "sha256": self.sha256,
            "size": self.size,
            "parser": self.parser,
            "parser_version": self.parser_version,
            "records": [r._asdict() for r in self.records],
            "malformed": [m._asdict() for m in self.malformed],
            "error": None if self.error is None else {
                "type": self.error.type,
                "code": self.error.code,
                "message": self.error.message,
                "hint": self.error.hint,
                "parser": self.error.parser,
            },
            "replaced": self.replaced,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageOutcome:
        error = data.get("error")
        return cls(
            source=SourceRef.from_dict(data["source"]),
            status=data["status"],
            sha256=data.get("sha256"),
            size=data.get("size"),
            parser=data.get("parser"),
            parser_version=data.get("parser_version"),
            records=[RecordRow(**r) for r in data.get("records") or ()],
            malformed=[EntryProblem(**m) for m in data.get("malformed") or ()],
            error=None if not error else ErrorInfo(**error),
            replaced=bool(data.get("replaced", False)),
        )


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def parser_version(name: str | None, parsers: Mapping[str, Parser] | None = None) -> str | None:
    if name is None:
        return None
    found = (parsers if parsers is not None else installed_parsers()).get(name)
    return found.version if found is not None else None


def quarantined(
    page: PageInput | SourceRef,
    error: IngestError | ErrorInfo,
    *,
    sha256: str | None = None,
    size: int | None = None,
) -> PageOutcome:
    """A quarantined outcome for ``page`` with ``error``."""
    source = page.source if isinstance(page, PageInput) else page
    info = error if isinstance(error, ErrorInfo) else ErrorInfo.of(error)
    return PageOutcome(
        source=source,
        status="quarantined",
        sha256=sha256,
        size=size,
        parser=info.parser,
        parser_version=parser_version(info.parser),
        error=info,
    )


def unchanged(page: PageInput, sha256: str) -> PageOutcome:
    """The outcome of a page the store already holds from the current parsers."""
    return PageOutcome(
        source=page.source,
        status="unchanged",
        sha256=sha256,
        size=len(page.content or b""),
    )


__all__ = [
    "EntryProblem",
    "PageOutcome",
    "RecordRow",
    "Status",
    "quarantined",
    "sha256_of",
    "unchanged",
]
