"""Drafts: a previewed form kept server-side, so a reload or a step back loses nothing.
A draft is its author's: another officer, even of the same unit, does not find it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.register import Register
from service.retention import draft_age
from service.tables import Draft


def save_draft(register: Register, kind: str, data: dict[str, Any], *, unit: str,
               owner: str | None, replaces: str | None = None) -> str:
    """Keep `owner`'s draft and return its id; drafts older than GONGWEN_DRAFT_DAYS are
    dropped (the minute job does it too: service.retention)."""
    draft_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    with Session(register.engine) as s, s.begin():
        if (age := draft_age()) is not None:
            s.execute(delete(Draft).where(Draft.created_at < now - age))
        s.add(Draft(id=draft_id, unit=unit, owner=owner, kind=kind, created_at=now,
                    replaces=replaces,
                    data=json.dumps(data, ensure_ascii=False)))
    return draft_id


def load_draft(register: Register, draft_id: str, *, unit: str, owner: str | None
               ) -> tuple[str, dict[str, Any], str | None] | None:
    """The (kind, data, id of the document it corrects) of `owner`'s draft, or None
    (someone else's is None too)."""
    owned = Draft.owner.is_(None) if owner is None else Draft.owner == owner
    with Session(register.engine) as s:
        row = s.execute(select(Draft.kind, Draft.data, Draft.replaces).where(
            Draft.id == draft_id, Draft.unit == unit, owned)).one_or_none()
    return (row[0], json.loads(row[1]), row[2]) if row else None
