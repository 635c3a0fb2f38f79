"""Curation: a person's decisions that win over every score.

A curation file is JSON Lines, one decision a line::

    {"must_link": ["<id>", "<id>"], "note": "same person, confirmed by email"}
    {"cannot_link": ["<id>", "<id>"]}

An id is a record id (a work or a profile), an author position ``<work id>#<position>``,
or an entity id (``paper-…``/``person-…``) from an earlier run, which names that entity's
anchor member.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest_core.errors import ResolutionError


@dataclass(frozen=True)
class Curation:
    """Pairs of ids to join and to keep apart."""

    must_link: list[tuple[str, str]] = field(default_factory=list)
    cannot_link: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_lines(cls, lines: Iterable[str], *, name: str | None = None) -> Curation:
        """Read decisions from JSON Lines (blank lines skipped).

        Raises:
            ResolutionError: a line is not a JSON object with exactly one of
                ``must_link``/``cannot_link`` holding two string ids.
        """
        must: list[tuple[str, str]] = []
        cannot: list[tuple[str, str]] = []
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
            kinds = [k for k in ("must_link", "cannot_link") if k in item]
            extra = set(item) - {"must_link", "cannot_link", "note"}
            if len(kinds) != 1 or extra:
                raise ResolutionError(
                    "a decision has exactly one of must_link or cannot_link (and an optional note)",
                    input=where,
                )
            pair = item[kinds[0]]
            if (not isinstance(pair, list) or len(pair) != 2
                    or not all(isinstance(x, str) and x for x in pair)):
                raise ResolutionError(f"{kinds[0]} must hold two ids", input=where)
            (must if kinds[0] == "must_link" else cannot).append((pair[0], pair[1]))
        return cls(must, cannot)

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
        return cls.from_lines(text.splitlines(), name=str(path))
