"""The 每日举报问题线索清单 from the register: the unit's leads received in a period, as PDF,
DOCX (through the lead-ledger kind's templates) or XLSX. The public version (三公开) leaves
out 举报人信息 and 备注."""

from __future__ import annotations

from datetime import date
from typing import Any

from service import issuing, units
from service.kinds.lead_ledger import (
    CELL_CHARS,
    CONTENT_CHARS,
    FORM_TITLE,
    PUBLIC_TITLE,
    RESULT_CHARS,
)
from service.lead_deadlines import listing
from service.leads import LeadView
from service.register import Register
from service.text import cn_date

LEDGER = "lead-ledger"
LEDGER_FORMATS = ("pdf", "docx", "xlsx")


def _results(lead: LeadView) -> str | None:
    parts = []
    for result in (lead.feedback or {}).get("results", []):
        amount = result.get("amount")
        shown = "" if amount is None else f"{amount:g}"
        parts.append(result.get("detail") or f"{result['category']}{shown}")
    if lead.escalated_reason:
        parts.append(f"提级核查（{lead.escalated_reason}）")
    return "；".join(parts) or None


def _fit(value: Any, key: str) -> Any:
    """A text cut to what its cell holds (service.kinds.lead_ledger), on one line."""
    if not isinstance(value, str):
        return value
    limit = {"content": CONTENT_CHARS, "results": RESULT_CHARS,
             "progress": RESULT_CHARS}.get(key, CELL_CHARS)
    text = " ".join(value.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _row(lead: LeadView, public: bool) -> dict[str, Any]:
    feedback = lead.feedback or {}
    row = {"source": lead.source, "reporter": lead.reporter, "content": lead.content,
           "category": lead.category, "enterprise": lead.enterprise,
           "locality": lead.locality, "document_number": lead.document_number,
           "transferred_to": lead.transferred_to,
           "transferred_on": lead.transferred_on.isoformat() if lead.transferred_on else None,
           "feedback_on": feedback.get("feedback_on"),
           "substantiated": feedback.get("substantiated"), "results": _results(lead),
           "progress": feedback.get("progress"), "reply": feedback.get("reply"),
           "note": lead.note}
    if public:  # never handed to the renderer at all, not merely not printed
        row["reporter"] = row["note"] = None
    return {k: _fit(v, k) for k, v in row.items() if v not in (None, "")}


def payload(register: Register, unit: str, start: date, end: date, public: bool
            ) -> dict[str, Any]:
    """The lead-ledger payload of `unit`'s leads received from `start` to `end`."""
    leads = listing(register.engine, unit, None, end, start, end)
    return {"unit": units.get(register, unit).name or unit, "start": start.isoformat(),
            "end": end.isoformat(), "public": public,
            "rows": [_row(lead, public) for lead in leads]}


def render(register: Register, unit: str, start: date, end: date, public: bool, fmt: str
           ) -> tuple[bytes, str]:
    """The ledger in `fmt` and its file name."""
    data = payload(register, unit, start, end, public)
    title = PUBLIC_TITLE if public else FORM_TITLE
    period = cn_date(start) if start == end else f"{cn_date(start)}至{cn_date(end)}"
    name = f"{title}（{period}）.{fmt}"
    return issuing.render_final(LEDGER, data, fmt), name  # type: ignore[arg-type]
