"""Resolved entities: entities (papers and persons) and entity_members (issue 5).

Revision ID: 0002_entities
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_entities"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_entities_kind", "entities", ["kind"])
    op.create_table(
        "entity_members",
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("member_key", sa.String(48), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", "member_key"),
    )
    op.create_index("ix_entity_members_record_id", "entity_members", ["record_id"])


def downgrade() -> None:
    op.drop_table("entity_members")
    op.drop_table("entities")
