"""Blocking keys of resolved records: entity_keys (issue 5, ``ingest resolve --incremental``).

Each work and profile record that went through resolution is indexed by the blocks it
belongs to (title blocks ``w:…``, name blocks ``n:…``, and ``l:<work id>`` for the works a
profile lists), so an incremental run loads only the records a new batch can touch.

Revision ID: 0003_entity_keys
Revises: 0002_entities
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_entity_keys"
down_revision = "0002_entities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity_keys",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("key", "record_id"),
    )
    op.create_index("ix_entity_keys_record_id", "entity_keys", ["record_id"])


def downgrade() -> None:
    op.drop_table("entity_keys")
