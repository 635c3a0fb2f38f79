"""Curation in the store, and what the review app lists entities by (issue 11).

- ``curation``: a curator's must-link / cannot-link decisions between two members (a work
  record id, a profile record id or ``<work id>#<position>``), with a note, who and when.
  Every later resolution of the store honours them; a decision whose member is no longer
  stored is kept and reported as dangling.
- ``entities`` gains ``confidence``, ``sources`` and ``sort_name``, with indexes for
  sorted, keyset-paginated lists, and ``notes``: the joins and the nearest candidates kept
  out, as resolution saw them (filled by the next ``ingest resolve --db``).
- ``entity_terms``: folded name and title words (and ``src:<source>``) of each entity, so a
  search or a source filter is an index range scan, not a scan of every entity.

Existing entity rows are filled in from their JSON.

Revision ID: 0004_review
Revises: 0003_entity_keys
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_review"
down_revision = "0003_entity_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "curation",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("a", sa.String(48), nullable=False),
        sa.Column("b", sa.String(48), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("who", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
    )
    op.create_index("ix_curation_a", "curation", ["a"])
    op.create_index("ix_curation_b", "curation", ["b"])
    op.create_index("ix_curation_action", "curation", ["action"])
    op.add_column("entities", sa.Column("confidence", sa.Float(), nullable=True))
    op.add_column("entities", sa.Column("sources", sa.Text(), nullable=True))
    op.add_column("entities", sa.Column("sort_name", sa.String(200), nullable=True))
    op.add_column("entities", sa.Column("notes", sa.Text(), nullable=True))
    op.create_index("ix_entities_kind_size", "entities", ["kind", "member_count", "id"])
    op.create_index("ix_entities_kind_confidence", "entities", ["kind", "confidence", "id"])
    op.create_index("ix_entities_kind_sort_name", "entities", ["kind", "sort_name", "id"])
    op.create_table(
        "entity_terms",
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("term", "entity_id"),
    )
    op.create_index("ix_entity_terms_entity_id", "entity_terms", ["entity_id"])
    # which entity holds a member: the review app's candidate links, incremental runs
    op.create_index("ix_entity_members_member_key", "entity_members", ["member_key"])
    _fill_existing()


def _fill_existing() -> None:
    """Compute the new columns and terms of entity rows written before this revision."""
    from ingest_core.schemas import entity_from_json
    from ingest_core.store._entities import entity_columns, entity_terms

    conn = op.get_bind()
    entities = sa.table("entities", sa.column("id"), sa.column("data"),
                        sa.column("confidence"), sa.column("sources"), sa.column("sort_name"))
    terms = sa.table("entity_terms", sa.column("term"), sa.column("entity_id"))
    rows = conn.execute(sa.select(entities.c.id, entities.c.data)).all()
    for start in range(0, len(rows), 500):
        batch = [entity_from_json(data) for _, data in rows[start:start + 500]]
        for e in batch:
            conn.execute(entities.update().where(entities.c.id == e.id)
                         .values(**entity_columns(e)))
        values = [{"term": t, "entity_id": e.id} for e in batch for t in sorted(entity_terms(e))]
        if values:
            conn.execute(terms.insert(), values)


def downgrade() -> None:
    op.drop_index("ix_entity_members_member_key", "entity_members")
    op.drop_table("entity_terms")
    op.drop_index("ix_entities_kind_sort_name", "entities")
    op.drop_index("ix_entities_kind_confidence", "entities")
    op.drop_index("ix_entities_kind_size", "entities")
    with op.batch_alter_table("entities") as batch:
        batch.drop_column("notes")
        batch.drop_column("sort_name")
        batch.drop_column("sources")
        batch.drop_column("confidence")
    op.drop_table("curation")
