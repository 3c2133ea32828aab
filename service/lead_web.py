"""The officers' pages of the closed loop: the leads (overdue first), registering one,
one lead with its notice and the answer, and the buttons that transfer, close (销号), send
back or escalate it. Only the caller's unit; posts carry the CSRF token."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from service import lead_deadlines, lead_feedback, lead_summary, leads
from service.db import get_register
from service.drafts import save_draft
from service.errors import ServiceError
from service.form_posts import anchored_errors, flatten, payload_from_form
from service.forms import form_for
from service.gate.login import current_principal, current_unit, issued_by
from service.lead_api import FILE_LIMIT, day_arg

bp = Blueprint("lead_web", __name__)
TABS = [("overdue", "已逾期"), ("due_soon", "两日内到期"), ("open", "待反馈"),
        ("answered", "待销号"), ("escalated", "提级核查"), ("closed", "已办结"),
        ("registered", "未交办"), ("", "全部")]


def notice_values(lead_id: str) -> dict[str, Any]:
    """Form values of a transfer notice for the unit's lead (the form it is transferred by)."""
    lead = leads.get(get_register().engine, current_unit(), lead_id)
    return {"lead": lead.id, "subject": lead.enterprise or "", "allegation": lead.content,
            "received_on": lead.received_on.isoformat(), "source": "report"}


@bp.get("/leads")
def leads_page() -> str:
    """The unit's leads of one tab, with the counts and the ledger downloads."""
    status = request.args.get("status", "overdue")
    as_of = day_arg("as_of") or leads.today()
    engine, unit = get_register().engine, current_unit()
    found = lead_deadlines.listing(engine, unit, status or None, as_of)
    counts = lead_deadlines.counts(engine, unit, as_of)
    return render_template("web/leads.html", leads=found, counts=counts, tabs=TABS,
                           status=status, as_of=as_of, today=leads.today(),
                           names=leads.STATUSES)


@bp.route("/leads/new", methods=["GET", "POST"])
def new_lead() -> Any:
    """登记线索."""
    form = form_for(leads.LeadIn)
    values: dict[str, Any] = {"received_on": leads.today().isoformat()}
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        payload = payload_from_form(form, request.form)
        try:
            lead = leads.register(get_register().engine, current_unit(), payload, issued_by())
            return redirect(url_for("lead_web.lead_page", lead_id=lead.id))
        except ServiceError as err:
            values, message = flatten(payload), err.message
            errors = anchored_errors(form, values, err.fields)
    return render_template("web/lead_new.html", form=form, values=values, errors=errors,
                           message=message), 422 if message else 200


def _page(lead_id: str, message: str = "", errors: dict[str, str] | None = None,
          values: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    lead = leads.get(get_register().engine, current_unit(), lead_id)
    answer = values if values is not None else flatten(lead.feedback or {
        "acknowledged_on": leads.today().isoformat()})
    return render_template("web/lead.html", lead=lead, form=form_for(lead_feedback.FeedbackIn),
                           values=answer, errors=errors or {}, message=message,
                           today=leads.today(), names=leads.STATUSES), status


@bp.get("/leads/<doc_id:lead_id>")
def lead_page(lead_id: str) -> tuple[str, int]:
    """One lead: its notice, deadline, answer and what can be done with it."""
    return _page(lead_id)


@bp.post("/leads/<doc_id:lead_id>/feedback")
def record_feedback(lead_id: str) -> Any:
    """The answer typed in from the signed report, and the report itself."""
    engine, unit = get_register().engine, current_unit()
    lead = leads.get(engine, unit, lead_id)
    payload = payload_from_form(form_for(lead_feedback.FeedbackIn), request.form)
    upload = request.files.get("file")
    try:
        if lead.document_id is None:
            return _page(lead_id, "这条线索还没有交办，不能登记反馈", status=409)
        lead_feedback.record(engine, unit, lead.document_id, payload)
        if upload and upload.filename:
            lead_feedback.attach(engine, unit, lead.document_id, upload.read(FILE_LIMIT + 1),
                                 upload.mimetype, FILE_LIMIT)
    except ServiceError as err:
        values = flatten(payload)
        errors = anchored_errors(form_for(lead_feedback.FeedbackIn), values, err.fields)
        return _page(lead_id, err.message, errors, values,
                     422 if err.code != "lead_closed" else 409)
    return redirect(url_for("lead_web.lead_page", lead_id=lead_id, saved=1))


@bp.post("/leads/<doc_id:lead_id>/<any(accept, return, escalate):action>")
def decide(lead_id: str, action: str) -> Any:
    """销号, 退回 or 提级核查 from the lead's page."""
    engine, unit, reason = get_register().engine, current_unit(), request.form.get("reason", "")
    try:
        if action == "accept":
            lead_feedback.accept(engine, unit, lead_id, issued_by())
        elif not reason.strip():
            return _page(lead_id, "请写明理由", {f"{action}-reason": "请写明理由"}, status=422)
        elif action == "return":
            lead_feedback.send_back(engine, unit, lead_id, reason.strip(), issued_by())
        else:
            lead_feedback.escalate(engine, unit, lead_id, reason.strip(), issued_by())
    except ServiceError as err:
        return _page(lead_id, err.message, status=409)
    return redirect(url_for("lead_web.lead_page", lead_id=lead_id))


@bp.get("/leads/<doc_id:lead_id>/transfer")
def transfer(lead_id: str) -> Any:
    """交办: the transfer notice form, filled in from the lead."""
    leads.check_open(get_register().engine, current_unit(), lead_id)
    return redirect(url_for("web.new", kind_name=leads.NOTICE, lead=lead_id))


@bp.post("/leads/summary")
def summary_draft() -> Any:
    """统计表（周报） from the leads of a period: a draft to check, preview and issue."""
    start = day_arg_form("from")
    end = day_arg_form("to")
    if start is None or end is None or end < start:
        return redirect(url_for("lead_web.leads_page", status="", bad_period=1))
    payload = lead_summary.weekly(get_register(), current_unit(), start, end,
                                  current_principal().name, leads.today())
    draft_id = save_draft(get_register(), "summary", payload, unit=current_unit(),
                          owner=issued_by())
    return redirect(url_for("web.draft", draft_id=draft_id))


def day_arg_form(name: str) -> date | None:
    """A YYYY-MM-DD field of the posted form, or None."""
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def overdue_counts() -> dict[str, int]:
    """The unit's overdue and due-soon counts today (the home page's)."""
    return lead_deadlines.counts(get_register().engine, current_unit(), leads.today())

