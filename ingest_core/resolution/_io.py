"""JSON Lines in and out for resolution: records as ``ingest parse`` writes them, entities."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from ingest_core.errors import ResolutionError
from ingest_core.schemas import AnyRecord, record_from_json


def read_records(lines: Iterable[str | bytes], *, name: str = "records") -> list[AnyRecord]:
    """Parse JSON Lines of records (blank lines skipped).

    Raises:
        ResolutionError: a line is not a valid record, naming the line.
    """
    out: list[AnyRecord] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(record_from_json(line))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ResolutionError(f"not a record: {where}: {first['msg']}",
                                  input=f"{name}:{number}") from exc
    return out
