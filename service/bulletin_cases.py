"""Typical cases already issued in a unit's register, taken into a bulletin instead of being
retyped: found by text and period, taken by id as their stored payloads (current versions)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.batches.engine import Item
from service.bulletins import iso_week
from service.errors import Invalid, NotFound
from service.kinds.base import DAY_RANGE, FIRST_DAY, LAST_DAY
from service.register import Register
from service.search import words
from service.tables import Document

KIND = "typical-case"
LIMIT = 200  # a bulletin holds at most 200 cases (service.kinds.bulletin.MAX_CASES)
BEIJING = ZoneInfo("Asia/Shanghai")
MISSING = "没有这个典型案例（或已作废）"
# What the contract says (format date, the week's pattern): date.fromisoformat and int()
# alone would also take 20220110, 2022-W02-1 and full-width digits.
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WEEK = re.compile(r"[0-9]{4}-[Ww][0-9]{1,2}")


@dataclass(frozen=True)
class Case:
    """One valid typical case of the unit, with the day it counts for and its payload."""

    id: str
    title: str
    day: date  # its 报送日期, else the day it was issued (Beijing time)
    reported_by: str | None  # 报送单位
    issued_at: datetime
    replaces: str | None  # the case this one corrected
    data: dict[str, Any]


def _day(name: str, raw: str) -> date | None:
    if not raw:
        return None
    try:
        if not DATE.fullmatch(raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"{name}应为YYYY-MM-DD格式的日期",
                      fields=[{"path": name, "message": "日期格式应为YYYY-MM-DD"}]) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(f"{name}应在{DAY_RANGE}之间",
                      fields=[{"path": name, "message": f"应在{DAY_RANGE}之间"}])
    return day


def period(week: str = "", start: str = "", end: str = "") -> tuple[date | None, date | None]:
    """The period searched: an ISO week (2022-W03), else from/to dates, either may be blank;
    Invalid names the parameter at fault."""
    if week:
        if WEEK.fullmatch(week):
            try:
                return iso_week(week)
            except Invalid:
                pass  # its code is the command line's (bad_week); here it is `invalid`
        raise Invalid("周次应为ISO周，如 2022-W03",
                      fields=[{"path": "week", "message": "应为ISO周，如 2022-W03"}])
    first, last = _day("from", start), _day("to", end)
    if first and last and last < first:
        raise Invalid("截止日期不能早于起始日期",
                      fields=[{"path": "to", "message": "不能早于起始日期"}])
    return first, last


def _case(doc: Document) -> Case:
    data: dict[str, Any] = json.loads(doc.data)
    at = doc.issued_at if doc.issued_at.tzinfo else doc.issued_at.replace(tzinfo=UTC)
    reported = data.get("reported_on")
    day = date.fromisoformat(reported) if reported else at.astimezone(BEIJING).date()
    return Case(id=doc.id, title=doc.label, day=day, reported_by=data.get("unit"),
                issued_at=at, replaces=doc.replaces, data=data)


def find(register: Register, unit: str, *, q: str | None = None, start: date | None = None,
         end: date | None = None, limit: int | None = LIMIT) -> tuple[list[Case], int]:
    """The unit's valid typical cases of [start, end] containing every word of `q`, oldest
    first; with how many there are. Void ones (a corrected case too) are left out."""
    conditions = [Document.unit == unit, Document.kind == KIND, Document.status == "issued"]
    # The register's year is the 报送日期's, or the server's day at issue: within one year of
    # the case's day either way, so this only narrows what is read.
    if start is not None:
        conditions.append(Document.year >= start.year - 1)
    if end is not None:
        conditions.append(Document.year <= end.year + 1)
    for word in words(q or ""):  # as the register's own search (service.lookup)
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Document.search.like(f"%{escaped}%", escape="\\"))
    with Session(register.engine) as s:
        docs = s.execute(select(Document).where(*conditions).order_by(Document.seq)).scalars()
        cases = [c for c in map(_case, docs)
                 if (start is None or start <= c.day) and (end is None or c.day <= end)]
    cases.sort(key=lambda c: c.day)  # stable: same day in the order they were issued
    return cases[:limit] if limit is not None else cases, len(cases)


def current(register: Register, unit: str, doc_id: str) -> Case:
    """The unit's typical case `doc_id` as it stands: a corrected one gives its correction;
    NotFound for another unit's, another kind, or one voided without a correction."""
    with Session(register.engine) as s:
        for _ in range(1000):  # follows replaced_by; a bound in case a chain ever loops
            doc = s.execute(select(Document).where(
                Document.id == doc_id, Document.unit == unit, Document.kind == KIND)
            ).scalar_one_or_none()
            if doc is None:
                break
            if doc.status == "issued":
                return _case(doc)
            if doc.status != "void" or not doc.replaced_by:
                break
            doc_id = doc.replaced_by
    raise NotFound(MISSING)


def take(register: Register, unit: str, ids: list[str]) -> list[Case]:
    """The cases with these ids, current versions, each once, in the order given."""
    out: dict[str, Case] = {}
    for doc_id in ids:
        case = current(register, unit, doc_id)
        out.setdefault(case.id, case)
    return list(out.values())


def payload(unit_name: str, cases: list[Case], start: date | None, end: date | None,
            issued_on: date) -> dict[str, Any]:
    """A bulletin's data with these cases; the period is the one searched, else the span of
    the cases' days."""
    days = [c.day for c in cases] or [issued_on]
    return {"unit": unit_name, "period_start": (start or min(days)).isoformat(),
            "period_end": (end or max(days)).isoformat(), "issued_on": issued_on.isoformat(),
            "cases": [c.data for c in cases]}


def week_items(register: Register, unit: str, monday: date, sunday: date) -> list[Item]:
    """The week's cases of the unit as the bulletin command's items (numbered from 1)."""
    cases, _ = find(register, unit, start=monday, end=sunday, limit=None)
    return [Item(n, KIND, case.data) for n, case in enumerate(cases, 1)]
