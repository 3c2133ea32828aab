"""Leads over the API: register and list them, record the answer to a notice and its signed
report, close (销号), send back or escalate a lead. Everything answers only for the
caller's unit; another unit's lead or notice is 404."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file
from pydantic import BaseModel, Field

from service import issuing, lead_deadlines, lead_feedback, lead_summary, leads
from service.api import json_body
from service.db import get_register
from service.errors import Invalid
from service.gate.login import current_unit, issued_by
from service.kinds.base import DAY_RANGE, FIRST_DAY, LAST_DAY, ShortText, Strict
from service.validation import validate_json

bp = Blueprint("leads", __name__, url_prefix="/api/v1")
FILE_LIMIT = 10 * 1024 * 1024


class LeadOut(BaseModel):
    """A lead of the caller's unit, with its notice, deadline and answer."""

    id: str
    number: str = Field(title="线索编号")
    status: str = Field(title="状态", description="registered已登记、transferred已交办、"
                        "answered已反馈、returned已退回、closed已办结")
    status_name: str
    received_on: date
    source: str
    reporter: str | None = Field(title="举报人信息", description="只对本单位显示")
    content: str
    category: str
    enterprise: str | None
    locality: str | None
    note: str | None
    document_id: str | None = Field(title="交办文书")
    document_number: str | None
    transferred_to: str | None
    transferred_on: date | None
    due_on: date | None = Field(title="反馈期限")
    overdue: bool
    due_soon: bool
    feedback: dict[str, Any] | None
    returned_reason: str | None
    escalated_reason: str | None = Field(title="提级核查理由")
    closed_at: datetime | None
    has_file: bool


class LeadList(BaseModel):
    """The unit's leads of one status or filter, and its counts on `as_of`."""

    as_of: date
    overdue: int
    due_soon: int
    leads: list[LeadOut]


class Reason(Strict):
    """Why a lead is sent back or escalated."""

    reason: ShortText = Field(title="理由")


MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "LeadIn": (leads.LeadIn, "validation"), "LeadOut": (LeadOut, "serialization"),
    "LeadList": (LeadList, "serialization"), "FeedbackIn": (lead_feedback.FeedbackIn,
                                                             "validation"),
    "Reason": (Reason, "validation")}


def out(lead: leads.LeadView, as_of: date | None = None) -> dict[str, Any]:
    """The JSON of a lead."""
    day = as_of or leads.today()
    return LeadOut(**lead.__dict__, status_name=leads.STATUSES[lead.status],
                   overdue=lead.overdue(day), due_soon=lead.due_soon(day)
                   ).model_dump(mode="json")


def day_arg(name: str) -> date | None:
    """A YYYY-MM-DD query parameter, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"参数{name}应为YYYY-MM-DD格式的日期",
                      fields=[{"path": name, "message": "日期格式应为YYYY-MM-DD"}]) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(f"参数{name}应在{DAY_RANGE}之间",
                      fields=[{"path": name, "message": f"应在{DAY_RANGE}之间"}])
    return day


@bp.post("/leads")
def register() -> tuple[Response, int]:
    """Register a lead; it gets the unit's next 线索编号 for its year."""
    lead = leads.register(get_register().engine, current_unit(), json_body(), issued_by())
    return jsonify(out(lead)), 201


@bp.get("/leads")
def listing() -> Response:
    """The unit's leads: all, or of one status; overdue and due_soon on `as_of`."""
    unknown = sorted(set(request.args) - {"status", "as_of", "from", "to"})
    if unknown:
        raise Invalid(f"不认识的查询参数：{'、'.join(unknown)}",
                      fields=[{"path": n, "message": "不认识的查询参数"} for n in unknown])
    as_of = day_arg("as_of") or leads.today()
    engine, unit = get_register().engine, current_unit()
    found = lead_deadlines.listing(engine, unit, request.args.get("status") or None, as_of,
                                   day_arg("from"), day_arg("to"))
    counts = lead_deadlines.counts(engine, unit, as_of)
    return jsonify(LeadList(as_of=as_of, **counts, leads=[
        LeadOut.model_validate(out(lead, as_of)) for lead in found]).model_dump(mode="json"))


@bp.get("/leads/<doc_id:lead_id>")
def lead(lead_id: str) -> Response:
    """One lead of the unit."""
    return jsonify(out(leads.get(get_register().engine, current_unit(), lead_id)))


@bp.put("/documents/<doc_id:doc_id>/feedback")
def feedback(doc_id: str) -> Response:
    """Record (or replace) the receiving side's answer to one of the unit's notices."""
    lead = lead_feedback.record(get_register().engine, current_unit(), doc_id, json_body())
    return jsonify(out(lead))


@bp.put("/documents/<doc_id:doc_id>/feedback/file")
def feedback_file(doc_id: str) -> Response:
    """Store the signed report of the answer: the body is the PDF, PNG or JPEG itself."""
    lead = lead_feedback.attach(get_register().engine, current_unit(), doc_id,
                                request.get_data(cache=False), request.mimetype, FILE_LIMIT)
    return jsonify(out(lead))


@bp.get("/leads/<doc_id:lead_id>/file")
def lead_file(lead_id: str) -> Response:
    """The signed report of the answer, as sent."""
    found = lead_feedback.file_of(get_register().engine, current_unit(), lead_id)
    suffix = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
    return send_file(io.BytesIO(found.content), mimetype=found.media_type,
                     as_attachment=True, download_name=f"feedback-{lead_id}."
                     f"{suffix[found.media_type]}")


@bp.post("/leads/<doc_id:lead_id>/accept")
def accept(lead_id: str) -> Response:
    """销号: accept an answer that says 办结."""
    return jsonify(out(lead_feedback.accept(get_register().engine, current_unit(), lead_id,
                                            issued_by())))


@bp.post("/leads/<doc_id:lead_id>/return")
def send_back(lead_id: str) -> Response:
    """退回 an answer, with the reason."""
    body: Reason = validate_json(Reason, json_body())
    return jsonify(out(lead_feedback.send_back(get_register().engine, current_unit(), lead_id,
                                               body.reason, issued_by())))


@bp.post("/leads/<doc_id:lead_id>/escalate")
def escalate(lead_id: str) -> Response:
    """提级核查 an overdue lead, with the reason."""
    body: Reason = validate_json(Reason, json_body())
    return jsonify(out(lead_feedback.escalate(get_register().engine, current_unit(), lead_id,
                                              body.reason, issued_by())))


@bp.get("/leads/summary")
def summary_payload() -> Response:
    """The 统计表（周报） payload with the unit's leads of a period as its records: post it to
    /api/v1/documents/summary (or preview it) as it is, or add to it first."""
    unknown = sorted(set(request.args) - {"from", "to", "filled_by"})
    if unknown:
        raise Invalid(f"不认识的查询参数：{'、'.join(unknown)}",
                      fields=[{"path": n, "message": "不认识的查询参数"} for n in unknown])
    end = day_arg("to") or leads.today()
    start = day_arg("from") or end
    if end < start:
        raise Invalid("统计期止不能早于统计期起",
                      fields=[{"path": "to", "message": "不能早于from"}])
    filled_by = (request.args.get("filled_by") or str(issued_by() or "未填"))[:50]
    payload = lead_summary.weekly(get_register(), current_unit(), start, end, filled_by,
                                  leads.today())
    checked = issuing.validate(issuing.get_kind("summary"), payload)  # as the schema says
    return jsonify(checked.model_dump(mode="json"))
