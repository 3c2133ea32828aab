"""Leads (线索) of a unit's ledger, the closed loop of the seeds' 一闭环 mechanism: a lead is
registered with its running number for the year, transferred by a notice (交办（移送）书),
answered by the receiving side (service.lead_feedback) and closed (销号) or sent back.

A notice issued without a lead gets one made from it; a lead names its notice, and follows
the notice's correction when it is voided and replaced. The deadline is the notice's own
反馈期限, which is 7 calendar days after 交办 unless the notice sets one (seed 001 六（二）).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import Select, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import audit
from service.errors import Conflict, NotFound
from service.kinds.base import Day, Series, ShortText, Strict, Text
from service.numbering import take, write_session
from service.register import ON_ISSUED
from service.tables import Document, Lead
from service.validation import validate_json

CATEGORIES = ("非法违法生产经营建设行为", "重大事故隐患", "瞒报事故", "其他")
STATUSES = {"registered": "已登记", "transferred": "已交办", "answered": "已反馈",
            "returned": "已退回", "closed": "已办结"}
OPEN = ("transferred", "returned")  # waiting for the receiving side's answer
DUE_SOON_DAYS = 2
NOTICE = "transfer-notice"
CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today in China, where the deadlines run."""
    return datetime.now(CHINA).date()


class LeadIn(Strict):
    """A lead as an officer or a system registers it: the ledger's own columns."""

    received_on: Day = Field(default_factory=today, title="接报日期",
                             json_schema_extra={"x-default": "today"})
    source: ShortText = Field(title="举报来源", description="如：12350举报电话、来信、网络")
    reporter: ShortText | None = Field(
        default=None, title="举报人信息",
        description="姓名、电话等；只在本单位的线索清单中出现，不印在交办书和公开清单里")
    content: Text = Field(title="举报内容")
    category: Literal[CATEGORIES] = Field(title="举报类型")  # type: ignore[valid-type]
    enterprise: ShortText | None = Field(default=None, title="涉及企业")
    locality: ShortText | None = Field(default=None, title="属地政府")
    note: ShortText | None = Field(default=None, title="备注")


@dataclass(frozen=True)
class LeadView:
    """A lead as the API and the pages show it (the reporter only to its own unit)."""

    id: str
    number: str
    status: str
    received_on: date
    source: str
    reporter: str | None
    content: str
    category: str
    enterprise: str | None
    locality: str | None
    note: str | None
    document_id: str | None
    document_number: str | None
    transferred_to: str | None
    transferred_on: date | None
    due_on: date | None
    feedback: dict[str, Any] | None
    returned_reason: str | None
    escalated_reason: str | None
    closed_at: datetime | None
    has_file: bool

    def overdue(self, as_of: date) -> bool:
        """Waiting for an answer past its deadline."""
        return self.status in OPEN and self.due_on is not None and self.due_on < as_of

    def due_soon(self, as_of: date) -> bool:
        """Waiting, with the deadline today or within the next two days."""
        return (self.status in OPEN and self.due_on is not None
                and 0 <= (self.due_on - as_of).days <= DUE_SOON_DAYS)


def number_text(year: int, serial: int) -> str:
    """The printed lead number: 线索〔2022〕3号."""
    return f"线索〔{year}〕{serial}号"


def view(s: Session, lead: Lead) -> LeadView:
    """The LeadView of a row."""
    from service.tables import LeadFile

    doc = s.execute(select(Document.number_text).where(Document.id == lead.document_id)
                    ).scalar_one_or_none() if lead.document_id else None
    return LeadView(
        lead.id, number_text(lead.year, lead.serial), lead.status, lead.received_on,
        lead.source, lead.reporter, lead.content, lead.category, lead.enterprise,
        lead.locality, lead.note, lead.document_id, doc, lead.transferred_to,
        lead.transferred_on, lead.due_on, json.loads(lead.feedback) if lead.feedback else None,
        lead.returned_reason, lead.escalated_reason, lead.closed_at,
        s.get(LeadFile, lead.id) is not None)


def _add(s: Session, unit: str, data: LeadIn, actor: str | None) -> Lead:
    serial = take(s, Series(key=f"{unit}|线索", year=data.received_on.year, pattern="{serial}"))
    lead = Lead(id=uuid.uuid4().hex, unit=unit, year=data.received_on.year, serial=serial,
                status="registered", created_at=datetime.now(UTC), created_by=actor,
                **data.model_dump())
    s.add(lead)
    # the reporter never goes into the audit trail: only the lead's number
    audit.add(s, unit=unit, action="lead_registered", target=lead.id,
              detail={"number": number_text(lead.year, serial)})
    return lead


