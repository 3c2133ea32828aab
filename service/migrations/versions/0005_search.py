"""search: a normalised text per document (number, label and every text of its data), so the
register finds （煤）移〔2022〕3号 by (煤)移[2022]3号, full- or half-width, and by several words.
Existing documents get theirs here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from service.search import search_text

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("search", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    last = 0
    while True:  # a page at a time: a large register's payloads never all sit in memory
        rows = bind.execute(sa.text(
            "SELECT seq, number_text, label, data FROM documents WHERE seq > :last "
            "ORDER BY seq LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        for seq, number_text, label, data in rows:
            try:
                payload = json.loads(data or "{}")
            except ValueError:
                payload = data  # not JSON: its text is still searched
            bind.execute(sa.text("UPDATE documents SET search = :text WHERE seq = :seq"),
                         {"text": search_text(number_text, label, payload), "seq": seq})
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("search")
