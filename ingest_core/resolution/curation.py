"""Curation: a person's decisions that win over every score.

A curation file is JSON Lines, one decision a line, either short::

    {"must_link": ["<id>", "<id>"], "note": "same person, confirmed by email", "who": "ana"}
    {"cannot_link": ["<id>", "<id>"]}

or as ``ingest curation export`` writes them (:class:`~ingest_core.schemas.CurationDecision`).
An id is a record id (a work or a profile), an author position ``<work id>#<position>``,
or an entity id (``paper-…``/``person-…``) from an earlier run, which names that entity's
anchor member.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ingest_core.errors import ResolutionError
from ingest_core.schemas import CurationDecision, DecisionKind

_SHORT_KEYS = {"must_link", "cannot_link", "note", "who"}


@dataclass(frozen=True)
class CurationEntry:
    """One decision as given: its kind, the two ids, and what was said of it."""

    kind: DecisionKind
    a: str
    b: str
    note: str | None = None
    who: str | None = None
    decision: CurationDecision | None = None
    """The whole stored decision, when the line was one (``ingest curation export``)."""

    @classmethod
    def of(cls, d: CurationDecision) -> CurationEntry:
        """The entry of a whole decision."""
        return cls(d.kind, d.a, d.b, d.note, d.who, d)


@dataclass(frozen=True)
class Curation:
    """Pairs of ids to join and to keep apart."""

    must_link: list[tuple[str, str]] = field(default_factory=list)
    cannot_link: list[tuple[str, str]] = field(default_factory=list)
    entries: list[CurationEntry] = field(default_factory=list)
    """Every decision with its note (empty when built from pairs alone)."""

    def __bool__(self) -> bool:
        return bool(self.must_link or self.cannot_link)

    def all_entries(self) -> list[CurationEntry]:
        """The entries, or one bare entry per pair when built from pairs alone."""
        if self.entries:
            return list(self.entries)
        return ([CurationEntry("must_link", a, b) for a, b in self.must_link]
                + [CurationEntry("cannot_link", a, b) for a, b in self.cannot_link])

    @classmethod
    def of(cls, entries: Iterable[CurationEntry]) -> Curation:
        items = list(entries)
        return cls([(e.a, e.b) for e in items if e.kind == "must_link"],
                   [(e.a, e.b) for e in items if e.kind == "cannot_link"], items)

    @classmethod
    def from_lines(cls, lines: Iterable[str], *, name: str | None = None) -> Curation:
        """Read decisions from JSON Lines (blank lines skipped).

        Raises:
            ResolutionError: a line is not a JSON object with exactly one of
                ``must_link``/``cannot_link`` holding two string ids, nor a whole decision.
        """
        entries: list[CurationEntry] = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{name or 'curation'}:{number}"
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise ResolutionError(f"not JSON: {exc}", input=where) from exc
            if not isinstance(item, dict):
                raise ResolutionError("a decision must be a JSON object", input=where)
            entries.append(_whole(item, where) if "kind" in item else _short(item, where))
        return cls.of(entries)

    @classmethod
    def from_file(cls, path: str | Path) -> Curation:
        """Read a curation file.

        Raises:
            ResolutionError: unreadable file or bad line.
        """
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ResolutionError(f"cannot read the curation file ({exc.strerror})",
                                  input=str(path)) from exc
        except UnicodeDecodeError as exc:
            raise ResolutionError("the curation file is not UTF-8 text",
                                  input=str(path)) from exc
        return cls.from_lines(text.splitlines(), name=str(path))


def _whole(item: dict[str, object], where: str) -> CurationEntry:
    try:
        d = CurationDecision.model_validate(item)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ResolutionError(f"not a decision: {'.'.join(map(str, first['loc']))}: "
                              f"{first['msg']}", input=where) from exc
    return CurationEntry.of(d)


def _short(item: dict[str, object], where: str) -> CurationEntry:
    kinds = [k for k in ("must_link", "cannot_link") if k in item]
    if len(kinds) != 1 or set(item) - _SHORT_KEYS:
        raise ResolutionError(
            "a decision has exactly one of must_link or cannot_link (and an optional note "
            "and who)", input=where)
    kind: DecisionKind = "must_link" if kinds[0] == "must_link" else "cannot_link"
    pair = item[kind]
    if (not isinstance(pair, list) or len(pair) != 2
            or not all(isinstance(x, str) and x for x in pair)):
        raise ResolutionError(f"{kind} must hold two ids", input=where)
    note, who = item.get("note"), item.get("who")
    if not all(v is None or isinstance(v, str) for v in (note, who)):
        raise ResolutionError("note and who must be text", input=where)
    return CurationEntry(kind, pair[0], pair[1],
                         note if isinstance(note, str) else None,
                         who if isinstance(who, str) else None)
