"""Records read in on the web form: the form's upload (导入) posts the whole form with the
file, and comes back with the table filled from the file, or with every bad cell named by
row and column and the table as it was (nothing half-imported). The blank CSV of the
headers to fill in. The gate checks CSRF and refuses read-only officers (403) before this."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from service import imports, web
from service.errors import Malformed, ServiceError
from service.forms import check_rows, flatten, form_for, payload_from_form
from service.gate.csrf import CsrfFailed
from service.http_errors import error_page
from service.kinds import KINDS

bp = Blueprint("import_web", __name__)
MAX_LISTED = 200  # errors listed on the page; the rest are counted


def _importer(kind_name: str) -> imports.Importer:
    importer = imports.IMPORTERS.get(kind_name)
    if importer is None or kind_name not in KINDS:
        abort(404)
    return importer


def _posted() -> dict[str, Any]:
    return {k: v for k, v in request.form.items() if not k.startswith("_")}


@bp.post("/new/<kind_name>/import")
def upload(kind_name: str) -> Any:
    """导入: the form as posted, its table replaced by the file's records if every row is
    good; else the form as posted, with the file's errors."""
    importer = _importer(kind_name)
    kind = KINDS[kind_name]
    check_rows(form_for(kind.model), request.form)  # 400 for a forged row key
    values = _posted()
    file = request.files.get("_file")
    content = file.read() if file else b""
    name = (file.filename or "")[-60:] if file else ""
    if not content:
        text = "请先选择要导入的Excel（.xlsx）或CSV文件" if not name else f"“{name}”是空文件"
        return web._form_page(kind, values, {}, 422, f"未导入：{text}。",
                              import_message=text, import_errors=[text])
    try:
        records = importer.read(content, file.mimetype if file else "")
    except ServiceError as err:
        lines = [f["message"] for f in err.fields if f.get("message")] or [err.message]
        if len(lines) > MAX_LISTED:
            lines = [*lines[:MAX_LISTED], f"……另有{len(lines) - MAX_LISTED}处错误未列出"]
        count = sum(1 for f in err.fields if str(f.get("path", "")).startswith("rows."))
        head = f"“{name}”有{count}处错误" if count else f"“{name}”不能导入"
        text = f"{head}，未导入任何记录，下表保持原样。"
        return web._form_page(kind, values, {}, 422, f"{text}错误清单在“导入”处。",
                              import_message=text, import_errors=lines)
    before = len(payload_from_form(form_for(kind.model), request.form).get(importer.field)
                 or [])
    field = importer.field
    kept = {k: v for k, v in values.items() if k != field and not k.startswith(field + ".")}
    filled = {**kept, **flatten({field: records})}
    notice = (f"已从“{name}”导入{len(records)}条记录" +
              (f"，替换了原有的{before}条" if before else "") + "。请核对后点“预览草稿”。")
    return web._form_page(kind, filled, {}, 200, import_notice=notice)


@bp.get("/import/<kind_name>/blank.csv")
def blank(kind_name: str) -> Response:
    """The header row to fill in (CSV, UTF-8 with BOM), the columns the import reads."""
    importer = _importer(kind_name)
    response = Response(imports.blank_csv(importer), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename={kind_name}-records.csv; "
        f"filename*=UTF-8''{quote(KINDS[kind_name].short + '-导入模板.csv')}")
    return response


@bp.errorhandler(CsrfFailed)
def _expired(err: CsrfFailed) -> Any:
    """An upload after the session expired: the form comes back as posted (the file is not
    read), with the message that nothing was saved."""
    name = (request.view_args or {}).get("kind_name", "")
    if name not in KINDS:
        return error_page(400, str(err.description))
    try:
        check_rows(form_for(KINDS[name].model), request.form)
    except Malformed as bad:
        return error_page(400, bad.message)
    return web._form_page(KINDS[name], _posted(), {}, 400, web.EXPIRED)
