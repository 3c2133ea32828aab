"""Drafts: a previewed form kept server-side, so a reload or a step back loses nothing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.register import Register
from service.tables import Draft

KEEP = timedelta(days=30)


def save_draft(register: Register, kind: str, data: dict[str, Any]) -> str:
    """Keep a draft and return its id; drafts older than 30 days are dropped."""
    draft_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    with Session(register.engine) as s, s.begin():
        s.execute(delete(Draft).where(Draft.created_at < now - KEEP))
        s.add(Draft(id=draft_id, kind=kind, data=json.dumps(data, ensure_ascii=False),
                    created_at=now))
    return draft_id


def load_draft(register: Register, draft_id: str) -> tuple[str, dict[str, Any]] | None:
    """The (kind, data) of a draft, or None."""
    with Session(register.engine) as s:
        row = s.execute(select(Draft.kind, Draft.data).where(Draft.id == draft_id)).one_or_none()
    return (row[0], json.loads(row[1])) if row else None
