"""The 集中行动联络人 from the units' profiles: `GET /api/v1/unit/contacts.<pdf|docx|xlsx>`
for the caller's own unit, and `flask --app wsgi contacts -o FILE` for an operator, who may
gather several units (or all) into one table, as a campaign office does."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
from flask import Blueprint, Response, request, send_file
from flask.cli import with_appcontext

from service import issuing, units
from service.cli_errors import CliError, Command, fail
from service.db import get_register
from service.errors import Invalid, NotFound, ServiceError
from service.gate.login import current_unit
from service.kinds.contacts import FORM_TITLE
from service.lead_api import day_arg
from service.leads import today
from service.register import Register
from service.render import MEDIA_TYPES
from service.tables import DEFAULT_UNIT

bp = Blueprint("contacts", __name__, url_prefix="/api/v1/unit")
KIND = "contacts"
FORMATS = ("pdf", "docx", "xlsx")
MEDIA = {**MEDIA_TYPES,
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
QUERY = ("campaign", "filled_by", "filled_on")


def payload(register: Register, codes: list[str], *, filing_unit: str | None = None,
            filled_by: str | None = None, filled_on: date | None = None,
            campaign: str | None = None) -> dict[str, Any]:
    """The contacts payload of the units `codes` (in that order), from their profiles."""
    infos = [units.get(register, code) for code in codes]
    rows = [row for info in infos for row in units.contact_rows(info.profile)]
    data: dict[str, Any] = {"unit": filing_unit or infos[0].name,
                            "filled_on": (filled_on or today()).isoformat(), "contacts": rows}
    data.update({k: v for k, v in (("filled_by", filled_by), ("campaign", campaign)) if v})
    return data


def render(data: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    """The table in `fmt` and its file name."""
    name = f"{data.get('campaign') or ''}{FORM_TITLE}-{data['unit']}.{fmt}"
    return issuing.render_final(KIND, data, fmt), name  # type: ignore[arg-type]


@bp.get("/contacts.<fmt>")
def contacts_file(fmt: str) -> Response:
    """The caller's unit's 集中行动联络人 table, from its profile."""
    if fmt not in FORMATS:
        raise NotFound("联络人表只有pdf、docx和xlsx格式")
    unknown = sorted(set(request.args) - set(QUERY))
    if unknown:
        raise Invalid(f"查询参数有误：{'、'.join(unknown)}",
                      fields=[{"path": n, "message": "不认识的查询参数"} for n in unknown])
    data = payload(get_register(), [current_unit()], filled_by=request.args.get("filled_by"),
                   filled_on=day_arg("filled_on"), campaign=request.args.get("campaign"))
    content, name = render(data, fmt)
    response = send_file(io.BytesIO(content), mimetype=MEDIA[fmt], max_age=0)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="contacts.{fmt}"; filename*=UTF-8\'\'{quote(name)}')
    return response


def openapi_paths() -> dict[str, Any]:
    """The OpenAPI paths of the download, one per format."""
    def query(name: str, description: str, **schema: Any) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": {"type": "string", **schema}}

    from service.openapi_parts import errors

    return {f"/api/v1/unit/contacts.{fmt}": {"get": {
        "operationId": f"unitContacts{fmt.capitalize()}",
        "summary": f"集中行动联络人表（{fmt.upper()}）", "tags": ["本单位"],
        "description": "由本单位资料中的联络人及单位地址、邮编、传真生成（附件6的9列）；"
                       "填报单位为本单位名称。",
        "parameters": [query("campaign", "专项行动名称，印在表名之前，如：“百日攻坚”"),
                       query("filled_by", "填表人（不给则留空）"),
                       query("filled_on", "填表日期，默认今天", format="date")],
        "responses": {"200": {"description": "联络人表", "content": {MEDIA[fmt]: {
            "schema": {"type": "string", "format": "binary"}}}},
            **errors("invalid")}}} for fmt in FORMATS}


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CliError("--filled-on 应为日期 YYYY-MM-DD，例如 2022-01-07", 2) from None


@click.command("contacts", cls=Command)
@click.option("-o", "--output", "out", required=True,
              help="输出文件，.pdf、.docx 或 .xlsx（由扩展名决定格式）")
@click.option("--unit", "codes", multiple=True, help="单位代码，可多次给出；默认 default")
@click.option("--all", "every", is_flag=True, help="登记簿中的所有单位")
@click.option("--filing-unit", default="", help="填报单位，默认为第一个单位的名称")
@click.option("--filled-by", default="", help="填表人（不给则留空）")
@click.option("--filled-on", default="", help="填表日期（YYYY-MM-DD），默认今天")
@click.option("--campaign", default="", help="专项行动名称，印在表名之前")
@with_appcontext
def contacts_command(out: str, codes: tuple[str, ...], every: bool, filing_unit: str,
                     filled_by: str, filled_on: str, campaign: str) -> None:
    """Write the 集中行动联络人 table of one or more units' profiles into a file."""
    path = Path(out)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise CliError("-o 的扩展名应为 .pdf、.docx 或 .xlsx", 2)
    if every and codes:
        raise CliError("--all 与 --unit 只能给一个", 2)
    register = get_register()
    chosen = ([u.code for u in units.all_units(register)] if every
              else list(codes) or [DEFAULT_UNIT])
    try:
        data = payload(register, chosen, filing_unit=filing_unit or None,
                       filled_by=filled_by or None,
                       filled_on=_day(filled_on) if filled_on else None,
                       campaign=campaign or None)
        content, _ = render(data, fmt)
    except ServiceError as err:
        fail(err)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    click.echo(f"{path}：{len(data['contacts'])}名联络人")
