"""The JSON Schema of every record kind, published by ``ingest schema``."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from schemas import Record


def json_schema() -> dict[str, Any]:
    """One JSON Schema document whose top level accepts any record kind."""
    schema = TypeAdapter(Record).json_schema(mode="serialization")
    schema["title"] = "ingest_core record"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
