"""Which leads are due: overdue and due within two days on a given day, the unit's counts
for the home page, and the listing by status the API and the pages share."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.errors import Invalid
from service.leads import STATUSES, LeadView, sync, view
from service.tables import Lead

FILTERS = {**STATUSES, "overdue": "已逾期", "due_soon": "两日内到期", "escalated": "提级核查",
           "open": "待反馈"}


def listing(engine: Engine, unit: str, status: str | None, as_of: date,
            start: date | None = None, end: date | None = None) -> list[LeadView]:
    """The unit's leads, oldest first: all, or those of one status or filter on `as_of`,
    received between `start` and `end` when given."""
    if status is not None and status not in FILTERS:
        raise Invalid(f"status应为{'、'.join(FILTERS)}之一", code="invalid",
                      fields=[{"path": "status", "message": "没有这种状态"}])
    sync(engine, unit)
    query = select(Lead).where(Lead.unit == unit).order_by(Lead.year, Lead.serial)
    if start is not None:
        query = query.where(Lead.received_on >= start)
    if end is not None:
        query = query.where(Lead.received_on <= end)
    if status in STATUSES:
        query = query.where(Lead.status == status)
    with Session(engine) as s:
        leads = [view(s, lead) for lead in s.execute(query).scalars()]
    if status == "overdue":
        return [lead for lead in leads if lead.overdue(as_of)]
    if status == "due_soon":
        return [lead for lead in leads if lead.due_soon(as_of)]
    if status == "escalated":
        return [lead for lead in leads if lead.escalated_reason]
    if status == "open":
        return [lead for lead in leads if lead.status in ("transferred", "returned")]
    return leads


def counts(engine: Engine, unit: str, as_of: date) -> dict[str, int]:
    """How many of the unit's leads are overdue and due within two days on `as_of`."""
    leads = listing(engine, unit, None, as_of)
    return {"overdue": sum(lead.overdue(as_of) for lead in leads),
            "due_soon": sum(lead.due_soon(as_of) for lead in leads)}
