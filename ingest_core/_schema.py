"""The JSON Schema of every record and entity kind, published by ``ingest schema``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from ingest_core.schemas import Listing, Paper, Person, Profile, Work

_AnyKind = Annotated[Work | Profile | Listing | Paper | Person, Field(discriminator="kind")]


def json_schema() -> dict[str, Any]:
    """One JSON Schema document whose top level accepts any record or entity kind."""
    schema: dict[str, Any] = TypeAdapter(_AnyKind).json_schema(mode="serialization")
    schema["title"] = "ingest_core record"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