def register(engine: Engine, unit: str, payload: Any, actor: str | None = None) -> LeadView:
    """Register a lead of `unit` with the next 线索编号 of its year."""
    data: LeadIn = validate_json(LeadIn, payload)
    with write_session(engine) as s:
        lead = _add(s, unit, data, actor)
        s.flush()
        return view(s, lead)


def _own(s: Session, unit: str, lead_id: str) -> Lead:
    lead = s.get(Lead, lead_id)
    if lead is None or lead.unit != unit:
        raise NotFound("本单位没有这条线索")
    return lead


def get(engine: Engine, unit: str, lead_id: str) -> LeadView:
    """One lead of `unit` (404 for another unit's)."""
    sync(engine, unit)
    with Session(engine) as s:
        return view(s, _own(s, unit, lead_id))


def check_open(engine: Engine, unit: str, lead_id: str) -> None:
    """Refuse to transfer a lead that is not the unit's or already has its notice."""
    with Session(engine) as s:
        lead = _own(s, unit, lead_id)
        if lead.document_id is not None:
            raise Conflict("这条线索已经交办过", code="lead_transferred",
                           fields=[{"path": "lead", "message": "这条线索已经交办过"}])


def _transfer(s: Session, lead: Lead, doc: Document, data: dict[str, Any]) -> None:
    issued = date.fromisoformat(data["issued_on"])
    due = data.get("feedback_due")
    lead.document_id, lead.transferred_to, lead.transferred_on = doc.id, data["recipient"], issued
    lead.due_on = date.fromisoformat(due) if due else issued + timedelta(days=7)
    if lead.status == "registered":
        lead.status = "transferred"
    audit.add(s, unit=lead.unit, action="lead_transferred", target=lead.id,
              detail={"document": doc.id, "number": doc.number_text}, actor=doc.issued_by)


def sync(engine: Engine, unit: str) -> None:
    """Tie the unit's issued notices to their leads: a notice naming a lead transfers it,
    one naming none gets a lead made from it, and a corrected notice's lead moves to the
    correction. Idempotent; run before the leads are read."""
    for attempt in range(3):
        try:
            _sync(engine, unit)
            return
        except IntegrityError:  # another process tied the same notice first (PostgreSQL)
            if attempt == 2:
                raise


def tie(s: Session, doc: Document) -> None:
    """In the transaction that issues `doc`: a notice transfers its lead, or gets one."""
    if doc.kind != NOTICE or doc.status != "issued":
        return
    data = json.loads(doc.data)
    if not all(isinstance(data.get(k), str) for k in ("received_on", "issued_on", "recipient",
                                                      "allegation", "subject")):
        return  # not a notice's payload (a register test's stand-in): nothing to tie
    lead = _lead_for(s, doc.unit, doc, data) or _add(s, doc.unit, LeadIn(
        received_on=date.fromisoformat(data["received_on"]),
        source="群众举报" if data.get("source") == "report" else "督查检查",
        content=data["allegation"], category="其他", enterprise=data["subject"]),
        doc.issued_by)
    _transfer(s, lead, doc, data)


ON_ISSUED.append(tie)


def _unlinked(unit: str) -> Select[Document]:
    """The unit's issued notices no lead names yet."""
    linked = select(Lead.document_id).where(Lead.document_id.is_not(None))
    return select(Document).where(Document.unit == unit, Document.kind == NOTICE,
                                  Document.status == "issued", Document.id.not_in(linked))


def _lead_for(s: Session, unit: str, doc: Document, data: dict[str, Any]) -> Lead | None:
    """The lead a notice transfers: its corrected notice's, or the one it names (the unit's,
    not yet transferred); None when a new one is to be made."""
    if doc.replaces:
        lead = s.execute(select(Lead).where(Lead.document_id == doc.replaces)
                         ).scalar_one_or_none()
        if lead is not None:
            return lead
    named = s.get(Lead, data["lead"]) if data.get("lead") else None
    if named is not None and named.unit == unit and named.document_id is None:
        return named
    return None


def _sync(engine: Engine, unit: str) -> None:
    with Session(engine) as s:  # nothing to do: no write lock taken
        if s.execute(_unlinked(unit).with_only_columns(Document.seq).limit(1)).first() is None:
            return
    with write_session(engine) as s:
        for doc in s.execute(_unlinked(unit)).scalars().all():
            tie(s, doc)
