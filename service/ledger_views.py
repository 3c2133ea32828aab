"""The 线索清单 as a download: `GET /api/v1/leads/ledger.<pdf|docx|xlsx>` for the caller's
unit, and `flask --app wsgi ledger --from … --to … -o DIR` for an operator."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import click
from flask import Blueprint, Response, request, send_file
from flask.cli import with_appcontext

from service import ledger
from service.cli_errors import CliError, Command, fail
from service.db import get_register
from service.errors import Invalid, NotFound, ServiceError
from service.gate.login import current_unit
from service.lead_api import day_arg
from service.leads import today
from service.render import MEDIA_TYPES
from service.tables import DEFAULT_UNIT

bp = Blueprint("ledger", __name__, url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/leads/ledger.<fmt>")
def ledger_file(fmt: str) -> Response:
    """The unit's 线索清单 for a day (from = to, default today) or a period."""
    if fmt not in ledger.LEDGER_FORMATS:
        raise NotFound("线索清单只有pdf、docx和xlsx格式")
    unknown = sorted(set(request.args) - {"from", "to", "public"})
    if unknown or request.args.get("public", "0") not in ("0", "1"):
        names = unknown or ["public"]
        raise Invalid(f"查询参数有误：{'、'.join(names)}（public取0或1）",
                      fields=[{"path": n, "message": "不认识的查询参数或取值"} for n in names])
    end = day_arg("to") or today()
    start = day_arg("from") or end
    content, name = ledger.render(get_register(), current_unit(), start, end,
                                  request.args.get("public") == "1", fmt)
    response = send_file(io.BytesIO(content), mimetype=MEDIA_TYPES.get(fmt, XLSX), max_age=0)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="ledger-{start}-{end}.{fmt}"; filename*=UTF-8\'\'{quote(name)}')
    return response


def _day(text: str, option: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CliError(f"{option} 应为日期 YYYY-MM-DD，例如 2022-01-07", 2) from None


@click.command("ledger", cls=Command)
@click.option("--from", "start", default="", help="接报日期起（YYYY-MM-DD），默认与--to相同")
@click.option("--to", "end", default="", help="接报日期止（YYYY-MM-DD），默认今天")
@click.option("-o", "--output", "out", required=True, help="输出目录")
@click.option("--format", "formats", default="pdf,docx,xlsx", show_default=True)
@click.option("--public", is_flag=True, help="公开版：不含举报人信息和备注")
@click.option("--unit", "unit", default=DEFAULT_UNIT, show_default=True, help="单位代码")
@with_appcontext
def ledger_command(start: str, end: str, out: str, formats: str, public: bool,
                   unit: str) -> None:
    """Write the unit's 每日举报问题线索清单 for a day or a period into a folder."""
    last = _day(end, "--to") if end else today()
    first = _day(start, "--from") if start else last
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    if not chosen or set(chosen) - set(ledger.LEDGER_FORMATS):
        raise CliError("--format 只能是 pdf、docx、xlsx 中的一个或几个，用逗号分隔", 2)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for fmt in chosen:
            content, name = ledger.render(get_register(), unit, first, last, public, fmt)
            (folder / name).write_bytes(content)
            click.echo(f"{folder / name}")
    except ServiceError as err:
        fail(err)
