"""Records read in: `POST /api/v1/import/<kind>` (an XLSX or CSV body; the kinds in
service.imports.IMPORTERS) answers the payload fragment of the lists it holds — a summary's
`findings`; of the four lists every record sheet of the workbook, or the one list a CSV
fills, named by `list=` — or every bad cell by row and column; and
`flask --app wsgi import-records FILE -o PAYLOAD.json [--kind K] [--list L] [--into BASE.json]`
for an operator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, Response, jsonify, request
from flask.cli import with_appcontext

from service import imports
from service.cli_errors import CliError, Command, fail, read_json_file
from service.errors import NotFound, ServiceError

bp = Blueprint("imports", __name__, url_prefix="/api/v1")


def importer_of(kind: str) -> imports.Importer:
    """The kind's importer; 404 unknown_kind naming those that have one."""
    importer = imports.IMPORTERS.get(kind)
    if importer is None:
        names = "、".join(sorted(imports.IMPORTERS))
        raise NotFound(f"这类文书不能导入记录（可导入：{names}）", code="unknown_kind")
    return importer


@bp.post("/import/<kind>")
def import_records(kind: str) -> Response:
    """The records of an uploaded workbook or CSV as the part of the kind's payload they
    fill ({"findings": [...]}, {"enforcement": {"fines": [...]}, ...})."""
    importer = importer_of(kind)
    name = request.args.get("list") or request.form.get("list") or None
    return jsonify(importer.read(request.get_data(cache=False), request.mimetype, name))


def merged(base: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    """`base` with the fragment's lists put in (nested objects merged, lists replaced)."""
    out = dict(base)
    for key, value in fragment.items():
        inner = out.get(key)
        out[key] = merged(inner, value) if isinstance(value, dict) and isinstance(
            inner, dict) else value
    return out


def _counts(fragment: dict[str, Any], prefix: str = "") -> list[tuple[str, int]]:
    out = []
    for key, value in fragment.items():
        path = f"{prefix}{key}"
        out += _counts(value, path + ".") if isinstance(value, dict) else [(path, len(value))]
    return out


@click.command("import-records", cls=Command)
@click.argument("source")
@click.option("-o", "--output", required=True, help="写出的文书数据（JSON）")
@click.option("--kind", default="summary", show_default=True,
              help="文书种类：summary（统计表）或 daily-lists（四个清单）")
@click.option("--list", "list_name", default="",
              help="导入哪一个清单（CSV必填，如 enforcement.fines 或 行政处罚款）；"
                   "Excel不填则读取其中全部记录表")
@click.option("--into", default="", help="把记录放进这份文书数据（JSON），其余照旧")
@with_appcontext
def import_command(source: str, output: str, kind: str, list_name: str, into: str) -> None:
    """Read the records of an XLSX or CSV file into a payload of the kind."""
    path = Path(source)
    if not path.is_file():
        raise CliError(f"找不到文件：{source}", 2)
    base = json.loads(read_json_file(Path(into))) if into else {}
    if not isinstance(base, dict):
        raise CliError("--into 应为一份文书数据（JSON对象）", 2)
    try:
        importer = importer_of(kind)
        fragment = importer.read(path.read_bytes(), "" if path.suffix.lower() == ".csv"
                                 else imports.XLSX_TYPE, list_name or None)
    except ServiceError as err:
        fail(err, f"{source}：")
    Path(output).write_text(json.dumps(merged(base, fragment), ensure_ascii=False, indent=2),
                            encoding="utf-8")
    counts = _counts(fragment)
    if len(counts) == 1:
        click.echo(f"{counts[0][1]}条记录 → {output}")
    else:
        click.echo("，".join(f"{path} {n}条" for path, n in counts) + f" → {output}")
