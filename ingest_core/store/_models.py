"""The store's tables (SQLAlchemy 2.0 declarative models); Alembic migrations create them.

Keys are the deterministic ids computed from content, so every write is an idempotent
upsert: ``pages`` by sha256, ``records`` by record id (page sha256 + parser + position),
``page_sources`` and ``quarantine`` by a hash of what identifies them.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class PageRow(Base):
    """One distinct page (by content), its state and the parser that last handled it."""

    __tablename__ = "pages"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    """``parsed`` or ``quarantined``."""
    parser: Mapped[str | None] = mapped_column(String(100))
    parser_version: Mapped[str | None] = mapped_column(String(50))
    fingerprint: Mapped[str] = mapped_column(String(32))
    """The installed parsers (names, versions) and size cap that decided the status."""
    error_code: Mapped[str | None] = mapped_column(String(50))
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_pages_status", "status"),)


class PageSourceRow(Base):
    """Every place a page was seen: a file, a WARC record or a ``.jsonl`` row, or a URL."""

    __tablename__ = "page_sources"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(Text)
    offset: Mapped[int | None] = mapped_column(BigInteger)
    url: Mapped[str | None] = mapped_column(Text)
    retrieved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_page_sources_sha256", "sha256"),)


class RecordRowModel(Base):
    """A validated record, kept as the exact ``model_dump_json()`` text the parser produced."""

    __tablename__ = "records"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(100))
    parser: Mapped[str] = mapped_column(String(100))
    parser_version: Mapped[str] = mapped_column(String(50))
    page_sha256: Mapped[str] = mapped_column(String(64))
    position: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_records_page_sha256", "page_sha256"),
        Index("ix_records_kind_source", "kind", "source"),
    )


class QuarantineRow(Base):
    """A page (stage ``page``) or one entry of a page (stage ``entry``) that did not make it."""

    __tablename__ = "quarantine"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    stage: Mapped[str] = mapped_column(String(8))
    page_sha256: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int | None] = mapped_column(Integer)
    input: Mapped[str] = mapped_column(Text)
    """How the source is named: ``path``, ``warc@offset`` or ``list.jsonl:line``."""
    source_kind: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(Text)
    offset: Mapped[int | None] = mapped_column(BigInteger)
    url: Mapped[str | None] = mapped_column(Text)
    error_type: Mapped[str] = mapped_column(String(50))
    error_code: Mapped[str] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(Text)
    parser: Mapped[str | None] = mapped_column(String(100))
    parser_version: Mapped[str | None] = mapped_column(String(50))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_quarantine_page_sha256", "page_sha256"),
        Index("ix_quarantine_error_code", "error_code"),
    )


class RunRow(Base):
    """One backfill: when, with which arguments, and what it counted."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    """``running``, ``finished`` or ``failed``; a killed run stays ``running``."""
    arguments: Mapped[str] = mapped_column(Text)
    counts: Mapped[str | None] = mapped_column(Text)


# resolved entities: written by ``ingest resolve --db`` (SQL in ingest_core/store/_entities.py)
entities = Table(
    "entities", Base.metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", Text(), nullable=False),
    Column("member_count", Integer(), nullable=False),
    Column("data", Text(), nullable=False),
    Column("resolved_at", DateTime(timezone=True), nullable=False),
    Column("confidence", Float()),
    Column("sources", Text()),
    Column("sort_name", String(200)),
    Column("notes", Text()),
    Index("ix_entities_kind", "kind"),
    Index("ix_entities_kind_size", "kind", "member_count", "id"),
    Index("ix_entities_kind_confidence", "kind", "confidence", "id"),
    Index("ix_entities_kind_sort_name", "kind", "sort_name", "id"),
)
entity_terms = Table(
    "entity_terms", Base.metadata,
    Column("term", String(64), nullable=False),
    Column("entity_id", String(40), nullable=False),
    PrimaryKeyConstraint("term", "entity_id"),
    Index("ix_entity_terms_entity_id", "entity_id"),
)
# a curator's decisions (migration 0004_review; SQL in ingest_core/store/_curation.py)
curation = Table(
    "curation", Base.metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("level", String(8), nullable=False),
    Column("a", String(48), nullable=False),
    Column("b", String(48), nullable=False),
    Column("note", Text()),
    Column("who", Text()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("action", String(32), nullable=False),
    Index("ix_curation_a", "a"),
    Index("ix_curation_b", "b"),
    Index("ix_curation_action", "action"),
)
entity_members = Table(
    "entity_members", Base.metadata,
    Column("entity_id", String(40), primary_key=True),
    Column("member_key", String(48), primary_key=True),
    Column("record_id", String(32), nullable=False),
    Column("position", Integer()),
    Column("role", String(16), nullable=False),
    Index("ix_entity_members_record_id", "record_id"),
    Index("ix_entity_members_member_key", "member_key"),
)
entity_keys = Table(
    "entity_keys", Base.metadata,
    Column("key", String(80), primary_key=True),
    Column("record_id", String(32), primary_key=True),
    Index("ix_entity_keys_record_id", "record_id"),
)
pages = cast(Table, PageRow.__table__)
page_sources = cast(Table, PageSourceRow.__table__)
records = cast(Table, RecordRowModel.__table__)
quarantine = cast(Table, QuarantineRow.__table__)
runs = cast(Table, RunRow.__table__)
metadata = Base.metadata
