"""Records read in: `POST /api/v1/import/<kind>` (an XLSX or CSV body; `summary` and any kind
in service.imports.IMPORTERS) answers the records as the payload's list (a summary's
`findings`), or every bad cell by row and column; and
`flask --app wsgi import-records FILE -o PAYLOAD.json [--into BASE.json]` for an operator."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Blueprint, Response, jsonify, request
from flask.cli import with_appcontext

from service import imports
from service.cli_errors import CliError, Command, fail, read_json_file
from service.errors import NotFound, ServiceError

bp = Blueprint("imports", __name__, url_prefix="/api/v1")


@bp.post("/import/<kind>")
def import_records(kind: str) -> Response:
    """The records of an uploaded sheet as the list of the kind's payload they fill."""
    importer = imports.IMPORTERS.get(kind)
    if importer is None:
        names = "、".join(sorted(imports.IMPORTERS))
        raise NotFound(f"这类文书不能导入记录（可导入：{names}）", code="unknown_kind")
    found = importer.read(request.get_data(cache=False), request.mimetype)
    return jsonify({importer.field: found})


@click.command("import-records", cls=Command)
@click.argument("source")
@click.option("-o", "--output", required=True, help="写出的统计表数据（JSON）")
@click.option("--into", default="", help="把记录放进这份统计表数据（JSON）的findings，其余照旧")
@with_appcontext
def import_command(source: str, output: str, into: str) -> None:
    """Read the records of an XLSX or CSV file into a summary payload."""
    path = Path(source)
    if not path.is_file():
        raise CliError(f"找不到文件：{source}", 2)
    base = json.loads(read_json_file(Path(into))) if into else {}
    if not isinstance(base, dict):
        raise CliError("--into 应为一份统计表数据（JSON对象）", 2)
    try:
        found = imports.findings(path.read_bytes(), "" if path.suffix.lower() == ".csv"
                                 else imports.XLSX_TYPE)
    except ServiceError as err:
        fail(err, f"{source}：")
    Path(output).write_text(json.dumps({**base, "findings": found}, ensure_ascii=False,
                                       indent=2), encoding="utf-8")
    click.echo(f"{len(found)}条记录 → {output}")
