"""the register as an official record: a matter per document, void and correct, batch
Idempotency-Keys, and the append-only audit trail

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LIVE = sa.text("status IN ('issued', 'pending')")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("matter", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("voided_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("replaces", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("replaced_by", sa.String(length=32), nullable=True))
    op.create_index("ux_documents_live_matter", "documents", ["matter"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("replaces", sa.String(length=32), nullable=True))
    with op.batch_alter_table("batch_items") as batch:
        batch.add_column(sa.Column("ref", sa.String(length=100), nullable=True))
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_batches_idempotency_key", ["idempotency_key"])
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    for column in ("at", "unit", "action"):
        op.create_index(f"ix_audit_events_{column}", "audit_events", [column])


def downgrade() -> None:
    op.drop_table("audit_events")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("replaces")
    with op.batch_alter_table("batch_items") as batch:
        batch.drop_column("ref")
    with op.batch_alter_table("batches") as batch:
        batch.drop_constraint("uq_batches_idempotency_key", type_="unique")
        batch.drop_column("fingerprint")
        batch.drop_column("idempotency_key")
    op.drop_index("ux_documents_live_matter", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        for column in ("replaced_by", "replaces", "voided_by", "voided_at", "matter"):
            batch.drop_column(column)
