"""Records read in on the web form: the form's upload (导入) posts the whole form with the
file, and comes back with the table filled from the file (of the four lists: every list
an exported workbook holds, or from a CSV the table whose 导入 was pressed), or with every
bad cell named by row and column and the tables as they were (nothing half-imported). The
blank CSV of the headers to fill in. The gate checks CSRF and refuses read-only officers
(403) before this."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from service import imports, web
from service.errors import Malformed, ServiceError
from service.form_posts import check_rows, flatten, payload_from_form
from service.forms import form_for
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


def _file(importer: imports.Importer, target: imports.Table) -> Any:
    """The file chosen beside the table whose 导入 was pressed: every table's file input is
    posted (empty ones too), in the tables' order."""
    files = request.files.getlist("_file")
    index = importer.tables.index(target)
    if len(files) == len(importer.tables) and files[index].filename:
        return files[index]
    return next((f for f in files if f.filename), files[0] if files else None)


def _count(payload: dict[str, Any], path: str) -> int:
    node: Any = payload
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return len(node) if isinstance(node, list) else 0


def _lists(fragment: dict[str, Any], prefix: str = "") -> list[tuple[str, list[Any]]]:
    out: list[tuple[str, list[Any]]] = []
    for key, value in fragment.items():
        out += (_lists(value, f"{prefix}{key}.") if isinstance(value, dict)
                else [(f"{prefix}{key}", value)])
    return out


@bp.post("/new/<kind_name>/import")
def upload(kind_name: str) -> Any:
    """导入: the form as posted, the table whose 导入 was pressed replaced by the file's
    records (an XLSX with record sheets fills every table it holds) if every row is good;
    else the form as posted, with the file's errors."""
    importer = _importer(kind_name)
    kind = KINDS[kind_name]
    check_rows(form_for(kind.model), request.form)  # 400 for a forged row key
    try:
        target = importer.table(request.form.get("_import") or importer.field)
    except ServiceError:
        abort(400)
    values = _posted()
    file = _file(importer, target)
    content = file.read() if file else b""
    name = (file.filename or "")[-60:] if file else ""
    page = {"import_at": target.field}
    if not content:
        text = "请先选择要导入的Excel（.xlsx）或CSV文件" if not name else f"“{name}”是空文件"
        return web._form_page(kind, values, {}, 422, f"未导入：{text}。", **page,
                              import_message=text, import_errors=[text])
    try:
        fragment = importer.read(content, file.mimetype if file else "", target.field,
                                 every=True)
    except ServiceError as err:
        lines = [f["message"] for f in err.fields if f.get("message")] or [err.message]
        if len(lines) > MAX_LISTED:
            lines = [*lines[:MAX_LISTED], f"……另有{len(lines) - MAX_LISTED}处错误未列出"]
        count = sum(1 for f in err.fields if "rows." in str(f.get("path", "")))
        head = f"“{name}”有{count}处错误" if count else f"“{name}”不能导入"
        tables = "下表" if len(importer.tables) == 1 else "各表"
        text = f"{head}，未导入任何记录，{tables}保持原样。"
        return web._form_page(kind, values, {}, 422, f"{text}错误清单在“导入”处。", **page,
                              import_message=text, import_errors=lines)
    before = payload_from_form(form_for(kind.model), request.form)
    read = _lists(fragment)
    filled = dict(values)
    for path, records in read:
        filled = {k: v for k, v in filled.items() if k != path and not k.startswith(path + ".")}
        filled.update(flatten(records, path))
    replaced = sum(_count(before, path) for path, _ in read)
    if len(importer.tables) == 1:
        what = f"{len(read[0][1])}条记录"
    else:
        names = {t.field: t.name for t in importer.tables}
        what = "：" + "、".join(f"{names[path]}{len(records)}条" for path, records in read)
    notice = (f"已从“{name}”导入{what}" + (f"，替换了原有的{replaced}条" if replaced else "") +
              "。请核对后点“预览草稿”。")
    return web._form_page(kind, filled, {}, 200, import_notice=notice, **page)


@bp.get("/import/<kind_name>/blank.csv")
def blank(kind_name: str) -> Response:
    """The header row to fill in (CSV, UTF-8 with BOM), the columns the import reads; of a
    kind with several lists, the one `list=` names."""
    importer = _importer(kind_name)
    chosen = request.args.get("list")
    if chosen is None and len(importer.tables) > 1:
        abort(404)  # several lists: the link names one
    try:
        table = importer.table(chosen) if chosen else importer.tables[0]
    except ServiceError:
        abort(404)
    response = Response(imports.blank_csv(table), mimetype="text/csv")
    ascii_name, shown = ("records", "") if len(importer.tables) == 1 else (
        table.field, f"-{table.name}")
    response.headers["Content-Disposition"] = (
        f"attachment; filename={kind_name}-{ascii_name}.csv; "
        f"filename*=UTF-8''{quote(KINDS[kind_name].short + shown + '-导入模板.csv')}")
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
