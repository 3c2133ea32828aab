"""The officers' web pages: fill a form, preview the draft, issue, print, find in the register.

Every page goes through the same use case as the API (service.issuing); the forms are
generated from the kinds' models (service.forms)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from babel.dates import format_datetime, get_timezone
from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from werkzeug.datastructures import MultiDict

from service import audit, corrections, imports, issuing, lead_web, leads, units
from service.db import get_register
from service.drafts import load_draft, save_draft
from service.errors import Malformed, ServiceError
from service.form_posts import (
    anchored_errors,
    check_rows,
    choice_boxes,
    flatten,
    payload_from_form,
    row_count,
    row_index,
)
from service.forms import form_for, initial_values
from service.gate.csrf import CsrfFailed
from service.gate.login import current_principal, current_unit, issued_by
from service.http_errors import error_page
from service.kinds import KINDS, Kind
from service.lookup import Record
from service.render import glyphs
from service.render.reading import render_reading

bp = Blueprint("web", __name__)
PAGE = 20
TIMEZONE = "Asia/Shanghai"


@bp.app_template_filter("localtime")
def localtime(moment: datetime) -> str:
    """A stored UTC time as Beijing time: 2022年1月7日 09:30."""
    return format_datetime(moment, "yyyy年M月d日 HH:mm", tzinfo=get_timezone(TIMEZONE),
                           locale="zh_CN")


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"row_count": row_count, "choice_boxes": choice_boxes, "kinds_by_name": KINDS}


def _kind(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        abort(404)
    return kind


def _load(draft_id: str) -> tuple[str, dict[str, Any], str | None] | None:
    return load_draft(get_register(), draft_id, unit=current_unit(), owner=issued_by())


def _blank(kind: Kind) -> dict[str, Any]:
    """A new form: today's dates, and the unit's profile where the kind has such fields."""
    values = initial_values(form_for(kind.model), date.today())
    fields = {f.name for f in form_for(kind.model).children}
    defaults = units.prefill(units.get(get_register(), current_unit()).profile)
    return {**values, **{k: v for k, v in defaults.items() if k.split(".")[0] in fields}}


def _similar(kind: Kind, data: dict[str, Any]) -> dict[str, Any]:
    """Values for a new document like an issued one: dates that default to today reset."""
    values = flatten(data)
    for field in form_for(kind.model).children:
        if field.default == "today":
            values[field.name] = date.today().isoformat()
    values.pop("issue_no", None)  # a chosen number belongs to the earlier document
    return values


def _edit_rows(kind: Kind, values: dict[str, Any], form: MultiDict[str, str]
               ) -> dict[str, Any]:
    """Apply a no-JavaScript 增加一行 / 删除 button to the posted values (400 for a row that
    is not a row of this form, or one past its list's limit)."""
    fields = form_for(kind.model)
    check_rows(fields, form)
    if target := form.get("_add"):
        n = 1 + max((int(k[len(target) + 1:].split(".")[0]) for k in values
                     if k.startswith(target + ".") and k[len(target) + 1:].split(".")[0].isdigit()),
                    default=-1)
        row_index(fields, f"{target}.{n}")
        values[f"{target}.{n}"] = ""
    if target := form.get("_remove"):
        row_index(fields, target)
        base, _, index = target.rpartition(".")
        out: dict[str, Any] = {}
        for key, value in values.items():
            rest = key[len(base) + 1:] if key.startswith(base + ".") else None
            head = rest.split(".")[0] if rest else ""
            if rest is None or not head.isdigit():
                out[key] = value
            elif int(head) != int(index):
                shifted = int(head) - (int(head) > int(index))
                out[f"{base}.{shifted}{rest[len(head):]}"] = value
        values = out
    return values


def _form_page(kind: Kind, values: dict[str, Any], errors: dict[str, str], status: int = 200,
               message: str = "", **extra: Any) -> tuple[str, int]:
    """The form of `kind` with `values`; `extra` for the template (an import's outcome)."""
    return render_template("web/form.html", kind=kind, form=form_for(kind.model),
                           values=values, errors=errors, message=message,
                           correcting=_correcting(kind), importers=imports.tables(kind.name),
                           **extra), status


def _correcting(kind: Kind) -> Record | None:
    """The issued document of the caller's unit this form corrects (更正), if any."""
    doc_id = request.values.get("_correct") or request.args.get("correct")
    if not doc_id:
        return None
    record = get_register().get(doc_id, current_unit())
    if record is None or record.kind != kind.name or record.status != "issued":
        abort(404)
    return record


EXPIRED = ("页面已过期或来源不明（CSRF校验失败：长时间未操作或已在别处退出），尚未保存。"
           "您填写的内容都在下面，请核对后再次提交；如需登录，请先在新窗口登录。")


@bp.errorhandler(CsrfFailed)
def _expired(err: CsrfFailed) -> Any:
    """A form posted after its session expired comes back filled in, not as a bare 400."""
    name = (request.view_args or {}).get("kind_name", "")
    if request.endpoint != "web.new" or name not in KINDS:
        return error_page(400, str(err.description))
    try:
        check_rows(form_for(KINDS[name].model), request.form)
    except Malformed as bad:  # an error handler that raised would answer 500
        return error_page(400, bad.message)
    values = {k: v for k, v in request.form.items() if not k.startswith("_")}
    return _form_page(KINDS[name], values, {}, 400, EXPIRED)


@bp.get("/")
def home() -> str:
    """The kinds and the latest issued documents."""
    records, total = get_register().find(unit=current_unit(), limit=10)
    return render_template("web/home.html", kinds=KINDS.values(), records=records, total=total,
                           due=lead_web.overdue_counts())


@bp.route("/new/<kind_name>", methods=["GET", "POST"])
def new(kind_name: str) -> Any:
    """The form of a kind: empty, like an issued document, or back from a draft."""
    kind = _kind(kind_name)
    form = form_for(kind.model)
    if request.method == "GET":
        if draft_id := request.args.get("draft"):
            draft = _load(draft_id)
            return _form_page(kind, flatten(draft[1]) if draft else {}, {})
        if record := _correcting(kind):
            return _form_page(kind, flatten(record.data), {})
        if (lead_id := request.args.get("lead")) and kind.name == leads.NOTICE:
            return _form_page(kind, {**_blank(kind), **lead_web.notice_values(lead_id)}, {})
        if doc_id := request.args.get("from"):
            record = get_register().get(doc_id, current_unit())
            if record is None or record.kind != kind.name:
                abort(404)
            return _form_page(kind, _similar(kind, record.data), {})
        return _form_page(kind, _blank(kind), {})
    if "_add" in request.form or "_remove" in request.form:
        values = {k: v for k, v in request.form.items() if not k.startswith("_")}
        return _form_page(kind, _edit_rows(kind, values, request.form), {})
    payload = payload_from_form(form, request.form)
    try:
        issuing.validate(kind, payload)
    except ServiceError as err:
        values = flatten(payload)
        return _form_page(kind, values, anchored_errors(form, values, err.fields), 422,
                          err.message)
    correcting = _correcting(kind)
    draft_id = save_draft(get_register(), kind.name, payload, unit=current_unit(),
                          owner=issued_by(), replaces=correcting.id if correcting else None)
    return redirect(url_for("web.draft", draft_id=draft_id))


@bp.get("/drafts/<draft_id>")
def draft(draft_id: str) -> str:
    """The preview page: the draft PDF, with 签发 and 返回修改."""
    found = _load(draft_id)
    if found is None:
        abort(404)
    corrects = get_register().get(found[2], current_unit()) if found[2] else None
    kind = _kind(found[0])
    context = _draft_context(kind, found[1])
    warnings = [*context.get("warnings", []), *glyphs.warnings(context)] if context else []
    reading = render_reading(kind.name, {**context, "draft": True}) if context else None
    return render_template("web/draft.html", kind=kind, draft_id=draft_id, corrects=corrects,
                           warnings=warnings, reading=reading)


def _draft_context(kind: Kind, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The draft's context (no number yet): what it will carry as 提示 (records left out of
    the period, characters the fonts lack …), as issuing will record them, and its text."""
    try:
        return kind.build(issuing.validate(kind, payload), None)
    except ServiceError:  # a draft saved under an older model: its PDF link says what is wrong
        return None


@bp.get("/drafts/<draft_id>.pdf")
def draft_pdf(draft_id: str) -> Response:
    """The draft rendered as PDF (no number, marked 草稿), shown inline."""
    found = _load(draft_id)
    if found is None:
        abort(404)
    result = issuing.preview(found[0], found[1], "pdf")
    response = send_file(io.BytesIO(result.content), mimetype="application/pdf")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/drafts/<draft_id>/issue")
def issue_draft(draft_id: str) -> Response:
    """签发: number, render and store the draft; a second click returns the same document."""
    found = _load(draft_id)
    if found is None:
        abort(404)
    register = get_register()
    replaces = found[2]
    record = issuing.issue(register, found[0], found[1], unit=current_unit(),
                           idempotency_key=f"web-draft-{draft_id}", issued_by=issued_by(),
                           replaces=replaces,
                           matter=register.matter_of(replaces) if replaces else None)
    return redirect(url_for("web.document", doc_id=record.id))  # type: ignore[return-value]


@bp.get("/documents/<doc_id:doc_id>")
def document(doc_id: str) -> str:
    """An issued document: its number, downloads, print and 新建类似文书."""
    record = get_register().get(doc_id, current_unit())
    if record is None:
        abort(404)
    return _document_page(record)[0]


def _document_page(record: Record, error: str = "", status: int = 200) -> tuple[str, int]:
    register = get_register()
    linked = {i: register.get(i, current_unit()) for i in (record.replaces, record.replaced_by)
              if i}
    return render_template("web/document.html", record=record, kind=KINDS[record.kind],
                           linked=linked, void_error=error,
                           read_only=current_principal().read_only), status


@bp.get("/documents/<doc_id:doc_id>/print.pdf")
def print_pdf(doc_id: str) -> Response:
    """The stored PDF shown inline in the browser, to print."""
    found = get_register().content(doc_id, "pdf", current_unit())
    if found is None:
        abort(404)
    audit.record(get_register().engine, unit=current_unit(), action="download",
                 target=doc_id, detail={"format": "pdf", "print": True})
    return send_file(io.BytesIO(found[0]), mimetype="application/pdf", etag=found[1])


@bp.get("/register")
def register_page() -> str:
    """The register: newest first, filtered by kind and year, searched by number or text."""
    kind = request.args.get("kind") or None
    year_arg = request.args.get("year", "")
    year = int(year_arg) if year_arg.isascii() and year_arg.isdigit() else None
    year = year if year and 1949 <= year <= 9999 else None
    q = (request.args.get("q") or "").strip()[:200] or None
    page_arg = request.args.get("page", "")
    page = max(1, int(page_arg)) if page_arg.isascii() and page_arg.isdigit() else 1
    known = kind if kind in KINDS else None
    records, total = get_register().find(unit=current_unit(), kind=known,
                                         year=year, q=q, limit=PAGE, offset=(page - 1) * PAGE)
    # filtered: an empty page says 没有找到 (something to change), not 还没有签发的文书
    return render_template("web/register.html", records=records, total=total, page=page,
                           pages=max(1, -(-total // PAGE)), kinds=KINDS, kind=kind,
                           year=year_arg, q=q or "", filtered=bool(known or year or q))


@bp.post("/documents/<doc_id:doc_id>/void")
def void(doc_id: str) -> Any:
    """作废 from the document page: a reason and a ticked confirmation are required."""
    record = get_register().get(doc_id, current_unit())
    if record is None:
        abort(404)
    if request.form.get("confirm") != "1":
        return _document_page(record, "请勾选“确认作废”后再提交", 422)
    try:
        corrections.void(get_register(), doc_id, {"reason": request.form.get("reason", "")},
                         unit=current_unit(), by=issued_by())
    except ServiceError as err:
        message = err.fields[0]["message"] if err.fields else err.message
        return _document_page(record, message, 422 if err.fields else 409)
    return redirect(url_for("web.document", doc_id=doc_id))
