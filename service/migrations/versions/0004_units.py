"""units: every document, series, draft, batch job, token and officer belongs to one unit.
Everything already in the register goes to the unit `default` (名称“本单位”); rename it with
`flask --app wsgi unit rename default --name 名称`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DEFAULT = "default"
MESSAGE = ("登记簿升级：已有的文书、编号序列、草稿、批量任务、令牌和用户都归入单位“default”"
           "（本单位）。可用 flask --app wsgi unit rename default --name 名称 改名。")


def _unit_column() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("unit", sa.String(length=32), nullable=False, server_default=DEFAULT)


def upgrade() -> None:
    bind = op.get_bind()
    had_data = bool(bind.execute(sa.text("SELECT count(*) FROM documents")).scalar()
                    or bind.execute(sa.text("SELECT count(*) FROM users")).scalar()
                    or bind.execute(sa.text("SELECT count(*) FROM api_tokens")).scalar())
    units = op.create_table(
        "units",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.bulk_insert(units, [{"code": DEFAULT, "name": "本单位", "profile": "{}",
                            "created_at": datetime.now(UTC)}])
    with op.batch_alter_table("documents") as batch:
        batch.add_column(_unit_column())
        batch.alter_column("series", type_=sa.String(length=200), existing_nullable=True)
        batch.create_index("ix_documents_unit", ["unit"])
    with op.batch_alter_table("counters") as batch:
        batch.alter_column("series", type_=sa.String(length=200), existing_nullable=False)
    # A series is one unit's: its key carries the unit code.
    for table in ("documents", "counters"):
        bind.execute(sa.text(f"UPDATE {table} SET series = :prefix || series "  # noqa: S608
                             "WHERE series IS NOT NULL"), {"prefix": DEFAULT + "|"})
    # Idempotency keys are one caller's: kept as a hash of (unit, caller, key).
    rows = bind.execute(sa.text("SELECT seq, idempotency_key, issued_by FROM documents "
                                "WHERE idempotency_key IS NOT NULL")).all()
    for seq, key, by in rows:
        scoped = hashlib.sha256(f"{DEFAULT}\x1f{by or ''}\x1f{key}".encode()).hexdigest()
        bind.execute(sa.text("UPDATE documents SET idempotency_key = :k WHERE seq = :s"),
                     {"k": scoped, "s": seq})
    for table in ("api_tokens", "users"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(_unit_column())
            batch.add_column(sa.Column("admin", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
            batch.create_index(f"ix_{table}_unit", ["unit"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("read_only", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(_unit_column())
        batch.add_column(sa.Column("owner", sa.String(length=120), nullable=True))
    with op.batch_alter_table("batches") as batch:
        batch.add_column(_unit_column())
        batch.create_index("ix_batches_unit", ["unit"])
    if had_data:
        print(MESSAGE, file=sys.stderr)


def downgrade() -> None:
    bind = op.get_bind()
    find = "strpos" if bind.dialect.name == "postgresql" else "instr"
    for table in ("documents", "counters"):
        bind.execute(sa.text(f"UPDATE {table} SET series = substr(series, "  # noqa: S608
                             f"{find}(series, '|') + 1) WHERE series IS NOT NULL"))
    with op.batch_alter_table("batches") as batch:
        batch.drop_index("ix_batches_unit")
        batch.drop_column("unit")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("owner")
        batch.drop_column("unit")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
        batch.drop_column("read_only")
    for table in ("api_tokens", "users"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_unit")
            batch.drop_column("admin")
            batch.drop_column("unit")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_unit")
        batch.drop_column("unit")
    op.drop_table("units")
