"""Export stored records: JSON Lines (exactly ``model_dump_json()``), Parquet or CSV.

Records are streamed from the store in batches, never loaded whole. Parquet and CSV have
one column per field of the record kind, in model order; nested fields (provenance,
authors, identifiers...) are JSON text in their column.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TextIO

from ingest_core.errors import StorageError
from ingest_core.schemas.records import Listing, Profile, Work
from ingest_core.store._store import Store

ExportFormat = Literal["jsonl", "parquet", "csv"]
KINDS: dict[str, type[Work] | type[Profile] | type[Listing]] = {
    "work": Work,
    "profile": Profile,
    "listing": Listing,
}
BATCH = 2000


def _scalar_kind(annotation: Any) -> str:
    """``int``, ``bool``, ``float`` or ``str`` for a plain (optional) field; ``json`` otherwise."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        annotation, origin = args[0], typing.get_origin(args[0])
    if origin is Literal:
        return "str"
    for kind, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str")):
        if annotation is kind:
            return name
    if annotation in (dt.date, dt.datetime):
        return "str"
    return "json"


def columns(kind: str) -> list[tuple[str, str]]:
    """(field, scalar kind) for each field of records of ``kind``, in model order."""
    model = KINDS[kind]
    return [(name, _scalar_kind(info.annotation)) for name, info in model.model_fields.items()]


def flatten(record: dict[str, Any], cols: list[tuple[str, str]]) -> dict[str, Any]:
    """One record as flat columns: nested values become JSON text."""
    out: dict[str, Any] = {}
    for name, kind in cols:
        value = record.get(name)
        if kind == "json" and value is not None:
            value = json.dumps(value, ensure_ascii=False, sort_keys=False)
        out[name] = value
    return out


def _batches(lines: Iterator[str], size: int = BATCH) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def export_records(
    store: Store,
    kind: str,
    fmt: ExportFormat = "jsonl",
    out: Path | None = None,
    *,
    source: str | None = None,
    stream: TextIO | None = None,
) -> int:
    """Write records of ``kind`` to ``out`` (or ``stream``, default stdout); returns the count.

    Raises:
        StorageError: the store cannot be read, or ``out`` cannot be written.
        ValueError: an unknown kind, or Parquet without ``out``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    if fmt == "parquet" and out is None:
        raise ValueError("Parquet is binary: give a file with --out")
    lines = store.record_json(kind=kind, source=source)
    try:
        if fmt == "parquet":
            assert out is not None
            return _parquet(lines, kind, out)
        if out is not None:
            with out.open("w", encoding="utf-8", newline="") as fh:
                return _text(lines, kind, fmt, fh)
        return _text(lines, kind, fmt, stream or sys.stdout)
    except OSError as exc:
        raise StorageError(f"cannot write the export ({exc.strerror or exc})",
                           input=str(out) if out else "stdout") from exc


def _text(lines: Iterator[str], kind: str, fmt: ExportFormat, fh: TextIO) -> int:
    n = 0
    if fmt == "jsonl":
        for batch in _batches(lines):
            fh.write("".join(line + "\n" for line in batch))
            n += len(batch)
        fh.flush()
        return n
    cols = columns(kind)
    writer = csv.DictWriter(fh, fieldnames=[c for c, _ in cols])
    writer.writeheader()
    for batch in _batches(lines):
        writer.writerows(flatten(json.loads(line), cols) for line in batch)
        n += len(batch)
    fh.flush()
    return n


def _parquet(lines: Iterator[str], kind: str, out: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types_ = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "str": pa.string(),
              "json": pa.string()}
    cols = columns(kind)
    schema = pa.schema([(name, types_[k]) for name, k in cols])
    n = 0
    with pq.ParquetWriter(str(out), schema) as writer:
        for batch in _batches(lines):
            rows = [flatten(json.loads(line), cols) for line in batch]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            n += len(batch)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


__all__ = ["KINDS", "ExportFormat", "columns", "export_records", "flatten"]
