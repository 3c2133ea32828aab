"""Retention: drafts and batch jobs' outputs are kept for a set number of days, then deleted
by the minute job on the queue (service.batches.queue). Issued documents — their rows,
numbers and files — are never deleted: only the drafts and batches tables are touched.

GONGWEN_DRAFT_DAYS (default 30) counts from when the draft was saved; GONGWEN_BATCH_DAYS
(default 14) from when the job last made progress, and only a finished job goes, with its
items and files. 0 keeps them for ever."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.register import Register
from service.tables import Batch, BatchFile, BatchItem, Draft

BATCH_PASS = 200  # jobs deleted per transaction: a long sweep never holds the write lock long


def _days(name: str, default: int) -> timedelta | None:
    """A number of days from the environment; None for 0 (keep for ever)."""
    value = os.environ.get(name, "").strip() or str(default)
    try:
        days = float(value)
    except ValueError:
        raise ValueError(f"{name}应为天数（如 {default}），而不是“{value}”") from None
    if days < 0:
        raise ValueError(f"{name}不能为负数")
    return timedelta(days=days) if days else None


def draft_age() -> timedelta | None:
    """How long a draft is kept (GONGWEN_DRAFT_DAYS, default 30; None: for ever)."""
    return _days("GONGWEN_DRAFT_DAYS", 30)


def batch_age() -> timedelta | None:
    """How long a finished job's outputs are kept (GONGWEN_BATCH_DAYS, default 14)."""
    return _days("GONGWEN_BATCH_DAYS", 14)


@dataclass(frozen=True)
class Swept:
    """How many drafts and batch jobs one sweep deleted."""

    drafts: int
    batches: int


def sweep(register: Register, now: datetime | None = None) -> Swept:
    """Delete the drafts and finished batch jobs older than their ages."""
    now = now or datetime.now(UTC)
    drafts = batches = 0
    if (age := draft_age()) is not None:
        with Session(register.engine) as s, s.begin():
            drafts = getattr(s.execute(delete(Draft).where(Draft.created_at < now - age)),
                             "rowcount", 0)
    if (age := batch_age()) is not None:
        while True:
            with Session(register.engine) as s, s.begin():
                ids = s.execute(select(Batch.id).where(
                    Batch.finished.is_(True), Batch.updated_at < now - age)
                    .limit(BATCH_PASS)).scalars().all()
                for table in (BatchFile, BatchItem):
                    s.execute(delete(table).where(table.batch_id.in_(ids)))
                s.execute(delete(Batch).where(Batch.id.in_(ids)))
            batches += len(ids)
            if len(ids) < BATCH_PASS:
                break
    return Swept(drafts, batches)
