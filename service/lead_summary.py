"""The weekly 统计表 from the register: the unit's leads of a period as the summary's
records (问题记录), so the 周报 need not be typed in again. A lead's feedback gives its
measures, fine, 违法性质 and whether it is rectified (销号); an escalated lead is counted
as 提级核查. Leads of the type 其他 are not the 周报's business and are left out."""

from __future__ import annotations

from datetime import date
from typing import Any

from service import units
from service.kinds.summary_model import DETAIL_CHARS
from service.lead_deadlines import listing
from service.leads import LeadView
from service.register import Register

CATEGORY = {"重大事故隐患": "major_hazard", "非法违法生产经营建设行为": "illegal_act",
            "瞒报事故": "illegal_act"}
# 办理结果 (seed 000 附件7) → 处理措施 of the 统计表
MEASURE = {"行政处罚": "行政处罚", "停产整顿": "责令停产整顿", "关闭取缔": "关闭取缔",
           "吊销证照": "暂扣吊销证照", "失信企业联合惩戒": "联合惩戒", "党纪政纪处分": "问责处理",
           "刑事责任追究": "移送司法机关"}
UNKNOWN = "未填"


def _cut(text: str | None, limit: int) -> str:
    shown = " ".join((text or UNKNOWN).split())
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def finding(lead: LeadView, unit_name: str) -> dict[str, Any] | None:
    """One lead as a record of the 统计表, or None for a lead of the type 其他."""
    category = CATEGORY.get(lead.category)
    if category is None:
        return None
    results = (lead.feedback or {}).get("results", [])
    kinds = [r["category"] for r in results]
    measures = list(dict.fromkeys(MEASURE[k] for k in kinds if k in MEASURE))
    fine = sum(r.get("amount") or 0 for r in results if r["category"] == "行政处罚")
    nature = next((r.get("detail") for r in results if r["category"] == "违法性质"), None)
    feedback_on = (lead.feedback or {}).get("feedback_on")
    record: dict[str, Any] = {
        "enterprise": _cut(lead.enterprise, 100), "found_on": lead.received_on.isoformat(),
        "township": _cut(lead.locality, 30), "industry": UNKNOWN, "category": category,
        "detail": _cut(lead.content, DETAIL_CHARS), "source": "report",
        "checked_by": _cut(lead.transferred_to or unit_name, 50),
        "escalated": bool(lead.escalated_reason), "measures": measures,
    }
    if fine and "行政处罚" in measures:
        record["fine_wan"] = fine
    if nature:
        record["nature"] = _cut(nature, 50)
    if lead.status == "closed" and feedback_on:
        record["rectified_on"] = feedback_on
    return record


def weekly(register: Register, unit: str, start: date, end: date, filled_by: str,
           filled_on: date) -> dict[str, Any]:
    """The payload of the unit's 统计表（周报） for `start`–`end`, its records from leads."""
    name = units.get(register, unit).name or unit
    records = [finding(lead, name) for lead in listing(register.engine, unit, None, end,
                                                       start, end)]
    return {"layout": "weekly", "unit": _cut(name, 100), "filled_by": _cut(filled_by, 50),
            "filled_on": filled_on.isoformat(), "period_start": start.isoformat(),
            "period_end": end.isoformat(), "findings": [r for r in records if r]}
