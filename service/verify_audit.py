"""Whether the audit trail is unbroken, as far as it can honestly tell. The trail has no
hash chain, so "unbroken" means here: every issued or voided document has its 签发 (or 更正)
entry, every void its 作废 entry, every 签发 entry's document is still in the register (a
deleted row shows), and — on SQLite, whose row ids are never skipped by a rolled-back
transaction — the entries are numbered 1, 2, 3 … without a hole. PostgreSQL's sequences do
skip on a rollback, so there a hole proves nothing and is not looked for. Documents issued
before the register kept an audit trail (older than its first entry) are not asked for one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.tables import AuditEvent, Document

if TYPE_CHECKING:
    from service.verify_report import Report


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _holes(s: Session, report: Report) -> None:
    """SQLite only: entry numbers missing between 1 and the last (entries deleted)."""
    last = s.execute(select(func.max(AuditEvent.seq))).scalar_one() or 0
    seqs = set(s.execute(select(AuditEvent.seq)).scalars())
    if missing := sorted(set(range(1, last + 1)) - seqs):
        more = f"等{len(missing)}条" if len(missing) > 20 else ""
        report.problems.append(f"操作记录缺少第{'、'.join(map(str, missing[:20]))}条{more}"
                               "（被删除？）")


def check_audit(s: Session, docs: dict[int, Document], report: Report) -> None:
    """Compare the audit trail with the documents (see the module's note)."""
    report.counts["events"] = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    first = s.execute(select(func.min(AuditEvent.at))).scalar_one()
    rows = s.execute(select(AuditEvent.seq, AuditEvent.action, AuditEvent.target,
                            AuditEvent.detail).where(
        AuditEvent.action.in_(("issue", "correct", "void")))).all()
    issued = {r.target for r in rows if r.action in ("issue", "correct")}
    voided = {r.target for r in rows if r.action == "void"}
    ids = {d.id for d in docs.values()}
    older = 0
    for doc in sorted(docs.values(), key=lambda d: d.seq):
        if doc.status not in ("issued", "void"):
            continue  # a spoiled number was never issued: its row is its record
        name = doc.number_text or doc.label
        if doc.id not in issued:
            if first is None or _aware(doc.issued_at) < _aware(first):
                older += 1  # issued before there was an audit trail
                continue
            report.problems.append(f"{name}没有签发的操作记录")
        if doc.status == "void" and not doc.replaced_by and doc.id not in voided:
            report.problems.append(f"{name}已作废，却没有作废的操作记录")
        if doc.replaced_by and doc.replaced_by not in ids:
            report.problems.append(f"{name}已更正，更正后的文书却不在登记簿中")
    for row in rows:
        if row.action in ("issue", "correct") and row.target not in ids:
            number = json.loads(row.detail or "{}").get("number") or row.target
            report.problems.append(f"操作记录第{row.seq}条签发了{number}，登记簿中却没有这份文书"
                                   "（登记行被删除？）")
    if s.get_bind().dialect.name == "sqlite":
        _holes(s, report)
    if older:
        report.notes.append(f"{older}份文书签发于启用操作记录之前，不核对其操作记录")
