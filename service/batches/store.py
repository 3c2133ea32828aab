"""Batch jobs in the register's database: the items, their outcome and their files, so any
web process and any queue consumer on any machine sees the same state."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.batches.engine import Item, Result, error_entry, manifest_entry
from service.errors import Conflict
from service.register import Register
from service.tables import DEFAULT_UNIT, Batch, BatchFile, BatchItem

CHUNK = 10  # items per queued task: small enough to spread a batch over all consumers


def _now() -> datetime:
    return datetime.now(UTC)


def create(register: Register, items: list[dict[str, Any]], formats: list[str],
           issue: bool, issued_by: str | None = None, unit: str = DEFAULT_UNIT,
           idempotency_key: str | None = None, fingerprint: str | None = None
           ) -> tuple[str, bool]:
    """Store a new job of `unit` with its items: (its id, True); or, for an Idempotency-Key
    used before with the same request, (that job's id, False). Conflict if the key was used
    with another request."""
    if idempotency_key and (earlier := _keyed(register, idempotency_key, fingerprint)):
        return earlier, False
    batch_id = uuid.uuid4().hex
    try:
        _insert(register, batch_id, items, formats, issue, issued_by, unit, idempotency_key,
                fingerprint)
    except IntegrityError:  # the same request twice at once: the other one stored it
        if idempotency_key and (earlier := _keyed(register, idempotency_key, fingerprint)):
            return earlier, False
        raise
    return batch_id, True


def _keyed(register: Register, key: str, fingerprint: str | None) -> str | None:
    with Session(register.engine) as s:
        row = s.execute(select(Batch.id, Batch.fingerprint).where(
            Batch.idempotency_key == key)).one_or_none()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Conflict("该Idempotency-Key已用于另一个不同内容的批量任务",
                       code="idempotency_conflict")
    return str(row.id)


def _insert(register: Register, batch_id: str, items: list[dict[str, Any]], formats: list[str],
            issue: bool, issued_by: str | None, unit: str, key: str | None,
            fingerprint: str | None) -> None:
    with Session(register.engine) as s, s.begin():
        s.add(Batch(id=batch_id, unit=unit, formats=",".join(formats), issue=issue,
                    idempotency_key=key, fingerprint=fingerprint, total=len(items),
                    created_at=_now(), updated_at=_now(), finished=not items,
                    issued_by=issued_by))
        s.add_all(BatchItem(batch_id=batch_id, idx=i, kind=item["kind"], status="pending",
                            data=json.dumps(item["data"], ensure_ascii=False),
                            ref=item.get("ref"))
                  for i, item in enumerate(items))


def chunks(total: int) -> list[tuple[int, int]]:
    """The (start, end) index ranges a job of `total` items is queued as."""
    return [(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]


def load(register: Register, batch_id: str, unit: str | None = None) -> Batch | None:
    """The job (of `unit`, when given), or None."""
    with Session(register.engine) as s:
        job = s.get(Batch, batch_id)
    return job if job is not None and unit in (None, job.unit) else None


def pending_items(register: Register, batch_id: str, start: int, end: int) -> list[Item]:
    """The items of a range that still wait for a result (line = index + 1)."""
    with Session(register.engine) as s:
        rows = s.execute(select(BatchItem.idx, BatchItem.kind, BatchItem.data, BatchItem.ref)
                         .where(BatchItem.batch_id == batch_id, BatchItem.idx >= start,
                                BatchItem.idx < end, BatchItem.status == "pending")
                         .order_by(BatchItem.idx)).all()
    return [Item(idx + 1, kind, json.loads(data), ref=ref) for idx, kind, data, ref in rows]


def store(register: Register, batch_id: str, idx: int, result: Result) -> None:
    """Record an item's result and files in one transaction, and mark the job alive. An
    item already finished (by a requeued copy of its task) keeps its first result."""
    failed = result.error is not None
    outcome = error_entry(result) if failed else manifest_entry(result)
    with Session(register.engine) as s, s.begin():
        recorded = s.execute(update(BatchItem).where(
            BatchItem.batch_id == batch_id, BatchItem.idx == idx,
            BatchItem.status == "pending").values(
                status="failed" if failed else "done",
                outcome=json.dumps(outcome, ensure_ascii=False)))
        if not getattr(recorded, "rowcount", 0):
            return
        for fmt, (name, content) in result.files.items():
            s.merge(BatchFile(batch_id=batch_id, idx=idx, format=fmt, name=name, content=content))
        waiting = s.execute(select(func.count()).select_from(BatchItem).where(
            BatchItem.batch_id == batch_id, BatchItem.status == "pending")).scalar_one()
        s.execute(update(Batch).where(Batch.id == batch_id)
                  .values(updated_at=_now(), finished=waiting == 0))


def progress(register: Register, batch_id: str) -> dict[str, int]:
    """Counts of the job's items by status: pending, done, failed."""
    with Session(register.engine) as s:
        rows = s.execute(select(BatchItem.status, func.count()).where(
            BatchItem.batch_id == batch_id).group_by(BatchItem.status)).all()
    counts = {"pending": 0, "done": 0, "failed": 0}
    counts.update({status: int(n) for status, n in rows})
    return counts


def outcomes(register: Register, batch_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(status, manifest or error entry) of every finished item, in order."""
    with Session(register.engine) as s:
        rows = s.execute(select(BatchItem.status, BatchItem.outcome).where(
            BatchItem.batch_id == batch_id, BatchItem.status != "pending")
            .order_by(BatchItem.idx)).all()
    return [(status, json.loads(outcome or "{}")) for status, outcome in rows]


def files(register: Register, batch_id: str) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every output file of the job, one at a time: a job's outputs are
    never all in memory at once."""
    with Session(register.engine) as s:
        keys = s.execute(select(BatchFile.idx, BatchFile.format).where(
            BatchFile.batch_id == batch_id).order_by(BatchFile.idx, BatchFile.format)).all()
    for idx, fmt in keys:
        with Session(register.engine) as s:
            name, content = s.execute(select(BatchFile.name, BatchFile.content).where(
                BatchFile.batch_id == batch_id, BatchFile.idx == idx,
                BatchFile.format == fmt)).one()
        yield name, bytes(content)


def stale(register: Register, older_than: timedelta) -> list[tuple[str, list[int]]]:
    """Jobs with pending items and no progress for `older_than`, with those items' indices;
    their updated_at is moved on so one requeue is not repeated at once."""
    cutoff = _now() - older_than
    with Session(register.engine) as s, s.begin():
        ids = s.execute(select(Batch.id).where(
            Batch.finished.is_(False), Batch.updated_at < cutoff)).scalars().all()
        out = []
        for batch_id in ids:
            waiting = s.execute(select(BatchItem.idx).where(
                BatchItem.batch_id == batch_id, BatchItem.status == "pending")).scalars().all()
            if waiting:
                out.append((batch_id, list(waiting)))
                s.execute(update(Batch).where(Batch.id == batch_id).values(updated_at=_now()))
    return out
