"""The pydantic record contract shared by parsers, the engine, the store and resolution."""

from schemas.records import (
    RECORD_ADAPTER,
    Author,
    Identifiers,
    Listing,
    Precision,
    Profile,
    ProfileMetrics,
    Provenance,
    PublishedDate,
    Record,
    RecordWarning,
    Representation,
    Work,
    record_from_json,
)

AnyRecord = Work | Profile | Listing

__all__ = [
    "RECORD_ADAPTER",
    "AnyRecord",
    "Author",
    "Identifiers",
    "Listing",
    "Precision",
    "Profile",
    "ProfileMetrics",
    "Provenance",
    "PublishedDate",
    "Record",
    "RecordWarning",
    "Representation",
    "Work",
    "record_from_json",
]
