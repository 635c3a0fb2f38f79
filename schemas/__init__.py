"""The pydantic record contract shared by parsers, the engine, the store and resolution."""

from .curation import CurationDecision, DecisionKind, DecisionLevel
from .entities import (
    ENTITY_ADAPTER,
    Entity,
    Evidence,
    Paper,
    Person,
    PersonMember,
    entity_from_json,
    member_key,
    member_record,
)
from .records import (
    RECORD_ADAPTER,
    Author,
    Identifiers,
    Listing,
    PersonIdentifiers,
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
    "ENTITY_ADAPTER",
    "RECORD_ADAPTER",
    "AnyRecord",
    "Author",
    "CurationDecision",
    "DecisionKind",
    "DecisionLevel",
    "Entity",
    "Evidence",
    "Identifiers",
    "Listing",
    "Paper",
    "Person",
    "PersonIdentifiers",
    "PersonMember",
    "Precision",
    "Profile",
    "ProfileMetrics",
    "Provenance",
    "PublishedDate",
    "Record",
    "RecordWarning",
    "Representation",
    "Work",
    "entity_from_json",
    "member_key",
    "member_record",
    "record_from_json",
]
