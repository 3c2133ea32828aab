"""The audit trail: every issue, void, correction, download, token, officer and profile
change, with who, unit, when and from which address, in an append-only table. Nothing here
(or anywhere) updates or deletes an entry.

Who and from where come from the entry point: the web layer and the command line set them
for the request or command (`acting`); the core writes them with the change itself, in the
same transaction where there is one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.tables import AuditEvent

_actor: ContextVar[str | None] = ContextVar("audit_actor", default=None)
_address: ContextVar[str | None] = ContextVar("audit_address", default=None)
ACTIONS = {"issue": "签发", "correct": "更正", "void": "作废", "download": "下载",
           "token.create": "新建令牌", "token.revoke": "撤销令牌", "user.set": "新建用户或重设密码",
           "user.disable": "停用用户", "unit.profile": "修改单位资料"}


@contextmanager
def acting(actor: str | None, address: str | None) -> Iterator[None]:
    """Record changes made inside the block as done by `actor` from `address`."""
    tokens = _actor.set(actor), _address.set(address)
    try:
        yield
    finally:
        _actor.reset(tokens[0])
        _address.reset(tokens[1])


def set_acting(actor: str | None, address: str | None) -> None:
    """Set who acts for the rest of this context (a web request)."""
    _actor.set(actor)
    _address.set(address)


def add(s: Session, *, unit: str, action: str, target: str | None = None,
        detail: dict[str, Any] | None = None, actor: str | None = None) -> None:
    """Append one entry in the session's transaction."""
    s.add(AuditEvent(at=datetime.now(UTC), unit=unit, actor=actor or _actor.get(),
                     action=action, target=target, address=_address.get(),
                     detail=json.dumps(detail or {}, ensure_ascii=False)))


def record(engine: Engine, **entry: Any) -> None:
    """Append one entry in a transaction of its own (what changes nothing else: a download)."""
    with Session(engine) as s, s.begin():
        add(s, **entry)


@dataclass(frozen=True)
class Event:
    """One audit entry as read back."""

    seq: int
    at: datetime
    unit: str
    actor: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    address: str | None


def events(engine: Engine, unit: str, *, action: str | None = None, actor: str | None = None,
           target: str | None = None, limit: int = 50, offset: int = 0
           ) -> tuple[list[Event], int]:
    """A unit's entries, newest first, filtered by action, actor and target; with the total."""
    conditions = [AuditEvent.unit == unit]
    for column, value in ((AuditEvent.action, action), (AuditEvent.actor, actor),
                          (AuditEvent.target, target)):
        if value:
            conditions.append(column == value)
    with Session(engine) as s:
        total = s.execute(select(func.count()).select_from(AuditEvent).where(*conditions))
        rows = s.execute(select(AuditEvent).where(*conditions).order_by(AuditEvent.seq.desc())
                         .limit(limit).offset(offset)).scalars().all()
        return [Event(r.seq, r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC), r.unit,
                      r.actor, r.action, r.target, json.loads(r.detail or "{}"), r.address)
                for r in rows], int(total.scalar_one())
