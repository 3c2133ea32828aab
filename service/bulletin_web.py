"""A bulletin from the register: the officer searches the unit's issued typical cases (text,
week or dates), ticks some, and gets the bulletin form filled with them to edit and issue.
Only the caller's unit's valid cases; the post that fills the form carries the CSRF token."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from service import bulletin_api, bulletin_cases, units
from service.db import get_register
from service.drafts import save_draft
from service.errors import Invalid
from service.gate.login import current_principal, current_unit, issued_by

bp = Blueprint("bulletin_web", __name__)


def _page(message: str = "", status: int = 200) -> tuple[str, int]:
    """The search form and what it finds; a bad period is said, not a bare 400."""
    values = request.values
    query = {k: (values.get(k) or "").strip()[:200] for k in ("q", "week", "from", "to")}
    try:
        start, end = bulletin_cases.period(query["week"], query["from"], query["to"])
    except Invalid as err:
        return _render(query, [], 0, None, None, err.message), 422
    cases, total = bulletin_cases.find(get_register(), current_unit(), q=query["q"] or None,
                                       start=start, end=end)
    return _render(query, cases, total, start, end, message), status


def _render(query: dict[str, str], cases: list[bulletin_cases.Case], total: int,
            start: date | None, end: date | None, message: str) -> str:
    return render_template("web/bulletin_cases.html", query=query, cases=cases, total=total,
                           start=start, end=end, message=message,
                           read_only=current_principal().read_only,
                           searched=any(query.values()))


@bp.get("/bulletins/cases")
def cases_page() -> tuple[str, int]:
    """The unit's issued typical cases, searched by text and period, to tick."""
    return _page()


@bp.post("/bulletins/cases")
def fill() -> Any:
    """The bulletin form filled with the ticked cases (a draft of the officer's own)."""
    ids = request.form.getlist("case")
    if not ids:
        return _page("请至少勾选一个典型案例", 422)
    register, unit = get_register(), current_unit()
    cases = bulletin_cases.take(register, unit, ids)  # another unit's: 404, as if absent
    start, end = bulletin_cases.period(request.form.get("week", ""),
                                       request.form.get("from", ""), request.form.get("to", ""))
    data = bulletin_cases.payload(units.get(register, unit).name, cases, start, end,
                                  date.today())
    draft_id = save_draft(register, "bulletin", data, unit=unit, owner=issued_by())
    return redirect(url_for("web.new", kind_name="bulletin", draft=draft_id))


def init_app(app: Flask) -> None:
    """Register the case picker's page and its API."""
    app.register_blueprint(bp)
    app.register_blueprint(bulletin_api.bp)
